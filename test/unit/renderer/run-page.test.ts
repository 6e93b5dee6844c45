/** The run page's pure parts: charts planned from the metric field table, their rows and CSV, the dead-mask grid, the run's identity and links, its route. */
import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import { validateExperiment } from '../../../shared/config.js';
import { EPOCH_FIELDS, LAYER_FIELDS } from '../../../shared/metric-fields.js';
import { parseHash, routeHref } from '../../../renderer/src/app/routes.js';
import { paramsToSpec } from '../../../renderer/src/compare/url.js';
import { runDeadHeatmap, runHistograms } from '../../../renderer/src/run/compare-charts.js';
import { deadMaskCsv, deadMaskGrid, maskCaption, mostDeadLayer, spanIndex } from '../../../renderer/src/run/dead-mask.js';
import { runChartFigure } from '../../../renderer/src/run/figure.js';
import { configSummary, measuredTime, runFacts, runSubtitle, siblingLinks, versionsText } from '../../../renderer/src/run/identity.js';
import { renderFigureSvg } from '../../../shared/figure/render.js';
import { runChartCsv, runChartRows } from '../../../renderer/src/run/rows.js';
import { layerCount, runCharts } from '../../../renderer/src/run/series.js';
import { LIVE_MAX_POINTS } from '../../../renderer/src/charts/live.js';

const design = validateExperiment({
  name: 'Run page',
  dataset: { kind: 'blobs' },
  model: { hiddenLayers: 2, width: 4, activation: 'prelu' },
  training: { learningRate: 0.1, epochs: 3 },
});
if (!design.ok) throw new Error('bad design');
const config = design.runs[0].config;

interface EpochOptions {
  layers?: number;
  units?: number;
  prelu?: boolean;
  dead?: (e: number, l: number, u: number) => boolean;
  at?: (e: number) => Partial<EpochMetricsDto>;
  layer?: (e: number, l: number) => Partial<EpochMetricsDto['layers'][number]>;
}

/** `n` epochs of a run: `layers` hidden layers of `units` units, unit u of layer l dead at epoch e when `dead(e, l, u)`. */
function epochs(n: number, o: EpochOptions = {}): EpochMetricsDto[] {
  const layers = o.layers ?? 2;
  const units = o.units ?? 4;
  return Array.from({ length: n }, (_, e) => ({
    epoch: e,
    trainLoss: 2 / (e + 1),
    trainAccuracy: 0.5 + e / 100,
    valLoss: 2.5 / (e + 1),
    valAccuracy: 0.4 + e / 100,
    seconds: e === 0 ? 0 : 0.5,
    elapsedSeconds: e * 0.6,
    probeMs: 20,
    task: null,
    ...o.at?.(e),
    layers: Array.from({ length: layers }, (_, l) => {
      const mask = Array.from({ length: units }, (_, u) => (o.dead?.(e, l, u) ? 1 : 0));
      return {
        layer: l,
        units,
        deadFraction: mask.reduce<number>((s, m) => s + m, 0) / units,
        activeProbability: 0.5,
        dormantFraction: 0,
        gradNorm: 0.1 * (l + 1),
        preActMean: 0.2 * l - 0.1,
        preActStd: 0.5,
        histogram: { lo: -2, hi: 2, counts: [1, 3, 4, 2] },
        deadMask: mask,
        preluAlphas: o.prelu ? Array.from({ length: units }, (_, u) => 0.25 + 0.01 * u + 0.001 * e) : null,
        effectiveRank: null,
        weightMagnitude: null,
        unitsReset: null,
        ...o.layer?.(e, l),
      };
    }),
  }));
}

function runRow(patch: Partial<RunRow> = {}): RunRow {
  return {
    id: 41,
    experimentId: 3,
    index: 2,
    name: null,
    seed: 7,
    sweep: { variant: 'PReLU', 'training.learningRate': 0.1 },
    config,
    status: 'completed',
    backend: 'wasm',
    versions: { tfjs: '4.22.0', backend: 'wasm 4.22.0', node: 'v20.19.0' },
    error: null,
    epochsDone: 3,
    epochsTotal: 3,
    createdAt: '2026-01-02T10:00:00.000Z',
    startedAt: '2026-01-02T10:00:01.000Z',
    finishedAt: '2026-01-02T10:01:31.000Z',
    notes: '',
    tags: [],
    experimentName: 'Mitigations',
    lastEpoch: 3,
    lastTrainLoss: 0.5,
    lastValAccuracy: 0.8,
    lastDeadFractions: [0, 0],
    ...patch,
  };
}

