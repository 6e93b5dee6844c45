import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { comparisonSpecSchema } from '../../../shared/compare.js';
import { buildComparison, chartData, chartToCsv, chartToFigure, pickEvenly, type ComparedRun } from '../../../shared/charts.js';
import { renderFigureSvg } from '../../../shared/figure/index.js';
import { validateExperiment } from '../../../shared/config.js';

const base = validateExperiment({
  name: 'x',
  dataset: { kind: 'blobs' },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 2 },
});
if (!base.ok) throw new Error('bad base config');
const config = base.runs[0].config;

/** A run whose layer-l dead fraction at epoch e is `dead(e, l)`. */
function run(id: number, seed: number, activation: string, dead: (e: number, l: number) => number, epochs = 3): ComparedRun {
  const list: EpochMetricsDto[] = [];
  for (let e = 0; e < epochs; e++) {
    list.push({
      epoch: e,
      trainLoss: 1 / (e + 1),
      trainAccuracy: 0.5,
      valLoss: 2 / (e + 1),
      valAccuracy: 0.4,
      seconds: e === 0 ? 0 : 1,
      elapsedSeconds: e,
      probeMs: 1,
      layers: [0, 1].map((l) => {
        const d = dead(e, l);
        const mask = [0, 1, 2, 3].map((u) => (u < d * 4 ? 1 : 0));
        return { layer: l, units: 4, deadFraction: d, activeProbability: 1 - d, dormantFraction: d, gradNorm: 1, preActMean: 0, preActStd: 1, histogram: { lo: -1, hi: 1, counts: [1, 2, 3, 4] }, deadMask: mask, preluAlphas: null };
      }),
    });
  }
  return { id, experimentId: 1, seed, sweep: { 'model.activation': activation }, config: { ...config, model: { ...config.model, activation: activation as 'relu' } }, status: 'completed', name: null, epochs: list };
}

const runs = [
  run(1, 1, 'relu', (e) => 0.25 * e),
  run(2, 2, 'relu', (e) => (e === 0 ? 0 : 0.5)),
  run(3, 1, 'leaky_relu', () => 0),
  run(4, 2, 'leaky_relu', (e) => (e === 1 ? 0.25 : 0)),
];

describe('comparison charts', () => {
  it('groups runs that differ only by seed and keeps a stable colour per group', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4] });
    const model = buildComparison(runs, spec);
    expect(model.groups.map((g) => g.runs.map((r) => r.id))).toEqual([
      [3, 4],
      [1, 2],
    ]);
    expect(model.fields).toEqual(['model.activation']);
    const again = buildComparison([...runs].reverse(), spec);
    expect(again.groups.map((g) => [g.key, g.color])).toEqual(model.groups.map((g) => [g.key, g.color]));
  });

  it('dead fraction: mean and band per epoch, exactly what the CSV holds', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'std', layer: 0, showRuns: true });
    const chart = chartData(buildComparison(runs, spec), 'dead-fraction', spec);
    if (chart.kind !== 'lines') throw new Error('expected lines');
    const relu = chart.panels[0].series.find((s) => s.name.includes('relu') && !s.name.includes('leaky'))!;
    expect(relu.points.map((p) => p.mean)).toEqual([0, 0.375, 0.5]);
    expect(relu.points[1].hi - relu.points[1].mean).toBeCloseTo(Math.sqrt(((0.25 - 0.375) ** 2 + (0.5 - 0.375) ** 2) / 1), 12);
    const csv = chartToCsv(chart).trim().split('\n');
    expect(csv[0]).toBe('chart,panel,group,series,run_id,seed,epoch,mean,lo,hi,n,value');
    const meanRows = csv.filter((l) => l.includes(',mean,') && l.includes(relu.name));
    expect(meanRows.map((l) => Number(l.split(',')[7]))).toEqual([0, 0.375, 0.5]);
    expect(csv.filter((l) => l.includes(',run,')).length).toBe(4 * 3);
  });

  it('final dead bars, revival, heatmap and histograms', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'se' });
    const model = buildComparison(runs, spec);
    const bars = chartData(model, 'final-dead-bars', spec);
    if (bars.kind !== 'bars') throw new Error('expected bars');
    expect(bars.panels[0].categories).toEqual(['Layer 1', 'Layer 2']);
    const leaky = bars.panels[0].groups[0];
    expect(leaky.values[0].mean).toBe(0);
    const revival = chartData(model, 'revival', spec);
    if (revival.kind !== 'bars') throw new Error('expected bars');
    // Run 4 (leaky) died in epoch 1 (one unit) and came back in epoch 2.
    expect(revival.panels[1].groups[0].values[0].mean).toBe(0.5);
    const heat = chartData(model, 'dead-heatmap', spec);
    if (heat.kind !== 'heatmap') throw new Error('expected heatmap');
    expect(heat.values[0]).toEqual([0, 0.125, 0]);
    const ridges = chartData(model, 'histograms', spec);
    if (ridges.kind !== 'ridges') throw new Error('expected ridges');
    expect(ridges.ridges.map((r) => r.epoch)).toEqual([0, 1, 2]);
  });

  it('renders every chart as an SVG figure with the legend and axis labels', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], groupNames: { [buildComparison(runs, comparisonSpecSchema.parse({ runIds: [1] })).groups[0].key]: 'x' } });
    const model = buildComparison(runs, spec);
    for (const kind of ['dead-fraction', 'final-dead-bars', 'dead-heatmap', 'loss', 'accuracy', 'histograms', 'revival', 'active-probability', 'dormant-fraction'] as const) {
      const svg = renderFigureSvg(chartToFigure(chartData(model, kind, spec), spec, { preset: 'single-column' }));
      expect(svg).toContain('<svg');
      if (kind === 'dead-fraction') {
        expect(svg).toContain('Epoch');
        expect(svg).toContain('Dead fraction of units');
        for (const g of model.groups) expect(svg).toContain(g.name);
      }
    }
  });

  it('pickEvenly keeps both ends', () => {
    expect(pickEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
  });
});
