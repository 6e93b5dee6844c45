import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, type ApiOperation, type ApiResult, type EpochMetricsDto, type ExperimentDetail, type ExperimentRow, type QueueState, type RunRow, type Settings } from '../../../shared/api.js';
import { LabStore, ORPHANED_RUN_ERROR } from '../../../db/store.js';
import { maxWorkerCount } from '../../../electron/lab/pool.js';
import { LabService } from '../../../electron/lab/service.js';
import { sqlValue, storeConnection } from '../db/connection.js';
import { openService, tempDir, tinyConfig, waitForEvent, waitForRuns } from './helpers.js';

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

function errorOf(result: ApiResult<unknown>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Malformed payloads per operation, beyond the ones every operation gets (not a list, one argument too many). */
const MALFORMED: Record<ApiOperation, unknown[][]> = {
  getAppInfo: [[1]],
  listPresets: [['x']],
  listExperiments: [[null]],
  getExperiment: [['x'], [0], [1.5], [-3], [NaN], [Infinity], [null], [{}], [[1]], [], ['1']],
  createExperiment: [[], [{}, {}]],
  checkDivergence: [[], [{}, {}]],
  updateExperiment: [[1], ['x', {}], [1, null], [1, { unknown: 1 }], [1, { name: '' }], [1, { name: '   ' }], [1, { tags: [3] }], [1, { tags: 'a' }], [1, { notes: 5 }]],
  deleteExperiment: [['x'], [0], [null], []],
  cancelExperiment: [['x'], [2 ** 60], []],
  listRuns: [[], [null], ['x'], [{ statuses: ['nope'] }], [{ ids: 'x' }], [{ ids: [0] }], [{ experimentId: 'a' }], [{ other: 1 }]],
  getRun: [['x'], [0], [1.5], []],
  getRunMetrics: [['x'], [{}], []],
  updateRun: [[1], [1, { name: 5 }], [1, { tags: [''] }], [1, { extra: true }], ['1', {}]],
  cancelRun: [['x'], [true], []],
  getQueue: [[{}]],
  getSettings: [[1, 2]],
  updateSettings: [
    [],
    [null],
    [{ workers: 0 }],
    [{ workers: 65 }],
    [{ workers: 2.5 }],
    [{ workers: '4' }],
    [{ theme: 'blue' }],
    [{ defaultBackend: 'gpu' }],
    [{ databaseFile: '' }],
    [{ databaseFile: 42 }],
    [{ colour: 'red' }],
  ],
  getComparedRuns: [[], [null], [{ runIds: ['x'] }], [{ band: 'wide' }], [{ extra: 1 }]],
  getComparisonView: [[], [null], [{ runIds: ['x'] }], [{ layer: -1 }], [{ extra: 1 }]],
  listComparisons: [[1]],
  saveComparison: [[], [''], ['x'], ['x', { smoothing: 1 }], [5, {}]],
  deleteComparison: [['x'], [0], []],
  renderChart: [
    [],
    [{}, 'dead-fraction', 'svg'],
    [{}, 'nope', 'svg', { preset: 'screen' }],
    [{}, 'dead-fraction', 'gif', { preset: 'screen' }],
    [{}, 'dead-fraction', 'png', { preset: 'screen', dpi: 5 }],
    [{}, 'dead-fraction', 'png', { preset: 'poster' }],
  ],
  exportBundle: [[], [[]], [['x']], [[0]], [1]],
  importBundle: [[], [''], [5], [null]],
  describeRunTable: [[{}]],
  queryRunTable: [[], [null], [{ limit: 0 }], [{ limit: 501 }], [{ offset: -1 }], [{ sort: { column: 'run', direction: 'up' } }], [{ columns: 'run' }], [{ extra: 1 }]],
  getSweepChart: [[], [{ view: 'pie' }], [{ band: 'wide' }], [{ axes: 'lr' }], [{ atEpoch: -1 }]],
  renderSweep: [[{}], [{}, 'gif', { preset: 'screen' }], [{ view: 'bars' }, 'svg', { preset: 'screen' }], [{}, 'png', { preset: 'screen', dpi: 5 }]],
};

describe('LabService.handle: validation', () => {
  it('has a malformed-payload table for every operation', () => {
    expect(Object.keys(MALFORMED).sort()).toEqual([...API_OPERATIONS].sort());
  });

  it.each(API_OPERATIONS)('%s: malformed payloads give invalid_argument naming the operation, never a throw', async (operation) => {
    const { service } = openService();
    const generic: unknown[] = [undefined, null, 'x', 42, { args: [] }, new Array(5).fill(1)];
    for (const args of [...generic, ...MALFORMED[operation]]) {
      const result = await service.handle(operation, args);
      const error = errorOf(result);
      expect(error.code, `${operation} ${JSON.stringify(args)}`).toBe('invalid_argument');
      expect(error.message.startsWith(`${operation}: `), error.message).toBe(true);
    }
    // Nothing was written by any of these calls.
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toEqual([]);
  });

  it('words argument problems for people, naming the argument and the field', async () => {
    const { service } = openService();
    expect(errorOf(await service.handle('getRun', ['x'])).message).toBe('getRun: argument 1 must be a whole number >= 1, got "x"');
    expect(errorOf(await service.handle('getRun', [1.5])).message).toBe('getRun: argument 1 must be a whole number >= 1, got 1.5');
    expect(errorOf(await service.handle('getRun', [])).message).toBe('getRun: takes 1 argument, got 0');
    expect(errorOf(await service.handle('getQueue', [1])).message).toBe('getQueue: takes no arguments, got 1');
    expect(errorOf(await service.handle('getRun', { 0: 1 })).message).toMatch(/^getRun: the arguments must be a list, got an object/);
    expect(errorOf(await service.handle('updateExperiment', [1, { tags: ['a', 3] }])).message).toBe(
      'updateExperiment: argument 2 field tags[1] must be a string, got 3',
    );
    expect(errorOf(await service.handle('updateExperiment', [1, { colour: 'red' }])).message).toBe(
      'updateExperiment: argument 2 field colour is not a known field',
    );
    expect(errorOf(await service.handle('updateSettings', [{ workers: 100 }])).message).toBe(
      'updateSettings: argument 1 field workers must be a whole number between 1 and 64, got 100',
    );
    expect(errorOf(await service.handle('listRuns', [{ statuses: ['x'] }])).message).toBe(
      'listRuns: argument 1 field statuses[0] must be one of queued, running, completed, diverged, failed, cancelled, interrupted, got "x"',
    );
    expect(errorOf(await service.handle('updateRun', [1, { name: '' }])).message).toBe('updateRun: argument 2 field name must not be empty');
  });

  it('refuses unknown operations, including names of inherited and internal members', async () => {
    const { service } = openService();
    for (const name of ['nope', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'handle', 'close', 'subscribe', 'applySettings']) {
      const error = errorOf(await service.handle(name, []));
      expect(error.code).toBe('invalid_argument');
      expect(error.message).toMatch(/^unknown operation /);
    }
    expect(errorOf(await service.handle(42 as unknown as string, [])).code).toBe('invalid_argument');
  });

  it('never throws, even on hostile payloads', async () => {
    const { service } = openService();
    const hostile = [
      new Proxy([], { get: () => { throw new Error('boom'); } }),
      [{ get name() { throw new Error('getter'); } }],
    ];
    for (const args of hostile) {
      await expect(service.handle('updateSettings', args)).resolves.toMatchObject({ ok: false });
      await expect(service.handle('createExperiment', args)).resolves.toMatchObject({ ok: false });
    }
    // A null-prototype object is a fine (empty) patch.
    await expect(service.handle('updateSettings', [Object.create(null)])).resolves.toMatchObject({ ok: true });
    // A cyclic config is an invalid config, not a crash.
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    await expect(service.handle('createExperiment', [cyclic])).resolves.toMatchObject({ ok: false });
  });
});

describe('LabService: experiments', () => {
  it('refuses an invalid config with invalid_config and its issues, and stores nothing', async () => {
    const { service, dbFile } = openService();
    const bad = { ...tinyConfig(), training: { learningRate: -1, epochs: 2 }, sweep: { 'model.width': [4, 0] } };
    const error = errorOf(await service.handle('createExperiment', [bad]));
    expect(error.code).toBe('invalid_config');
    expect(error.message).toMatch(/^the experiment config is invalid: /);
    expect(error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'training.learningRate' })]));
    for (const garbage of [null, 42, 'config', [], { name: 'only a name' }]) {
      const e = errorOf(await service.handle('createExperiment', [garbage]));
      expect(e.code).toBe('invalid_config');
      expect(e.issues!.length).toBeGreaterThan(0);
    }
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toEqual([]);
    expect(value<RunRow[]>(await service.handle('listRuns', [{}]))).toEqual([]);
    const store = LabStore.open(dbFile, { readonly: true });
    try {
      expect(sqlValue(store, 'SELECT COUNT(*) FROM experiments')).toBe(0);
      expect(sqlValue(store, 'SELECT COUNT(*) FROM runs')).toBe(0);
    } finally {
      store.close();
    }
  });

  it('answers not_found for ids that do not exist', async () => {
    const { service } = openService();
    const calls: [ApiOperation, unknown[]][] = [
      ['getExperiment', [999]],
      ['updateExperiment', [999, { name: 'x' }]],
      ['deleteExperiment', [999]],
      ['cancelExperiment', [999]],
      ['getRun', [999]],
      ['getRunMetrics', [999]],
      ['updateRun', [999, { notes: 'x' }]],
      ['cancelRun', [999]],
    ];
    for (const [operation, args] of calls) {
      const error = errorOf(await service.handle(operation, args));
      expect(error.code, operation).toBe('not_found');
      expect(error.message).toMatch(/(experiment|run) 999 does not exist/);
    }
  });

  it('creates an experiment, trains its runs and reports events, rows and metrics', async () => {
    const { service, events } = openService();
    const created = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ seeds: [1, 2] })]));
    expect(created.runIds).toHaveLength(2);
    await waitForRuns(service, created.runIds);
    await new Promise((r) => setImmediate(r));

    const statuses = events.filter((e) => e.type === 'run-status').map((e) => (e.type === 'run-status' ? `${e.runId}:${e.status}` : ''));
    for (const id of created.runIds) expect(statuses).toEqual(expect.arrayContaining([`${id}:running`, `${id}:completed`]));
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs.length).toBe(2 * 3); // epochs 0, 1, 2 for each run
    const first = epochs[0].type === 'epoch' ? epochs[0].metrics : null;
    expect(first?.layers[0].deadMask).toBeInstanceOf(Array);
    expect(first?.layers[0].deadMask).toHaveLength(4);
    expect(events.some((e) => e.type === 'experiments-changed')).toBe(true);

    const rows = value<ExperimentRow[]>(await service.handle('listExperiments', []));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: created.experimentId,
      name: 'tiny',
      runCount: 2,
      statusCounts: { completed: 2 },
      activations: ['relu'],
      inits: ['he_normal'],
      learningRates: [0.1],
      batchNorm: [false],
      datasetKind: 'blobs',
      epochsDone: 4,
      epochsTotal: 4,
    });
    expect(rows[0].finalMeanDeadFraction).toBeGreaterThanOrEqual(0);
    expect(rows[0].config).toEqual(tinyConfig({ seeds: [1, 2] }));

    const detail = value<ExperimentDetail>(await service.handle('getExperiment', [created.experimentId]));
    expect(detail.runs.map((r) => r.id)).toEqual(created.runIds);
    const run = value<RunRow>(await service.handle('getRun', [created.runIds[0]]));
    expect(run).toMatchObject({ status: 'completed', experimentName: 'tiny', lastEpoch: 2, backend: 'cpu', epochsDone: 2 });
    expect(run.lastDeadFractions).toHaveLength(1);
    expect(typeof run.lastTrainLoss).toBe('number');

    const metrics = value<EpochMetricsDto[]>(await service.handle('getRunMetrics', [created.runIds[0]]));
    expect(metrics.map((m) => m.epoch)).toEqual([0, 1, 2]);
    expect(Array.isArray(metrics[2].layers[0].deadMask)).toBe(true);
    expect(Array.isArray(metrics[2].layers[0].histogram.counts)).toBe(true);
    expect(JSON.parse(JSON.stringify(metrics))).toEqual(metrics);

    const runs = value<RunRow[]>(await service.handle('listRuns', [{ experimentId: created.experimentId, statuses: ['completed'] }]));
    expect(runs).toHaveLength(2);

    const queue = value<QueueState>(await service.handle('getQueue', []));
    expect(queue).toEqual({ active: [], queuedRunIds: [], workers: 1 });

    const info = value<{ trainingBackend: string; transport: string; appVersion: string; tfjsVersion: string; electronVersion: null }>(
      await service.handle('getAppInfo', []),
    );
    expect(info).toMatchObject({ trainingBackend: 'cpu', transport: 'ipc', tfjsVersion: '4.22.0', electronVersion: null });
    expect(info.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('updates experiments and runs, announcing the change', async () => {
    const { service } = openService();
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ epochs: 1 })]));
    await waitForRuns(service, runIds);
    const changed = waitForEvent(service, (e) => e.type === 'experiments-changed');
    const row = value<ExperimentRow>(await service.handle('updateExperiment', [experimentId, { name: '  renamed  ', tags: ['a', 'b'], notes: 'n' }]));
    expect(row).toMatchObject({ name: 'renamed', tags: ['a', 'b'], notes: 'n' });
    await changed;
    const run = value<RunRow>(await service.handle('updateRun', [runIds[0], { name: 'best', tags: ['x'] }]));
    expect(run).toMatchObject({ name: 'best', tags: ['x'], experimentName: 'renamed' });
    const cleared = value<RunRow>(await service.handle('updateRun', [runIds[0], { name: null }]));
    expect(cleared.name).toBeNull();
  });

  it('reports queue progress, cancels runs and experiments', async () => {
    const { service } = openService();
    // Three widths: runs of one architecture would train batched, all started together.
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(
      await service.handle('createExperiment', [{ ...tinyConfig({ epochs: 5000 }), sweep: { 'model.width': [4, 5, 6] } }]),
    );
    await waitForEvent(service, (e) => e.type === 'progress' && e.runId === runIds[0]);
    const queue = value<QueueState>(await service.handle('getQueue', []));
    expect(queue.active).toHaveLength(1);
    expect(queue.active[0]).toMatchObject({ runId: runIds[0], experimentId, status: 'running' });
    expect(queue.active[0].fraction).toBeGreaterThan(0);
    expect(queue.active[0].fraction).toBeLessThan(1);
    expect(queue.queuedRunIds).toEqual(runIds.slice(1));

    expect(value<boolean>(await service.handle('cancelRun', [runIds[2]]))).toBe(true);
    expect(value<RunRow>(await service.handle('getRun', [runIds[2]])).status).toBe('cancelled');
    expect(value<number>(await service.handle('cancelExperiment', [experimentId]))).toBe(2);
    await waitForRuns(service, runIds);
    const statuses = value<RunRow[]>(await service.handle('listRuns', [{ experimentId }])).map((r) => r.status);
    expect(statuses).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(value<boolean>(await service.handle('cancelRun', [runIds[0]]))).toBe(false);
  });

  it('deletes an experiment whose run is training: cancels it, waits, then deletes', async () => {
    const { service } = openService();
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(
      await service.handle('createExperiment', [tinyConfig({ epochs: 5000, seeds: [1, 2] })]),
    );
    const other = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ name: 'other', epochs: 1 })]));
    await waitForEvent(service, (e) => e.type === 'epoch' && e.runId === runIds[0]);
    const deleted = await service.handle('deleteExperiment', [experimentId]);
    expect(deleted).toEqual({ ok: true, value: null });
    expect(errorOf(await service.handle('getExperiment', [experimentId])).code).toBe('not_found');
    expect(errorOf(await service.handle('getRun', [runIds[0]])).code).toBe('not_found');
    // The other experiment is untouched and still trains.
    await waitForRuns(service, other.runIds);
    expect(value<RunRow>(await service.handle('getRun', [other.runIds[0]])).status).toBe('completed');
  });

  it('cancels runs queued in the database by another process', async () => {
    const { service, dbFile } = openService();
    const outside = LabStore.open(dbFile);
    const { validateExperiment } = await import('../../../shared/config.js');
    const v = validateExperiment(tinyConfig());
    if (!v.ok) throw new Error('tiny config invalid');
    const { experimentId, runIds } = outside.createExperiment({ name: 'cli', config: tinyConfig(), runs: v.runs });
    try {
      expect(value<number>(await service.handle('cancelExperiment', [experimentId]))).toBe(1);
      expect(value<RunRow>(await service.handle('getRun', [runIds[0]])).status).toBe('cancelled');
    } finally {
      outside.close();
    }
  });

  it('refuses to delete an experiment another live process is training, whatever its process id, and deletes it once done', async () => {
    const { service, dbFile } = openService();
    const cli = LabStore.open(dbFile);
    try {
      const { validateExperiment } = await import('../../../shared/config.js');
      const v = validateExperiment(tinyConfig({ seeds: [1, 2] }));
      if (!v.ok) throw new Error('tiny config invalid');
      const { experimentId, runIds } = cli.createExperiment({ name: 'cli', config: tinyConfig(), runs: v.runs });
      // A pid from another PID namespace (a container): it does not exist here, yet the process is alive.
      cli.markRunStarted(runIds[0], { backend: 'cpu', versions: { tfjs: 'x', backend: 'cpu', node: 'x' }, ownerPid: 2 ** 22 + 7 });

      const refused = errorOf(await service.handle('deleteExperiment', [experimentId]));
      expect(refused).toEqual({
        code: 'conflict',
        message: `experiment ${experimentId} has 1 run training in another process (e.g. the relu-lab command line); cancel them there or wait until they finish`,
      });
      // Its run queued in the other process was cancelled; the training one is untouched.
      expect(cli.listRuns({ experimentId }).map((r) => r.status)).toEqual(['running', 'cancelled']);

      cli.finishRun(runIds[0], 'completed');
      expect(value(await service.handle('deleteExperiment', [experimentId]))).toBeNull();
      expect(cli.getExperiment(experimentId)).toBeNull();
    } finally {
      cli.close();
    }
  });

  it('shows the runs of a process that died as interrupted once its lease expires, without a restart', async () => {
    const { service, dbFile } = openService({ leaseMs: 200 });
    const crashed = LabStore.open(dbFile, { leaseMs: 200 });
    const { validateExperiment } = await import('../../../shared/config.js');
    const v = validateExperiment(tinyConfig());
    if (!v.ok) throw new Error('tiny config invalid');
    const { runIds } = crashed.createExperiment({ name: 'crashed', config: tinyConfig(), runs: v.runs });
    crashed.markRunStarted(runIds[0], { backend: 'cpu', versions: { tfjs: 'x', backend: 'cpu', node: 'x' }, ownerPid: process.pid });
    const changed = waitForEvent(service, (e) => e.type === 'experiments-changed', 10_000);
    storeConnection(crashed).close(); // as a killed process: no release, no more renewals
    await changed;
    expect(value<RunRow>(await service.handle('getRun', [runIds[0]]))).toMatchObject({ status: 'interrupted', error: ORPHANED_RUN_ERROR });
  });

  it('a forced quit stores the runs it leaves unfinished as interrupted, with the reason', async () => {
    const { service, dbFile } = openService();
    const { runIds } = value<{ runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ epochs: 5000, seeds: [1, 2] })]));
    await waitForEvent(service, (e) => e.type === 'epoch' && e.runId === runIds[0]);
    service.abandonRuns('stopped at once');
    // What another process reading the file sees right away (this one would now exit).
    const reader = LabStore.open(dbFile, { readonly: true });
    try {
      expect(reader.listRuns().map((r) => [r.status, r.error])).toEqual([
        ['interrupted', 'stopped at once'],
        ['interrupted', 'stopped at once'],
      ]);
      expect(sqlValue(reader, 'SELECT COUNT(*) FROM run_leases')).toBe(0);
    } finally {
      reader.close();
    }
  });

  it('refuses more workers than this machine allows, naming the limit', async () => {
    const { service } = openService();
    const max = maxWorkerCount();
    const tooMany = errorOf(await service.handle('updateSettings', [{ workers: max + 1 }]));
    expect(tooMany.code).toBe('invalid_argument');
    expect(tooMany.message).toMatch(new RegExp(`^updateSettings: argument 1 field workers: must be a whole number from 1 to ${max} on this machine \\(twice its \\d+ cores, at most 64\\), got ${max + 1}$`));
    expect(value<Settings>(await service.handle('updateSettings', [{ workers: max }])).workers).toBe(max);
  });

  it('lists the presets', async () => {
    const { service } = openService();
    const presets = value<{ name: string; config: unknown }[]>(await service.handle('listPresets', []));
    expect(presets.length).toBeGreaterThan(0);
    expect(presets.every((p) => typeof p.name === 'string' && p.config)).toBe(true);
  });

  it('refuses calls after close', async () => {
    const t = openService();
    await t.service.close();
    expect(errorOf(await t.service.handle('listExperiments', [])).code).toBe('conflict');
  });
});