describe('run charts from the metric field table', () => {
  it('every series field of the table is drawn, each in exactly one chart, with its label', () => {
    const charts = runCharts(epochs(3, { prelu: true }));
    const drawn = charts.flatMap((c) => c.fields);
    const series = [...EPOCH_FIELDS, ...LAYER_FIELDS].filter((f) => 'series' in f && f.series).map((f) => f.key);
    expect([...drawn].sort()).toEqual([...series].sort());
    expect(new Set(drawn).size).toBe(drawn.length);
    expect(charts.map((c) => c.id)).toEqual([
      'loss',
      'accuracy',
      'deadFraction',
      'activeProbability',
      'dormantFraction',
      'gradNorm',
      'preActMean',
      'preluAlphaMean',
      'effectiveRank',
      'weightMagnitude',
      'unitsReset',
      'unit-s',
      'unit-ms',
      'unit-none',
    ]);
    const grad = charts.find((c) => c.id === 'gradNorm')!;
    expect(grad).toMatchObject({ title: 'Gradient norm per layer', scope: 'layer', fraction: false, nonNegative: true, empty: null });
    expect(grad.lines.map((l) => l.label)).toEqual(['layer 1', 'layer 2']);
    expect(grad.lines[1].points.map((p) => p.value)).toEqual([0.2, 0.2, 0.2]);
    expect(charts.find((c) => c.id === 'deadFraction')).toMatchObject({ fraction: true, yLabel: 'Dead fraction' });
    expect(charts.find((c) => c.id === 'unit-s')).toMatchObject({ title: 'Epoch training time and time since the start', yLabel: 'Seconds', fields: ['seconds', 'elapsedSeconds'] });
    expect(charts.find((c) => c.id === 'unit-ms')).toMatchObject({ title: 'Probe time', yLabel: 'Probe time (ms)' });
  });

  it('training and validation share a chart; the pre-activation mean carries its ± std band', () => {
    const charts = runCharts(epochs(3));
    expect(charts[0].lines.map((l) => [l.key, l.label])).toEqual([
      ['trainLoss', 'Training loss'],
      ['valLoss', 'Validation loss'],
    ]);
    const pre = charts.find((c) => c.id === 'preActMean')!;
    expect(pre.band).toEqual({ field: 'preActStd', label: 'Pre-activation std' });
    expect(pre.lines[1].points[0]).toEqual({ epoch: 0, value: expect.closeTo(0.1, 12), lo: expect.closeTo(-0.4, 12), hi: expect.closeTo(0.6, 12) });
  });

  it('the PReLU slope is the mean of the stored per-unit slopes; without PReLU the chart says why it is empty', () => {
    const prelu = runCharts(epochs(2, { prelu: true })).find((c) => c.id === 'preluAlphaMean')!;
    expect(prelu.empty).toBeNull();
    expect(prelu.lines[0].points[1].value).toBeCloseTo(0.25 + 0.015 + 0.001, 6);
    const relu = runCharts(epochs(2)).find((c) => c.id === 'preluAlphaMean')!;
    expect(relu.empty).toMatch(/^No values for this run\. Mean PReLU slope: .*\(PReLU only\)/);
    const regression = runCharts(epochs(2, { at: () => ({ trainAccuracy: null, valAccuracy: null }) })).find((c) => c.id === 'accuracy')!;
    expect(regression.empty).toMatch(/classification only/);
  });

  it('counts the layers of the measurements', () => {
    expect(layerCount(epochs(2, { layers: 5 }))).toBe(5);
    expect(layerCount([])).toBe(0);
  });
});

