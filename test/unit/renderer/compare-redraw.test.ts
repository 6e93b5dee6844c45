/**
 * What a switch of the Compare view redraws: a chart keeps its data object (and so is not redrawn)
 * exactly when its key is unchanged; the keys follow the spec fields each chart reads and the runs'
 * measurements; each group's individual runs become one SVG path, broken between runs.
 */
import { describe, expect, it } from 'vitest';
import { buildComparison } from '../../../shared/charts.js';
import { CHART_KINDS, comparisonSpecSchema } from '../../../shared/compare.js';
import { comparisonView } from '../../../shared/comparison-view.js';
import { CHARTED_LAYER_FIELDS } from '../../../shared/metric-fields.js';
import { runLinePath } from '../../../renderer/src/charts/rows.js';
import { keepUnchanged } from '../../../renderer/src/compare/stable-view.js';
import { run, runs } from './compare-fixtures.js';

const view = (input: Record<string, unknown>, list = runs) => {
  const spec = comparisonSpecSchema.parse({ runIds: list.map((r) => r.id), ...input });
  return comparisonView(list, buildComparison(list, spec), spec);
};

describe('compare redraws', () => {
  it('a layer switch changes the keys of the charts that read the layer and keeps the others', () => {
    const a = view({ layer: 0 });
    const b = view({ layer: 1 });
    const changed = CHART_KINDS.filter((k) => a.chartKeys[k] !== b.chartKeys[k]);
    // The layer fields' line charts (metric field table) and the histograms read the layer.
    const layerCharts = CHARTED_LAYER_FIELDS.map((f) => f.chart.kind as string);
    expect(changed.sort()).toEqual([...layerCharts, 'histograms'].sort());
    const band = view({ layer: 1, band: 'se' });
    expect(CHART_KINDS.filter((k) => band.chartKeys[k] !== b.chartKeys[k]).sort()).toEqual([...layerCharts, 'accuracy', 'final-dead-bars', 'loss', 'revival', 'task-accuracy'].sort());
    // The same spec on the same runs gives the same keys; one more epoch of one run changes every key.
    expect(view({ layer: 1 }).chartKeys).toEqual(b.chartKeys);
    const grown = runs.map((r, i) => (i === 0 ? run(r.id, r.seed, 'ReLU baseline', 'relu', () => 0.5, 4) : r));
    const after = view({ layer: 1 }, grown);
    expect(CHART_KINDS.filter((k) => after.chartKeys[k] === b.chartKeys[k])).toEqual([]);
  });

  it('keepUnchanged reuses the previous data object of every chart whose key did not change, and equal groups', () => {
    const first = keepUnchanged(null, view({ layer: 0 }));
    const next = view({ layer: 1 });
    const kept = keepUnchanged(first, next);
    for (const kind of CHART_KINDS) {
      if (first.keys[kind] === next.chartKeys[kind]) expect(kept.charts[kind]).toBe(first.charts[kind]);
      else expect(kept.charts[kind]).toBe(next.charts[kind]);
    }
    expect(kept.charts.loss).toBe(first.charts.loss);
    expect(kept.charts['dead-fraction']).not.toBe(first.charts['dead-fraction']);
    expect(kept.groups).toBe(first.groups);
    const hidden = view({ layer: 1, hiddenGroups: [next.groups[0].key] });
    expect(keepUnchanged(kept, hidden).groups).toBe(hidden.groups);
  });

  it('runLinePath: one path, a move at each run start, no segment across a gap or an unplaceable value', () => {
    const x = (v: number) => v * 10;
    const y = (v: number) => (v > 0 ? 100 - v * 100 : undefined);
    const d = runLinePath(
      [
        { x: 0, y: 0.5 },
        { x: 1, y: 0.25 },
        { x: 1, y: null },
        { x: 0, y: 0.1 },
        { x: 1, y: 0 },
        { x: 2, y: 0.2 },
      ],
      x,
      y,
    );
    expect(d).toBe('M0,50L10,75M0,90M20,80');
    expect(runLinePath([], x, y)).toBe('');
  });
});
