import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto, LayerMetricsDto } from '../../../../shared/api.js';
import { aggregateSeries, groupSeries, metricSeries } from '../../../../shared/analysis/index.js';

function layer(index: number, deadFraction: number): LayerMetricsDto {
  return {
    layer: index,
    units: 4,
    deadFraction,
    activeProbability: 1 - deadFraction,
    dormantFraction: 0,
    gradNorm: null,
    preActMean: 0,
    preActStd: 1,
    histogram: { lo: 0, hi: 1, counts: [1] },
    deadMask: [0, 0, 0, 0],
    preluAlphas: null,
    effectiveRank: null,
    weightMagnitude: null,
    unitsReset: null,
  };
}

function epoch(e: number, trainLoss: number, dead: number[], elapsedSeconds = e * 2): EpochMetricsDto {
  return {
    epoch: e,
    trainLoss,
    trainAccuracy: null,
    valLoss: e === 0 ? null : trainLoss + 0.1,
    valAccuracy: null,
    seconds: 2,
    elapsedSeconds,
    probeMs: 1,
    task: null,
    layers: dead.map((d, i) => layer(i, d)),
  };
}

describe('aggregating a group of runs', () => {
  it('averages per epoch and lets short (diverged) runs contribute only where they have data', () => {
    const a = [0, 1, 2, 3].map((x) => ({ x, y: x }));
    const b = [0, 1, 2, 3].map((x) => ({ x, y: x + 2 }));
    const c = [0, 1].map((x) => ({ x, y: x + 4 }));
    const out = aggregateSeries([a, b, c], 'std');
    expect(out.map((p) => p.x)).toEqual([0, 1, 2, 3]);
    expect(out[0]).toEqual({ x: 0, mean: 2, lo: 0, hi: 4, n: 3 });
    expect(out[2]).toMatchObject({ x: 2, mean: 3, n: 2 });
    expect(out[2].hi - out[2].mean).toBeCloseTo(Math.SQRT2, 12);
    expect(out[3].n).toBe(2);
  });

  it('leaves NaN values out of the statistics and reports n', () => {
    const out = aggregateSeries(
      [
        [{ x: 0, y: 1 }, { x: 1, y: NaN }],
        [{ x: 0, y: 3 }, { x: 1, y: 5 }],
        [{ x: 0, y: NaN }, { x: 1, y: NaN }],
      ],
      'se',
    );
    expect(out[0]).toMatchObject({ mean: 2, n: 2 });
    expect(out[0].hi - out[0].mean).toBeCloseTo(1, 12);
    // One finite value: a mean, no band (n = 1).
    expect(out[1]).toEqual({ x: 1, mean: 5, lo: NaN, hi: NaN, n: 1 });
    const allNaN = aggregateSeries([[{ x: 0, y: NaN }]], 'ci95');
    expect(allNaN[0].n).toBe(0);
    expect(allNaN[0].mean).toBeNaN();
  });

  it('aligns time axes by epoch and places points at the mean time', () => {
    const a = [
      { x: 0, y: 1, epoch: 0 },
      { x: 10, y: 2, epoch: 1 },
      { x: 20, y: 3, epoch: 2 },
    ];
    const b = [
      { x: 0, y: 3, epoch: 0 },
      { x: 14, y: 4, epoch: 1 },
    ];
    const out = aggregateSeries([a, b], 'none', 'epoch');
    expect(out).toEqual([
      { x: 0, mean: 2, lo: NaN, hi: NaN, n: 2 },
      { x: 12, mean: 3, lo: NaN, hi: NaN, n: 2 },
      { x: 20, mean: 3, lo: NaN, hi: NaN, n: 1 },
    ]);
    // Without epochs, the index in the series aligns the runs.
    const byIndex = aggregateSeries(
      [
        [{ x: 1, y: 0 }, { x: 3, y: 0 }],
        [{ x: 2, y: 2 }],
      ],
      'none',
      'epoch',
    );
    expect(byIndex.map((p) => [p.x, p.mean, p.n])).toEqual([
      [1.5, 1, 2],
      [3, 0, 1],
    ]);
  });

  it('extracts metric series from run metrics', () => {
    const run = [epoch(1, 0.5, [0.5, 0.25], 3.5), epoch(0, 1, [0, 0.5], 0.5)];
    expect(metricSeries(run, 'deadFraction', { layer: 'mean' })).toEqual([
      { x: 0, y: 0.25, epoch: 0 },
      { x: 1, y: 0.375, epoch: 1 },
    ]);
    expect(metricSeries(run, 'deadFraction', { layer: 1, xAxis: 'time' })).toEqual([
      { x: 0.5, y: 0.5, epoch: 0 },
      { x: 3.5, y: 0.25, epoch: 1 },
    ]);
    expect(metricSeries(run, 'deadFraction', { layer: 5 })).toEqual([]);
    expect(metricSeries(run, 'gradNorm')).toEqual([]); // never measured
    expect(metricSeries(run, 'valLoss').map((p) => p.epoch)).toEqual([1]); // null at epoch 0 is left out
    const diverged = [epoch(0, 1, [0]), epoch(1, NaN, [0])];
    expect(metricSeries(diverged, 'trainLoss')[1].y).toBeNaN();
  });

  it('runs the whole chart pipeline: smooth full runs, aggregate, thin', () => {
    const runs = [0, 1, 2].map((r) =>
      Array.from({ length: 5000 }, (_, i) => ({ x: i, y: (i % 2) + r })),
    );
    const plain = groupSeries(runs, { band: 'std' });
    expect(plain).toHaveLength(5000);
    expect(plain[1]).toMatchObject({ mean: 2, n: 3 });
    const smooth = groupSeries(runs, { band: 'std', smoothing: 0.9, maxPoints: 400 });
    expect(smooth.length).toBeLessThanOrEqual(400);
    expect(smooth[smooth.length - 1].x).toBe(4999);
    // Smoothed oscillation of 0/1 settles near its mean 0.5 (+1 average offset of the runs).
    expect(smooth[smooth.length - 1].mean).toBeGreaterThan(1.4);
    expect(smooth[smooth.length - 1].mean).toBeLessThan(1.6);
  });
});