describe('run chart rows and CSV', () => {
  it('non-finite values are gaps and counted; a fraction gets the 0–100 % axis and no log option', () => {
    const charts = runCharts(epochs(4, { at: (e) => (e === 3 ? { trainLoss: NaN, valLoss: Infinity } : {}) }));
    const loss = runChartRows(charts[0], { log: false, epochsTotal: 10 });
    expect(loss.rows.map((r) => r.trainLoss)).toEqual([2, 1, 2 / 3, null]);
    expect(loss.nonFinite).toBe(2);
    expect(loss.x.domain).toEqual([0, 10]);
    expect(loss.logOffered).toBe(true);
    const dead = runChartRows(charts.find((c) => c.id === 'deadFraction')!, { log: true, epochsTotal: 4 });
    expect(dead.logOffered).toBe(false);
    expect(dead.y.scale).toBe('linear');
    expect(dead.y.domain).toEqual([0, 1]);
  });

  it('a log axis leaves out values ≤ 0 and counts them; band ends at or below 0 sit on the axis bottom', () => {
    const grad = runCharts(epochs(3, { layer: (e) => ({ gradNorm: e === 0 ? 0 : 10 ** -e }) })).find((c) => c.id === 'gradNorm')!;
    const shaped = runChartRows(grad, { log: true, epochsTotal: 3 });
    expect(shaped.y.scale).toBe('log');
    expect(shaped.droppedY).toBe(2);
    expect(shaped.rows[0].l0).toBeNull();
    expect(shaped.rows[2].l1).toBeCloseTo(0.01, 12);
    const pre = runCharts(epochs(2, { layer: () => ({ preActMean: 1, preActStd: 2 }) })).find((c) => c.id === 'preActMean')!;
    const mean = runChartRows(pre, { log: true, epochsTotal: 2 });
    expect(mean.logOffered).toBe(true);
    expect(mean.rows[0].l0_band).toEqual([mean.y.domain[0], 3]);
  });

  it('a spike survives thinning a long run', () => {
    const long = runCharts(epochs(5000, { layers: 1, layer: (e) => ({ gradNorm: e === 3001 ? 50 : 1 }) })).find((c) => c.id === 'gradNorm')!;
    const shaped = runChartRows(long, { log: false, epochsTotal: 5000 });
    expect(shaped.rows.length).toBeLessThanOrEqual(LIVE_MAX_POINTS);
    expect(shaped.rows.find((r) => r.epoch === 3001)?.l0).toBe(50);
  });

  it('writes every epoch of every line, layers 1-based, NaN spelled out and no value empty', () => {
    const charts = runCharts(epochs(3, { at: (e) => (e === 2 ? { valLoss: NaN } : {}) }));
    const csv = runChartCsv(41, charts[0]).trim().split('\n');
    expect(csv[0]).toBe('run_id,chart,series,layer,epoch,metric,value');
    expect(csv).toHaveLength(1 + 2 * 3);
    expect(csv[1]).toBe('41,loss,Training loss,,0,trainLoss,2');
    expect(csv[6]).toBe('41,loss,Validation loss,,2,valLoss,NaN');
    const pre = runChartCsv(41, charts.find((c) => c.id === 'preActMean')!).trim().split('\n');
    expect(pre[0]).toBe('run_id,chart,series,layer,epoch,metric,value,band_metric,lo,hi');
    expect(pre[4]).toBe('41,preActMean,layer 2,2,0,preActMean,0.1,preActStd,-0.4,0.6');
    const relu = runChartCsv(41, charts.find((c) => c.id === 'preluAlphaMean')!).trim().split('\n');
    expect(relu[1]).toBe('41,preluAlphaMean,layer 1,1,0,preluAlphaMean,');
  });
});

