import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../../shared/api.js';
import { aggregateRevival, layerMaskHistory, packedRevivalStats, revivalByLayer, revivalStats, type RevivalStats } from '../../../../shared/analysis/index.js';

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

/** Revival unit by unit, straight from the definitions: what the packed, eight-units-at-a-time count must equal. */
function revivalUnitByUnit(masks: number[][]): RevivalStats {
  const units = masks[0]?.length ?? 0;
  let deadAtInit = 0;
  let diedDuringTraining = 0;
  let revived = 0;
  for (let u = 0; u < units; u++) {
    const first = masks.findIndex((m) => m[u] === 1);
    if (first < 0) continue;
    if (first === 0) deadAtInit++;
    else diedDuringTraining++;
    if (masks.slice(first).some((m) => m[u] === 0)) revived++;
  }
  const everDied = deadAtInit + diedDuringTraining;
  const timeline = masks.map((m, t) => ({
    epoch: t * 2,
    dead: m.filter((v) => v === 1).length,
    newlyDead: m.filter((v, u) => v === 1 && (t === 0 || masks[t - 1][u] === 0)).length,
    revivedNow: m.filter((v, u) => v === 0 && t > 0 && masks[t - 1][u] === 1).length,
  }));
  const stayedDead = everDied - revived;
  return { units, measurements: masks.length, deadAtInit, diedDuringTraining, everDied, revived, stayedDead, stayedDeadShare: everDied === 0 ? null : stayedDead / everDied, timeline };
}

/** Bit-packs masks as the store does, padding bits set to check they are ignored. */
function pack(masks: number[][], units: number): Uint8Array {
  const width = Math.ceil(units / 8);
  const out = new Uint8Array(masks.length * width);
  masks.forEach((m, t) => {
    if (units % 8 !== 0) out[t * width + width - 1] = 0xff & ~((1 << units % 8) - 1);
    m.forEach((v, u) => {
      if (v) out[t * width + (u >> 3)] |= 1 << (u & 7);
    });
  });
  return out;
}

describe('revival of dead units', () => {
  it('counts packed masks eight units at a time exactly as unit by unit, padding bits ignored', () => {
    let state = 7;
    const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [units, measurements] of [[1, 1], [5, 4], [8, 3], [13, 7], [32, 101], [70, 12], [0, 3]]) {
      const masks = Array.from({ length: measurements }, () => Array.from({ length: units }, () => (random() < 0.4 ? 1 : 0)));
      const expected = revivalUnitByUnit(masks);
      const epochs = masks.map((_, t) => t * 2);
      expect(packedRevivalStats({ units, epochs, masks: pack(masks, units) })).toEqual(expected);
      expect(revivalStats(masks.map((deadMask, t) => ({ epoch: t * 2, deadMask })))).toEqual(expected);
    }
    expect(packedRevivalStats({ units: 0, epochs: [], masks: new Uint8Array(0) })).toEqual(revivalStats([]));
    expect(() => packedRevivalStats({ units: 12, epochs: [0, 1], masks: new Uint8Array(3) })).toThrow(/need 4 bytes, got 3/);
  });

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
