/** The bundle tests' fixtures: populated lab databases, table dumps, bundle unpacking and refusal checks. */
import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { expect } from 'vitest';
import { BundleError, importBundle } from '../../../db/bundle.js';
import { LabStore } from '../../../db/store.js';
import { sqlValue, storeConnection, withConnection } from './connection.js';
import type { BundleErrorReason } from '../../../shared/bundle.js';
import type { EpochMetrics, RunArtifacts } from '../../../shared/metrics.js';
import { RAW_CONFIG, sampleEpoch, sampleLayer, sampleRuns } from './helpers.js';

export const VERSIONS = { tfjs: '4.22.0', backend: 'wasm', node: 'v20.20.2', wasm: '4.22.0' };

/**
 * Runs whose config matches sampleEpoch()'s measurements (2 hidden layers of 11 units, 8-bin
 * histograms): imports check every row against its run's config.
 */
export const FIXTURE = { ...RAW_CONFIG, model: { hiddenLayers: 2, width: 11 }, probe: { samples: 32, histogramBins: 8 } };
/** The same with 3 hidden layers (for awkwardEpochs). */
export const THREE_LAYERS = { ...FIXTURE, model: { hiddenLayers: 3, width: 11 } };

export function artifacts(weightBytes: number, seed: number): RunArtifacts {
  const weightData = new Uint8Array(randomBytes(weightBytes));
  return {
    modelTopology: { class_name: 'Sequential', config: { name: `model ${seed} ✓`, layers: [{ units: 11 }] } },
    weightSpecs: [{ name: 'dense/kernel', shape: [weightBytes / 4], dtype: 'float32' }],
    weightData,
    probeIndices: [5, 1, 9, seed],
    probeInputs: new Float32Array([0.5, -0, NaN, Infinity, -Infinity, 1e-40, 3.4e38, seed]),
    inputSize: 2,
  };
}

/** Epochs with every awkward value: NaN and ±Infinity metrics, PReLU alphas, empty and odd layers. */
export function awkwardEpochs(): EpochMetrics[] {
  const alphas = new Float32Array([0.25, -0, NaN, 1e-30, Infinity, 3, 0.7, 0.1, 0.2, 0.3, -0.4]);
  const epochs = [0, 1, 2].map((e) => sampleEpoch(e, 3, 11));
  epochs[1].layers[1] = sampleLayer(1, 11, { preluAlphas: alphas, gradNorm: null });
  epochs[1].trainAccuracy = null;
  epochs[1].valLoss = Infinity;
  epochs[2].trainLoss = NaN;
  epochs[2].valAccuracy = NaN;
  epochs[2].layers[0] = sampleLayer(0, 11, {
    gradNorm: NaN,
    preActMean: -Infinity,
    preActStd: Infinity,
    activeProbability: NaN,
    histogram: { lo: -Infinity, hi: NaN, counts: [0.5, 1e300, 7, -0, 0, 0, 0, 2] },
  });
  epochs[2].layers[2] = sampleLayer(2, 11, { deadMask: new Uint8Array(11).fill(1), deadFraction: 1, histogram: { lo: 0, hi: 0, counts: new Array(8).fill(0) } });
  return epochs;
}

/** Two experiments whose runs have ended in every possible way, with metrics and artifacts. */
export function populate(store: LabStore): { experimentIds: number[]; runIds: number[] } {
  const a = store.createExperiment({
    name: 'relu vs prelu — ünïcode ✓',
    config: THREE_LAYERS,
    runs: sampleRuns(THREE_LAYERS),
    tags: ['baseline', 'τ'],
    notes: 'first try\nsecond line',
  });
  const b = store.createExperiment({ name: 'second', config: { ...FIXTURE, seeds: [7] }, runs: sampleRuns(FIXTURE) });
  const [a0, a1, a2] = a.runIds;
  const [b0, b1] = b.runIds;
  for (const id of [a0, a1, a2, b0, b1]) store.markRunStarted(id, { backend: 'wasm', versions: VERSIONS, ownerPid: process.pid });
  for (const e of awkwardEpochs()) store.recordEpoch(a0, e);
  store.saveArtifacts(a0, artifacts(3000, 1));
  store.finishRun(a0, 'completed');
  store.recordEpoch(a1, sampleEpoch(0, 3));
  store.recordEpoch(a1, { ...sampleEpoch(1, 3), trainLoss: NaN });
  store.finishRun(a1, 'diverged', 'loss became NaN at epoch 1');
  store.finishRun(a2, 'failed', 'out of memory');
  for (const e of [0, 1, 2, 3]) store.recordEpoch(b0, sampleEpoch(e));
  store.saveArtifacts(b0, artifacts(12, 2));
  store.finishRun(b0, 'completed');
  store.finishRun(b1, 'interrupted', 'the process training this run stopped before it finished');
  store.cancelQueuedRuns();
  store.updateRun(a0, { name: 'lucky seed', notes: 'revived', tags: ['keep'] });
  store.updateExperiment(b.experimentId, { notes: 'edited later', tags: ['x'] });
  return { experimentIds: [a.experimentId, b.experimentId], runIds: [...a.runIds, ...b.runIds] };
}

export const TABLES = ['experiments', 'runs', 'epoch_metrics', 'layer_metrics', 'run_artifacts'] as const;

