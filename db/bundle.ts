/**
 * Experiment bundles: export whole experiments from a lab database into one file, and import them
 * into another (or the same) database. This file maps records to database rows and back; the
 * container they travel in (blocks, lines, header, end record) is bundle-container.ts, and what the
 * rows must mean is bundle-check.ts. A little over 500 lines, most of it the format's documentation below.
 *
 * ## File format, version 1
 *
 * The file is a gzip file (RFC 1952) made of several members ("blocks"), like BGZF: `zcat` or
 * `gunzip -c` shows its content. Each block compresses at most 1 MiB and carries its own total size in
 * an `RL` extra subfield, so a reader can decompress one block at a time instead of the whole file.
 * Every block has gzip's CRC-32 of its data.
 *
 * The decompressed content is JSON lines (one JSON object per line, `\n`-terminated):
 *
 * 1. The header, alone in the first block, in every format version:
 *    `{"format":"relu-lab-bundle","version":1,"createdAt":…,"app":{"name":"ReLU Lab","version":…},
 *      "schemaVersion":2,"experiments":E,"runs":R}`
 * 2. The payload: for each experiment, `{"type":"experiment",…}`, then for each of its runs
 *    `{"type":"run","experiment_uid":…,…}` followed by that run's `{"type":"epoch","run_uid":…,…,
 *    "layers":[…]}` records (epoch order, each with its layer rows) and its `{"type":"artifacts",
 *    "run_uid":…,…}` record if it has one.
 * 3. The end record: `{"type":"end","records":N,"sha256":…}`: N payload records, and the SHA-256
 *    of the payload's bytes exactly as stored (every payload line with its `\n`).
 *
 * Records hold the database rows column by column, under the column names, without the local
 * autoincrement ids (rows are tied together by uid instead) and without `runs.owner_pid` (a process
 * id means nothing on another machine). Values: integers and text as is; `*_json` columns as their
 * JSON text, verbatim; REAL columns as JSON numbers, with the strings "Infinity", "-Infinity",
 * "NaN" and "-0" for what JSON cannot carry (NaN metrics are NULL plus their `nan_mask` bit, as in
 * the database); BLOB columns (masks, histograms, PReLU alphas, weights, probe inputs) as base64.
 *
 * ## Import
 *
 * One transaction: a bundle that is not one, is damaged or too new is refused with a BundleError
 * and the database is left untouched. Damaged includes rows whose types are right but whose meaning
 * is not (bundle-check.ts: every run's config must be valid, and its epochs, layers, histograms,
 * masks and weights must have the shapes that config implies), since such rows would break reading
 * the database afterwards. Decompression is bounded: a block may not inflate past its 1 MiB, and
 * the whole content past `maxContentBytes` (1 GiB by default; `too-large`), so a "zip bomb" is
 * refused after inflating at most that much. Experiments and runs whose uid is already in the database
 * are skipped (with their metrics and artifacts), so importing a bundle twice adds nothing the
 * second time. Runs that were `running` when exported become `interrupted`, and `queued` runs
 * become `cancelled`: neither can continue in this database. Everything else is imported exactly.
 */
import { NotFoundError } from '../shared/errors.js';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleImportResult } from '../shared/bundle.js';
import type { MetricScope } from '../shared/metric-fields.js';
import { BundleError, BundleWriter, DEFAULT_MAX_CONTENT_BYTES, damaged, describe, openBundle } from './bundle-container.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import {
  RowProblem,
  checkArtifacts,
  checkEpoch,
  checkExperiment,
  checkLayer,
  checkRun,
  expandedRunCount,
  experimentConfigDifference,
  expectedLayers,
  type RunShape,
} from './bundle-check.js';
import { metricColumnClasses, type ColumnClass } from './metric-columns.js';
import { APP_NAME } from './paths.js';
import type { SqlRow } from './sql.js';
import type { LabStore } from './store.js';
import { reserveRunIds, runIdAt, runIdBase } from './uids.js';

