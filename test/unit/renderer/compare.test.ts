/** The compare charts' data as recharts rows: lines, bars, histograms and their axes. */
import { describe, expect, it } from 'vitest';
import { comparisonSpecSchema } from '../../../shared/compare.js';
import { buildComparison, chartData, type LinePanelData } from '../../../shared/charts.js';
import { axisModel } from '../../../shared/figure/axis.js';
import { barRows, lineRows, ridgePanels } from '../../../renderer/src/charts/rows.js';
import { runs } from './compare-fixtures.js';
import type { RunLive } from '../../../renderer/src/app/live.js';
import { comparisonLiveStamp, LIVE_RELOAD_MS } from '../../../renderer/src/compare/live.js';

describe('chart rows', () => {
  const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'std', layer: 0, showRuns: true });
  const model = buildComparison(runs, spec);
  const lines = chartData(model, 'dead-fraction', spec);
  if (lines.kind !== 'lines') throw new Error('expected lines');
  const panel: LinePanelData = lines.panels[0];

  it('lines: one row per x with each group mean, band, n and runs (numbers straight from chartData)', () => {
    const shaped = lineRows(panel, { logX: false, logY: false, integerX: true, fromZero: true });
    expect(shaped.rows.map((r) => r.x)).toEqual([0, 1, 2]);
    const relu = panel.series.findIndex((s) => s.name === 'ReLU baseline');
    expect(shaped.rows.map((r) => r[`m${relu}`])).toEqual(panel.series[relu].points.map((p) => p.mean));
    expect(shaped.rows[1][`b${relu}`]).toEqual([panel.series[relu].points[1].lo, panel.series[relu].points[1].hi]);
    expect(shaped.rows[1][`n${relu}`]).toBe(2);
    // The group's runs as one line, broken (y null) between runs: run 1 then run 2, epochs 0..2 each.
    expect(shaped.runLines[relu]).toEqual([
      ...panel.series[relu].runs[0].points,
      { x: 2, y: null },
      ...panel.series[relu].runs[1].points,
    ]);
    expect(shaped.runLines[relu][2].y).toBe(0.25);
    expect(shaped.droppedY).toBe(0);
    // Integer epoch ticks, labelled as integers, from 0.
    expect(shaped.x.ticks.map((t) => t.label?.text)).toEqual(['0', '1', '2']);
    expect(shaped.y.domain[0]).toBe(0);
  });

  it('lines on log axes: non-positive values are left out and counted, bands reaching 0 end at the axis bottom', () => {
    const shaped = lineRows(panel, { logX: false, logY: true, integerX: true, fromZero: true });
    // Means ≤ 0: both groups at epoch 0, Leaky at epoch 2; runs ≤ 0: 2 + 2 at epoch 0, Leaky 3 + 1 more.
    expect(shaped.droppedY).toBeGreaterThan(0);
    expect(shaped.y.scale).toBe('log');
    expect(shaped.y.domain[0]).toBeGreaterThan(0);
    for (const row of shaped.rows) {
      for (const [k, v] of Object.entries(row)) {
        if (/^m\d/.test(k) && typeof v === 'number') expect(v).toBeGreaterThan(0);
        if (/^b\d/.test(k) && Array.isArray(v)) expect(v[0]).toBeGreaterThanOrEqual(shaped.y.domain[0]);
      }
    }
    const logX = lineRows(panel, { logX: true, logY: false, integerX: true, fromZero: true });
    expect(logX.rows.map((r) => r.x)).toEqual([1, 2]);
    expect(logX.droppedX).toBe(2 * 1 + 4 * 1);
    expect(logX.x.scale).toBe('log');
  });

  it('axes: an all-zero fraction shows [0, 1], not a range around 0', () => {
    expect(axisModel([0, 0, 0], { includeZero: true }).domain).toEqual([0, 1]);
    expect(axisModel([], { scale: 'log' }).domain).toEqual([1, 10]);
    expect(axisModel([0.02, 0.4], { scale: 'log' }).domain).toEqual([0.01, 1]);
  });

  it('bars: means and error-bar offsets per layer; log y drops zero bars', () => {
    const bars = chartData(model, 'final-dead-bars', spec);
    if (bars.kind !== 'bars') throw new Error('expected bars');
    const p = bars.panels[0];
    const shaped = barRows(p, { logY: false, errorBars: true, fraction: true });
    expect(shaped.rows.map((r) => r.category)).toEqual(['Dense 1 (4 units)', 'Dense 2 (4 units)']);
    const i = p.groups.findIndex((g) => g.name === 'ReLU baseline');
    const v = p.groups[i].values[0];
    expect(shaped.rows[0][`v${i}`]).toBe(v.mean);
    expect(shaped.rows[0][`e${i}`]).toEqual([v.mean - v.lo, v.hi - v.mean]);
    const none = barRows(p, { logY: false, errorBars: false, fraction: true });
    expect(none.rows[0][`e${i}`]).toBe(null);
    const log = barRows(p, { logY: true, errorBars: true, fraction: true });
    const leaky = p.groups.findIndex((g) => g.name === 'Leaky ReLU');
    expect(log.rows[0][`v${leaky}`]).toBe(null);
    expect(log.droppedY).toBeGreaterThan(0);
  });

  it('histograms: step outlines in shares, the share at z ≤ 0, one shared z range', () => {
    const ridges = chartData(model, 'histograms', spec);
    if (ridges.kind !== 'ridges') throw new Error('expected ridges');
    const shaped = ridgePanels(ridges);
    expect(shaped.x.domain).toEqual([-2, 2]);
    expect(shaped.panels).toHaveLength(3);
    const first = shaped.panels[0];
    expect(first.steps.map((s) => s.z)).toEqual([-2, -1, 0, 1, 2]);
    expect(first.steps.map((s) => s.share)).toEqual([0.1, 0.3, 0.4, 0.2, 0.2]);
    expect(first.negativeShare).toBeCloseTo(0.4, 12);
  });
});

describe('live compare view', () => {
  const slim = (epoch: number) => ({ epoch }) as unknown as NonNullable<RunLive['last']>;

  it('reloads when a compared run gains an epoch or changes status, not for other runs', () => {
    const compared = new Set([1, 2]);
    const before = comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(3), status: 'running' }]]), compared);
    expect(comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(3), status: 'running' }]]), compared)).toBe(before);
    expect(comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(4), status: 'running' }]]), compared)).not.toBe(before);
    expect(comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(3), status: 'completed' }]]), compared)).not.toBe(before);
    // Another run's events, and progress alone, change nothing.
    expect(comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(3), status: 'running' }], [9, { last: slim(50), status: 'running' }]]), compared)).toBe(before);
    expect(comparisonLiveStamp(new Map<number, RunLive>([[1, { last: slim(3), status: 'running', fraction: 0.5 }]]), compared)).toBe(before);
    expect(LIVE_RELOAD_MS).toBeLessThanOrEqual(1000);
  });
});