describe('a run chart as a figure', () => {
  it('the same lines, colours, band and scale as on screen, the run named under the title', () => {
    const charts = runCharts(epochs(4, { layers: 3, at: (e) => (e === 2 ? { valLoss: NaN } : {}) }));
    const subtitle = runSubtitle(runRow());
    expect(subtitle).toBe('Run 41 · PReLU, learningRate=0.1 · seed 7 · Mitigations');
    const grad = runChartFigure(charts.find((c) => c.id === 'gradNorm')!, { subtitle, log: true });
    const panel = grad.panels[0];
    expect(panel).toMatchObject({ kind: 'lines', xLabel: 'Epoch', yLabel: 'Gradient norm', yScale: 'log', yFromZero: true });
    if (panel.kind !== 'lines') throw new Error('a lines panel');
    expect(panel.series.map((l) => [l.name, l.color, l.dash])).toEqual([
      ['layer 1', '#0072B2', ''],
      ['layer 2', '#D55E00', ''],
      ['layer 3', '#009E73', ''],
    ]);
    const loss = runChartFigure(charts[0], { subtitle, log: false }).panels[0];
    if (loss.kind !== 'lines') throw new Error('a lines panel');
    expect(loss.series[1].points[2]).toEqual({ x: 2, y: null });
    const pre = runChartFigure(charts.find((c) => c.id === 'preActMean')!, { subtitle, log: false }).panels[0];
    if (pre.kind !== 'lines') throw new Error('a lines panel');
    expect(pre.series[0].band?.[0]).toEqual({ x: 0, lo: expect.closeTo(-0.6, 12), hi: expect.closeTo(0.4, 12) });
    const svg = renderFigureSvg(grad);
    expect(svg).toMatch(/^(<\?xml[^>]*>\s*)?<svg /);
    for (const text of ['Gradient norm per layer', 'Run 41 · PReLU, learningRate=0.1 · seed 7 · Mitigations', 'layer 3', 'Epoch']) expect(svg).toContain(text);
  });
});

