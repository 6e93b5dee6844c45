import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { comparisonSpecSchema, type ComparisonSpecInput } from '../../../shared/compare.js';
import { BORN_DEAD_CATEGORY, buildComparison, chartData, type BarChartData, type ComparedRun } from '../../../shared/charts.js';
import { chartToCsv, chartToFigure } from '../../../shared/chart-export.js';
import { comparisonView } from '../../../shared/comparison-view.js';
import { renderFigureSvg } from '../../../shared/figure/index.js';
import { wilsonInterval } from '../../../shared/analysis/index.js';
import { validateExperiment } from '../../../shared/config.js';

const base = validateExperiment({ name: 'x', dataset: { kind: 'abs1d' }, model: { hiddenLayers: 3, width: 2 }, training: { learningRate: 0.1, epochs: 1 } });
if (!base.ok) throw new Error('bad base config');
const config = base.runs[0].config;

/** A run of width `width` whose layers' dead fractions are `dead[epoch]` (one list per measured epoch). */
function run(id: number, width: number, dead: number[][], status: ComparedRun['status'] = 'completed'): ComparedRun {
  const epochs: EpochMetricsDto[] = dead.map((layers, epoch) => ({
    epoch,
    trainLoss: 1,
    trainAccuracy: null,
    valLoss: null,
    valAccuracy: null,
    seconds: 0,
    elapsedSeconds: 0,
    probeMs: 1,
    task: null,
    layers: layers.map((d, layer) => ({
      layer,
      units: width,
      deadFraction: d,
      activeProbability: 1 - d,
      dormantFraction: d,
      gradNorm: 1,
      preActMean: 0,
      preActStd: 1,
      histogram: { lo: -1, hi: 1, counts: [1, 1] },
      deadMask: Array.from({ length: width }, (_, u) => (u < d * width ? 1 : 0)),
      preluAlphas: null,
      unitsReset: null,
      effectiveRank: null,
      weightMagnitude: null,
    })),
  }));
  return { id, experimentId: 1, seed: id, sweep: { 'model.width': width }, config: { ...config, model: { ...config.model, width } }, status, name: null, epochs };
}

// Width 2: runs 1–3 born with a fully dead layer (run 3 only in its last layer), run 4 not, run 5
// diverged after epoch 0 with a dead layer, run 6 never measured. Width 10: nothing fully dead at
// birth; run 13 has a layer dying completely in epoch 1; run 14's layer 2 is NaN at birth.
const runs = [
  run(1, 2, [[1, 1, 1], [1, 1, 1]]),
  run(2, 2, [[0.5, 1, 1], [0.5, 1, 1]]),
  run(3, 2, [[0, 0.5, 1], [0, 0.5, 1]]),
  run(4, 2, [[0.5, 0.5, 0], [0.5, 0.5, 0]]),
  run(5, 2, [[0, 1, 0.5]], 'diverged'),
  run(6, 2, [], 'failed'),
  run(11, 10, [[0, 0.1, 0.2], [0, 0.1, 0.2]]),
  run(12, 10, [[0.1, 0, 0], [0.1, 0, 0]]),
  run(13, 10, [[0.3, 0.4, 0.5], [0.3, 1, 0.5]]),
  run(14, 10, [[0, NaN, 0], [0, 0, 0]]),
];
const ids = runs.map((r) => r.id);

function bornDead(input: Partial<ComparisonSpecInput> = {}): BarChartData {
  const spec = comparisonSpecSchema.parse({ runIds: ids, ...input });
  const chart = chartData(buildComparison(runs, spec), 'born-dead', spec);
  if (chart.kind !== 'bars') throw new Error('expected bars');
  return chart;
}

const value = (chart: BarChartData, width: number) => chart.panels[0].groups.find((g) => g.name === `width=${width}`)!.values[0];

