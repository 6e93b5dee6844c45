/**
 * The TrainingPool end to end: real worker threads, a real SQLite file in a temp folder; database faults
 * made for real (another connection holding the write lock, SQLite's max_page_count for a full
 * disk, an experiment deleted by another connection while its runs train).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../shared/config.js';
import Database from 'better-sqlite3';
import { LabStore } from '../../db/store.js';
import { sqlValue, storeConnection, withConnection } from '../unit/db/connection.js';
import { TrainingPool, type ProblemEvent, type RunStatusEvent } from '../../electron/lab/pool.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-lab-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openStore(file: string): LabStore {
  const store = LabStore.open(file);
  cleanups.push(() => store.close());
  return store;
}

function newPool(store: LabStore, options: ConstructorParameters<typeof TrainingPool>[1] = {}): TrainingPool {
  const pool = new TrainingPool(store, { workers: 2, ...options });
  cleanups.push(() => pool.close());
  return pool;
}

/** Creates an experiment from a raw config; returns its id and run ids. */
function createExperiment(store: LabStore, raw: Record<string, unknown>): { experimentId: number; runIds: number[] } {
  const result = validateExperiment(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return store.createExperiment({ name: result.config.name, config: raw, runs: result.runs });
}

describe('TrainingPool with worker threads and SQLite', () => {
  it('runs a small sweep: every epoch of every run stored, statuses and backend recorded', async () => {
    const store = openStore(path.join(tempDir(), 'lab.sqlite'));
    const epochs = 3;
    const { experimentId, runIds } = createExperiment(store, {
      name: 'sweep',
      dataset: { kind: 'moons', samples: 96 },
      model: { hiddenLayers: 2, width: 4 },
      training: { learningRate: 0.1, epochs },
      probe: { samples: 32 },
      seeds: [1, 2],
      sweep: { 'model.activation': ['relu', 'prelu'] },
    });
    expect(runIds).toHaveLength(4);
    const pool = newPool(store, { backend: 'auto' });
    const events: RunStatusEvent[] = [];
    let epochEvents = 0;
    pool.on('run-status', (e) => events.push(e));
    pool.on('epoch', () => epochEvents++);
    expect(pool.enqueueExperiment(experimentId)).toEqual(runIds);
    await pool.idle();

    expect(epochEvents).toBe(4 * (epochs + 1));
    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const started = events.filter((e) => e.status === 'running');
    expect(started.map((e) => e.runId).sort()).toEqual([...runIds].sort());
    for (const run of runs) {
      expect(run.error).toBeNull();
      const backend = started.find((e) => e.runId === run.id)!.backend;
      expect(['tensorflow', 'wasm']).toContain(backend);
      expect(run.backend).toBe(backend);
      expect(run.versions?.backend).toBe(backend);
      expect(run.startedAt).not.toBeNull();
      expect(run.finishedAt).not.toBeNull();
      expect(run.epochsDone).toBe(epochs);
      expect(run.epochsTotal).toBe(epochs);
      const metrics = store.getRunMetrics(run.id);
      expect(metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3]);
      for (const m of metrics) {
        expect(m.layers).toHaveLength(2);
        expect(Number.isFinite(m.trainLoss)).toBe(true);
      }
      if (run.sweep['model.activation'] === 'prelu') expect(metrics[0].layers[0].preluAlphas).not.toBeNull();
      const artifacts = store.getArtifacts(run.id);
      expect(artifacts?.probeIndices).toHaveLength(32);
    }
    const experiment = store.getExperiment(experimentId)!;
    expect(experiment.statusCounts).toEqual({ completed: 4 });
  });

  it('a run that fails (missing csv) fails with its reason while the others complete', async () => {
    const dir = tempDir();
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 60; i++) rows.push(`${Math.sin(i)},${Math.cos(i * 1.3)},${i % 2}`);
    fs.writeFileSync(path.join(dir, 'data.csv'), `${rows.join('\n')}\n`);
    const store = openStore(path.join(dir, 'lab.sqlite'));
    const { experimentId } = createExperiment(store, {
      name: 'one bad file',
      dataset: { kind: 'csv', path: 'data.csv', labelColumn: 'label', task: 'classification' },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 2 },
      probe: { samples: 16 },
      seeds: [1, 2],
      variants: [
        { name: 'good', set: {} },
        { name: 'missing file', set: { 'dataset.path': 'missing.csv' } },
      ],
    });
    const pool = newPool(store, { baseDir: dir, backend: 'cpu' });
    pool.enqueueExperiment(experimentId);
    await pool.idle();

    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => [r.sweep.variant, r.status])).toEqual([
      ['good', 'completed'],
      ['good', 'completed'],
      ['missing file', 'failed'],
      ['missing file', 'failed'],
    ]);
    for (const run of runs.slice(2)) {
      expect(run.error).toMatch(/^dataset\.path: ".*missing\.csv" does not exist/);
      expect(store.getRunMetrics(run.id)).toEqual([]);
      expect(store.getArtifacts(run.id)).toBeNull();
    }
    for (const run of runs.slice(0, 2)) {
      expect(run.backend).toBe('cpu');
      expect(store.getRunMetrics(run.id).map((m) => m.epoch)).toEqual([0, 1, 2]);
    }
  });

  it('cancelling a running experiment leaves its runs cancelled, with the epochs done so far', async () => {
    const store = openStore(path.join(tempDir(), 'lab.sqlite'));
    const { experimentId, runIds } = createExperiment(store, {
      name: 'long',
      dataset: { kind: 'blobs', samples: 1024, features: 8 },
      model: { hiddenLayers: 3, width: 32 },
      training: { learningRate: 0.01, epochs: 5000 },
      probe: { samples: 64 },
      seeds: [1, 2, 3],
    });
    const pool = newPool(store, { workers: 1, backend: 'wasm' });
    const firstEpoch = new Promise<void>((resolve) => pool.on('epoch', (e) => e.metrics.epoch >= 1 && resolve()));
    pool.enqueueExperiment(experimentId);
    await firstEpoch;
    expect(pool.cancelExperiment(experimentId)).toBe(3);
    await pool.idle();

    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The first run trained a little; the queued ones never started.
    const trained = store.getRunMetrics(runIds[0]);
    expect(trained.length).toBeGreaterThanOrEqual(2);
    expect(trained.length).toBeLessThan(5001);
    expect(trained.map((m) => m.epoch)).toEqual(trained.map((_, i) => i));
    expect(runs[0].backend).toBe('wasm');
    expect(runs[1].startedAt).toBeNull();
    expect(store.getRunMetrics(runIds[1])).toEqual([]);
    expect(runs.every((r) => r.error === null)).toBe(true);
  });
});

