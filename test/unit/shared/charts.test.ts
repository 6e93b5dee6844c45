import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { comparisonSpecSchema } from '../../../shared/compare.js';
import { buildComparison, chartData, pickEvenly, type ComparedRun } from '../../../shared/charts.js';
import { chartToCsv, chartToFigure } from '../../../shared/chart-export.js';
import { figureSize, measureText, renderFigureSvg, svgPhysicalSize } from '../../../shared/figure/index.js';
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
      task: null,
      layers: [0, 1].map((l) => {
        const d = dead(e, l);
        const mask = [0, 1, 2, 3].map((u) => (u < d * 4 ? 1 : 0));
        return { layer: l, units: 4, deadFraction: d, activeProbability: 1 - d, dormantFraction: d, gradNorm: 1, preActMean: 0, preActStd: 1, histogram: { lo: -1, hi: 1, counts: [1, 2, 3, 4] }, deadMask: mask, preluAlphas: null, effectiveRank: null, weightMagnitude: null, unitsReset: null };
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
    expect(bars.panels[0].categories).toEqual(['Dense 1 (4 units)', 'Dense 2 (4 units)']);
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
    for (const kind of ['dead-fraction', 'final-dead-bars', 'dead-heatmap', 'loss', 'accuracy', 'histograms', 'revival', 'active-probability', 'dormant-fraction', 'born-dead'] as const) {
      const svg = renderFigureSvg(chartToFigure(chartData(model, kind, spec), spec, { preset: 'single-column' }));
      expect(svg).toContain('<svg');
      if (kind === 'dead-fraction') {
        expect(svg).toContain('Epoch');
        expect(svg).toContain('Dead fraction of units');
        for (const g of model.groups) expect(svg).toContain(g.name);
      }
    }
  });

  it('the figure of a fraction chart starts its y axis at 0, as the screen does; the loss figure need not', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], layer: 'all' });
    const model = buildComparison(runs, spec);
    for (const kind of ['dead-fraction', 'accuracy', 'active-probability', 'dormant-fraction'] as const) {
      const figure = chartToFigure(chartData(model, kind, spec), spec, { preset: 'single-column' });
      for (const p of figure.panels) expect(p.kind === 'lines' && p.yFromZero).toBe(true);
    }
    const loss = chartToFigure(chartData(model, 'loss', spec), spec, { preset: 'single-column' });
    for (const p of loss.panels) expect(p.kind === 'lines' && p.yFromZero === undefined).toBe(true);
  });

  it('pickEvenly keeps both ends', () => {
    expect(pickEvenly([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)).toEqual([0, 5, 10]);
  });
});

