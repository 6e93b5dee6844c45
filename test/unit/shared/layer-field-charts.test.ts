import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { CHART_KINDS, comparisonSpecSchema } from '../../../shared/compare.js';
import { buildComparison, chartData, CHART_SPEC_FIELDS, CHART_TITLES, type ComparedRun } from '../../../shared/charts.js';
import { chartToFigure } from '../../../shared/chart-export.js';
import { comparisonView } from '../../../shared/comparison-view.js';
import { CHARTED_LAYER_FIELDS } from '../../../shared/metric-fields.js';
import { validateExperiment } from '../../../shared/config.js';

const base = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 2, width: 4 }, training: { learningRate: 0.1, epochs: 2 } });
if (!base.ok) throw new Error('bad base config');
const config = base.runs[0].config;

/** A run whose layer l resets `reset(e, l)` units in epoch e (null: no intervention), every other field a constant. */
function run(id: number, seed: number, variant: string, reset: (e: number, l: number) => number | null): ComparedRun {
  const epochs: EpochMetricsDto[] = [0, 1, 2].map((epoch) => ({
    epoch,
    trainLoss: 1,
    trainAccuracy: 0.5,
    valLoss: null,
    valAccuracy: null,
    seconds: 1,
    elapsedSeconds: epoch,
    probeMs: 1,
    task: null,
    layers: [0, 1].map((layer) => ({
      layer,
      units: 4,
      deadFraction: 0.25,
      activeProbability: 0.5,
      dormantFraction: 0.25,
      gradNorm: 1,
      preActMean: 0,
      preActStd: 1,
      histogram: { lo: -1, hi: 1, counts: [1, 1] },
      deadMask: [1, 0, 0, 0],
      preluAlphas: null,
      unitsReset: reset(epoch, layer),
      effectiveRank: null,
      weightMagnitude: null,
    })),
  }));
  return { id, experimentId: 1, seed, sweep: { variant }, config, status: 'completed', name: null, epochs };
}

const runs = [
  run(1, 1, 'baseline', () => null),
  run(2, 2, 'baseline', () => null),
  run(3, 1, 'redo', (e, l) => (e === 0 ? 0 : e + l)),
  run(4, 2, 'redo', (e, l) => (e === 0 ? 0 : 9 * (e + l))),
];
const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], groupBy: ['variant'], band: 'std' });
const model = buildComparison(runs, spec);

describe('line charts of layer fields, from the metric field table', () => {
  it('every charted field is a chart kind with its label as title, its y label, and a y axis from 0 when it cannot be negative', () => {
    for (const f of CHARTED_LAYER_FIELDS) {
      const kind = f.chart.kind as (typeof CHART_KINDS)[number];
      expect(CHART_KINDS).toContain(kind);
      expect(CHART_TITLES[kind]).toBe(f.label);
      expect(CHART_SPEC_FIELDS[kind]).toContain('layer');
      const chart = chartData(model, kind, spec);
      if (chart.kind !== 'lines') throw new Error('expected lines');
      expect(chart.panels[0].yLabel).toBe(f.chart.yLabel);
      expect(chart.fromZero).toBe(f.range?.[0] === 0);
      expect(chart.fraction).toBe(f.unit === 'fraction');
      const figure = chartToFigure(chart, spec, { preset: 'single-column' });
      expect(figure.panels[0].kind === 'lines' && figure.panels[0].yFromZero === true).toBe(f.range?.[0] === 0);
    }
  });

  it('units reset: counts per layer and epoch, mean over the runs of groups that reset units, bands clipped at 0', () => {
    const chart = chartData(model, 'units-reset', comparisonSpecSchema.parse({ ...spec, layer: 'all' }));
    if (chart.kind !== 'lines') throw new Error('expected lines');
    expect(chart.title).toBe('Units reset (mean ± std)');
    const [baseline, redo] = chart.panels[1].series;
    expect(baseline.points).toEqual([]);
    expect(chart.notes).toContain('No value measured for: baseline.');
    // Layer 2 (l = 1): epoch 1 resets 2 and 18 units, epoch 2 resets 3 and 27.
    expect(redo.points.map((p) => p.mean)).toEqual([0, 10, 15]);
    expect(redo.points.map((p) => p.n)).toEqual([2, 2, 2]);
    expect(redo.points[1].lo).toBe(0);
    expect(redo.points[1].hi).toBeCloseTo(10 + Math.sqrt(128), 12);
  });

  it('the view names the charted fields some run measured (the page offers units reset only then)', () => {
    expect(comparisonView(runs, model, spec).measuredLayerFields).toContain('unitsReset');
    const plain = runs.slice(0, 2);
    const plainSpec = comparisonSpecSchema.parse({ runIds: [1, 2] });
    const view = comparisonView(plain, buildComparison(plain, plainSpec), plainSpec);
    expect(view.measuredLayerFields).not.toContain('unitsReset');
    expect(view.measuredLayerFields).toContain('deadFraction');
  });
});
