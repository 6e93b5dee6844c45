import { describe, expect, it } from 'vitest';
import { openStore, sampleEpoch, sampleRuns, tableCount, RAW_CONFIG } from './helpers.js';

describe('experiments', () => {
  it('creates an experiment and its queued runs in one go', () => {
    const store = openStore();
    const runs = sampleRuns();
    const { experimentId, runIds } = store.createExperiment({
      name: 'relu vs prelu',
      config: RAW_CONFIG,
      runs,
      tags: ['baseline'],
      notes: 'first try',
    });
    expect(runIds).toHaveLength(4);

    const experiment = store.getExperiment(experimentId);
    expect(experiment).toMatchObject({
      id: experimentId,
      name: 'relu vs prelu',
      notes: 'first try',
      tags: ['baseline'],
      runCount: 4,
      statusCounts: { queued: 4 },
    });
    // The config exactly as given (defaults not filled in).
    expect(experiment?.config).toEqual(RAW_CONFIG);
    expect(experiment?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(experiment?.updatedAt).toBe(experiment?.createdAt);

    const listed = store.listRuns({ experimentId });
    expect(listed.map((r) => r.id)).toEqual(runIds);
    listed.forEach((run, i) => {
      expect(run).toMatchObject({
        experimentId,
        index: i,
        name: null,
        seed: runs[i].seed,
        sweep: runs[i].sweep,
        config: runs[i].config,
        status: 'queued',
        backend: null,
        versions: null,
        error: null,
        epochsDone: 0,
        epochsTotal: 3,
        startedAt: null,
        finishedAt: null,
        notes: '',
        tags: [],
      });
      expect(store.getRun(run.id)).toEqual(run);
    });
  });

  it('lists experiments newest first with their status counts', () => {
    const store = openStore();
    const a = store.createExperiment({ name: 'a', config: {}, runs: sampleRuns() });
    const b = store.createExperiment({ name: 'b', config: { x: [1, 'two', null] }, runs: [] });
    store.markRunStarted(a.runIds[0], { backend: 'cpu', versions: { tfjs: '4.22.0', backend: 'cpu', node: '20' }, ownerPid: process.pid });
    store.finishRun(a.runIds[1], 'diverged', 'loss is NaN');
    const list = store.listExperiments();
    expect(list.map((e) => e.name)).toEqual(['b', 'a']);
    expect(list[0]).toMatchObject({ id: b.experimentId, runCount: 0, statusCounts: {}, config: { x: [1, 'two', null] }, notes: '', tags: [] });
    expect(list[1]).toMatchObject({ runCount: 4, statusCounts: { queued: 2, running: 1, diverged: 1 } });
    expect(store.getExperiment(a.experimentId)?.statusCounts).toEqual({ queued: 2, running: 1, diverged: 1 });
    expect(store.getExperiment(12345)).toBeNull();
  });

  it('updates name, notes and tags, leaving the others unchanged', async () => {
    const store = openStore();
    const { experimentId } = store.createExperiment({ name: 'old', config: {}, runs: [], notes: 'n', tags: ['t'] });
    const created = store.getExperiment(experimentId)!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.updateExperiment(experimentId, { name: 'new' });
    expect(store.getExperiment(experimentId)).toMatchObject({ name: 'new', notes: 'n', tags: ['t'] });
    store.updateExperiment(experimentId, { notes: '', tags: [] });
    const updated = store.getExperiment(experimentId)!;
    expect(updated).toMatchObject({ name: 'new', notes: '', tags: [] });
    expect(updated.updatedAt > created.updatedAt).toBe(true);
    expect(updated.createdAt).toBe(created.createdAt);
    expect(() => store.updateExperiment(999, { name: 'x' })).toThrow('experiment 999 does not exist');
  });

  it('deletes an experiment with its runs, metrics and artifacts', () => {
    const store = openStore();
    const keep = store.createExperiment({ name: 'keep', config: {}, runs: sampleRuns() });
    const gone = store.createExperiment({ name: 'gone', config: {}, runs: sampleRuns() });
    for (const runId of [keep.runIds[0], gone.runIds[0], gone.runIds[1]]) {
      store.recordEpoch(runId, sampleEpoch(0));
      store.recordEpoch(runId, sampleEpoch(1));
      store.saveArtifacts(runId, {
        modelTopology: {},
        weightSpecs: [],
        weightData: new Uint8Array([1]),
        probeIndices: [0],
        probeInputs: new Float32Array([1]),
        inputSize: 1,
      });
    }
    expect(tableCount(store, 'layer_metrics')).toBe(3 * 2 * 2);

    store.deleteExperiment(gone.experimentId);
    expect(store.getExperiment(gone.experimentId)).toBeNull();
    expect(store.listExperiments().map((e) => e.name)).toEqual(['keep']);
    expect(store.listRuns().map((r) => r.id)).toEqual(keep.runIds);
    expect(tableCount(store, 'epoch_metrics')).toBe(2);
    expect(tableCount(store, 'layer_metrics')).toBe(2 * 2);
    expect(tableCount(store, 'run_artifacts')).toBe(1);
    expect(() => store.deleteExperiment(gone.experimentId)).toThrow(`experiment ${gone.experimentId} does not exist`);

    // Ids are never reused after a delete.
    const next = store.createExperiment({ name: 'next', config: {}, runs: sampleRuns() });
    expect(next.experimentId).toBeGreaterThan(gone.experimentId);
    expect(Math.min(...next.runIds)).toBeGreaterThan(Math.max(...gone.runIds));
  });

  it('creates nothing when a run cannot be stored', () => {
    const store = openStore();
    const runs = sampleRuns();
    runs[2] = { ...runs[2], seed: 1.5 };
    expect(() => store.createExperiment({ name: 'bad', config: {}, runs })).toThrow(/INTEGER column runs\.seed/);
    expect(tableCount(store, 'experiments')).toBe(0);
    expect(tableCount(store, 'runs')).toBe(0);
  });
});
