/**
 * The compare view computed next to the database (getComparisonView): on a real SQLite file seeded
 * through the store's own write functions, it equals the view computed from fully loaded runs (same
 * chart data, same n), follows new epochs and status changes, keeps what a layer or band switch does
 * not change, and caps individual run lines with a note.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiResult } from '../../../shared/api.js';
import { buildComparison, MAX_RUN_LINES, type LineChartData } from '../../../shared/charts.js';
import { parseComparisonSpec } from '../../../shared/compare.js';
import { comparisonView, type ComparisonView } from '../../../shared/comparison-view.js';
import { LabStore } from '../../../db/store.js';
import { loadComparedRuns } from '../../../electron/figure/comparison.js';
import { ComparisonViews } from '../../../electron/lab/comparison-views.js';
import { seedComparison } from '../../../bench/seed.js';
import { openService, tempDir } from './helpers.js';

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

function seeded(shape: Parameters<typeof seedComparison>[1]) {
  const file = path.join(tempDir(), 'lab.sqlite');
  const { experimentId, runIds } = seedComparison(file, shape);
  return { file, experimentId, runIds };
}

describe('getComparisonView', () => {
  it('equals the view of fully loaded runs: every chart, the summary table and the counts (diverged runs counted, not dropped)', async () => {
    const { file, experimentId } = seeded({ runs: 10, layers: 3, epochs: 6, variants: 5, diverged: 1 });
    const store = LabStore.open(file, { readonly: true });
    try {
      for (const input of [
        { experimentIds: [experimentId] },
        { experimentIds: [experimentId], layer: 1, band: 'ci95' as const, showRuns: true },
        { experimentIds: [experimentId], layer: 'all' as const, divergedRuns: 'exclude' as const, atEpoch: 2 },
      ]) {
        const spec = parseComparisonSpec(input);
        const full = loadComparedRuns(store, spec);
        const expected = comparisonView(full, buildComparison(full, spec), spec);
        const got = await new ComparisonViews().view(store, spec);
        expect(got).toEqual(expected);
      }
      const view = await new ComparisonViews().view(store, parseComparisonSpec({ experimentIds: [experimentId] }));
      expect(view.runCount).toBe(10);
      expect(view.runStatus.diverged).toBe(1);
      const diverging = view.groups.find((g) => g.diverged.length > 0)!;
      expect(diverging).toMatchObject({ runCount: 2, countedRuns: 2 });
      expect(view.charts['dead-fraction'].notes.join(' ')).toMatch(/Diverged runs .* count up to their last measured epoch/);
    } finally {
      store.close();
    }
  });

  it('follows new epochs and status changes of the compared runs, and keeps what a switch does not change', async () => {
    const { file, experimentId, runIds } = seeded({ runs: 4, layers: 2, epochs: 3, variants: 2 });
    const store = LabStore.open(file);
    try {
      const views = new ComparisonViews();
      const spec = parseComparisonSpec({ experimentIds: [experimentId] });
      const first = await views.view(store, spec);
      expect(await views.view(store, spec)).toBe(first);
      // A layer switch recomputes the layer charts; the loss, the heatmap and the revival bars are kept.
      const layer1 = await views.view(store, parseComparisonSpec({ experimentIds: [experimentId], layer: 1 }));
      expect(layer1.charts.loss).toBe(first.charts.loss);
      expect(layer1.charts['dead-heatmap']).toBe(first.charts['dead-heatmap']);
      expect(layer1.charts.revival).toBe(first.charts.revival);
      expect(layer1.charts['dead-fraction']).not.toBe(first.charts['dead-fraction']);
      // The page redraws a chart when its key changes: the same charts, by key.
      expect(layer1.chartKeys.loss).toBe(first.chartKeys.loss);
      expect(layer1.chartKeys['dead-heatmap']).toBe(first.chartKeys['dead-heatmap']);
      expect(layer1.chartKeys['dead-fraction']).not.toBe(first.chartKeys['dead-fraction']);
      const se = await views.view(store, parseComparisonSpec({ experimentIds: [experimentId], layer: 1, band: 'se' }));
      expect(se.charts['dead-heatmap']).toBe(first.charts['dead-heatmap']);
      expect(se.charts.histograms).toBe(layer1.charts.histograms);
      expect(se.charts['dead-fraction'].title).toBe('Dead fraction (mean ± SE)');

      // One more epoch of one run: the next view has it (with n = 1 there), and a status change shows.
      const epochs = store.getRunMetrics(runIds[0]);
      store.recordEpoch(runIds[0], { ...epochs[epochs.length - 1], epoch: 4 });
      const grown = await views.view(store, spec);
      expect(grown).not.toBe(first);
      expect(grown.chartKeys.loss).not.toBe(first.chartKeys.loss);
      expect(grown.maxEpoch).toBe(4);
      const dead = grown.charts['dead-fraction'] as LineChartData;
      const last = dead.panels[0].series.flatMap((s) => s.points).filter((p) => p.x === 4);
      expect(last).toHaveLength(1);
      expect(last[0].n).toBe(1);
      store.finishRun(runIds[1], 'failed', 'stopped by the test');
      expect((await views.view(store, spec)).runStatus.failed).toBe(1);
    } finally {
      store.close();
    }
  });

  it('draws at most MAX_RUN_LINES individual runs per panel, spread over the seeds, and says so; the means use every run', async () => {
    const { file, experimentId } = seeded({ runs: 300, layers: 1, epochs: 2, variants: 2, units: 4 });
    const store = LabStore.open(file, { readonly: true });
    try {
      const view = await new ComparisonViews().view(store, parseComparisonSpec({ experimentIds: [experimentId], showRuns: true }));
      const chart = view.charts['dead-fraction'] as LineChartData;
      const series = chart.panels[0].series;
      expect(series.map((s) => s.runs.length)).toEqual([MAX_RUN_LINES / 2, MAX_RUN_LINES / 2]);
      expect(series.every((s) => s.points.every((p) => p.n === 150))).toBe(true);
      const seeds = series[0].runs.map((r) => r.seed);
      expect(Math.min(...seeds)).toBe(1);
      expect(Math.max(...seeds)).toBe(150);
      expect(chart.notes.join(' ')).toContain('Individual runs: at most 100 runs per group drawn, spread evenly over the seeds');
      expect(chart.notes.join(' ')).toContain('the means and bands use every counted run');
    } finally {
      store.close();
    }
  });

  it('is an API operation: the lab service answers it, and refuses a malformed spec naming the field', async () => {
    const { service } = openService();
    const empty = value<ComparisonView>(await service.handle('getComparisonView', [{ runIds: [12345] }]));
    expect(empty.runCount).toBe(0);
    const bad = await service.handle('getComparisonView', [{ experimentIds: [1], layer: -1 }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/layer/);
  });
});
