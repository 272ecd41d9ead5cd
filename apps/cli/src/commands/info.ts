import * as tf from '@tensorflow/tfjs';
import { EXIT } from '../errors.js';
import { briefReason, probeBackend } from '../backend-probe.js';
import type { Reporter } from '../reporter.js';
import { CLI_VERSION } from '../version.js';

const PACKAGES = ['runtime', 'backend-wasm', 'backend-cuda', 'kernels', 'vae', 'seq-vae', 'data-io'] as const;

/** Backends and kernels that start here, SIMD, threads and versions. */
export async function infoCommand(reporter: Reporter): Promise<number> {
  const versions: Record<string, string> = { node: process.versions.node, '@elbo/cli': CLI_VERSION, '@tensorflow/tfjs': tf.version.tfjs };
  for (const name of PACKAGES) {
    const pkg = (await import(`@elbo/${name}/package.json`, { with: { type: 'json' } })) as { default: { version: string } };
    versions[`@elbo/${name}`] = pkg.default.version;
  }
  const backends = [];
  for (const name of ['cpu', 'wasm', 'cuda'] as const) {
    const probe = await probeBackend(name, 'tfjs', 0);
    backends.push(
      probe.available
        ? { name, available: true, simd: probe.summary.simd, threads: probe.summary.threadCount, notes: probe.summary.notes }
        : { name, available: false, reason: probe.reason },
    );
  }
  const kernels = [];
  for (const name of ['tfjs', 'assemblyscript'] as const) {
    const probe = await probeBackend('cpu', name, 0);
    kernels.push(probe.available ? { name, available: true, plugin: probe.summary.kernels } : { name, available: false, reason: probe.reason });
  }
  reporter.say('versions');
  for (const [name, version] of Object.entries(versions)) reporter.say(`  ${name.padEnd(20)} ${version}`);
  reporter.say('backends');
  for (const b of backends) {
    if (b.available) reporter.say(`  ${b.name.padEnd(20)} available${b.simd === null ? '' : `, SIMD ${b.simd ? 'on' : 'off'}`}, ${b.threads} thread${b.threads === 1 ? '' : 's'}`);
    else reporter.say(`  ${b.name.padEnd(20)} not available: ${briefReason(b.reason ?? '')}`);
  }
  reporter.say('kernels');
  for (const k of kernels) reporter.say(`  ${k.name.padEnd(20)} ${k.available ? `available (${k.plugin})` : `not available: ${briefReason(k.reason ?? '')}`}`);
  reporter.result({ ok: true, command: 'info', versions, backends, kernels, platform: `${process.platform}-${process.arch}` });
  return EXIT.ok;
}