export { BUNDLE_FORMAT, BUNDLE_VERSION } from '../shared/bundle.js';
export type { BundleErrorReason, BundleHeader, BundleImportResult } from '../shared/bundle.js';
export { BundleError, DEFAULT_MAX_CONTENT_BYTES } from './bundle-container.js';

/** Error of an imported run that was still training in the database it was exported from. */
export const IMPORTED_RUNNING_ERROR = 'the run was still training when it was exported; it cannot continue here';

// ---------------------------------------------------------------------------------------------
// Rows

type Kind = 'int' | 'real' | 'text' | 'json' | 'blob';
type Columns = readonly (readonly [name: string, kind: Kind])[];

const EXPERIMENT_COLUMNS: Columns = [
  ['uid', 'text'],
  ['name', 'text'],
  ['config_json', 'json'],
  ['notes', 'text'],
  ['tags_json', 'json'],
  ['created_at', 'text'],
  ['updated_at', 'text'],
];

// Not exported: id, experiment_id (experiment_uid instead), owner_pid.
const RUN_COLUMNS: Columns = [
  ['uid', 'text'],
  ['run_index', 'int'],
  ['name', 'text'],
  ['notes', 'text'],
  ['tags_json', 'json'],
  ['seed', 'int'],
  ['sweep_json', 'json'],
  ['config_json', 'json'],
  ['status', 'text'],
  ['backend', 'text'],
  ['versions_json', 'json'],
  ['error', 'text'],
  ['epochs_done', 'int'],
  ['epochs_total', 'int'],
  ['created_at', 'text'],
  ['started_at', 'text'],
  ['finished_at', 'text'],
];

/** A metric table's columns (metric-columns.ts) without those the enclosing records give. */
function metricRecordColumns(scope: MetricScope, given: readonly string[]): Columns {
  const kinds: Record<ColumnClass, Kind> = { integer: 'int', real: 'real', blob: 'blob' };
  return metricColumnClasses(scope)
    .filter(([name]) => !given.includes(name))
    .map(([name, storage]) => [name, kinds[storage]] as const);
}

// Not exported: run_id (from the run record before it).
const EPOCH_COLUMNS = metricRecordColumns('epoch', ['run_id']);
// Not exported: run_id, epoch (both from the enclosing epoch record).
const LAYER_COLUMNS = metricRecordColumns('layer', ['run_id', 'epoch']);

const ARTIFACT_COLUMNS: Columns = [
  ['model_topology_json', 'json'],
  ['weight_specs_json', 'json'],
  ['weight_data', 'blob'],
  ['probe_indices_json', 'json'],
  ['probe_inputs', 'blob'],
  ['input_size', 'int'],
];

const names = (columns: Columns): string => columns.map(([name]) => name).join(', ');
const params = (columns: Columns): string => columns.map(([name]) => `@${name}`).join(', ');

function encodeReal(value: number): number | string {
  if (Number.isFinite(value)) return Object.is(value, -0) ? '-0' : value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

const SPECIAL_REALS: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: NaN, '-0': -0 };