describe('born-dead chart: share of runs with a fully dead layer', () => {
  it('at initialization by default: per group the share of runs with a layer whose dead fraction is 1, with the Wilson 95 % interval', () => {
    const chart = bornDead();
    expect(chart.title).toBe('Born dead: share of runs with a fully dead layer (Wilson 95 % interval)');
    expect(chart.interval).toBe('wilson95');
    expect(chart.panels).toHaveLength(1);
    expect(chart.panels[0].title).toBe('at epoch 0 (initialization)');
    expect(chart.panels[0].categories).toEqual([BORN_DEAD_CATEGORY]);
    expect(chart.panels[0].groups.map((g) => g.name)).toEqual(['width=2', 'width=10']);
    // Width 2: runs 1, 2, 3 and the diverged run 5 have a fully dead layer, run 4 not; run 6 has no measurement.
    const w2 = wilsonInterval(4, 5);
    expect(value(chart, 2)).toEqual({ category: BORN_DEAD_CATEGORY, mean: 0.8, lo: w2.lo, hi: w2.hi, n: 5, epoch: 0, count: 4 });
    // Width 10: none of 3 judged runs (run 14's NaN layer cannot be judged and none of its layers is fully dead).
    expect(value(chart, 10)).toMatchObject({ mean: 0, lo: 0, n: 3, count: 0 });
    expect(value(chart, 10).hi).toBeCloseTo(wilsonInterval(0, 3).hi, 15);
    expect(chart.notes).toEqual([
      'A run has a fully dead layer when at epoch 0 some hidden layer has dead fraction 1 (every unit or channel dead on every probe input).',
      'Runs with a fully dead layer / runs counted: width=2 4/5; width=10 0/3.',
      'Error bars: Wilson score 95 % interval of the share (Wilson 1927), whatever the band setting.',
      'Runs whose pre-activations were NaN or ±∞ at epoch 0 in a layer, none fully dead, cannot be judged and are not counted: width=10 1/4.',
      'Diverged runs (loss NaN or ∞) count when they measured epoch 0, as every run: width=2 1/6 after epoch 0.',
      'Runs without any measurement are not counted: width=2 1/6.',
    ]);
  });

  it('excluded diverged runs leave the share, and the notes say so', () => {
    const chart = bornDead({ divergedRuns: 'exclude' });
    expect(value(chart, 2)).toMatchObject({ count: 3, n: 4, mean: 0.75 });
    expect(chart.notes).toContain('Diverged runs (loss NaN or ∞) are excluded: width=2 1/6.');
  });

  it('at a chosen epoch: retitled, runs that did not reach it are not counted', () => {
    const chart = bornDead({ atEpoch: 1 });
    expect(chart.title).toBe('Share of runs with a fully dead layer at epoch 1 (Wilson 95 % interval)');
    expect(chart.panels[0].title).toBe('at epoch 1');
    expect(value(chart, 2)).toMatchObject({ count: 3, n: 4, epoch: 1 });
    // Run 13's second layer died completely in epoch 1; run 14's layers are finite there.
    expect(value(chart, 10)).toMatchObject({ count: 1, n: 4, mean: 0.25 });
    // The diverged run 5 stopped after epoch 0; run 6 never measured anything (the general note names it).
    expect(chart.notes).toContain('Runs without a measurement of epoch 1 are not counted: width=2 1/6.');
    expect(chart.notes).toContain('Runs without any measurement are not counted: width=2 1/6.');
  });

  it('draws its error bars whatever the band (none included), in the CSV with the count, and in the figure', () => {
    const chart = bornDead({ band: 'none' });
    expect(chart.notes.some((n) => n.startsWith('Band:'))).toBe(false);
    const spec = comparisonSpecSchema.parse({ runIds: ids, band: 'none' });
    const csv = chartToCsv(chart).trim().split('\n');
    expect(csv[0]).toBe('chart,panel,group,category,epoch,mean,lo,hi,n,count');
    const w2 = wilsonInterval(4, 5);
    expect(csv[1].split(',')).toEqual(['born-dead', 'at epoch 0 (initialization)', 'width=2', BORN_DEAD_CATEGORY, '0', '0.8', String(w2.lo), String(w2.hi), '5', '4']);
    const figure = chartToFigure(chart, spec, { preset: 'single-column' });
    const panel = figure.panels[0];
    if (panel.kind !== 'bars') throw new Error('expected a bars panel');
    expect(panel.bars?.[0].groups?.[0]).toMatchObject({ value: 0.8, lo: w2.lo, hi: w2.hi });
    const svg = renderFigureSvg(figure);
    expect(svg.match(/class="error-bar"/g)).toHaveLength(2);
    expect(svg).toContain('Share of runs');
    expect(svg).toContain('width=2 (1/6 diverged)');
    // The other bar charts keep following the band setting.
    const finalBars = chartData(buildComparison(runs, spec), 'final-dead-bars', spec);
    expect(renderFigureSvg(chartToFigure(finalBars, spec, { preset: 'single-column' }))).not.toContain('class="error-bar"');
  });

  it('the view says whether any run has a fully dead layer (the page offers the chart then)', () => {
    const spec = comparisonSpecSchema.parse({ runIds: ids });
    expect(comparisonView(runs, buildComparison(runs, spec), spec).anyFullyDeadLayer).toBe(true);
    const alive = runs.filter((r) => r.sweep['model.width'] === 10 && r.id !== 13);
    const spec2 = comparisonSpecSchema.parse({ runIds: alive.map((r) => r.id) });
    const view = comparisonView(alive, buildComparison(alive, spec2), spec2);
    expect(view.anyFullyDeadLayer).toBe(false);
    expect(view.charts['born-dead'].kind).toBe('bars');
  });
});
