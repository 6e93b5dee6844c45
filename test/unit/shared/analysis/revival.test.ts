import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../../shared/api.js';
import { aggregateRevival, layerMaskHistory, revivalByLayer, revivalStats } from '../../../../shared/analysis/index.js';

// Units (columns) over epochs 0..3 (rows):
//   u0: dead at init, stays dead           → deadAtInit, stayedDead
//   u1: alive, dies at 1, revives at 2     → diedDuringTraining, revived
//   u2: alive, dies at 2, stays dead       → diedDuringTraining, stayedDead
//   u3: always alive
//   u4: dead at init, revives at 1, dies again at 3 → deadAtInit, revived
const MASKS = [
  [1, 0, 0, 0, 1],
  [1, 1, 0, 0, 0],
  [1, 0, 1, 0, 0],
  [1, 0, 1, 0, 1],
];

describe('revival of dead units', () => {
  it('counts deaths, revivals and permanent deaths on hand-made masks', () => {
    const s = revivalStats(MASKS.map((m, epoch) => ({ epoch, deadMask: m })));
    expect(s).toMatchObject({
      units: 5,
      measurements: 4,
      deadAtInit: 2,
      diedDuringTraining: 2,
      everDied: 4,
      revived: 2,
      stayedDead: 2,
      stayedDeadShare: 0.5,
    });
    expect(s.timeline).toEqual([
      { epoch: 0, dead: 2, newlyDead: 2, revivedNow: 0 },
      { epoch: 1, dead: 2, newlyDead: 1, revivedNow: 1 },
      { epoch: 2, dead: 2, newlyDead: 1, revivedNow: 1 },
      { epoch: 3, dead: 3, newlyDead: 1, revivedNow: 0 },
    ]);
    for (let t = 1; t < s.timeline.length; t++) {
      const [prev, cur] = [s.timeline[t - 1], s.timeline[t]];
      expect(cur.dead).toBe(prev.dead + cur.newlyDead - cur.revivedNow);
    }
  });

  it('accepts Uint8Array masks in any order and has no share when nothing died', () => {
    const s = revivalStats([
      { epoch: 2, deadMask: new Uint8Array([0, 0]) },
      { epoch: 0, deadMask: new Uint8Array([0, 0]) },
    ]);
    expect(s.everDied).toBe(0);
    expect(s.stayedDeadShare).toBeNull();
    expect(s.timeline.map((p) => p.epoch)).toEqual([0, 2]);
    expect(revivalStats([])).toMatchObject({ units: 0, everDied: 0, stayedDeadShare: null, timeline: [] });
    expect(() => revivalStats([{ epoch: 0, deadMask: [0] }, { epoch: 1, deadMask: [0, 1] }])).toThrow(RangeError);
  });

  it('counts a unit dead only at the last measurement as stayed dead', () => {
    const s = revivalStats([
      { epoch: 0, deadMask: [0] },
      { epoch: 1, deadMask: [1] },
    ]);
    expect(s).toMatchObject({ everDied: 1, stayedDead: 1, revived: 0, stayedDeadShare: 1 });
  });

  it('aggregates over runs by sum or mean, pooling the share', () => {
    const a = revivalStats(MASKS.map((m, epoch) => ({ epoch, deadMask: m })));
    const b = revivalStats([
      { epoch: 0, deadMask: [1, 1, 0, 0, 0] },
      { epoch: 1, deadMask: [1, 1, 0, 0, 0] },
    ]);
    const sum = aggregateRevival([a, b], 'sum');
    expect(sum).toMatchObject({ count: 2, units: 10, everDied: 6, revived: 2, stayedDead: 4, deadAtInit: 4 });
    expect(sum.stayedDeadShare).toBeCloseTo(4 / 6, 12);
    expect(sum.timeline[1]).toEqual({ epoch: 1, dead: 4, newlyDead: 1, revivedNow: 1, count: 2 });
    expect(sum.timeline[3]).toEqual({ epoch: 3, dead: 3, newlyDead: 1, revivedNow: 0, count: 1 });
    const avg = aggregateRevival([a, b], 'mean');
    expect(avg).toMatchObject({ units: 5, everDied: 3, revived: 1, stayedDead: 2 });
    expect(avg.stayedDeadShare).toBeCloseTo(4 / 6, 12);
    expect(avg.timeline[0]).toEqual({ epoch: 0, dead: 2, newlyDead: 2, revivedNow: 0, count: 2 });
    expect(aggregateRevival([], 'mean')).toMatchObject({ count: 0, everDied: 0, stayedDeadShare: null });
  });

  it('reads masks from run metrics per layer', () => {
    const epochs = MASKS.map(
      (m, epoch) =>
        ({
          epoch,
          layers: [
            { layer: 0, deadMask: m },
            { layer: 1, deadMask: [0, 0] },
          ],
        }) as unknown as EpochMetricsDto,
    );
    expect(layerMaskHistory(epochs, 0)).toHaveLength(4);
    const byLayer = revivalByLayer(epochs);
    expect(byLayer.map((s) => s.everDied)).toEqual([4, 0]);
  });
});