/** Rows with blobs as tagged base64 text: exact, and much faster to compare than megabytes of Buffer. */
export function rows(store: LabStore, sql: string): Record<string, unknown>[] {
  return withConnection(store, (db) => db.prepare(sql).all() as Record<string, unknown>[]).map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Buffer.isBuffer(value) ? `blob:${value.toString('base64')}` : value])),
  );
}

/**
 * Every row of every table of the experiments' data, with autoincrement ids replaced by the uids
 * they point to, in an order that does not depend on the ids.
 */
export function dump(store: LabStore): Record<(typeof TABLES)[number], Record<string, unknown>[]> {
  const all = (sql: string) => rows(store, sql);
  const withoutKeys = (list: Record<string, unknown>[], keys: string[]) =>
    list.map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key))));
  return {
    experiments: withoutKeys(all(`SELECT * FROM experiments ORDER BY uid`), ['id']),
    runs: withoutKeys(
      all(`SELECT r.*, e.uid AS experiment_uid FROM runs r JOIN experiments e ON e.id = r.experiment_id ORDER BY r.uid`),
      ['id', 'experiment_id'],
    ),
    epoch_metrics: withoutKeys(
      all(`SELECT m.*, r.uid AS run_uid FROM epoch_metrics m JOIN runs r ON r.id = m.run_id ORDER BY r.uid, m.epoch`),
      ['run_id'],
    ),
    layer_metrics: withoutKeys(
      all(`SELECT m.*, r.uid AS run_uid FROM layer_metrics m JOIN runs r ON r.id = m.run_id ORDER BY r.uid, m.epoch, m.layer`),
      ['run_id'],
    ),
    run_artifacts: withoutKeys(
      all(`SELECT m.*, r.uid AS run_uid FROM run_artifacts m JOIN runs r ON r.id = m.run_id ORDER BY r.uid`),
      ['run_id'],
    ),
  };
}

/** Everything, ids included, for checking that a refused import changed nothing. */
export function everything(store: LabStore): unknown {
  const tables = [...TABLES, 'comparisons', 'sqlite_sequence'];
  return Object.fromEntries(tables.map((t) => [t, rows(store, `SELECT * FROM ${t} ORDER BY 1, 2`)]));
}

export function counts(store: LabStore): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, sqlValue(store, `SELECT COUNT(*) FROM ${t}`) as number]));
}

/** The decompressed lines of a bundle (header, records, end record). */
export function unpack(bundle: Buffer): string[] {
  const text = zlib.gunzipSync(bundle).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text.slice(0, -1).split('\n');
}

/** Plain gzip of these lines; `reseal` recomputes the end record's count and checksum. */
export function repack(lines: string[], reseal = true): Buffer {
  let out = lines;
  if (reseal) {
    const payload = lines.slice(1, -1);
    const sha256 = createHash('sha256')
      .update(payload.map((l) => `${l}\n`).join(''))
      .digest('hex');
    out = [...lines.slice(0, -1), JSON.stringify({ type: 'end', records: payload.length, sha256 })];
  }
  return zlib.gzipSync(out.map((l) => `${l}\n`).join(''));
}

/** Offsets of the gzip members ("blocks") of a bundle, from their RL subfield. */
export function blockOffsets(bundle: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset < bundle.length; offset += bundle.readUInt32LE(offset + 16)) {
    expect(bundle.subarray(offset, offset + 4)).toEqual(Buffer.from([0x1f, 0x8b, 8, 4]));
    expect(bundle.toString('latin1', offset + 12, offset + 14)).toBe('RL');
    offsets.push(offset);
  }
  return offsets;
}

/** Where the deflate data of the block at `offset` starts: after its gzip header and extra field (12 + XLEN bytes). */
export function deflateStart(bundle: Buffer, offset: number): number {
  return offset + 12 + bundle.readUInt16LE(offset + 10);
}

export function refusal(store: LabStore, data: Uint8Array): BundleError {
  const before = everything(store);
  const beforeCounts = counts(store);
  let error: unknown;
  try {
    importBundle(store, data);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BundleError);
  // Untouched: same rows, same ids to come, no transaction left open.
  expect(counts(store)).toEqual(beforeCounts);
  expect(everything(store)).toEqual(before);
  expect(storeConnection(store).inTransaction).toBe(false);
  return error as BundleError;
}

export function expectRefused(store: LabStore, data: Uint8Array, reason: BundleErrorReason, message: string | RegExp): void {
  const error = refusal(store, data);
  expect(error.reason).toBe(reason);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else expect(error.message).toMatch(message);
}

type BundleRecord = Record<string, unknown>;

/** Edits a bundle's records and reseals it (valid count and checksum): `mutator(bundle)((records) => …)`. */
export function mutator(bundle: Buffer): (edit: (records: BundleRecord[]) => void) => Buffer {
  return (edit) => {
    const lines = unpack(bundle);
    const records = lines.slice(1, -1).map((l) => JSON.parse(l) as BundleRecord);
    edit(records);
    return repack([lines[0], ...records.map((r) => JSON.stringify(r)), lines.at(-1)!]);
  };
}

/** The first record of each type. */
export const experiment = (records: BundleRecord[]) => records.find((r) => r.type === 'experiment')!;
export const run = (records: BundleRecord[]) => records.find((r) => r.type === 'run')!;
export const epoch = (records: BundleRecord[]) => records.find((r) => r.type === 'epoch')!;
