// Child processes for the release checks: a failure shows the command, its folder and
// the end of what it printed, instead of a bare exit code.
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command and throws, with its output, unless it exits with 0. */
export function runCommand(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): CommandResult {
  const result = runCommandAllowingFailure(command, args, cwd, env);
  if (result.status !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited with ${result.status}:\n${tail}`);
  }
  return result;
}

/** Runs a command and returns its exit status and output, whatever the status. */
export function runCommandAllowingFailure(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CommandResult {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...parentEnvironmentWithoutNpm(), ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Under `npm test` the parent's npm_config_* variables (workspace, prefix, ...) would
// steer the child npm towards the repository; the checks need a plain npm.
function parentEnvironmentWithoutNpm(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}
