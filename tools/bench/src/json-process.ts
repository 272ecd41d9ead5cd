import { spawn } from 'node:child_process';

export interface JsonProcessOptions {
  readonly timeoutSeconds: number;
  /** Called with each stderr line as it arrives (progress of long runs). */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs a command and parses the JSON object on the last line of its stdout (the
 * convention of the scripts the bench calls). On failure the error carries the end of
 * stderr.
 */
export async function runJsonProcess<T>(command: string, args: readonly string[], options: JsonProcessOptions): Promise<T> {
  const { code, signal, stdout, stderr } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let partial = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => {
        const text = c.toString();
        stderr = (stderr + text).slice(-4000);
        if (options.onStderrLine) {
          const lines = (partial + text).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) options.onStderrLine(line);
        }
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutSeconds * 1000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
  const name = args.find((a) => !a.startsWith('-')) ?? command;
  if (code !== 0) {
    const why = signal === 'SIGKILL' ? `killed after the ${options.timeoutSeconds} s time limit` : `exit code ${code}`;
    throw new Error(`${name} failed (${why}):\n${stderr.trimEnd()}`);
  }
  const last = stdout.trimEnd().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${name}: expected a JSON object on the last line of stdout, found: ${last.slice(0, 200)}`);
  }
}
