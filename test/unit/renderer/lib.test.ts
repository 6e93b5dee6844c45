/** Pure renderer logic: history filtering/sorting, the CSV export, routes, formatting, and the live store. */
import { describe, expect, it, vi } from 'vitest';
import type { EpochMetricsDto, ExperimentRow, LabEvent, RunRow } from '../../../shared/api.js';
import { allTags, EMPTY_FILTER, fieldValues, matchesFilter, sortExperiments } from '../../../renderer/src/experiments/history.js';
import { metricsToCsv } from '../../../renderer/src/experiments/metrics-csv.js';
import { copyName } from '../../../renderer/src/designer/source.js';
import { csvField } from '../../../shared/csv.js';
import { slug } from '../../../shared/slug.js';
import { formatDuration, formatNumber, sweepLabel } from '../../../renderer/src/ui/format.js';
import { parseHash, routeHref } from '../../../renderer/src/app/routes.js';
import { LiveStore, mergeEpochs, slimEpoch } from '../../../renderer/src/app/live.js';
import { experimentProgress } from '../../../shared/progress.js';

function row(id: number, patch: Partial<ExperimentRow> = {}): ExperimentRow {
  return {
    id,
    name: `exp ${id}`,
    config: { name: `exp ${id}`, model: { activation: 'relu' }, training: { learningRate: 0.01 } },
    notes: '',
    tags: [],
    createdAt: `2025-01-0${id}T10:00:00.000Z`,
    updatedAt: `2025-01-0${id}T10:00:00.000Z`,
    runCount: 1,
    statusCounts: { completed: 1 },
    activations: ['relu'],
    inits: ['he_normal'],
    learningRates: [0.01],
    batchNorm: [false],
    datasetKind: 'blobs',
    finalMeanDeadFraction: null,
    epochsDone: 1,
    epochsTotal: 1,
    progress: experimentProgress([{ status: 'completed', epochsDone: 1, epochsTotal: 1 }]),
    ...patch,
  };
}

describe('experiments history', () => {
  const rows = [
    row(1, { name: 'Large LR', tags: ['lr', 'paper'], finalMeanDeadFraction: 0.4, learningRates: [0.5] }),
    row(2, {
      name: 'Mitigations',
      statusCounts: { running: 1, queued: 3 },
      config: { model: { activation: 'relu' }, sweep: { 'model.activation': ['relu', 'elu'] }, training: { learningRate: 0.3 } },
      activations: ['relu', 'elu'],
      finalMeanDeadFraction: 0.1,
      notes: 'baseline dies',
    }),
    row(3, { name: 'Born dead', config: { variants: [{ name: 'bn', set: { 'model.batchNorm': true } }] }, datasetKind: 'abs1d' }),
  ];

  it('searches name, tags, notes and config summaries', () => {
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, text: 'large' })).map((r) => r.id)).toEqual([1]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, text: 'paper' })).map((r) => r.id)).toEqual([1]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, text: 'baseline elu' })).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, text: 'abs1d' })).map((r) => r.id)).toEqual([3]);
  });

  it('filters by status, tag and any config field (base, sweep or variant)', () => {
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, status: 'running' })).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, tag: 'lr' })).map((r) => r.id)).toEqual([1]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, fieldPath: 'model.activation', fieldValue: 'elu' })).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, fieldPath: 'training.learningRate', fieldValue: '0.30' })).map((r) => r.id)).toEqual([2]);
    expect(rows.filter((r) => matchesFilter(r, { ...EMPTY_FILTER, fieldPath: 'model.batchNorm', fieldValue: 'true' })).map((r) => r.id)).toEqual([3]);
    expect(fieldValues(rows[1].config, 'model.activation')).toEqual(['relu', 'relu', 'elu']);
  });

  it('sorts by any column, missing values last', () => {
    expect(sortExperiments(rows, { key: 'finalDead', direction: 'desc' }).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(sortExperiments(rows, { key: 'finalDead', direction: 'asc' }).map((r) => r.id)).toEqual([2, 1, 3]);
    expect(sortExperiments(rows, { key: 'name', direction: 'asc' }).map((r) => r.name)).toEqual(['Born dead', 'Large LR', 'Mitigations']);
    expect(sortExperiments(rows, { key: 'created', direction: 'desc' }).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(sortExperiments(rows, { key: 'status', direction: 'desc' })[0].id).toBe(2);
    expect(sortExperiments(rows, { key: 'learningRate', direction: 'asc' }).map((r) => r.id)).toEqual([3, 2, 1]);
    expect(allTags(rows)).toEqual(['lr', 'paper']);
  });

  it('names copies without collisions', () => {
    expect(copyName('A', [])).toBe('A (copy)');
    expect(copyName('A', ['A (copy)'])).toBe('A (copy 2)');
    expect(copyName('A (copy)', ['A (copy)'])).toBe('A (copy 2)');
  });
});