/** A row as a record's fields. */
function encodeRow(columns: Columns, row: SqlRow, out: Record<string, unknown>): Record<string, unknown> {
  for (const [name, kind] of columns) {
    const value = row[name];
    if (value === null || value === undefined) out[name] = null;
    else if (kind === 'blob') out[name] = (value as Buffer).toString('base64');
    else if (kind === 'real') out[name] = encodeReal(value as number);
    else out[name] = value;
  }
  return out;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A record's fields as SQL parameters, checked against the column kinds (SQLite checks the rest). */
function decodeRow(columns: Columns, record: Record<string, unknown>, where: string): SqlRow {
  const row: SqlRow = {};
  for (const [name, kind] of columns) {
    const value = record[name];
    const bad = (expected: string) => damaged(`${where}: ${name} should be ${expected}, got ${describe(value)}`);
    if (value === null || value === undefined) {
      // NOT NULL columns are left to SQLite's constraints.
      row[name] = null;
      continue;
    }
    switch (kind) {
      case 'int':
        if (!Number.isSafeInteger(value)) throw bad('an integer');
        row[name] = value as number;
        break;
      case 'real':
        if (typeof value === 'number') row[name] = value;
        else if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(SPECIAL_REALS, value)) row[name] = SPECIAL_REALS[value];
        else throw bad('a number');
        break;
      case 'text':
        if (typeof value !== 'string') throw bad('text');
        row[name] = value;
        break;
      case 'json':
        if (typeof value !== 'string') throw bad('JSON text');
        try {
          JSON.parse(value);
        } catch {
          throw bad('valid JSON text');
        }
        row[name] = value;
        break;
      case 'blob':
        if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) throw bad('base64 data');
        row[name] = Buffer.from(value, 'base64');
        break;
    }
  }
  return row;
}


// ---------------------------------------------------------------------------------------------
// Export

let packageVersion: string | undefined;

function appVersion(): string {
  if (packageVersion === undefined) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
      packageVersion = typeof pkg.version === 'string' ? pkg.version : 'unknown';
    } catch {
      packageVersion = 'unknown';
    }
  }
  return packageVersion;
}

export interface ExportOptions {
  /** The exporting app's version, recorded in the header (default: package.json's). */
  appVersion?: string;
}

/**
 * One bundle holding these experiments (in this order, duplicates ignored) with all their runs,
 * metrics and artifacts. Reads one consistent snapshot of the database. Throws when an experiment
 * does not exist. (The same as `store.exportBundle`.)
 */
export function exportBundle(store: LabStore, experimentIds: number[], options: ExportOptions = {}): Buffer {
  return store.exportBundle(experimentIds, options);
}

/** exportBundle, on the store's connection. */
export function writeBundle(db: Database.Database, experimentIds: number[], options: ExportOptions = {}): Buffer {
  const ids = [...new Set(experimentIds)];
  const experimentStmt = db.prepare<[number], SqlRow>(`SELECT ${names(EXPERIMENT_COLUMNS)} FROM experiments WHERE id = ?`);
  const runsStmt = db.prepare<[number], SqlRow & { id: number }>(
    `SELECT id, ${names(RUN_COLUMNS)} FROM runs WHERE experiment_id = ? ORDER BY run_index`,
  );
  const runCountStmt = db
    .prepare<[string], number>(`SELECT COUNT(*) FROM runs WHERE experiment_id IN (SELECT value FROM json_each(?))`)
    .pluck();
  const epochsStmt = db.prepare<[number], SqlRow>(`SELECT ${names(EPOCH_COLUMNS)} FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`);
  const layersStmt = db.prepare<[number], SqlRow>(
    `SELECT epoch, ${names(LAYER_COLUMNS)} FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`,
  );
  const artifactsStmt = db.prepare<[number], SqlRow>(`SELECT ${names(ARTIFACT_COLUMNS)} FROM run_artifacts WHERE run_id = ?`);

  // One read transaction: a run recording epochs meanwhile (another process) cannot tear the snapshot.
  return db.transaction(() => {
    const experiments = ids.map((id) => {
      const row = experimentStmt.get(id);
      if (!row) throw new NotFoundError('experiment', id);
      return row;
    });
    const writer = new BundleWriter();
    writer.header({
      format: BUNDLE_FORMAT,
      version: BUNDLE_VERSION,
      createdAt: new Date().toISOString(),
      app: { name: APP_NAME, version: options.appVersion ?? appVersion() },
      schemaVersion: LATEST_SCHEMA_VERSION,
      experiments: ids.length,
      runs: runCountStmt.get(JSON.stringify(ids)) ?? 0,
    });
    experiments.forEach((experiment, i) => {
      writer.record(encodeRow(EXPERIMENT_COLUMNS, experiment, { type: 'experiment' }));
      for (const run of runsStmt.all(ids[i])) {
        writer.record(encodeRow(RUN_COLUMNS, run, { type: 'run', experiment_uid: experiment.uid }));
        const layersByEpoch = new Map<number, Record<string, unknown>[]>();
        for (const layer of layersStmt.all(run.id)) {
          const epoch = layer.epoch as number;
          let list = layersByEpoch.get(epoch);
          if (!list) layersByEpoch.set(epoch, (list = []));
          list.push(encodeRow(LAYER_COLUMNS, layer, {}));
        }
        for (const epoch of epochsStmt.all(run.id)) {
          const record = encodeRow(EPOCH_COLUMNS, epoch, { type: 'epoch', run_uid: run.uid });
          record.layers = layersByEpoch.get(epoch.epoch as number) ?? [];
          writer.record(record);
        }
        const artifacts = artifactsStmt.get(run.id);
        if (artifacts) writer.record(encodeRow(ARTIFACT_COLUMNS, artifacts, { type: 'artifacts', run_uid: run.uid }));
      }
    });
    return writer.finish();
  }).deferred();
}

