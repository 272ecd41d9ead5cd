import { describe, expect, it } from 'vitest';
import { writeNwb } from './nwb-write.js';
import { raggedRows, readNwb } from './nwb.js';

describe('writeNwb', () => {
  const spikeTimes = [Float64Array.of(0.1, 0.5, 2.25), new Float64Array(0), Float64Array.of(1.5)];

  it('writes units and trials that readNwb reads back exactly', async () => {
    const bytes = await writeNwb({
      identifier: 'elbo-test',
      sessionDescription: 'round trip',
      sessionStartTime: new Date('2026-11-21T08:00:00Z'),
      units: { spikeTimes, ids: [11, 12, 13], columns: { quality: { values: ['good', 'mua', 'good'] }, depth: { values: [10, 20, 30] } } },
      trials: { startTime: [0, 1, 2], stopTime: [0.7, 1.7, 2.7], columns: { condition: { values: [3, 1, 2], description: 'maze condition' } } },
    });
    const nwb = await readNwb(new Blob([bytes]));
    expect(nwb.identifier).toBe('elbo-test');
    expect(nwb.sessionDescription).toBe('round trip');
    expect(nwb.sessionStartTime).toBe('2026-11-21T08:00:00.000+00:00');
    expect(nwb.nwbVersion).toBe('2.6.0');
    const units = nwb.units!;
    expect(units.count).toBe(3);
    expect(units.spikeCount).toBe(4);
    expect(Array.from(units.ids)).toEqual([11, 12, 13]);
    expect(units.spikeTimes()).toEqual(spikeTimes);
    expect(units.spikeTimesOf(1)).toEqual(new Float64Array(0));
    expect(units.columns).toEqual(['spike_times', 'quality', 'depth']);
    expect(units.column('quality').values).toEqual(['good', 'mua', 'good']);
    expect(Array.from(units.column('depth').values as Float64Array)).toEqual([10, 20, 30]);
    expect(raggedRows(units.column('spike_times'))).toEqual(spikeTimes);
    const trials = nwb.trials!;
    expect(Array.from(trials.startTime)).toEqual([0, 1, 2]);
    expect(Array.from(trials.stopTime)).toEqual([0.7, 1.7, 2.7]);
    expect(trials.column('condition').description).toBe('maze condition');
    expect(trials.neurodataType).toBe('TimeIntervals');
    nwb.close();
  });

  it('names bad input', async () => {
    const base = { sessionDescription: 'x', sessionStartTime: '2026-01-01T00:00:00+00:00' };
    await expect(writeNwb({ ...base, units: { spikeTimes: [[0.1, Number.NaN]] } })).rejects.toThrow(
      /writeNwb: units\.spikeTimes\[0\]\[1\] must be a finite number, found NaN/,
    );
    await expect(writeNwb({ ...base, trials: { startTime: [0, 1], stopTime: [1] } })).rejects.toThrow(/trials\.stopTime must be 2 values/);
    await expect(writeNwb({ ...base, trials: { startTime: [1], stopTime: [0] } })).rejects.toThrow(/trials\.stopTime\[0\] must be >= startTime/);
    await expect(writeNwb({ ...base, sessionStartTime: 'yesterday' })).rejects.toThrow(/sessionStartTime/);
    await expect(
      writeNwb({ ...base, units: { spikeTimes: [[1]], columns: { id: { values: [1] } } } }),
    ).rejects.toThrow(/units\.columns name must be a new name/);
  });
});
