import { describe, expect, it } from 'vitest';
import { philox4x32 } from './philox.js';

// Known-answer vectors published with the algorithm: Random123, tests/kat_vectors
// (github.com/DEShawResearch/random123), lines "philox4x32 10 CTR[4] KEY[2] OUT[4]".
const KAT: ReadonlyArray<{ ctr: number[]; key: number[]; out: number[] }> = [
  { ctr: [0, 0, 0, 0], key: [0, 0], out: [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8] },
  {
    ctr: [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff],
    key: [0xffffffff, 0xffffffff],
    out: [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
  },
  {
    ctr: [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
    key: [0xa4093822, 0x299f31d0],
    out: [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  },
];

describe('philox4x32 (Philox4x32-10)', () => {
  it.each(KAT)('matches the Random123 known-answer vector for ctr $ctr', ({ ctr, key, out }) => {
    const result = new Uint32Array(4);
    philox4x32(ctr[0]!, ctr[1]!, ctr[2]!, ctr[3]!, key[0]!, key[1]!, result);
    expect(Array.from(result)).toEqual(out);
  });

  it('writes at the given offset and leaves the rest alone', () => {
    const result = new Uint32Array(8).fill(7);
    philox4x32(0, 0, 0, 0, 0, 0, result, 4);
    expect(Array.from(result.subarray(0, 4))).toEqual([7, 7, 7, 7]);
    expect(result[4]).toBe(0x6627e8d5);
  });
});
