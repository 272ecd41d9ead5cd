// Vitest setup file of each target project: makes the runtime's initForTests() (called
// by every numerical test file in beforeAll) start this project's backend and kernels.
import { testing } from '@elbo/runtime';
import { makeBackend, makeKernels, parseLabel } from './targets.js';

const label = process.env['ELBO_TARGET'];
if (label === undefined) throw new Error('set-target: ELBO_TARGET is not set; run the suite through tests/backends/vitest.config.ts');
const target = parseLabel(label);
testing.setTestTarget({ backend: await makeBackend(target.backend), kernels: await makeKernels(target.kernels), label });
