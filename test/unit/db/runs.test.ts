import { describe, expect, it } from 'vitest';
import type { RunArtifacts } from '../../../shared/metrics.js';
import { sqlValue } from './connection.js';
import { openStore, sampleRuns } from './helpers.js';

const VERSIONS = { tfjs: '4.22.0', backend: 'wasm', node: 'v20.20.2', wasm: '4.22.0' };

describe('runs', () => {
  it('filters and orders runs by experiment then index', () => {
    const store = openStore();
    const a = store.createExperiment({ name: 'a', config: {}, runs: sampleRuns() });
    const b = store.createExperiment({ name: 'b', config: {}, runs: sampleRuns() });
    store.finishRun(a.runIds[3], 'failed', 'boom');
    store.finishRun(b.runIds[0], 'completed');
    expect(store.listRuns().map((r) => r.id)).toEqual([...a.runIds, ...b.runIds]);
    expect(store.listRuns({ experimentId: b.experimentId }).map((r) => r.id)).toEqual(b.runIds);
    expect(store.listRuns({ ids: [b.runIds[1], a.runIds[2], 999] }).map((r) => r.id)).toEqual([a.runIds[2], b.runIds[1]]);
    expect(store.listRuns({ statuses: ['failed', 'completed'] }).map((r) => r.id)).toEqual([a.runIds[3], b.runIds[0]]);
    expect(store.listRuns({ experimentId: a.experimentId, statuses: ['queued'] }).map((r) => r.id)).toEqual(a.runIds.slice(0, 3));
    expect(store.listRuns({ experimentId: a.experimentId, ids: b.runIds })).toEqual([]);
    expect(store.listRuns({ ids: [] })).toEqual([]);
    expect(store.listRuns({ statuses: [] })).toEqual([]);
    expect(store.getRun(999)).toBeNull();
  });

  it('updates a run name, notes and tags', () => {
    const store = openStore();
    const [id] = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() }).runIds;
    store.updateRun(id, { name: 'lucky seed', tags: ['keep'] });
    expect(store.getRun(id)).toMatchObject({ name: 'lucky seed', notes: '', tags: ['keep'] });
    store.updateRun(id, { notes: 'revived at epoch 2' });
    expect(store.getRun(id)).toMatchObject({ name: 'lucky seed', notes: 'revived at epoch 2', tags: ['keep'] });
    store.updateRun(id, { name: null });
    expect(store.getRun(id)).toMatchObject({ name: null, notes: 'revived at epoch 2' });
    expect(() => store.updateRun(4242, { notes: 'x' })).toThrow('run 4242 does not exist');
  });

  it('follows the run lifecycle', () => {
    const store = openStore();
    const [id] = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() }).runIds;
    store.markRunStarted(id, { backend: 'wasm', versions: VERSIONS, ownerPid: process.pid });
    const running = store.getRun(id)!;
    expect(running).toMatchObject({ status: 'running', backend: 'wasm', versions: VERSIONS, finishedAt: null });
    expect(running.startedAt).not.toBeNull();
    expect(sqlValue(store, 'SELECT owner_pid FROM runs WHERE id = ?', id)).toBe(process.pid);

    store.finishRun(id, 'diverged', 'loss became NaN at epoch 2');
    const done = store.getRun(id)!;
    expect(done).toMatchObject({ status: 'diverged', error: 'loss became NaN at epoch 2' });
    expect(done.finishedAt! >= done.startedAt!).toBe(true);
    expect(sqlValue(store, 'SELECT owner_pid FROM runs WHERE id = ?', id)).toBeNull();

    store.finishRun(id, 'completed');
    expect(store.getRun(id)).toMatchObject({ status: 'completed', error: null });

    expect(() => store.markRunStarted(77, { backend: 'cpu', versions: VERSIONS, ownerPid: 1 })).toThrow('run 77 does not exist');
    expect(() => store.finishRun(77, 'completed')).toThrow('run 77 does not exist');
    expect(() => store.finishRun(id, 'paused' as never)).toThrow(/CHECK constraint/);
  });

  it('cancels queued runs only', () => {
    const store = openStore();
    const { runIds } = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    const other = store.createExperiment({ name: 'f', config: {}, runs: sampleRuns() }).runIds;
    store.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    expect(store.cancelQueuedRuns([runIds[0], runIds[1], 9999])).toBe(1);
    expect(store.cancelQueuedRuns([])).toBe(0);
    expect(store.getRun(runIds[0])?.status).toBe('running');
    expect(store.getRun(runIds[1])).toMatchObject({ status: 'cancelled' });
    expect(store.getRun(runIds[1])?.finishedAt).not.toBeNull();
    expect(store.cancelQueuedRuns()).toBe(2 + other.length);
    expect(store.listRuns({ statuses: ['queued'] })).toEqual([]);
  });
});

describe('artifacts', () => {
  it('round-trips weights, topology and probe inputs exactly', () => {
    const store = openStore();
    const [id, other] = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() }).runIds;
    expect(store.getArtifacts(id)).toBeNull();

    const weights = new Float32Array([0.1, -2.5, Math.PI, -0, 1e-38, 3.4e38, NaN, Infinity]);
    // A view into a bigger buffer: only its own bytes must be stored.
    const backing = new Uint8Array(weights.byteLength + 8);
    backing.set(new Uint8Array(weights.buffer), 4);
    const weightData = backing.subarray(4, 4 + weights.byteLength);
    const probeInputs = new Float32Array([1.5, -1 / 3, 0, 7e-45, -Infinity, 42]);
    const artifacts: RunArtifacts = {
      modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { units: 4 } }] } },
      weightSpecs: [
        { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' },
        { name: 'dense/bias', shape: [2], dtype: 'float32' },
      ],
      weightData,
      probeIndices: [5, 0, 17],
      probeInputs,
      inputSize: 2,
    };
    store.saveArtifacts(id, artifacts);
    const loaded = store.getArtifacts(id)!;
    expect(loaded).toEqual(artifacts);
    expect(loaded.weightData).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(loaded.weightData)).toBe(false);
    expect(loaded.weightData.byteOffset).toBe(0);
    expect(loaded.weightData.buffer.byteLength).toBe(weights.byteLength);
    expect(new Float32Array(loaded.weightData.buffer)).toEqual(weights);
    expect(loaded.probeInputs).toBeInstanceOf(Float32Array);
    expect(Buffer.from(loaded.probeInputs.buffer)).toEqual(Buffer.from(probeInputs.buffer));

    // Saving again replaces.
    store.saveArtifacts(id, { ...artifacts, probeIndices: [1], probeInputs: new Float32Array([9, 8]) });
    expect(store.getArtifacts(id)).toMatchObject({ probeIndices: [1], probeInputs: new Float32Array([9, 8]) });
    expect(store.getArtifacts(other)).toBeNull();
    expect(() => store.saveArtifacts(555, artifacts)).toThrow('run 555 does not exist');
    expect(() => store.getArtifacts(555)).toThrow('run 555 does not exist');
  });
});