describe('metrics CSV', () => {
  const layer = (i: number, dead: number) => ({
    layer: i,
    units: 4,
    deadFraction: dead,
    activeProbability: 0.5,
    dormantFraction: 0,
    gradNorm: null,
    preActMean: 0,
    preActStd: 1,
    histogram: { lo: 0, hi: 1, counts: [] },
    deadMask: [],
    preluAlphas: i === 0 ? [0.2, 0.4] : null,
    effectiveRank: null,
    weightMagnitude: null,
    unitsReset: null,
  });
  const epoch = (e: number, loss: number): EpochMetricsDto => ({
    epoch: e,
    trainLoss: loss,
    trainAccuracy: null,
    valLoss: null,
    valAccuracy: 0.5,
    seconds: 1,
    elapsedSeconds: e,
    probeMs: 2,
    task: null,
    layers: [layer(0, 0.25), layer(1, 0)],
  });
  const run = { id: 7, experimentId: 2, index: 0, seed: 1, status: 'diverged' as const, sweep: { 'model.activation': 'relu', variant: 'A, "B"' } };

  it('has the CLI export columns, one row per run/epoch/layer/metric, and spells non-finite values', () => {
    const csv = metricsToCsv([{ run: run as unknown as RunRow, metrics: [epoch(0, 1.5), epoch(1, NaN)] }]);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('experiment_id,run_id,seed,status,model.activation,variant,epoch,layer,metric,value');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,,trainLoss,1.5');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",1,,trainLoss,NaN');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,0,deadFraction,0.25');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,0,preluAlphaMean,0.30000000000000004');
    // No value: an empty field, the same for every metric that has none.
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,1,gradNorm,');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,,trainAccuracy,');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,1,preluAlphaMean,');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,,task,');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,1,effectiveRank,');
    expect(lines).toContain('2,7,1,diverged,relu,"A, ""B""",0,1,unitsReset,');
    // header + 2 epochs × (8 epoch metrics + 2 layers × 10 layer metrics)
    expect(lines).toHaveLength(1 + 2 * (8 + 2 * 10));
    expect(csvField(-Infinity)).toBe('-Infinity');
    expect(csvField(Infinity)).toBe('Infinity');
    expect(slug('Large LR (copy) — é')).toBe('large-lr-copy-e');
  });
});

describe('routes', () => {
  it('parse and print', () => {
    expect(parseHash('')).toEqual({ page: 'experiments' });
    expect(parseHash('#/experiments/12')).toEqual({ page: 'experiment', id: 12, runId: null });
    expect(parseHash('#/experiments/12/runs/5')).toEqual({ page: 'experiment', id: 12, runId: 5 });
    expect(parseHash('#/queue')).toEqual({ page: 'queue' });
    expect(parseHash('#/settings')).toEqual({ page: 'settings' });
    expect(parseHash('#/experiments/x').page).toBe('not-found');
    const d = parseHash('#/designer?from=3');
    expect(d.page === 'designer' && d.params.get('from')).toBe('3');
    expect(routeHref({ page: 'experiment', id: 2, runId: 9 })).toBe('#/experiments/2/runs/9');
  });
});

describe('format', () => {
  it('numbers, durations, sweeps', () => {
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(0.000012)).toBe('1.20e−5');
    expect(formatNumber(0.038961234)).toBe('0.03896');
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(null)).toBe('—');
    expect(sweepLabel({ 'training.learningRate': 0.1, variant: 'Leaky' })).toBe('learningRate=0.1, Leaky');
  });
});