// ---------------------------------------------------------------------------------------------
// Import

const MAX_UID_LENGTH = 200;

export interface ImportOptions {
  /** The most decompressed bytes one import takes (default 1 GiB): more is refused as too large. */
  maxContentBytes?: number;
}

/** Reads `bundle.relulab` style files: see the format at the top of this file. (The same as `store.importBundle`.) */
export function importBundle(store: LabStore, data: Uint8Array, options: ImportOptions = {}): BundleImportResult {
  return store.importBundle(data, options);
}

/** One bundle to import, read only when its turn comes, and its name for messages (its file). */
export interface BundleSource {
  name: string;
  read: () => Uint8Array;
}

/**
 * Imports several bundles in one transaction (`relu-lab merge`): all of them or, when one is
 * refused, none; the BundleError names the source. (The same as `store.importBundles`.)
 */
export function readBundles(db: Database.Database, sources: readonly BundleSource[], options: ImportOptions = {}): BundleImportResult[] {
  return db
    .transaction(() =>
      sources.map((source) => {
        try {
          return readBundle(db, source.read(), options);
        } catch (error) {
          if (error instanceof BundleError) throw new BundleError(error.reason, `${source.name}: ${error.message}`, { cause: error });
          throw error;
        }
      }),
    )
    .immediate();
}

