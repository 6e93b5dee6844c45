/**
 * Runs trained batched through the real training pool (worker threads, a SQLite file): the pool
 * hands runs that share a small architecture to one worker together; every run keeps its own rows,
 * status and cancel, its record says it was trained batched, and its numbers equal the same run
 * trained on its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../../shared/config.js';
import { LabStore } from '../../../db/store.js';
import { TrainingPool, type RunStatusEvent } from '../../../electron/lab/pool.js';
import { batchKey, maxBatchRuns, MAX_BATCH_RUNS } from '../../../electron/engine/batching.js';
import { RunQueue } from '../../../electron/lab/run-queue.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function openStore(): LabStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-batched-'));
  const store = LabStore.open(path.join(dir, 'lab.sqlite'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => store.close());
  return store;
}

function newPool(store: LabStore, options: ConstructorParameters<typeof TrainingPool>[1]): TrainingPool {
  const pool = new TrainingPool(store, { workers: 1, backend: 'wasm', ...options });
  cleanups.push(() => pool.close());
  return pool;
}

function createExperiment(store: LabStore, raw: Record<string, unknown>): { experimentId: number; runIds: number[] } {
  const result = validateExperiment(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return store.createExperiment({ name: result.config.name, config: raw, runs: result.runs });
}

/** A narrow regression network: seeds × learning rates, one architecture. */
function narrowSweep(epochs: number, learningRates: number[], seeds = [1, 2, 3]) {
  return {
    name: 'narrow sweep',
    dataset: { kind: 'abs1d', samples: 96, validationSplit: 0.25 },
    model: { hiddenLayers: 3, width: 3, activation: 'relu' },
    training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 16, epochs },
    probe: { samples: 32 },
    seeds,
    sweep: { 'training.learningRate': learningRates },
  };
}