describe('LabService: settings', () => {
  it('persists settings changes next to the database, not this session’s overrides', async () => {
    const dir = tempDir();
    const settingsFile = path.join(dir, 'nested', 'settings.json');
    const first = openService({ dir, settingsFile });
    const initial = value<Settings>(await first.service.handle('getSettings', []));
    expect(initial).toMatchObject({ databaseFile: first.dbFile, defaultBackend: 'cpu', workers: 1, theme: 'system' });
    expect(fs.existsSync(settingsFile)).toBe(false);

    const changed = waitForEvent(first.service, (e) => e.type === 'settings-changed');
    const updated = value<Settings>(await first.service.handle('updateSettings', [{ theme: 'dark', workers: 2 }]));
    expect(updated).toMatchObject({ theme: 'dark', workers: 2, databaseFile: first.dbFile });
    expect(await changed).toMatchObject({ type: 'settings-changed', settings: { theme: 'dark' } });
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({ theme: 'dark', workers: 2 });
    expect(value<QueueState>(await first.service.handle('getQueue', [])).workers).toBe(2);
    await first.service.close();

    // A new session reads them back (the database override of the helper does not come from the file).
    const second = LabService.open({ transport: 'http', settingsFile, env: {}, overrides: { databaseFile: path.join(dir, 'b.sqlite') }, log: () => undefined });
    try {
      expect(value<Settings>(await second.handle('getSettings', []))).toMatchObject({ theme: 'dark', workers: 2 });
    } finally {
      await second.close();
    }
  });

  it('ignores an unreadable settings file, says so, and rewrites it on the next change', async () => {
    const dir = tempDir();
    const settingsFile = path.join(dir, 'settings.json');
    fs.writeFileSync(settingsFile, '{ not json');
    const t = openService({ dir, settingsFile });
    expect(t.logs.join('\n')).toMatch(/not valid JSON/);
    expect(value<Settings>(await t.service.handle('getSettings', [])).theme).toBe('system');
    await t.service.handle('updateSettings', [{ theme: 'light' }]);
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({ theme: 'light' });

    fs.writeFileSync(settingsFile, JSON.stringify({ theme: 'purple', workers: 3 }));
    const u = openService({ dir: tempDir(), settingsFile, overrides: {} });
    expect(u.logs.join('\n')).toMatch(/ignored invalid values for theme/);
    expect(value<Settings>(await u.service.handle('getSettings', []))).toMatchObject({ theme: 'system' });
  });

  it('switches the database: closes the lab and reopens it on the new file, and back', async () => {
    const { service, dir, dbFile, settingsFile } = openService();
    const a = value<{ runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ name: 'in A', epochs: 1 })]));
    await waitForRuns(service, a.runIds);

    const fileB = path.join(dir, 'sub', 'b.sqlite');
    const changed = waitForEvent(service, (e) => e.type === 'experiments-changed');
    const settings = value<Settings>(await service.handle('updateSettings', [{ databaseFile: fileB }]));
    expect(settings.databaseFile).toBe(fileB);
    await changed;
    expect(fs.existsSync(fileB)).toBe(true);
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toEqual([]);
    const b = value<{ runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ name: 'in B', epochs: 1 })]));
    await waitForRuns(service, b.runIds);
    expect(value<{ databaseFile: string }>(await service.handle('getAppInfo', [])).databaseFile).toBe(fileB);
    expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8')).databaseFile).toBe(fileB);

    value(await service.handle('updateSettings', [{ databaseFile: dbFile }]));
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', [])).map((e) => e.name)).toEqual(['in A']);
  });

  it('refuses to switch while runs train, and keeps the old database when the new one cannot be opened', async () => {
    const { service, dir, dbFile } = openService();
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(
      await service.handle('createExperiment', [tinyConfig({ epochs: 5000 })]),
    );
    await waitForEvent(service, (e) => e.type === 'run-status' && e.status === 'running');
    const busy = errorOf(await service.handle('updateSettings', [{ databaseFile: path.join(dir, 'other.sqlite') }]));
    expect(busy.code).toBe('conflict');
    expect(busy.message).toMatch(/training/);
    expect(fs.existsSync(path.join(dir, 'other.sqlite'))).toBe(false);
    await service.handle('cancelExperiment', [experimentId]);
    await waitForRuns(service, runIds);

    const folder = errorOf(await service.handle('updateSettings', [{ databaseFile: dir }]));
    expect(folder.code).toBe('invalid_argument');
    expect(folder.message).toMatch(/is a folder/);

    const notDb = path.join(dir, 'notes.txt');
    fs.writeFileSync(notDb, 'this is not a database, just some text that is long enough to fill a header. '.repeat(4));
    const bad = errorOf(await service.handle('updateSettings', [{ databaseFile: notDb, theme: 'dark' }]));
    expect(bad.code).toBe('invalid_argument');
    expect(bad.message).toMatch(/cannot open .*notes\.txt as a lab database: /);

    // The old database is still the one in use, fully working; the failed change saved nothing.
    const settings = value<Settings>(await service.handle('getSettings', []));
    expect(settings).toMatchObject({ databaseFile: dbFile, theme: 'system' });
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toHaveLength(1);
  });

  it('applies a new backend and worker count to runs started afterwards', async () => {
    const { service } = openService();
    value(await service.handle('updateSettings', [{ defaultBackend: 'wasm', workers: 2 }]));
    const { runIds } = value<{ runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ epochs: 1, seeds: [1, 2] })]));
    await waitForRuns(service, runIds);
    for (const id of runIds) expect(value<RunRow>(await service.handle('getRun', [id]))).toMatchObject({ status: 'completed', backend: 'wasm' });
    expect(value<{ trainingBackend: string }>(await service.handle('getAppInfo', [])).trainingBackend).toBe('wasm');
  });
});