describe('dead units over epochs', () => {
  it('one cell per unit and measurement when small, with the layer’s deaths and revivals', () => {
    // Unit 0 dead from the start, unit 1 dies at epoch 1 and comes back at epoch 3, units 2–3 stay alive.
    const list = epochs(4, { dead: (e, l, u) => l === 1 && (u === 0 || (u === 1 && e >= 1 && e < 3)) });
    const grid = deadMaskGrid(list, 1);
    expect(grid.units).toBe(4);
    expect(grid.columns).toEqual([0, 1, 2, 3].map((e) => ({ from: e, to: e })));
    expect(grid.values).toEqual([
      [1, 1, 1, 1],
      [0, 1, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(grid.revival).toMatchObject({ everDied: 2, deadAtInit: 1, diedDuringTraining: 1, revived: 1, stayedDead: 1 });
    expect(maskCaption(grid)).toBe('2 units of 4 in layer 2 died (1 at initialization, 1 during training); 1 came back later, 1 stayed dead to the last measurement.');
    expect(maskCaption(deadMaskGrid(list, 0))).toBe('No unit of layer 1 was dead at any of its 4 measurements.');
    const csv = deadMaskCsv(41, grid).trim().split('\n');
    expect(csv[0]).toBe('run_id,layer,unit_from,unit_to,epoch_from,epoch_to,dead_share');
    expect(csv).toHaveLength(1 + 16);
    expect(csv[6]).toBe('41,2,2,2,1,1,1');
    expect(mostDeadLayer(list)).toBe(1);
    // The peak counts, not the last epoch: layer 1 lost half its units once, layer 2 a quarter to the end.
    const peaks = epochs(3, { dead: (e, l, u) => (l === 0 ? e === 1 && u < 2 : u === 0) });
    expect(mostDeadLayer(peaks)).toBe(0);
    expect(mostDeadLayer([])).toBe(0);
  });

  it('a long run of a wide layer is binned, and a unit dead for one epoch still tints its cell', () => {
    const list = epochs(1001, { layers: 1, units: 300, dead: (e, _l, u) => e === 700 && u === 123 });
    const grid = deadMaskGrid(list, 0, { columns: 100, rows: 50 });
    expect(grid.columns).toHaveLength(100);
    expect(grid.rows).toHaveLength(50);
    expect(grid.columns[0].from).toBe(0);
    expect(grid.columns[99].to).toBe(1000);
    const row = spanIndex(grid.rows, 123);
    const col = grid.columns.findIndex((c) => c.from <= 700 && c.to >= 700);
    const cellPairs = (grid.rows[row].to - grid.rows[row].from + 1) * (grid.columns[col].to - grid.columns[col].from + 1);
    expect(grid.values[row][col]).toBeCloseTo(1 / cellPairs, 12);
    expect(grid.values.flat().filter((v) => v > 0)).toHaveLength(1);
    expect(maskCaption(grid)).toContain('Binned to draw: each column holds up to 11 consecutive measurements, each row up to 6 consecutive units');
  });
});

describe('the run’s identity and links', () => {
  it('lists who the run is, its versions as recorded and its timing', () => {
    const facts = runFacts(runRow(), 'completed', measuredTime(epochs(3)));
    const byLabel = Object.fromEntries(facts.map((f) => [f.label, f.value]));
    expect(byLabel).toMatchObject({
      Experiment: 'Mitigations (#3)',
      Variant: 'PReLU',
      learningRate: '0.1',
      Seed: '7',
      Status: 'completed',
      Backend: 'wasm',
      Versions: 'tfjs 4.22.0 · backend wasm 4.22.0 · node v20.19.0',
      'Wall time': '1 min 30 s',
      'Measured time': '1 s training, 0 s probing',
    });
    expect(facts[0].title).toBe('The 3rd run of this experiment');
    expect(versionsText(null)).toBe('not recorded');
    expect(versionsText({ tfjs: '4', backend: 'wasm', node: 'v20', batched: 'true' })).toBe('tfjs 4 · backend wasm · node v20 · batched true');
    expect(measuredTime([])).toBeNull();
    expect(configSummary(config)).toBe('2 hidden layers (4, 4 units), prelu, init he_normal, sgd at learning rate 0.1, batch 64, 3 epochs; data blobs');
  });

  it('compares with the runs that differ only by seed, or with the whole experiment', () => {
    const run = runRow();
    const others = [
      { id: 40, sweep: { variant: 'PReLU', 'training.learningRate': 0.1 } },
      run,
      { id: 42, sweep: { variant: 'ReLU', 'training.learningRate': 0.1 } },
      { id: 43, sweep: { 'training.learningRate': 0.1, variant: 'PReLU' } },
    ];
    const links = siblingLinks(run, others);
    expect(links.experiment).toBe('#/experiments/3/runs/41');
    expect(links.seeds?.runs).toBe(3);
    const query = (href: string) => new URLSearchParams(href.slice(href.indexOf('?') + 1));
    expect(paramsToSpec(query(links.seeds!.href)).spec.runIds).toEqual([40, 41, 43]);
    expect(paramsToSpec(query(links.all!.href)).spec.experimentIds).toEqual([3]);
    expect(siblingLinks(run, [run])).toMatchObject({ seeds: null, all: null });
  });

  it('is reached at #/runs/ID', () => {
    expect(parseHash('#/runs/41')).toEqual({ page: 'run', id: 41 });
    expect(routeHref({ page: 'run', id: 41 })).toBe('#/runs/41');
    expect(parseHash('#/runs/0').page).toBe('not-found');
    expect(parseHash('#/runs/41/x').page).toBe('not-found');
    expect(parseHash('#/runs').page).toBe('runs');
  });
});

describe('the Compare view’s single-run charts for one run', () => {
  it('the layer × epoch heatmap holds the run’s dead fractions; the histograms six epochs, the first and the last among them', () => {
    const list = epochs(12, { dead: (e, l, u) => u < (e % 4) && l === 0 });
    const heat = runDeadHeatmap(runRow(), list);
    expect(heat.layers).toEqual([0, 1]);
    expect(heat.values[0].slice(0, 5)).toEqual([0, 0.25, 0.5, 0.75, 0]);
    expect(heat.counts[0].every((n) => n === 1)).toBe(true);
    const ridges = runHistograms(runRow(), list, 1);
    expect(ridges.layer).toBe(1);
    expect(ridges.runId).toBe(41);
    expect(ridges.ridges.map((r) => r.epoch)).toHaveLength(6);
    expect(ridges.ridges[0].epoch).toBe(0);
    expect(ridges.ridges[5].epoch).toBe(11);
  });
});