describe('batched runs through the training pool', () => {
  it('train as one batch with their own rows; the record says so; numbers equal one-at-a-time training', async () => {
    const raw = narrowSweep(3, [0.05, 0.1]);
    const batchedStore = openStore();
    const batched = createExperiment(batchedStore, raw);
    const pool = newPool(batchedStore, {});
    // Each epoch event comes after that epoch's rows are stored: they are written as they happen.
    const stored: string[] = [];
    pool.on('epoch', (e) => {
      const epochs = batchedStore.getRunMetrics(e.runId).map((m) => m.epoch);
      if (epochs.includes(e.metrics.epoch)) stored.push(`${e.runId}:${e.metrics.epoch}`);
    });
    pool.enqueueExperiment(batched.experimentId);
    await pool.idle();
    expect(stored).toHaveLength(6 * 4);

    const aloneStore = openStore();
    const alone = createExperiment(aloneStore, raw);
    const plain = newPool(aloneStore, { batchRuns: false });
    plain.enqueueExperiment(alone.experimentId);
    await plain.idle();

    const runs = batchedStore.listRuns({ experimentId: batched.experimentId });
    const solo = aloneStore.listRuns({ experimentId: alone.experimentId });
    expect(runs.map((r) => r.status)).toEqual(new Array(6).fill('completed'));
    expect(solo.map((r) => r.status)).toEqual(new Array(6).fill('completed'));
    for (const [i, run] of runs.entries()) {
      expect(run.versions?.batchedRuns, `run ${run.id}`).toBe('6');
      expect(solo[i].versions?.batchedRuns).toBeUndefined();
      expect(run.seed).toBe(solo[i].seed);
      const a = batchedStore.getRunMetrics(run.id);
      const b = aloneStore.getRunMetrics(solo[i].id);
      expect(a.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
      a.forEach((e, k) => {
        expect(Math.abs(e.trainLoss - b[k].trainLoss)).toBeLessThanOrEqual(1e-4 * Math.abs(b[k].trainLoss) + 1e-6);
        expect(Math.abs(e.valLoss! - b[k].valLoss!)).toBeLessThanOrEqual(1e-4 * Math.abs(b[k].valLoss!) + 1e-6);
        e.layers.forEach((l, j) => {
          expect(Array.from(l.deadMask)).toEqual(Array.from(b[k].layers[j].deadMask));
          expect(Math.abs(l.preActMean - b[k].layers[j].preActMean)).toBeLessThanOrEqual(1e-4 * b[k].layers[j].preActStd + 1e-6);
        });
      });
      // Its own weights and probe set.
      const artifacts = batchedStore.getArtifacts(run.id)!;
      expect(artifacts.probeIndices).toEqual(aloneStore.getArtifacts(solo[i].id)!.probeIndices);
    }
  });

  it('a run that diverges ends diverged on its own, before the batch finishes; the others complete', async () => {
    const store = openStore();
    // selu at learning rate 1 overflows within the first epoch; the others train on.
    const raw = { ...narrowSweep(6, [0.02, 1], [1, 2]), model: { hiddenLayers: 3, width: 3, activation: 'selu', init: 'lecun_normal' } };
    const { experimentId } = createExperiment(store, raw);
    const pool = newPool(store, {});
    const ends: RunStatusEvent[] = [];
    pool.on('run-status', (e) => {
      if (e.status !== 'running') ends.push(e);
    });
    pool.enqueueExperiment(experimentId);
    await pool.idle();
    const runs = store.listRuns({ experimentId });
    const diverged = runs.filter((r) => r.config.training.learningRate === 1);
    const others = runs.filter((r) => r.config.training.learningRate !== 1);
    for (const r of diverged) {
      expect(r.status).toBe('diverged');
      expect(r.error).toMatch(/^(loss became (NaN|Infinity|-Infinity) in epoch \d+, batch \d+|the pre-activations of layer \d became NaN or ±Infinity after epoch \d+|validation loss became (NaN|Infinity|-Infinity) after epoch \d+)$/);
      expect(r.versions?.batchedRuns).toBe('4');
    }
    for (const r of others) {
      expect(r.status).toBe('completed');
      expect(store.getRunMetrics(r.id).map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    }
    // The diverged runs were stored as such while the others still trained.
    expect(ends.slice(0, diverged.length).map((e) => e.status)).toEqual(diverged.map(() => 'diverged'));
  });

  it('cancel stops one run of a batch, or all of them', async () => {
    const store = openStore();
    const { experimentId, runIds } = createExperiment(store, narrowSweep(400, [0.05], [1, 2, 3, 4]));
    const pool = newPool(store, {});
    let cancelled = false;
    pool.on('epoch', (e) => {
      if (!cancelled && e.runId === runIds[1] && e.metrics.epoch === 2) {
        cancelled = true;
        pool.cancelRun(runIds[1]);
      }
      // Once the cancelled run has stopped, cancel the rest.
      if (e.runId === runIds[0] && e.metrics.epoch === 20) pool.cancelExperiment(experimentId);
    });
    pool.enqueueExperiment(experimentId);
    await pool.idle();
    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    const epochsOf = (id: number) => store.getRunMetrics(id).length;
    // The first cancel stopped run 2 alone: the others went on well past it.
    expect(epochsOf(runIds[1])).toBeLessThan(10);
    for (const id of [runIds[0], runIds[2], runIds[3]]) expect(epochsOf(id)).toBeGreaterThanOrEqual(20);
    for (const id of [runIds[0], runIds[2], runIds[3]]) expect(epochsOf(id)).toBeLessThan(401);
  });
});

describe('which runs the pool batches', () => {
  const config = (patch: { dataset?: Record<string, unknown>; model?: Record<string, unknown>; training?: Record<string, unknown> } = {}) => {
    const v = validateExperiment({
      name: 'k',
      dataset: { kind: 'abs1d', samples: 2048, ...patch.dataset },
      model: { hiddenLayers: 9, width: 4, ...patch.model },
      training: { learningRate: 0.01, epochs: 5, ...patch.training },
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    return v.runs[0].config;
  };

  it('seeds, learning rates, momentum, initializations and data values share a key; shapes and schedules do not', () => {
    const key = batchKey(config());
    expect(key).not.toBeNull();
    expect(batchKey(config({ training: { learningRate: 0.5, momentum: 0.5 }, model: { init: 'glorot_normal', biasInit: -1 }, dataset: { inputShift: -2, noise: 0.1 } }))).toBe(key);
    for (const other of [{ model: { width: 5 } }, { model: { activation: 'tanh' } }, { training: { epochs: 6 } }, { training: { batchSize: 32 } }, { dataset: { samples: 1024 } }]) {
      expect(batchKey(config(other)), JSON.stringify(other)).not.toBe(key);
    }
  });

  it('large networks and data from files train alone; big data sets make smaller batches', () => {
    expect(batchKey(config({ model: { width: 64 } }))).toBeNull();
    const csv = validateExperiment({ name: 'c', dataset: { kind: 'csv', path: 'x.csv', labelColumn: 0, task: 'regression' }, model: { hiddenLayers: 1, width: 2 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!csv.ok) throw new Error('csv config');
    expect(batchKey(csv.runs[0].config)).toBeNull();
    expect(maxBatchRuns(config())).toBe(MAX_BATCH_RUNS);
    expect(maxBatchRuns(config({ dataset: { samples: 1_000_000 } }))).toBeLessThan(40);
  });

  it('the queue hands out runs of one key together, split evenly among the free workers; other runs keep their order', () => {
    const narrow = config();
    const wide = config({ model: { width: 64 } });
    const queue = new RunQueue(true);
    queue.add([
      ...[1, 2, 3, 4, 5].map((runId) => ({ runId, experimentId: 1, config: narrow })),
      { runId: 6, experimentId: 2, config: wide },
      ...[7, 8].map((runId) => ({ runId, experimentId: 2, config: narrow })),
      { runId: 9, experimentId: 2, config: null },
    ]);
    // 7 runs of one key for 2 free workers: 4 now, the other 3 for the next worker.
    expect(queue.takeNext(2).map((q) => q.runId)).toEqual([1, 2, 3, 4]);
    expect(queue.takeNext(1).map((q) => q.runId)).toEqual([5, 7, 8]);
    expect(queue.takeNext(1).map((q) => q.runId)).toEqual([6]);
    expect(queue.ids()).toEqual([9]);
    expect(queue.remove(9)?.experimentId).toBe(2);
    expect(queue.takeNext(1)).toEqual([]);

    const alone = new RunQueue(false);
    alone.add([1, 2].map((runId) => ({ runId, experimentId: 1, config: narrow })));
    expect(alone.takeNext(1).map((q) => q.runId)).toEqual([1]);
    expect(alone.ids(1)).toEqual([2]);
  });
});