describe('live store', () => {
  const metrics = (e: number, dead: number[]): EpochMetricsDto => ({
    epoch: e,
    trainLoss: 1 / (e + 1),
    trainAccuracy: null,
    valLoss: null,
    valAccuracy: null,
    seconds: 0,
    elapsedSeconds: e,
    probeMs: 0,
    task: null,
    layers: dead.map((d, i) => ({
      layer: i,
      units: 1,
      deadFraction: d,
      activeProbability: 0,
      dormantFraction: d,
      gradNorm: 0,
      preActMean: 0,
      preActStd: 0,
      histogram: { lo: 0, hi: 0, counts: [] },
      deadMask: [],
      preluAlphas: null,
      effectiveRank: null,
      weightMagnitude: null,
      unitsReset: null,
    })),
  });

  function setup(stored: EpochMetricsDto[] = []) {
    let listener: ((e: LabEvent) => void) | null = null;
    let resolveMetrics: (m: EpochMetricsDto[]) => void = () => undefined;
    const client = {
      subscribe: (l: (e: LabEvent) => void) => {
        listener = l;
        return () => (listener = null);
      },
      getRunMetrics: vi.fn(() => new Promise<EpochMetricsDto[]>((resolve) => (resolveMetrics = resolve))),
    };
    const store = new LiveStore(client, { flushMs: 50 });
    store.start();
    return { store, client, send: (e: LabEvent) => listener?.(e), resolve: () => resolveMetrics(stored) };
  }

  it('applies a burst of events in one batch', async () => {
    vi.useFakeTimers();
    const { store, send } = setup();
    const notified = vi.fn();
    store.subscribe(notified);
    for (let e = 0; e < 50; e++) send({ type: 'epoch', runId: 1, experimentId: 1, metrics: metrics(e, [0.1, 0.2]) });
    send({ type: 'progress', runId: 1, experimentId: 1, fraction: 0.5, etaSeconds: 3 });
    send({ type: 'run-status', runId: 2, experimentId: 1, status: 'failed', error: 'boom' });
    expect(notified).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60);
    expect(notified).toHaveBeenCalledTimes(1);
    const snap = store.getSnapshot();
    expect(snap.runs.get(1)?.last?.epoch).toBe(49);
    expect(snap.runs.get(1)?.fraction).toBe(0.5);
    expect(snap.runs.get(2)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(snap.experimentsVersion).toBe(1);
    // Unwatched runs keep no series.
    expect(snap.series.size).toBe(0);
    vi.useRealTimers();
  });

  it('watched runs: stored metrics merged with epochs that arrived while loading', async () => {
    const { store, send, resolve, client } = setup([metrics(0, [0]), metrics(1, [0.5])]);
    const off = store.watch(7);
    expect(store.getSnapshot().series.get(7)?.status).toBe('loading');
    send({ type: 'epoch', runId: 7, experimentId: 1, metrics: metrics(2, [0.75]) });
    store.flush();
    resolve();
    await vi.waitFor(() => expect(store.getSnapshot().series.get(7)?.status).toBe('ready'));
    expect(store.getSnapshot().series.get(7)?.points.map((p) => [p.epoch, p.dead[0]])).toEqual([
      [0, 0],
      [1, 0.5],
      [2, 0.75],
    ]);
    const off2 = store.watch(7);
    expect(client.getRunMetrics).toHaveBeenCalledTimes(1);
    off();
    expect(store.getSnapshot().series.has(7)).toBe(true);
    off2();
    expect(store.getSnapshot().series.has(7)).toBe(false);
  });

  it('a full watch keeps every measurement whole (stored and live) until its watcher leaves', async () => {
    const { store, send, resolve, client } = setup([metrics(0, [0]), metrics(1, [0.5])]);
    const offSlim = store.watch(7);
    resolve();
    await vi.waitFor(() => expect(store.getSnapshot().series.get(7)?.status).toBe('ready'));
    expect(store.getSnapshot().series.get(7)?.epochs).toBeUndefined();
    // A full watcher joining a slim one loads the measurements whole.
    const offFull = store.watch(7, { full: true });
    expect(client.getRunMetrics).toHaveBeenCalledTimes(2);
    resolve();
    await vi.waitFor(() => expect(store.getSnapshot().series.get(7)?.epochs).toHaveLength(2));
    const live = metrics(2, [0.75]);
    live.layers[0].histogram = { lo: -1, hi: 1, counts: [3, 1] };
    send({ type: 'epoch', runId: 7, experimentId: 1, metrics: live });
    send({ type: 'epoch', runId: 8, experimentId: 1, metrics: metrics(0, [1]) });
    store.flush();
    const series = store.getSnapshot().series.get(7)!;
    expect(series.epochs?.map((e) => e.epoch)).toEqual([0, 1, 2]);
    expect(series.epochs?.[2].layers[0].histogram.counts).toEqual([3, 1]);
    expect(series.points.map((p) => p.epoch)).toEqual([0, 1, 2]);
    offFull();
    expect(store.getSnapshot().series.get(7)?.epochs).toBeUndefined();
    expect(store.getSnapshot().series.get(7)?.points).toHaveLength(3);
    offSlim();
    expect(store.getSnapshot().series.has(7)).toBe(false);
  });

  it('menu events go straight to menu listeners', () => {
    const { store, send } = setup();
    const actions: string[] = [];
    store.onMenu((a) => actions.push(a));
    send({ type: 'menu', action: 'new-experiment' });
    expect(actions).toEqual(['new-experiment']);
  });

  it('merges epochs by number', () => {
    const a = [slimEpoch(metrics(0, [0])), slimEpoch(metrics(2, [0]))];
    const b = [slimEpoch(metrics(1, [0])), slimEpoch(metrics(2, [1]))];
    expect(mergeEpochs(a, b).map((p) => [p.epoch, p.dead[0]])).toEqual([
      [0, 0],
      [1, 0],
      [2, 1],
    ]);
  });
});
