import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { comparisonSpecSchema, type ComparisonSpecInput } from '../../../shared/compare.js';
import { buildComparison, chartData, type ComparedRun, type LineChartData } from '../../../shared/charts.js';
import { chartToCsv, chartToFigure } from '../../../shared/chart-export.js';
import { comparisonView } from '../../../shared/comparison-view.js';
import { renderFigureSvg } from '../../../shared/figure/index.js';
import { validateExperiment } from '../../../shared/config.js';

const base = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 1, width: 4 }, training: { learningRate: 0.1, epochs: 6 } });
if (!base.ok) throw new Error('bad base config');
const config = base.runs[0].config;

/** A run of 3 tasks × 2 epochs (epochs 1–2 task 0, 3–4 task 1, 5–6 task 2) whose accuracy at epoch e is `accuracy(e)`. */
function run(id: number, seed: number, variant: string, accuracy: (e: number) => number, tasks = true): ComparedRun {
  const epochs = Array.from({ length: 7 }, (_, epoch) => ({
    epoch,
    ...(tasks ? { task: epoch === 0 ? 0 : Math.floor((epoch - 1) / 2) } : {}),
    trainLoss: 1,
    trainAccuracy: accuracy(epoch),
    valLoss: null,
    valAccuracy: null,
    seconds: 1,
    elapsedSeconds: epoch,
    probeMs: 1,
    layers: [{ layer: 0, units: 4, deadFraction: 0.25, activeProbability: 0.5, dormantFraction: 0.25, gradNorm: 1, preActMean: 0, preActStd: 1, histogram: { lo: -1, hi: 1, counts: [1, 1] }, deadMask: [1, 0, 0, 0], preluAlphas: null }],
  })) as unknown as EpochMetricsDto[];
  return { id, experimentId: 1, seed, sweep: { variant }, config, status: 'completed', name: null, epochs };
}

// Baseline: accuracy falls by 0.1 per task (0.9, 0.8, 0.7); ReDo keeps 0.9, seed 2 a little lower (0.8).
const runs = [
  run(1, 1, 'baseline', (e) => (e === 0 ? 0.1 : 0.9 - 0.1 * Math.floor((e - 1) / 2))),
  run(2, 2, 'baseline', (e) => (e === 0 ? 0.1 : 0.9 - 0.1 * Math.floor((e - 1) / 2))),
  run(3, 1, 'redo', (e) => (e === 0 ? 0.1 : 0.9)),
  run(4, 2, 'redo', (e) => (e === 0 ? 0.1 : 0.8)),
];
const ids = runs.map((r) => r.id);

function lines(kind: 'task-accuracy' | 'dead-fraction' | 'loss', input: Partial<ComparisonSpecInput> = {}, of = runs): LineChartData {
  const spec = comparisonSpecSchema.parse({ runIds: of.map((r) => r.id), groupBy: ['variant'], ...input });
  const chart = chartData(buildComparison(of, spec), kind, spec);
  if (chart.kind !== 'lines') throw new Error('expected lines');
  return chart;
}

describe('task sequences in the comparison', () => {
  it('online accuracy per task: x = task, per group the mean over runs of each run’s mean training accuracy over the task, with the band and n', () => {
    const chart = lines('task-accuracy', { band: 'std' });
    expect(chart.title).toBe('Online accuracy per task (mean ± std)');
    expect(chart.xAxis).toBe('task');
    expect(chart.fraction).toBe(true);
    const [baseline, redo] = chart.panels[0].series;
    expect(baseline.name).toBe('baseline');
    expect(baseline.points.map((p) => p.x)).toEqual([0, 1, 2]);
    expect(baseline.points.map((p) => p.mean)).toEqual([0.9, 0.8, 0.7].map((v) => expect.closeTo(v, 12)));
    expect(baseline.points.map((p) => p.n)).toEqual([2, 2, 2]);
    expect(redo.points.map((p) => p.mean)).toEqual([0.85, 0.85, 0.85].map((v) => expect.closeTo(v, 12)));
    expect(redo.points[0].hi - redo.points[0].mean).toBeCloseTo(Math.SQRT1_2 * 0.1, 12);
    expect(chart.notes).toContain('Online accuracy: each run’s mean training accuracy over the epochs that trained on the task (Dohare et al. 2024), then the mean over the runs.');
    const csv = chartToCsv(chart).trim().split('\n');
    expect(csv[0]).toBe('chart,panel,group,series,run_id,seed,task,mean,lo,hi,n,value');
    // Smoothing and the time axis leave it as it is: x is the task.
    expect(lines('task-accuracy', { band: 'std', smoothing: 0.9, xAxis: 'time' }).panels).toEqual(chart.panels);
  });

  it('epoch-axis line charts mark where the task changes, on screen and in the figure; not on a time axis', () => {
    const chart = lines('dead-fraction');
    expect(chart.taskBoundaries).toEqual([
      { x: 2.5, task: 1, epoch: 3 },
      { x: 4.5, task: 2, epoch: 5 },
    ]);
    expect(chart.notes).toContain('Dashed vertical lines: a new task starts (2 changes, at epochs 3 and 5).');
    expect(lines('loss').taskBoundaries).toHaveLength(2);
    expect(lines('dead-fraction', { xAxis: 'time' }).taskBoundaries).toEqual([]);
    const spec = comparisonSpecSchema.parse({ runIds: ids, groupBy: ['variant'] });
    const figure = chartToFigure(chart, spec, { preset: 'single-column' });
    expect(figure.panels[0]).toMatchObject({ refLines: [{ axis: 'x', value: 2.5, label: 'task 1' }, { axis: 'x', value: 4.5, label: 'task 2' }] });
    expect(renderFigureSvg(figure).match(/class="ref-line"/g)).toHaveLength(2);
  });

  it('runs without tasks: no boundaries, no task accuracy, and the view says so', () => {
    const plain = [run(1, 1, 'a', () => 0.5, false), run(2, 1, 'b', () => 0.6, false)];
    expect(lines('dead-fraction', {}, plain).taskBoundaries).toEqual([]);
    expect(lines('task-accuracy', {}, plain).panels[0].series.every((s) => s.points.length === 0)).toBe(true);
    const spec = comparisonSpecSchema.parse({ runIds: [1, 2] });
    expect(comparisonView(plain, buildComparison(plain, spec), spec).hasTasks).toBe(false);
    const specT = comparisonSpecSchema.parse({ runIds: ids });
    expect(comparisonView(runs, buildComparison(runs, specT), specT).hasTasks).toBe(true);
  });
});
