import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '@elbo/runtime';
import { decodeCsv } from './csv.js';
import { decodeIdx } from './idx.js';
import { decodeNpy } from './npy.js';
import { decodeNpz } from './npz.js';
import { readNwb } from './nwb.js';
import { writeNwb } from './nwb-write.js';

// Seeded fuzzing: every truncation point of a valid file's head plus random ones,
// random byte overwrites, and random buffers. A reader may succeed, or fail with its
// own named error (a RangeError starting `reader(file)`); anything else is a bug.
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function mutations(valid: Uint8Array, seed: number, count: number): Uint8Array[] {
  const rng = Generator.fromSeed(seed);
  const out: Uint8Array[] = [];
  for (let cut = 0; cut < Math.min(valid.length, 80); cut++) out.push(valid.slice(0, cut));
  const u = rng.uniformArray(count * 20);
  let k = 0;
  for (let i = 0; i < count; i++) {
    out.push(valid.slice(0, Math.floor(u[k++]! * valid.length)));
    const flipped = valid.slice();
    const flips = 1 + Math.floor(u[k++]! * 8);
    for (let f = 0; f < flips; f++) flipped[Math.floor(u[k++]! * valid.length)] = Math.floor(u[k++]! * 256);
    out.push(flipped);
  }
  for (let i = 0; i < count / 4; i++) {
    const bytes = new Uint8Array(Math.floor(u[k++ % u.length]! * 600));
    rng.fillUint32(new Uint32Array(1));
    const words = rng.fillUint32(new Uint32Array(Math.ceil(bytes.length / 4)));
    bytes.set(new Uint8Array(words.buffer).subarray(0, bytes.length));
    out.push(bytes);
  }
  return out;
}

function expectNamedErrorOrSuccess(reader: string, run: () => unknown): 'ok' | 'error' {
  try {
    run();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message.startsWith(`${reader}(`)).toBe(true);
    return 'error';
  }
}

describe('reader fuzzing (seeded, bounded)', () => {
  it('decodeNpy', () => {
    for (const file of ['f8_le_F.npy', 'i2_be_C.npy', 'b1_le_C.npy']) {
      const valid = new Uint8Array(readFileSync(`${fixtures}npy/${file}`));
      let errors = 0;
      for (const bytes of mutations(valid, 1, 300)) if (expectNamedErrorOrSuccess('readNpy', () => decodeNpy(bytes)) === 'error') errors++;
      expect(errors).toBeGreaterThan(100); // the fuzzing reached the error paths
    }
  });

  it('decodeNpz', () => {
    const valid = new Uint8Array(readFileSync(`${fixtures}npz/compressed.npz`));
    for (const bytes of mutations(valid, 2, 300)) expectNamedErrorOrSuccess('readNpz', () => decodeNpz(bytes));
  });

  it('decodeIdx, plain and gzip', () => {
    const plain = new Uint8Array([0, 0, 8, 2, 0, 0, 0, 3, 0, 0, 0, 4, ...Array.from({ length: 12 }, (_, i) => i)]);
    for (const valid of [plain, gzipSync(plain)]) {
      for (const bytes of mutations(valid, 3, 300)) expectNamedErrorOrSuccess('readIdx', () => decodeIdx(bytes));
    }
  });

  it('decodeCsv with count columns', () => {
    const valid = new TextEncoder().encode('time,unit_1,unit_2,label\n0.001,0,1,"a"\n0.002,1,0,"b,c"\n0.003,0,0,d\n');
    for (const bytes of mutations(valid, 4, 400)) expectNamedErrorOrSuccess('readCsv', () => decodeCsv(bytes, { countColumns: /^unit_/ }));
  });

  describe('readNwb (bytes, then every lazy read)', () => {
    let written: Uint8Array;
    beforeAll(async () => {
      written = await writeNwb({
        sessionDescription: 'fuzz',
        sessionStartTime: '2026-11-21T00:00:00+00:00',
        units: { spikeTimes: [[0.1, 0.2], [0.3]] },
        trials: { startTime: [0, 1], stopTime: [0.5, 1.5] },
      });
    });

    it('survives truncated, corrupted and random NWB bytes', async () => {
      const sources = [written, new Uint8Array(readFileSync(fileURLToPath(new URL('../../../../../shared/data/nwb/pynwb_back_compat/1.5.1_timeseries_no_unit.nwb', import.meta.url))))];
      let opened = 0;
      for (const [s, valid] of sources.entries()) {
        for (const bytes of mutations(valid, 10 + s, 60)) {
          let nwb;
          try {
            nwb = await readNwb(bytes);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
            expect((error as Error).message.startsWith('readNwb(')).toBe(true);
            continue;
          }
          opened++;
          expectNamedErrorOrSuccess('readNwb', () => nwb.units?.spikeTimes());
          expectNamedErrorOrSuccess('readNwb', () => nwb.units && nwb.units.count > 0 && nwb.units.spikeTimesOf(0));
          for (const table of Object.values(nwb.intervals)) for (const c of table.columns) expectNamedErrorOrSuccess('readNwb', () => table.column(c));
          for (const series of nwb.timeSeries) {
            expectNamedErrorOrSuccess('readNwb', () => series.read());
            expectNamedErrorOrSuccess('readNwb', () => series.timestamps());
          }
          nwb.close();
        }
      }
      expect(opened).toBeGreaterThan(0);
      // The module still works after all that.
      const nwb = await readNwb(written);
      expect(nwb.units!.spikeCount).toBe(3);
      nwb.close();
    });
  });
});
