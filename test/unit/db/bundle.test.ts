/** Experiment bundles: export and import round trips, format, idempotence. */
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IMPORTED_RUNNING_ERROR, exportBundle, importBundle } from '../../../db/bundle.js';
import { LATEST_SCHEMA_VERSION } from '../../../db/store.js';
import { sqlValue } from './connection.js';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from '../../../shared/bundle.js';
import { openStore, sampleEpoch, sampleRuns } from './helpers.js';
import { FIXTURE, VERSIONS, artifacts, blockOffsets, dump, everything, populate, unpack } from './bundle-fixtures.js';

describe('experiment bundles', () => {
  it('round-trips every row of every table into an empty database', () => {
    const source = openStore();
    const { experimentIds, runIds } = populate(source);
    const bundle = exportBundle(source, experimentIds, { appVersion: '9.9.9' });

    const target = openStore();
    // Different ids on the other side: the import must remap them.
    target.deleteExperiment(target.createExperiment({ name: 'gone', config: {}, runs: sampleRuns() }).experimentId);
    const result = importBundle(target, bundle);
    expect(result).toEqual({ experiments: 2, runs: 8, skipped: 0, experimentIds: [2, 3] });

    const expected = dump(source);
    expect(expected.runs).toHaveLength(8);
    expect(expected.epoch_metrics).toHaveLength(9);
    expect(expected.layer_metrics).toHaveLength(3 * 3 + 2 * 3 + 4 * 2);
    expect(expected.run_artifacts).toHaveLength(2);
    expect(dump(target)).toEqual(expected);

    // The same through the store's API: NaN, ±Infinity, masks, alphas and artifacts are exact.
    const targetRuns = target.listRuns();
    expect(targetRuns.map((r) => r.experimentId)).toEqual([2, 2, 2, 2, 3, 3, 3, 3]);
    runIds.forEach((id, i) => {
      const copy = targetRuns[i].id;
      expect(target.getRunMetrics(copy)).toEqual(source.getRunMetrics(id));
      expect(target.getArtifacts(copy)).toEqual(source.getArtifacts(id));
      expect({ ...target.getRun(copy), id: 0, experimentId: 0 }).toEqual({ ...source.getRun(id), id: 0, experimentId: 0 });
    });
    const metrics = target.getRunMetrics(targetRuns[0].id);
    expect(metrics[2].trainLoss).toBeNaN();
    expect(metrics[2].layers[0].preActMean).toBe(-Infinity);
    expect(Object.is(metrics[1].layers[1].preluAlphas?.[1], -0)).toBe(true);
    expect(target.getExperiment(2)).toEqual({ ...source.getExperiment(experimentIds[0]), id: 2 });
  });

  it('writes a gzip file that starts with a versioned header', () => {
    const store = openStore();
    const { experimentIds } = populate(store);
    const bundle = exportBundle(store, [experimentIds[1]], { appVersion: '1.2.3' });
    const lines = unpack(bundle);
    const header = JSON.parse(lines[0]);
    expect(header).toEqual({
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      app: { name: 'ReLU Lab', version: '1.2.3' },
      schemaVersion: LATEST_SCHEMA_VERSION,
      experiments: 1,
      runs: 4,
    });
    const records = lines.slice(1, -1).map((l) => JSON.parse(l));
    expect(records.map((r) => r.type)).toEqual(['experiment', 'run', 'epoch', 'epoch', 'epoch', 'epoch', 'artifacts', 'run', 'run', 'run']);
    expect(records[0]).not.toHaveProperty('id');
    expect(records[1]).not.toHaveProperty('owner_pid');
    const end = JSON.parse(lines.at(-1)!);
    expect(end).toEqual({ type: 'end', records: 10, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The header is alone in the first block.
    const offsets = blockOffsets(bundle);
    expect(zlib.gunzipSync(bundle.subarray(0, offsets[1])).toString()).toBe(`${lines[0]}\n`);
    // Without an app version, package.json's.
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(JSON.parse(unpack(exportBundle(store, []))[0]).app).toEqual({ name: 'ReLU Lab', version: pkg.version });
  });

  it('exports only the experiments asked for, in that order, and refuses unknown ones', () => {
    const store = openStore();
    const { experimentIds } = populate(store);
    const [a, b] = experimentIds;
    const target = openStore();
    expect(importBundle(target, exportBundle(store, [b, a, b]))).toMatchObject({ experiments: 2, runs: 8, experimentIds: [1, 2] });
    expect(target.getExperiment(1)?.name).toBe('second');

    const only = openStore();
    expect(importBundle(only, exportBundle(store, [a]))).toEqual({ experiments: 1, runs: 4, skipped: 0, experimentIds: [1] });
    expect(only.listExperiments().map((e) => e.name)).toEqual([store.getExperiment(a)!.name]);

    expect(() => exportBundle(store, [a, 999])).toThrow('experiment 999 does not exist');
    expect(importBundle(openStore(), exportBundle(store, []))).toEqual({ experiments: 0, runs: 0, skipped: 0, experimentIds: [] });
  });

  it('is idempotent: importing the same bundle again skips what is already there', () => {
    const source = openStore();
    const { experimentIds } = populate(source);
    const bundle = exportBundle(source, experimentIds);

    const target = openStore();
    const own = target.createExperiment({ name: 'local', config: {}, runs: sampleRuns() });
    const first = importBundle(target, bundle);
    const after = everything(target);
    const second = importBundle(target, bundle);
    expect(second).toEqual({ experiments: 0, runs: 0, skipped: 10, experimentIds: first.experimentIds });
    expect(everything(target)).toEqual(after);
    expect(target.listExperiments()).toHaveLength(3);
    expect(target.listRuns({ experimentId: own.experimentId })).toHaveLength(4);

    // Back into the database it came from: nothing to add either.
    const before = everything(source);
    expect(importBundle(source, bundle)).toEqual({ experiments: 0, runs: 0, skipped: 10, experimentIds });
    expect(everything(source)).toEqual(before);

    // A bundle with one more experiment adds just that one.
    const third = source.createExperiment({ name: 'third', config: {}, runs: sampleRuns() });
    expect(importBundle(target, exportBundle(source, [...experimentIds, third.experimentId]))).toEqual({
      experiments: 1,
      runs: 4,
      skipped: 10,
      experimentIds: [...first.experimentIds, 4],
    });
  });

  it('turns running runs into interrupted and queued runs into cancelled', () => {
    const source = openStore();
    const { experimentId, runIds } = source.createExperiment({ name: 'live', config: {}, runs: sampleRuns(FIXTURE) });
    source.markRunStarted(runIds[0], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    source.recordEpoch(runIds[0], sampleEpoch(0));
    source.markRunStarted(runIds[1], { backend: 'cpu', versions: VERSIONS, ownerPid: process.pid });
    source.finishRun(runIds[1], 'completed');
    const bundle = exportBundle(source, [experimentId]);

    const target = openStore();
    importBundle(target, bundle);
    const runs = target.listRuns();
    expect(runs.map((r) => r.status)).toEqual(['interrupted', 'completed', 'cancelled', 'cancelled']);
    expect(runs[0]).toMatchObject({ error: IMPORTED_RUNNING_ERROR, backend: 'cpu', epochsDone: 0, startedAt: source.getRun(runIds[0])!.startedAt });
    expect(runs[0].finishedAt).not.toBeNull();
    expect(runs[2]).toMatchObject({ error: null, startedAt: null });
    expect(runs[2].finishedAt).not.toBeNull();
    expect(sqlValue(target, 'SELECT COUNT(*) FROM runs WHERE owner_pid IS NOT NULL')).toBe(0);
    expect(target.getRunMetrics(runs[0].id)).toEqual(source.getRunMetrics(runIds[0]));
    // The source is unchanged.
    expect(source.listRuns().map((r) => r.status)).toEqual(['running', 'completed', 'queued', 'queued']);
  });

  it('compresses block by block, so large artifacts span several blocks', () => {
    const source = openStore();
    const { experimentId, runIds } = source.createExperiment({ name: 'big', config: {}, runs: sampleRuns() });
    source.saveArtifacts(runIds[0], artifacts(3 << 20, 1));
    source.finishRun(runIds[0], 'completed');
    source.cancelQueuedRuns();
    const bundle = exportBundle(source, [experimentId]);
    expect(blockOffsets(bundle).length).toBeGreaterThan(4);
    const target = openStore();
    importBundle(target, bundle);
    expect(dump(target)).toEqual(dump(source));
  });

  it('reads a bundle recompressed by another gzip tool', () => {
    const source = openStore();
    const { experimentIds } = populate(source);
    const recompressed = zlib.gzipSync(zlib.gunzipSync(exportBundle(source, experimentIds)), { level: 9 });
    const target = openStore();
    expect(importBundle(target, new Uint8Array(recompressed))).toMatchObject({ experiments: 2, runs: 8 });
    expect(dump(target)).toEqual(dump(source));
  });

});
