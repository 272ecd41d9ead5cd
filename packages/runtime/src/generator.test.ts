import { describe, expect, it } from 'vitest';
import { Generator, uint32ToUnitFloat } from './generator.js';
import { philox4x32 } from './philox.js';
import { ksCritical01, ksStatistic, meanAndVariance, standardNormalCdf } from './testing.js';

describe('Generator', () => {
  it('produces the Philox4x32-10 blocks of its key, counter 0, 1, 2, ... in order', () => {
    const g = Generator.fromSeed(0x1234_5678_9abcn);
    const words = g.fillUint32(new Uint32Array(12));
    const expected = new Uint32Array(12);
    for (let block = 0; block < 3; block++) philox4x32(block, 0, 0, 0, 0x56789abc, 0x1234, expected, 4 * block);
    expect(Array.from(words)).toEqual(Array.from(expected));
    expect(g.counter).toBe(3);
  });

  it('drops the unused tail of a block so every request starts on a block boundary', () => {
    const a = Generator.fromSeed(5);
    a.fillUint32(new Uint32Array(3));
    const next = a.fillUint32(new Uint32Array(4));
    const b = Generator.fromSeed(5);
    b.fillUint32(new Uint32Array(4));
    expect(Array.from(next)).toEqual(Array.from(b.fillUint32(new Uint32Array(4))));
  });

  it('gives the same numbers for the same seed and different ones for another seed', () => {
    const a = Generator.fromSeed(7).normalArray(1000);
    const b = Generator.fromSeed(7).normalArray(1000);
    const c = Generator.fromSeed(8).normalArray(1000);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('maps words into the open interval (0, 1) exactly in float32', () => {
    for (const word of [0, 1, 511, 512, 0x7fffffff, 0xffffffff]) {
      const u = uint32ToUnitFloat(word);
      expect(u).toBeGreaterThan(0);
      expect(u).toBeLessThan(1);
      expect(Math.fround(u)).toBe(u);
    }
  });

  it('draws 1e6 uniforms that pass a KS test at the 1% level', () => {
    const u = Generator.fromSeed(11).uniformArray(1_000_000);
    expect(ksStatistic(u, (x) => Math.min(Math.max(x, 0), 1))).toBeLessThan(ksCritical01(u.length));
  });

  it('draws 1e6 normals with mean 0, variance 1 and a KS test passing at the 1% level', () => {
    const z = Generator.fromSeed(42).normalArray(1_000_000);
    const { mean, variance } = meanAndVariance(z);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(Math.abs(variance - 1)).toBeLessThan(0.01);
    expect(ksStatistic(z, standardNormalCdf)).toBeLessThan(ksCritical01(z.length));
  });

  it('gives an odd-length normal request the same prefix as an even one', () => {
    const odd = Generator.fromSeed(3).normalArray(5);
    const even = Generator.fromSeed(3).normalArray(6);
    expect(Array.from(odd)).toEqual(Array.from(even.subarray(0, 5)));
  });

  it('resumes from a saved state exactly', () => {
    const g = Generator.fromSeed(9);
    g.normalArray(33);
    const saved = g.getState();
    const expected = g.normalArray(100);
    expect(Array.from(new Generator(saved).normalArray(100))).toEqual(Array.from(expected));
    expect(Array.from(g.clone().uniformArray(3))).toEqual(Array.from(g.uniformArray(3)));
  });

  it('splits into deterministic streams that differ from each other and from the parent', () => {
    const g = Generator.fromSeed(1);
    const [a, b] = g.split(2);
    const [a2] = g.split(2);
    const first = a!.uniformArray(64);
    expect(Array.from(first)).toEqual(Array.from(a2!.uniformArray(64)));
    expect(Array.from(first)).not.toEqual(Array.from(b!.uniformArray(64)));
    expect(Array.from(first)).not.toEqual(Array.from(g.uniformArray(64)));
    // Two split streams are uncorrelated.
    const x = Generator.fromSeed(1).split(2).map((s) => s.normalArray(100_000));
    let dot = 0;
    for (let i = 0; i < 100_000; i++) dot += x[0]![i]! * x[1]![i]!;
    expect(Math.abs(dot / 100_000)).toBeLessThan(0.02);
  });

  it('forks new streams and advances the parent so successive forks differ', () => {
    const g = Generator.fromSeed(2);
    const f1 = g.fork();
    const f2 = g.fork();
    expect(g.counter).toBe(2);
    expect(Array.from(f1.uniformArray(8))).not.toEqual(Array.from(f2.uniformArray(8)));
    const again = Generator.fromSeed(2).fork();
    expect(again.key).toEqual(Generator.fromSeed(2).fork().key);
  });

  it('hands out blocks with reserveBlocks and continues the stream after them', () => {
    const drawn = Generator.fromSeed(8);
    const reserved = Generator.fromSeed(8);
    const words = drawn.fillUint32(new Uint32Array(12));
    expect(reserved.reserveBlocks(3)).toBe(0);
    expect(reserved.counter).toBe(3);
    const block = new Uint32Array(4);
    philox4x32(2, 0, 0, 0, reserved.key[0], reserved.key[1], block);
    expect(Array.from(block)).toEqual(Array.from(words.subarray(8, 12)));
    expect(Array.from(reserved.normalArray(6))).toEqual(Array.from(drawn.normalArray(6)));
    expect(() => reserved.reserveBlocks(-1)).toThrow(
      /Generator\.reserveBlocks: blocks must be a non-negative integer, found -1/,
    );
  });

  it('rejects bad seeds, states and sizes with messages naming them', () => {
    expect(() => Generator.fromSeed(-1)).toThrow(/Generator\.fromSeed: seed must be in \[0, 2\^64\), found -1/);
    expect(() => Generator.fromSeed(1.5)).toThrow(/seed must be a non-negative safe integer or a bigint, found 1\.5/);
    expect(() => Generator.fromSeed(1n << 64n)).toThrow(/seed/);
    expect(() => new Generator({ key: [1, 2 ** 32], counter: 0 })).toThrow(/key\[1\] must be a uint32 integer/);
    expect(() => new Generator({ key: [1, 2], counter: -1 })).toThrow(/counter must be an integer/);
    expect(() => Generator.fromSeed(1).split(0)).toThrow(/Generator\.split: n must be a positive integer, found 0/);
    expect(() => Generator.fromSeed(1).normalArray(-3)).toThrow(/normalArray: n must be a non-negative integer/);
  });
});