/** importBundle, on the store's connection. */
export function readBundle(db: Database.Database, data: Uint8Array, options: ImportOptions = {}): BundleImportResult {
  // The header first, outside the transaction: a foreign or too new file never takes the write lock.
  const { records } = openBundle(data, options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES);

  const stmt = {
    experimentByUid: db.prepare<[string], { id: number; config_json: string; created_at: string; updated_at: string }>(
      `SELECT id, config_json, created_at, updated_at FROM experiments WHERE uid = ?`,
    ),
    // Shards of one experiment arrive in any order: the earliest creation and the latest change win.
    widenExperimentTimes: db.prepare<[string, string, number]>(
      `UPDATE experiments SET created_at = MIN(created_at, ?), updated_at = MAX(updated_at, ?) WHERE id = ?`,
    ),
    runByUid: db.prepare<[string], number>(`SELECT 1 FROM runs WHERE uid = ?`).pluck(),
    runAtIndex: db.prepare<[number, number], string>(`SELECT uid FROM runs WHERE experiment_id = ? AND run_index = ?`).pluck(),
    insertExperiment: db.prepare(`INSERT INTO experiments (${names(EXPERIMENT_COLUMNS)}) VALUES (${params(EXPERIMENT_COLUMNS)})`),
    insertRun: db.prepare(
      `INSERT INTO runs (id, experiment_id, ${names(RUN_COLUMNS)}) VALUES (@id, @experiment_id, ${params(RUN_COLUMNS)})`,
    ),
    insertEpoch: db.prepare(`INSERT INTO epoch_metrics (run_id, ${names(EPOCH_COLUMNS)}) VALUES (@run_id, ${params(EPOCH_COLUMNS)})`),
    insertLayer: db.prepare(
      `INSERT INTO layer_metrics (run_id, epoch, ${names(LAYER_COLUMNS)}) VALUES (@run_id, @epoch, ${params(LAYER_COLUMNS)})`,
    ),
    insertArtifacts: db.prepare(
      `INSERT INTO run_artifacts (run_id, ${names(ARTIFACT_COLUMNS)}) VALUES (@run_id, ${params(ARTIFACT_COLUMNS)})`,
    ),
  };

  const result: BundleImportResult = { experiments: 0, runs: 0, skipped: 0, experimentIds: [] };
  /** Experiment uid → local id (added or already there). */
  const experiments = new Map<string, number>();
  /** Local experiment id → where its runs' ids start (null: none reserved yet) and how many runs its config expands to. */
  const idBlocks = new Map<number, { base: number | null; total: number }>();
  /** Run uid → the run added (local id, what its records must match), or null when it was already there (its records are skipped). */
  const runs = new Map<string, { id: number; shape: RunShape } | null>();

  const uidOf = (record: Record<string, unknown>, field: string, where: string): string => {
    const uid = record[field];
    if (typeof uid !== 'string' || uid.length === 0 || uid.length > MAX_UID_LENGTH) {
      throw damaged(`${where}: ${field} should be a uid, got ${describe(uid)}`);
    }
    return uid;
  };

  const addExperiment = (record: Record<string, unknown>, where: string) => {
    const uid = uidOf(record, 'uid', where);
    if (experiments.has(uid)) throw damaged(`${where}: experiment ${uid} appears twice`);
    const existing = stmt.experimentByUid.get(uid);
    const row = decodeRow(EXPERIMENT_COLUMNS, record, where);
    checkExperiment(row);
    const configJson = row.config_json as string;
    let id: number;
    if (existing !== undefined) {
      const difference = experimentConfigDifference(existing.config_json, configJson);
      if (difference !== null) {
        throw new BundleError(
          'conflict',
          `experiment ${uid} is already here (experiment ${existing.id}) with another config: ${difference} (here vs in the bundle); ` +
            'shards of one experiment must be started from the same config',
        );
      }
      id = existing.id;
      stmt.widenExperimentTimes.run(row.created_at as string, row.updated_at as string, id);
      result.skipped++;
    } else {
      id = Number(stmt.insertExperiment.run(row).lastInsertRowid);
      result.experiments++;
    }
    idBlocks.set(id, { base: runIdBase(db, id), total: expandedRunCount(configJson) ?? 0 });
    experiments.set(uid, id);
    result.experimentIds.push(id);
  };

  const at = new Date().toISOString();
  const addRun = (record: Record<string, unknown>, where: string) => {
    const uid = uidOf(record, 'uid', where);
    const experimentUid = uidOf(record, 'experiment_uid', where);
    const experimentId = experiments.get(experimentUid);
    if (experimentId === undefined) throw damaged(`${where}: its experiment ${experimentUid} is not in the bundle before it`);
    if (runs.has(uid)) throw damaged(`${where}: run ${uid} appears twice`);
    if (stmt.runByUid.get(uid) !== undefined) {
      runs.set(uid, null);
      result.skipped++;
      return;
    }
    const row = decodeRow(RUN_COLUMNS, record, where);
    const shape = checkRun(row);
    // Training cannot go on here: a run caught training is interrupted, a queued one cancelled.
    if (row.status === 'running') {
      row.status = 'interrupted';
      row.error ??= IMPORTED_RUNNING_ERROR;
      row.finished_at ??= at;
    } else if (row.status === 'queued') {
      row.status = 'cancelled';
      row.finished_at ??= at;
    }
    const taken = typeof row.run_index === 'number' ? stmt.runAtIndex.get(experimentId, row.run_index) : undefined;
    if (taken !== undefined) {
      throw new BundleError(
        'conflict',
        `cannot import run ${uid}: experiment ${experimentId} already has a different run (${taken}) at index ${row.run_index}`,
      );
    }
    // Run i takes id base + i: the shards of one experiment land where one machine puts its runs.
    const block = idBlocks.get(experimentId)!;
    if (block.base === null && block.total > 0) block.base = reserveRunIds(db, block.total);
    const runId = runIdAt(db, block.base, row.run_index as number, block.total);
    runs.set(uid, { id: Number(stmt.insertRun.run({ ...row, id: runId, experiment_id: experimentId }).lastInsertRowid), shape });
    result.runs++;
  };

  /** The run a metrics or artifacts record belongs to; null when the run was skipped. */
  const runOf = (record: Record<string, unknown>, where: string): { id: number; shape: RunShape } | null => {
    const uid = uidOf(record, 'run_uid', where);
    const id = runs.get(uid);
    if (id === undefined) throw damaged(`${where}: its run ${uid} is not in the bundle before it`);
    return id;
  };

  const addEpoch = (record: Record<string, unknown>, where: string) => {
    const run = runOf(record, where);
    if (run === null) return;
    const row = decodeRow(EPOCH_COLUMNS, record, where);
    if (!Array.isArray(record.layers)) throw damaged(`${where}: layers should be an array, got ${describe(record.layers)}`);
    checkEpoch(row, run.shape);
    expectedLayers(run.shape, record.layers.length);
    stmt.insertEpoch.run({ ...row, run_id: run.id });
    record.layers.forEach((layer: unknown, i: number) => {
      const layerWhere = `${where}, layer ${i}`;
      if (layer === null || typeof layer !== 'object' || Array.isArray(layer)) throw damaged(`${layerWhere} is not an object`);
      const layerRow = decodeRow(LAYER_COLUMNS, layer as Record<string, unknown>, layerWhere);
      try {
        checkLayer(layerRow, run.shape, i);
      } catch (error) {
        if (error instanceof RowProblem) throw damaged(`${layerWhere}: ${error.message}`);
        throw error;
      }
      stmt.insertLayer.run({ ...layerRow, run_id: run.id, epoch: row.epoch });
    });
  };

  const addArtifacts = (record: Record<string, unknown>, where: string) => {
    const run = runOf(record, where);
    if (run === null) return;
    const row = decodeRow(ARTIFACT_COLUMNS, record, where);
    checkArtifacts(row, run.shape);
    stmt.insertArtifacts.run({ ...row, run_id: run.id });
  };

  const handlers: Record<string, (record: Record<string, unknown>, where: string) => void> = {
    experiment: addExperiment,
    run: addRun,
    epoch: addEpoch,
    artifacts: addArtifacts,
  };

  const importAll = () => {
    for (const { record, type, where } of records) {
      const handler = typeof type === 'string' && Object.prototype.hasOwnProperty.call(handlers, type) ? handlers[type] : undefined;
      if (!handler) throw damaged(`${where} has an unknown type ${describe(type)}`);
      try {
        handler(record, `${where} (${type})`);
      } catch (error) {
        // Rows that break what the lab writes (bundle-check.ts).
        if (error instanceof RowProblem) throw damaged(`${where} (${type}): ${error.message}`, error);
        // Constraint failures (NOT NULL, CHECK, types of STRICT tables, duplicate epochs...).
        if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
          throw damaged(`${where} (${type}): ${error.message}`, error);
        }
        throw error;
      }
    }
  };

  // IMMEDIATE: the write lock up front, so a concurrent writer cannot make the import fail midway.
  db.transaction(importAll).immediate();
  return result;
}