/** Many short epochs: plenty of writes while a fault is in place. */
function shortEpochs(name: string, epochs: number, seeds: number[]): Record<string, unknown> {
  return {
    name,
    dataset: { kind: 'moons', samples: 64 },
    model: { hiddenLayers: 2, width: 4 },
    training: { learningRate: 0.05, epochs, batchSize: 32 },
    probe: { samples: 16 },
    seeds,
  };
}

/** Every stored epoch of a run is contiguous from 0 and has all its layers. */
function expectWholeEpochs(store: LabStore, runId: number, layers: number): number {
  const metrics = store.getRunMetrics(runId);
  expect(metrics.map((m) => m.epoch)).toEqual(metrics.map((_, i) => i));
  for (const m of metrics) expect(m.layers.map((l) => l.layer)).toEqual(Array.from({ length: layers }, (_, i) => i));
  return metrics.length;
}

describe('TrainingPool: database faults fail one run, never the process', () => {
  it('waits for a lock another connection holds past the busy timeout, without blocking the event loop, and loses nothing', async () => {
    const file = path.join(tempDir(), 'lab.sqlite');
    const store = openStore(file);
    const { experimentId, runIds } = createExperiment(store, shortEpochs('locked', 40, [1, 2]));
    const pool = newPool(store, { workers: 2, backend: 'cpu' });
    const locker = new Database(file);
    cleanups.push(() => {
      locker.close();
    });
    let released = false;
    pool.once('epoch', () => {
      locker.exec('BEGIN IMMEDIATE');
      // Released by a timer of this very process: only fires if the pool's writes yield while they wait.
      setTimeout(() => {
        locker.exec('COMMIT');
        released = true;
      }, 1500);
    });
    pool.enqueueExperiment(experimentId);
    await pool.idle();

    expect(released).toBe(true);
    for (const run of store.listRuns({ experimentId })) {
      expect([run.status, run.error]).toEqual(['completed', null]);
      expect(expectWholeEpochs(store, run.id, 2)).toBe(41);
    }
    expect(runIds).toHaveLength(2);
  });

  it('a lock held longer than the pool waits fails that run with the reason stored; the other runs complete', async () => {
    const file = path.join(tempDir(), 'lab.sqlite');
    const store = openStore(file);
    const { experimentId, runIds } = createExperiment(store, shortEpochs('lock too long', 30, [1, 2, 3]));
    // One run at a time (not batched), so the lock meets one run's write.
    const pool = newPool(store, { workers: 1, backend: 'cpu', lockWaitMs: 100, batchRuns: false });
    const locker = new Database(file);
    cleanups.push(() => {
      locker.close();
    });
    const problems: ProblemEvent[] = [];
    pool.on('problem', (p) => problems.push(p));
    pool.on('epoch', (e) => {
      if (e.runId === runIds[0] && e.metrics.epoch === 2) {
        locker.exec('BEGIN IMMEDIATE');
        setTimeout(() => locker.exec('COMMIT'), 1500);
      }
    });
    pool.enqueueExperiment(experimentId);
    await pool.idle();

    const runs = store.listRuns({ experimentId });
    expect(runs[0].status).toBe('failed');
    expect(runs[0].error).toMatch(new RegExp(`^could not (store epoch \\d+|store the run's final weights): ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} stayed locked by another process for \\d+\\.\\d s$`));
    expect(runs[0].finishedAt).not.toBeNull();
    // What was stored before the lock is whole.
    expect(expectWholeEpochs(store, runIds[0], 2)).toBeGreaterThanOrEqual(3);
    for (const run of runs.slice(1)) {
      expect([run.status, run.error]).toEqual(['completed', null]);
      expect(expectWholeEpochs(store, run.id, 2)).toBe(31);
    }
    expect(problems).toEqual([]);
  });

  it('a full database (SQLITE_FULL) fails the run that could not store its epoch, says so once, and the pool goes on', async () => {
    const file = path.join(tempDir(), 'lab.sqlite');
    const store = openStore(file);
    const { experimentId, runIds } = createExperiment(store, shortEpochs('full disk', 60, [1, 2, 3]));
    const pages = sqlValue(store, 'PRAGMA page_count') as number;
    // A real SQLITE_FULL: the file may not grow by more than a few pages.
    storeConnection(store).pragma(`max_page_count = ${pages + 3}`);
    // Runs not batched, so that the last one starts after the space is freed.
    const pool = newPool(store, { workers: 2, backend: 'cpu', batchRuns: false });
    const problems: ProblemEvent[] = [];
    pool.on('problem', (p) => {
      problems.push(p);
      // Space is freed after the first failure: the runs that follow can be stored again.
      if (problems.length === 1) setTimeout(() => storeConnection(store).pragma('max_page_count = 1073741823'), 0);
    });
    pool.enqueueExperiment(experimentId);
    await pool.idle();

    expect(problems).toHaveLength(1);
    expect(problems[0].message).toBe(`the disk holding ${file} is full (SQLITE_FULL): runs that cannot store their measurements fail; free some space`);
    const runs = store.listRuns({ experimentId });
    const failed = runs.filter((r) => r.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const run of failed) expect(run.error).toMatch(new RegExp(`^could not store epoch \\d+: the disk holding .* is full$`));
    expect(runs.filter((r) => r.status === 'completed').length).toBeGreaterThanOrEqual(1);
    expect(runs.every((r) => r.status === 'failed' || r.status === 'completed')).toBe(true);
    const last = runs[runs.length - 1];
    expect(last.status).toBe('completed');
    for (const id of runIds) expectWholeEpochs(store, id, 2);
    expect(sqlValue(store, 'PRAGMA integrity_check')).toBe('ok');
  });

  it('an experiment deleted by another process while its runs start or train is dropped; the pool goes on', async () => {
    const file = path.join(tempDir(), 'lab.sqlite');
    const store = openStore(file);
    const starting = createExperiment(store, shortEpochs('deleted at start', 5, [1]));
    const training = createExperiment(store, shortEpochs('deleted mid-run', 2000, [1, 2]));
    const survivor = createExperiment(store, shortEpochs('survivor', 3, [1]));
    const pool = newPool(store, { workers: 2, backend: 'cpu' });
    const events: RunStatusEvent[] = [];
    pool.on('run-status', (e) => events.push(e));
    pool.on('epoch', (e) => {
      if (e.runId === training.runIds[0] && e.metrics.epoch === 3) {
        withConnection(file, (db) => db.prepare('DELETE FROM experiments WHERE id = ?').run(training.experimentId));
      }
    });
    pool.enqueueExperiment(starting.experimentId);
    // Deleted after the run was handed to a worker, before the worker reports it started.
    withConnection(file, (db) => db.prepare('DELETE FROM experiments WHERE id = ?').run(starting.experimentId));
    pool.enqueueExperiment(training.experimentId);
    pool.enqueueExperiment(survivor.experimentId);
    await pool.idle();

    const final = (runId: number) => events.filter((e) => e.runId === runId && e.status !== 'running');
    expect(final(starting.runIds[0])).toEqual([
      { runId: starting.runIds[0], experimentId: starting.experimentId, status: 'cancelled', error: 'deleted while it was training', backend: null },
    ]);
    for (const id of training.runIds) expect(final(id).map((e) => e.status)).toEqual(['cancelled']);
    expect(store.getExperiment(training.experimentId)).toBeNull();
    expect(store.getRun(survivor.runIds[0])?.status).toBe('completed');
    expect(sqlValue(store, 'SELECT COUNT(*) FROM epoch_metrics WHERE run_id NOT IN (SELECT id FROM runs)')).toBe(0);
  });
});