describe('diverged runs, final epochs, hidden groups', () => {
  /** PReLU: 3 runs, two of which diverged (after epochs 1 and 2 were measured); ReLU: 3 complete runs. */
  const diverging = (id: number, seed: number, epochs: number, status: ComparedRun['status']): ComparedRun => ({
    ...run(id, seed, 'prelu', (e) => 0.1 * seed + 0.05 * e, epochs),
    status,
  });
  const mixed = [
    run(11, 1, 'relu', (e) => 0.2 * e, 4),
    run(12, 2, 'relu', (e) => 0.1 * e, 4),
    run(13, 3, 'relu', (e) => 0.15 * e, 4),
    diverging(21, 1, 2, 'diverged'), // epochs 0, 1
    diverging(22, 2, 3, 'diverged'), // epochs 0, 1, 2
    diverging(23, 3, 4, 'completed'),
  ];
  const ids = mixed.map((r) => r.id);
  const prelu = (spec: ReturnType<typeof comparisonSpecSchema.parse>) => buildComparison(mixed, spec).groups.find((g) => g.label.includes('prelu'))!;

  it('include: diverged runs count up to their last measured epoch; every point says its n; no band at n = 1', () => {
    const spec = comparisonSpecSchema.parse({ runIds: ids, band: 'std', layer: 0 });
    const model = buildComparison(mixed, spec);
    const chart = chartData(model, 'dead-fraction', spec);
    if (chart.kind !== 'lines') throw new Error('expected lines');
    const s = chart.panels[0].series.find((x) => x.groupKey === prelu(spec).key)!;
    expect(s.points.map((p) => p.n)).toEqual([3, 3, 2, 1]);
    // Epoch 3 rests on the one run that did not diverge: its value, and no band.
    expect(s.points[3].mean).toBeCloseTo(0.3 + 0.15, 12);
    expect(Number.isNaN(s.points[3].lo) && Number.isNaN(s.points[3].hi)).toBe(true);
    expect(Number.isFinite(s.points[2].lo)).toBe(true);
    expect(s.legendName).toBe('activation=prelu (2/3 diverged)');
    expect(chart.notes).toContain('Diverged runs (loss NaN or ∞) count up to their last measured epoch, so n drops after it: activation=prelu 2/3 after epochs 1 and 2.');
    expect(chart.notes).toContain('n = 3 runs per group.');
    expect(chart.notes).toContain('Band: ± one standard deviation over the runs, drawn only where n ≥ 2.');
    // The CSV carries n per point.
    const csv = chartToCsv(chart).trim().split('\n');
    const rows = csv.filter((l) => l.includes(',mean,') && l.includes('prelu'));
    expect(rows.map((l) => l.split(',')[10])).toEqual(['3', '3', '2', '1']);
  });

  it('exclude: diverged runs are left out of their group, and the legend, the notes and the figure say so', () => {
    const spec = comparisonSpecSchema.parse({ runIds: ids, band: 'std', layer: 0, divergedRuns: 'exclude' });
    const model = buildComparison(mixed, spec);
    const g = prelu(spec);
    expect(g.runs.map((r) => r.id)).toEqual([23]);
    expect(g.allRuns).toHaveLength(3);
    const chart = chartData(model, 'dead-fraction', spec);
    if (chart.kind !== 'lines') throw new Error('expected lines');
    expect(chart.panels[0].series.find((x) => x.groupKey === g.key)!.points.map((p) => p.n)).toEqual([1, 1, 1, 1]);
    expect(chart.notes).toContain('n per group: activation=prelu 1; activation=relu 3.');
    expect(chart.notes).toContain('Diverged runs (loss NaN or ∞) are excluded: activation=prelu 2/3.');
    const svg = renderFigureSvg(chartToFigure(chart, spec, { preset: 'double-column' }));
    expect(svg).toContain('activation=prelu (2/3 diverged)');
    expect(svg).toContain('Diverged runs (loss NaN or ∞) are excluded');
  });

  it('"final" is one epoch per group (the last all its runs reached), stated in the bars, their CSV and the notes', () => {
    const spec = comparisonSpecSchema.parse({ runIds: ids, band: 'se' });
    const model = buildComparison(mixed, spec);
    expect(model.groups.map((g) => [g.label, g.finalEpoch])).toEqual([
      ['activation=prelu', 1],
      ['activation=relu', 3],
    ]);
    const bars = chartData(model, 'final-dead-bars', spec);
    if (bars.kind !== 'bars') throw new Error('expected bars');
    expect(bars.title).toBe('Final dead fraction per layer (mean ± SE)');
    const p = bars.panels[0].groups.find((x) => x.groupKey === prelu(spec).key)!;
    // Layer 1 at epoch 1 for all three PReLU runs: 0.1·seed + 0.05 — not each run's own last epoch.
    expect(p.values[0]).toMatchObject({ epoch: 1, n: 3 });
    expect(p.values[0].mean).toBeCloseTo((0.15 + 0.25 + 0.35) / 3, 12);
    expect(bars.notes).toContain('Values at the last epoch all runs of a group reached: activation=prelu epoch 1; activation=relu epoch 3.');
    const csv = chartToCsv(bars).trim().split('\n');
    expect(csv[0]).toBe('chart,panel,group,category,epoch,mean,lo,hi,n');
    expect(csv.find((l) => l.includes('activation=prelu,Dense 1 (4 units)'))!.split(',').slice(4, 5)).toEqual(['1']);

    // A chosen epoch: the same epoch for every group, in the titles on screen and in the export; runs that stopped before it are not counted.
    const at = comparisonSpecSchema.parse({ runIds: ids, band: 'se', atEpoch: 2 });
    const atModel = buildComparison(mixed, at);
    const atBars = chartData(atModel, 'final-dead-bars', at);
    if (atBars.kind !== 'bars') throw new Error('expected bars');
    expect(atBars.title).toBe('Dead fraction per layer at epoch 2 (mean ± SE)');
    expect(atBars.panels[0].title).toBe('at epoch 2');
    expect(atBars.panels[0].groups.find((x) => x.groupKey === prelu(at).key)!.values[0]).toMatchObject({ epoch: 2, n: 2 });
    expect(chartData(atModel, 'revival', at).title).toMatch(/^Revival up to epoch 2/);
    expect(renderFigureSvg(chartToFigure(atBars, at, { preset: 'single-column' }))).toContain('Dead fraction per layer at epoch 2');
  });

  it('hidden groups are left out of the charts and their exports, and the notes name them', () => {
    const key = prelu(comparisonSpecSchema.parse({ runIds: ids })).key;
    const spec = comparisonSpecSchema.parse({ runIds: ids, hiddenGroups: [key] });
    const model = buildComparison(mixed, spec);
    expect(model.groups.map((g) => g.hidden)).toEqual([true, false]);
    expect(model.visible.map((g) => g.label)).toEqual(['activation=relu']);
    for (const kind of ['dead-fraction', 'final-dead-bars', 'revival', 'loss'] as const) {
      const chart = chartData(model, kind, spec);
      expect(chartToCsv(chart)).not.toContain('prelu');
      expect(chart.notes).toContain('Hidden: activation=prelu (3 runs, 2/3 diverged).');
      const svg = renderFigureSvg(chartToFigure(chart, spec, { preset: 'single-column' }));
      expect(svg).not.toContain('>activation=prelu (2/3 diverged)<');
      expect(svg).toContain('Hidden: activation=prelu');
    }
    // Colours do not move when a group is hidden.
    expect(model.groups.map((g) => g.color)).toEqual(buildComparison(mixed, comparisonSpecSchema.parse({ runIds: ids })).groups.map((g) => g.color));
  });

  it('the heatmap colour scale spans the data and says so; its CSV has n per cell', () => {
    const relu = buildComparison(mixed, comparisonSpecSchema.parse({ runIds: ids })).groups.find((g) => g.label === 'activation=relu')!.key;
    const spec = comparisonSpecSchema.parse({ runIds: ids, focusGroup: relu });
    const heat = chartData(buildComparison(mixed, spec), 'dead-heatmap', spec);
    if (heat.kind !== 'heatmap') throw new Error('expected heatmap');
    // ReLU runs: 0.2e, 0.1e, 0.15e for e = 0..3: the means run from 0 to 0.45.
    expect(heat.range![0]).toBe(0);
    expect(heat.range![1]).toBeCloseTo(0.45, 12);
    expect(heat.domain).toEqual(heat.range);
    expect(heat.notes).toContain('Colour scale: 0 % to 45.0 % dead (the range of the data).');
    const figure = chartToFigure(heat, spec, { preset: 'single-column' });
    const panel = figure.panels[0];
    if (panel.kind !== 'heatmap') throw new Error('expected a heatmap panel');
    expect(panel.heatmap.colorScale.domain).toEqual(heat.domain);
    const csv = chartToCsv(heat).trim().split('\n');
    expect(csv[0]).toBe('chart,group,layer,epoch,dead_fraction,n');
    expect(csv[1].split(',').pop()).toBe('3');
    // No unit ever dead: a flat map on the full [0, 1] scale.
    const flat = chartData(buildComparison([run(31, 1, 'relu', () => 0)], comparisonSpecSchema.parse({ runIds: [31] })), 'dead-heatmap', comparisonSpecSchema.parse({ runIds: [31] }));
    if (flat.kind !== 'heatmap') throw new Error('expected heatmap');
    expect(flat.domain).toEqual([0, 1]);
    expect(flat.notes).toContain('Colour scale: 0 % to 100 % dead (every cell the same).');
  });

  it('the figure grows by its notes, so they never squeeze the plots, and they wrap for the widest fallback font', () => {
    const spec = comparisonSpecSchema.parse({ runIds: ids, band: 'ci95' });
    const chart = chartData(buildComparison(mixed, spec), 'final-dead-bars', spec);
    const figure = chartToFigure(chart, spec, { preset: 'single-column' });
    const bare = chartToFigure({ ...chart, notes: [] }, spec, { preset: 'single-column' });
    expect(figureSize(bare).heightIn).toBe(2.6);
    expect(figureSize(figure).heightIn).toBeGreaterThan(2.6 + chart.notes.length * 0.1);
    // A height the SVG writes exactly (1/100 in), so a PNG's pixel size is what figurePixelSize says.
    expect(Math.abs(figureSize(figure).heightIn * 100 - Math.round(figureSize(figure).heightIn * 100))).toBeLessThan(1e-9);
    expect(svgPhysicalSize(renderFigureSvg(figure))!.heightIn).toBeCloseTo(figureSize(figure).heightIn, 12);
    const svg = renderFigureSvg(figure);
    const spine = (text: string) => /class="spine" d="M([\d.]+) ([\d.]+)L[\d.]+ ([\d.]+)/.exec(text)!.slice(2, 4).map(Number);
    const [top, bottom] = spine(svg);
    const [bareTop, bareBottom] = spine(renderFigureSvg(bare));
    // The same plot height (within the rounding of the figure's height to 1/100 in = 0.72 pt).
    expect(Math.abs(bottom - top - (bareBottom - bareTop))).toBeLessThan(0.75);
    // Every note line fits the width even in DejaVu Sans (about a tenth wider than Helvetica).
    const lines = [...svg.matchAll(/<text class="note"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(lines.length).toBeGreaterThan(chart.notes.length);
    for (const line of lines) expect(measureText(line, 6.4, "'DejaVu Sans'") * 1.0).toBeLessThan(252 - 9.6);
  });
});
