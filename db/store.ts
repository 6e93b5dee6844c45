/**
 * The lab database: experiments, runs, their per-epoch and per-layer metrics, run artifacts and
 * saved comparisons. With bundle.ts (export and import of whole experiments), the only code that
 * speaks SQL. One LabStore per open file; every statement is prepared once.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { comparisonSpecSchema, parseComparisonSpec, type ComparisonSpecInput, type SavedComparison } from '../shared/compare.js';
import type { RunConfig, RunSpec } from '../shared/config.js';
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { formatIssue, zodIssues } from '../shared/issues.js';
import type {
  EpochMetrics,
  ExperimentSummary,
  LayerMetrics,
  LibraryVersions,
  RunArtifacts,
  RunStatus,
  RunSummary,
} from '../shared/metrics.js';
import { DatabaseTooNewError, LATEST_SCHEMA_VERSION, assertNotTooNew, migrate } from './migrations/index.js';

export { DatabaseTooNewError, LATEST_SCHEMA_VERSION } from './migrations/index.js';

/** One hidden layer of one run at one epoch, without the per-unit data (for charts). */
export interface LayerSeriesRow
  extends Pick<LayerMetrics, 'layer' | 'units' | 'deadFraction' | 'activeProbability' | 'dormantFraction' | 'gradNorm' | 'preActMean' | 'preActStd'> {
  runId: number;
  epoch: number;
}

/** The scalar metrics of one run at one epoch (for charts). */
export interface EpochSeriesRow extends Omit<EpochMetrics, 'layers'> {
  runId: number;
}

/** A run's last recorded epoch, with the dead fraction of each hidden layer at that epoch. */
export interface LastEpochRow extends EpochSeriesRow {
  /** Indexed by layer. */
  deadFractions: number[];
}

/** What createExperiment takes: `config` is stored exactly as given, `runs` as validated. */
export interface NewExperiment {
  name: string;
  config: unknown;
  runs: RunSpec[];
  tags?: string[];
  notes?: string;
}

/** Error of a run left `running` by a process whose lease expired (it crashed, was killed or lost power). */
export const ORPHANED_RUN_ERROR = 'the process training this run stopped before it finished';
/** Error of a run left `queued` by a process whose lease expired. */
export const ORPHANED_QUEUED_ERROR = 'the process that queued this run stopped before it started';
/** Error of a run its own process gave up on when closing the database (e.g. a forced quit). */
export const CLOSED_RUN_ERROR = 'the lab was closed before this run finished';

/** How long to wait for another process' write lock before SQLITE_BUSY (interactive operations). */
const BUSY_TIMEOUT_MS = 5000;

/** Environment variable: the run lease duration in seconds (see leaseDurationMs). */
export const LEASE_ENV_VAR = 'RELU_LAB_LEASE_SECONDS';
/** Default run lease: a process that stops renewing for this long is taken for dead. */
export const DEFAULT_LEASE_MS = 30_000;
const MIN_LEASE_MS = 200;
const MAX_LEASE_MS = 24 * 3600 * 1000;

/**
 * The run lease duration: `$RELU_LAB_LEASE_SECONDS` when set (0.2 s to 24 h), else 30 s. A lab
 * process renews its lease every third of it while it owns queued or running runs, so a process
 * that is killed is recognized as gone at most this long after its last renewal.
 */
export function leaseDurationMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[LEASE_ENV_VAR];
  if (text === undefined || text.trim() === '') return DEFAULT_LEASE_MS;
  const seconds = Number(text);
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(seconds) || ms < MIN_LEASE_MS || ms > MAX_LEASE_MS) {
    throw new Error(`${LEASE_ENV_VAR}: must be a number of seconds from ${MIN_LEASE_MS / 1000} to ${MAX_LEASE_MS / 1000}, got ${JSON.stringify(text)}`);
  }
  return ms;
}

/** Why a file was not opened as a lab database; the file was left exactly as it was. */
export type DatabaseRefusal = 'missing' | 'not-sqlite' | 'foreign' | 'damaged' | 'locked' | 'read-only';

/** A file refused by LabStore.open, left untouched. The message names the file. */
export class DatabaseRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: DatabaseRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatabaseRefusedError';
  }
}

export interface OpenOptions {
  /**
   * `true`: read only, nothing written (the file must exist and be up to date). `'if-unwritable'`:
   * read-write, or read-only when this process may not write the file or its folder.
   */
  readonly?: boolean | 'if-unwritable';
  /** Refuse a missing file instead of creating it (and its folders). Default: false. */
  mustExist?: boolean;
  /** better_sqlite3.node to load instead of the default one (e.g. one built for Electron's ABI). */
  nativeBinding?: string;
  /** Run lease duration (default: leaseDurationMs(), i.e. `$RELU_LAB_LEASE_SECONDS` or 30 s). */
  leaseMs?: number;
}

/** A problem the store met on its own (renewing its lease), for whoever listens (the lab). */
export type StoreProblemListener = (message: string, error: unknown) => void;

// ---------------------------------------------------------------------------------------------
// Row shapes

interface ExperimentRow {
  id: number;
  name: string;
  config_json: string;
  notes: string;
  tags_json: string;
  created_at: string;
  updated_at: string;
}

interface RunRow {
  id: number;
  experiment_id: number;
  run_index: number;
  name: string | null;
  notes: string;
  tags_json: string;
  seed: number;
  sweep_json: string;
  config_json: string;
  status: RunStatus;
  backend: string | null;
  versions_json: string | null;
  owner_pid: number | null;
  owner_id: string | null;
  error: string | null;
  epochs_done: number;
  epochs_total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface EpochRow {
  run_id: number;
  epoch: number;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number | null;
  elapsed_seconds: number | null;
  probe_ms: number | null;
  nan_mask: number;
}

interface LayerSeriesDbRow {
  run_id: number;
  epoch: number;
  layer: number;
  units: number;
  dead_fraction: number | null;
  active_probability: number | null;
  dormant_fraction: number | null;
  grad_norm: number | null;
  pre_act_mean: number | null;
  pre_act_std: number | null;
  nan_mask: number;
}

interface LayerRow extends LayerSeriesDbRow {
  hist_lo: number | null;
  hist_hi: number | null;
  hist_counts: Buffer;
  dead_mask: Buffer;
  prelu_alphas: Buffer | null;
}

interface LastLayerDbRow {
  run_id: number;
  layer: number;
  dead_fraction: number | null;
  nan_mask: number;
}

interface ComparisonRow {
  id: number;
  uid: string;
  name: string;
  spec_json: string;
  created_at: string;
  updated_at: string;
}

interface ArtifactsRow {
  model_topology_json: string;
  weight_specs_json: string;
  weight_data: Buffer;
  probe_indices_json: string;
  probe_inputs: Buffer;
  input_size: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers. SQLite turns a NaN REAL into NULL, so NaN fields are stored as NULL with their
// bit set in the row's nan_mask (bit layout in migrations/001-initial.ts); ±Infinity is stored as is.

function encodeReals(values: readonly (number | null | undefined)[]): { reals: (number | null)[]; nanMask: number } {
  let nanMask = 0;
  const reals = values.map((value, bit) => {
    if (typeof value === 'number' && Number.isNaN(value)) {
      nanMask |= 1 << bit;
      return null;
    }
    // undefined becomes NULL: the table's CHECK constraints reject it for required fields.
    return value ?? null;
  });
  return { reals, nanMask };
}

function decodeReal(value: number | null, nanMask: number, bit: number): number | null {
  if (value !== null) return value;
  return nanMask & (1 << bit) ? NaN : null;
}

/** For NOT NULL fields: NULL can only mean NaN here (the schema's CHECK ensures it). */
function decodeRequired(value: number | null, nanMask: number, bit: number): number {
  return decodeReal(value, nanMask, bit) ?? NaN;
}

// Typed arrays are stored little-endian; the fast path copies bytes on little-endian machines.
const LITTLE_ENDIAN = os.endianness() === 'LE';

function float32ToBlob(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  return out;
}

function blobToFloat32(blob: Buffer, what: string): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`${what}: stored float32 data has ${blob.byteLength} bytes, not a multiple of 4`);
  const out = new Float32Array(blob.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(blob);
  else for (let i = 0; i < out.length; i++) out[i] = blob.readFloatLE(i * 4);
  return out;
}

function float64ToBlob(values: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i], i * 8);
  return out;
}

function blobToNumbers(blob: Buffer, what: string): number[] {
  if (blob.byteLength % 8 !== 0) throw new Error(`${what}: stored float64 data has ${blob.byteLength} bytes, not a multiple of 8`);
  const out = new Array<number>(blob.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = blob.readDoubleLE(i * 8);
  return out;
}

/** Bit-packs a 0/1 mask: unit i is bit (i % 8) of byte floor(i / 8). */
function packMask(mask: ArrayLike<number>, units: number, where: string): Buffer {
  if (mask.length !== units) {
    throw new Error(`${where}: deadMask has ${mask.length} entries but the layer has ${units} units`);
  }
  const out = Buffer.alloc(Math.ceil(units / 8));
  for (let i = 0; i < units; i++) {
    const v = mask[i];
    if (v === 1) out[i >> 3] |= 1 << (i & 7);
    else if (v !== 0) throw new Error(`${where}: deadMask[${i}] is ${v}; entries must be 0 or 1`);
  }
  return out;
}

function unpackMask(blob: Buffer, units: number, what: string): Uint8Array {
  // Checked before allocating: a damaged row must not ask for gigabytes.
  if (!Number.isSafeInteger(units) || units < 0 || blob.byteLength !== Math.ceil(units / 8)) {
    throw new Error(`${what}: stored dead mask has ${blob.byteLength} bytes, but the layer has ${units} units`);
  }
  const out = new Uint8Array(units);
  for (let i = 0; i < units; i++) out[i] = (blob[i >> 3] >> (i & 7)) & 1;
  return out;
}

/** A plain Uint8Array owning exactly its bytes (better-sqlite3 returns Buffers). */
function blobToBytes(blob: Buffer): Uint8Array {
  const out = new Uint8Array(blob.byteLength);
  out.set(blob);
  return out;
}

function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`${what} cannot be stored as JSON (got ${typeof value})`);
  return text;
}

/** What the first bytes of a file say, read without SQLite (which would create -wal/-shm files). */
type FileHeader =
  | { kind: 'missing' }
  /** Empty, or shorter than a SQLite header: SQLite treats an empty file as a new database. */
  | { kind: 'empty' }
  | { kind: 'not-sqlite'; size: number }
  /** `version`: the schema version (`user_version`, big-endian at byte 60). */
  | { kind: 'sqlite'; version: number };

function readFileHeader(file: string): FileHeader {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    // Unreadable (permissions, a folder...): SQLite reports it, with its own reason.
    return { kind: 'empty' };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: 'empty' };
    if (stat.size === 0) return { kind: 'empty' };
    const header = Buffer.alloc(100);
    const read = fs.readSync(fd, header, 0, 100, 0);
    if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return { kind: 'not-sqlite', size: stat.size };
    return { kind: 'sqlite', version: header.readInt32BE(60) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether this process may write `file` and the folder holding it (SQLite's -wal and -shm files go there). */
function isWritable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The SQLite error code of an error, or of the error it wraps (`cause`); '' when there is none. */
function sqliteCode(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof Database.SqliteError) return e.code;
  }
  return '';
}

/** Whether an error comes from SQLite (a locked, full, read-only or damaged file...). */
export function isDatabaseError(error: unknown): boolean {
  return sqliteCode(error) !== '';
}

/** SQLite could not get its lock in time: another process holds it. */
export function isBusyError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** The disk (or the database's size limit) is full. */
export function isFullError(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

const MAX_LISTED_PROBLEMS = 3;

function now(): string {
  return new Date().toISOString();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** deleteExperiment refused: some of the experiment's runs are training, or queued by another process. */
export class ExperimentBusyError extends ConflictError {
  constructor(
    readonly experimentId: number,
    readonly running: number,
    readonly queued: number,
  ) {
    const described = [running ? `${running} running` : '', queued ? `${queued} queued by another process` : ''].filter(Boolean).join(', ');
    super(`experiment ${experimentId} still has runs waiting or training (${described}); cancel them first`);
    this.name = 'ExperimentBusyError';
  }
}

function epochFromRow(row: EpochRow): Omit<EpochMetrics, 'layers'> {
  const m = row.nan_mask;
  return {
    epoch: row.epoch,
    trainLoss: decodeRequired(row.train_loss, m, 0),
    trainAccuracy: decodeReal(row.train_accuracy, m, 1),
    valLoss: decodeReal(row.val_loss, m, 2),
    valAccuracy: decodeReal(row.val_accuracy, m, 3),
    seconds: decodeRequired(row.seconds, m, 4),
    elapsedSeconds: decodeRequired(row.elapsed_seconds, m, 5),
    probeMs: decodeRequired(row.probe_ms, m, 6),
  };
}

function layerSeriesFromRow(row: LayerSeriesDbRow): LayerSeriesRow {
  const m = row.nan_mask;
  return {
    runId: row.run_id,
    epoch: row.epoch,
    layer: row.layer,
    units: row.units,
    deadFraction: decodeRequired(row.dead_fraction, m, 0),
    activeProbability: decodeRequired(row.active_probability, m, 1),
    dormantFraction: decodeRequired(row.dormant_fraction, m, 2),
    gradNorm: decodeReal(row.grad_norm, m, 3),
    preActMean: decodeRequired(row.pre_act_mean, m, 4),
    preActStd: decodeRequired(row.pre_act_std, m, 5),
  };
}

function layerFromRow(row: LayerRow): LayerMetrics {
  const where = `run ${row.run_id}, epoch ${row.epoch}, layer ${row.layer}`;
  const { runId: _r, epoch: _e, ...scalars } = layerSeriesFromRow(row);
  return {
    ...scalars,
    histogram: {
      lo: decodeRequired(row.hist_lo, row.nan_mask, 6),
      hi: decodeRequired(row.hist_hi, row.nan_mask, 7),
      counts: blobToNumbers(row.hist_counts, `${where} histogram`),
    },
    deadMask: unpackMask(row.dead_mask, row.units, where),
    preluAlphas: row.prelu_alphas === null ? null : blobToFloat32(row.prelu_alphas, `${where} PReLU alphas`),
  };
}

function runFromRow(row: RunRow): RunSummary {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    index: row.run_index,
    name: row.name,
    seed: row.seed,
    sweep: JSON.parse(row.sweep_json) as Record<string, unknown>,
    config: JSON.parse(row.config_json) as RunConfig,
    status: row.status,
    backend: row.backend,
    versions: row.versions_json === null ? null : (JSON.parse(row.versions_json) as LibraryVersions),
    error: row.error,
    epochsDone: row.epochs_done,
    epochsTotal: row.epochs_total,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    notes: row.notes,
    tags: JSON.parse(row.tags_json) as string[],
  };
}

type StatusCounts = Partial<Record<RunStatus, number>>;

function experimentFromRow(row: ExperimentRow, counts: StatusCounts | undefined): ExperimentSummary {
  const statusCounts = counts ?? {};
  return {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.config_json) as unknown,
    notes: row.notes,
    tags: JSON.parse(row.tags_json) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: Object.values(statusCounts).reduce((sum, n) => sum + n, 0),
    statusCounts,
  };
}

const MAX_COMPARISON_NAME = 200;

function comparisonName(name: unknown): string {
  if (typeof name !== 'string') throw new Error(`comparison name: must be a string, got ${typeof name}`);
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new Error('comparison name: must not be empty');
  if (trimmed.length > MAX_COMPARISON_NAME) {
    throw new Error(`comparison name: must be at most ${MAX_COMPARISON_NAME} characters, got ${trimmed.length}`);
  }
  return trimmed;
}

function comparisonFromRow(row: ComparisonRow): SavedComparison {
  // Parsed again so specs saved before a field was added get its default.
  const stored: unknown = JSON.parse(row.spec_json);
  const parsed = comparisonSpecSchema.safeParse(stored);
  if (!parsed.success) {
    throw new Error(`comparison "${row.name}" (id ${row.id}) has an invalid stored spec: ${zodIssues(parsed.error.issues, stored).map(formatIssue).join('; ')}`);
  }
  return { id: row.id, name: row.name, spec: parsed.data, createdAt: row.created_at, updatedAt: row.updated_at };
}

// ---------------------------------------------------------------------------------------------

type Stmt<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/** Every statement the store runs, prepared once per open database. */
function prepareStatements(db: Database.Database) {
  const p = <P extends unknown[] = unknown[], R = unknown>(sql: string): Stmt<P, R> =>
    db.prepare(sql) as unknown as Stmt<P, R>;
  return {
    insertExperiment: p<[string, string, string, string, string, string, string]>(
      `INSERT INTO experiments (uid, name, config_json, notes, tags_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRun: p(
      `INSERT INTO runs (uid, experiment_id, run_index, seed, sweep_json, config_json, status, epochs_total, created_at, owner_id)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    experiments: p<[], ExperimentRow>(`SELECT * FROM experiments ORDER BY created_at DESC, id DESC`),
    experiment: p<[number], ExperimentRow>(`SELECT * FROM experiments WHERE id = ?`),
    statusCountsAll: p<[], { experiment_id: number; status: RunStatus; n: number }>(
      `SELECT experiment_id, status, COUNT(*) AS n FROM runs GROUP BY experiment_id, status`,
    ),
    statusCounts: p<[number], { status: RunStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM runs WHERE experiment_id = ? GROUP BY status`,
    ),
    updateExperiment: p(
      `UPDATE experiments SET name = COALESCE(@name, name), notes = COALESCE(@notes, notes),
         tags_json = COALESCE(@tags, tags_json), updated_at = @now
       WHERE id = @id`,
    ),
    deleteExperiment: p<[number]>(`DELETE FROM experiments WHERE id = ?`),
    run: p<[number], RunRow>(`SELECT * FROM runs WHERE id = ?`),
    runExists: p<[number], number>(`SELECT 1 FROM runs WHERE id = ?`).pluck(),
    updateRun: p(
      `UPDATE runs SET name = CASE WHEN @setName THEN @name ELSE name END,
         notes = COALESCE(@notes, notes), tags_json = COALESCE(@tags, tags_json)
       WHERE id = @id`,
    ),
    // Only a run this process owns and that is still waiting (not cancelled by another process
    // meanwhile), or one of its runs another process wrongly took for orphaned (see reclaimRuns).
    markStarted: p(
      `UPDATE runs SET status = 'running', started_at = @now, finished_at = NULL, error = NULL,
         backend = @backend, versions_json = @versions, owner_pid = @pid, owner_id = @owner
       WHERE id = @id AND owner_id IS @owner
         AND (status = 'queued' OR (status = 'interrupted' AND error IN (@orphaned, @orphanedQueued)))`,
    ),
    deleteEpoch: p<[number, number]>(`DELETE FROM epoch_metrics WHERE run_id = ? AND epoch = ?`),
    insertEpoch: p(
      `INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy,
         seconds, elapsed_seconds, probe_ms, nan_mask)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertLayer: p(
      `INSERT INTO layer_metrics (run_id, epoch, layer, units, dead_fraction, active_probability,
         dormant_fraction, grad_norm, pre_act_mean, pre_act_std, hist_lo, hist_hi, nan_mask,
         hist_counts, dead_mask, prelu_alphas)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateEpochsDone: p<[number, number]>(
      `UPDATE runs SET epochs_done = (SELECT COALESCE(MAX(epoch), 0) FROM epoch_metrics WHERE run_id = ?)
       WHERE id = ?`,
    ),
    finishRun: p(
      `UPDATE runs SET status = @status, error = @error, finished_at = @now, owner_pid = NULL, owner_id = NULL WHERE id = @id`,
    ),
    cancelQueued: p<[string]>(
      `UPDATE runs SET status = 'cancelled', finished_at = ?, owner_id = NULL WHERE status = 'queued'`,
    ),
    cancelQueuedIds: p<[string, string]>(
      `UPDATE runs SET status = 'cancelled', finished_at = ?, owner_id = NULL
       WHERE status = 'queued' AND id IN (SELECT value FROM json_each(?))`,
    ),
    upsertArtifacts: p(
      `INSERT INTO run_artifacts (run_id, model_topology_json, weight_specs_json, weight_data,
         probe_indices_json, probe_inputs, input_size)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET
         model_topology_json = excluded.model_topology_json, weight_specs_json = excluded.weight_specs_json,
         weight_data = excluded.weight_data, probe_indices_json = excluded.probe_indices_json,
         probe_inputs = excluded.probe_inputs, input_size = excluded.input_size`,
    ),
    artifacts: p<[number], ArtifactsRow>(`SELECT * FROM run_artifacts WHERE run_id = ?`),
    runEpochs: p<[number], EpochRow>(`SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`),
    runLayers: p<[number], LayerRow>(`SELECT * FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`),
    // json_each lets one prepared statement take any number of run ids; the covering index
    // layer_metrics_series serves both the filter and the order (no sort, no table lookups).
    layerSeries: p<[string], LayerSeriesDbRow>(
      `SELECT run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
         grad_norm, pre_act_mean, pre_act_std, nan_mask
       FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?))
       ORDER BY run_id, epoch, layer`,
    ),
    epochSeries: p<[string], EpochRow>(
      `SELECT * FROM epoch_metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, epoch`,
    ),
    // The last recorded epoch of each run and its layers' dead fractions (tables and history views).
    lastEpochsAll: p<[], EpochRow>(
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastEpochs: p<[string], EpochRow>(
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics
             WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastLayersAll: p<[], LastLayerDbRow>(
      `SELECT l.run_id, l.layer, l.dead_fraction, l.nan_mask FROM layer_metrics l
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON l.run_id = m.run_id AND l.epoch = m.epoch
       ORDER BY l.run_id, l.layer`,
    ),
    lastLayers: p<[string], LastLayerDbRow>(
      `SELECT l.run_id, l.layer, l.dead_fraction, l.nan_mask FROM layer_metrics l
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics
             WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id) m
         ON l.run_id = m.run_id AND l.epoch = m.epoch
       ORDER BY l.run_id, l.layer`,
    ),
    latestBackend: p<[], { backend: string; versions_json: string | null }>(
      `SELECT backend, versions_json FROM runs WHERE backend IS NOT NULL AND started_at IS NOT NULL
       ORDER BY started_at DESC, id DESC LIMIT 1`,
    ),
    // Leases. Timestamps are ISO text, which compares chronologically.
    renewLease: p(
      `INSERT INTO run_leases (owner_id, pid, host, started_at, renewed_at, expires_at)
       VALUES (@owner, @pid, @host, @now, @now, @expires)
       ON CONFLICT (owner_id) DO UPDATE SET renewed_at = excluded.renewed_at, expires_at = excluded.expires_at`,
    ),
    deleteLease: p<[string]>(`DELETE FROM run_leases WHERE owner_id = ?`),
    ownedActiveRuns: p<[string], number>(
      `SELECT COUNT(*) FROM runs WHERE owner_id = ? AND status IN ('queued', 'running')`,
    ).pluck(),
    // Queued or running runs whose owner has no live lease (expired, removed, or none at all: runs
    // from before leases existed). This process' own runs are never orphans.
    markOrphans: p(
      `UPDATE runs SET status = 'interrupted', finished_at = @now, owner_pid = NULL,
         error = CASE status WHEN 'running' THEN @orphaned ELSE @orphanedQueued END
       WHERE status IN ('queued', 'running') AND owner_id IS NOT @owner
         AND (owner_id IS NULL OR owner_id NOT IN (SELECT owner_id FROM run_leases WHERE expires_at >= @now))`,
    ),
    // The same condition, read only: most opens find nothing to mark and need no write lock.
    anyOrphans: p<[{ now: string; owner: string }], number>(
      `SELECT EXISTS (SELECT 1 FROM runs
         WHERE status IN ('queued', 'running') AND owner_id IS NOT @owner
           AND (owner_id IS NULL OR owner_id NOT IN (SELECT owner_id FROM run_leases WHERE expires_at >= @now)))
       OR EXISTS (SELECT 1 FROM run_leases WHERE expires_at < @now AND owner_id <> @owner)`,
    ).pluck(),
    deleteExpiredLeases: p(`DELETE FROM run_leases WHERE expires_at < @now AND owner_id <> @owner`),
    // Runs of this (live) process another one marked orphaned while this process could not renew
    // its lease (event loop or database blocked for a whole lease period): they are taken back.
    reclaimRuns: p(
      `UPDATE runs SET status = CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END,
         error = NULL, finished_at = NULL
       WHERE owner_id = @owner AND status = 'interrupted' AND error IN (@orphaned, @orphanedQueued)`,
    ),
    interruptOwned: p(
      `UPDATE runs SET status = 'interrupted', error = @error, finished_at = @now, owner_pid = NULL
       WHERE owner_id = @owner AND status IN ('queued', 'running')`,
    ),
    ownQueued: p<[number, string], number>(
      `SELECT id FROM runs WHERE experiment_id = ? AND owner_id = ? AND status = 'queued' ORDER BY run_index`,
    ).pluck(),
    // What keeps an experiment from being deleted: runs training (here or elsewhere), and runs
    // another process queued. Runs this process queued and has not started are deleted with it.
    activeRunsOfExperiment: p<[number, string], { status: RunStatus; n: number }>(
      `SELECT status, COUNT(*) AS n FROM runs
       WHERE experiment_id = ? AND (status = 'running' OR (status = 'queued' AND owner_id IS NOT ?))
       GROUP BY status`,
    ),
    // Saving under an existing name replaces the spec and keeps the row's id, uid and created_at.
    saveComparison: p<[{ uid: string; name: string; spec: string; now: string }], ComparisonRow>(
      `INSERT INTO comparisons (uid, name, spec_json, created_at, updated_at) VALUES (@uid, @name, @spec, @now, @now)
       ON CONFLICT (name) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at
       RETURNING *`,
    ),
    comparisons: p<[], ComparisonRow>(`SELECT * FROM comparisons ORDER BY name COLLATE NOCASE, name, id`),
    comparisonById: p<[number], ComparisonRow>(`SELECT * FROM comparisons WHERE id = ?`),
    comparisonByName: p<[string], ComparisonRow>(`SELECT * FROM comparisons WHERE name = ?`),
    deleteComparison: p<[number]>(`DELETE FROM comparisons WHERE id = ?`),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class LabStore {
  /**
   * This open database's owner id: the runs it queues or trains carry it (`runs.owner_id`), and its
   * lease (`run_leases`) says it is alive. One per LabStore, so one per process in practice.
   */
  readonly ownerId: string = randomUUID();
  /** How long the lease lasts without renewal; renewed every third of it. */
  readonly leaseMs: number;
  private readonly stmt: Statements;
  /** listRuns statements, one per combination of filters used (prepared on first use). */
  private readonly runListStatements = new Map<string, Stmt<unknown[], RunRow>>();
  private readonly recordEpochTx: (runId: number, metrics: EpochMetrics) => void;
  private readonly createExperimentTx: (input: NewExperiment) => { experimentId: number; runIds: number[] };
  private leaseTimer: NodeJS.Timeout | null = null;
  /** Whether this process ever took a lease (only then is there one to release on close). */
  private leaseWritten = false;
  /** The last lease problem reported, so a lasting one (a full disk) is reported once. */
  private leaseProblem: string | null = null;
  private readonly problemListeners = new Set<StoreProblemListener>();
  /** The temporary folder holding the copy this store reads, when it reads one (removed on close). */
  private copyDir: string | null = null;

  private constructor(
    readonly file: string,
    readonly db: Database.Database,
    /** Opened read-only: nothing is ever written. */
    readonly readOnly: boolean,
    leaseMs: number,
  ) {
    this.leaseMs = leaseMs;
    this.stmt = prepareStatements(db);

    this.createExperimentTx = db.transaction((input: NewExperiment) => {
      const at = now();
      const experimentId = Number(
        this.stmt.insertExperiment.run(
          randomUUID(),
          input.name,
          toJson(input.config, 'the experiment config'),
          input.notes ?? '',
          toJson(input.tags ?? [], 'the experiment tags'),
          at,
          at,
        ).lastInsertRowid,
      );
      const runIds = input.runs.map((spec) =>
        Number(
          this.stmt.insertRun.run(
            randomUUID(),
            experimentId,
            spec.index,
            spec.seed,
            toJson(spec.sweep ?? {}, `run ${spec.index} sweep values`),
            toJson(spec.config, `run ${spec.index} config`),
            spec.config.training.epochs,
            at,
            this.ownerId,
          ).lastInsertRowid,
        ),
      );
      // The new runs are this process' until they finish: a crash before then leaves them to the
      // next open to mark interrupted, once the lease has expired.
      if (runIds.length > 0) this.writeLease();
      return { experimentId, runIds };
    });

    this.recordEpochTx = db.transaction((runId: number, metrics: EpochMetrics) => {
      this.requireRun(runId);
      const where = `run ${runId}, epoch ${metrics.epoch}`;
      // Rewriting an epoch replaces it; its layer rows go with it (ON DELETE CASCADE).
      this.stmt.deleteEpoch.run(runId, metrics.epoch);
      const e = encodeReals([
        metrics.trainLoss,
        metrics.trainAccuracy,
        metrics.valLoss,
        metrics.valAccuracy,
        metrics.seconds,
        metrics.elapsedSeconds,
        metrics.probeMs,
      ]);
      this.stmt.insertEpoch.run(runId, metrics.epoch, ...e.reals, e.nanMask);
      for (const layer of metrics.layers) {
        const at = `${where}, layer ${layer.layer}`;
        const l = encodeReals([
          layer.deadFraction,
          layer.activeProbability,
          layer.dormantFraction,
          layer.gradNorm,
          layer.preActMean,
          layer.preActStd,
          layer.histogram.lo,
          layer.histogram.hi,
        ]);
        this.stmt.insertLayer.run(
          runId,
          metrics.epoch,
          layer.layer,
          layer.units,
          ...l.reals,
          l.nanMask,
          float64ToBlob(layer.histogram.counts),
          packMask(layer.deadMask, layer.units, at),
          layer.preluAlphas ? float32ToBlob(layer.preluAlphas) : null,
        );
      }
      this.stmt.updateEpochsDone.run(runId, runId);
    });
  }

  /**
   * Opens (creating if needed) a lab database, brings its schema up to date and marks runs whose
   * process is gone (lease expired) as interrupted. Refused, with the file left byte-for-byte as it
   * was (no -wal/-shm files, no journal mode change), when it is: from a newer build
   * (DatabaseTooNewError); not a SQLite file, a SQLite database of some other program, or damaged
   * (`PRAGMA quick_check` fails) (DatabaseRefusedError). See OpenOptions for read-only opening.
   */
  static open(file: string, options: OpenOptions = {}): LabStore {
    const leaseMs = options.leaseMs ?? leaseDurationMs();
    const header = readFileHeader(file);
    if (header.kind === 'sqlite' && header.version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(file, header.version);
    if (header.kind === 'not-sqlite') {
      throw new DatabaseRefusedError(
        file,
        'not-sqlite',
        `${file} is not a SQLite database (its ${header.size} bytes do not start with a SQLite header). The file was left unchanged.`,
      );
    }
    if (header.kind === 'missing' && (options.mustExist || options.readonly === true)) {
      throw new DatabaseRefusedError(file, 'missing', `${file} does not exist (no lab database there yet)`);
    }
    const readOnly =
      options.readonly === true || (options.readonly === 'if-unwritable' && header.kind !== 'missing' && !isWritable(file));
    if (!readOnly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    try {
      return LabStore.connect(file, file, readOnly, header.kind === 'sqlite', options, leaseMs);
    } catch (error) {
      // A WAL database in a folder this user cannot write: SQLite cannot create the shared-memory
      // file readers need. Read a private copy instead (the file and its WAL, so nothing committed is missed).
      if (!readOnly || !/^SQLITE_READONLY_(DIRECTORY|CANTINIT)$/.test(sqliteCode(error))) throw LabStore.describeOpenError(file, error);
      const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-readonly-'));
      try {
        const copy = path.join(copyDir, path.basename(file));
        fs.copyFileSync(file, copy);
        if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
        const store = LabStore.connect(file, copy, true, true, options, leaseMs);
        store.copyDir = copyDir;
        return store;
      } catch (copyError) {
        fs.rmSync(copyDir, { recursive: true, force: true });
        throw LabStore.describeOpenError(file, copyError);
      }
    }
  }

  /** Opens `dbPath` (the file itself, or a private copy of it) as the lab database `file`. */
  private static connect(file: string, dbPath: string, readOnly: boolean, existed: boolean, options: OpenOptions, leaseMs: number): LabStore {
    // nativeBinding: a better-sqlite3 addon built for another runtime (Electron's ABI), see scripts/start.mjs.
    const db = new Database(dbPath, {
      readonly: readOnly,
      fileMustExist: readOnly,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
    try {
      // Wait for the other process (app or CLI) instead of failing at once when it holds the lock.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      // Everything below up to the journal-mode switch only reads: a file refused here stays
      // byte-for-byte untouched. The version again through SQLite (a newer one may still be in the WAL).
      const version = LabStore.checkIsLabDatabase(file, db);
      db.pragma('foreign_keys = ON');
      if (readOnly) {
        if (version < LATEST_SCHEMA_VERSION) {
          throw new Error(
            `${file} has database schema version ${version}; this build needs version ${LATEST_SCHEMA_VERSION}. ` +
              'Open it once with write access to upgrade it.',
          );
        }
      } else {
        if (existed) LabStore.checkIntegrity(file, db);
        // WAL: readers (the app's charts) never block the writer (a training run) and vice versa.
        db.pragma('journal_mode = WAL');
        // In WAL mode NORMAL survives a killed process; only a power loss may drop the last commits.
        db.pragma('synchronous = NORMAL');
        migrate(db);
      }
      const store = new LabStore(file, db, readOnly, leaseMs);
      if (!readOnly) {
        try {
          // Not worth waiting long for: the check runs again on the next open.
          store.withBusyTimeout(250, () => store.markOrphanedRunsInterrupted());
        } catch (error) {
          if (!isBusyError(error)) throw error;
        }
      }
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * The schema version, after making sure the file is a lab database: version 0 must be an empty
   * database (a new file), and a versioned one must hold the lab's tables. Reads only.
   */
  private static checkIsLabDatabase(file: string, db: Database.Database): number {
    const version = assertNotTooNew(db);
    const tables = db
      .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
      .pluck()
      .all() as string[];
    const foreign = (why: string) =>
      new DatabaseRefusedError(
        file,
        'foreign',
        `${file} is a SQLite database but not a ReLU Lab database (${why}). The file was left unchanged; ` +
          'choose another file, or a new one, for the lab.',
      );
    const listed = (names: string[]) =>
      names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    if (version === 0 && tables.length > 0) {
      throw foreign(`it has no lab schema version but holds the table${tables.length === 1 ? '' : 's'} ${listed(tables)}`);
    }
    if (version > 0) {
      const missing = ['experiments', 'runs', 'epoch_metrics', 'layer_metrics'].filter((t) => !tables.includes(t));
      if (missing.length > 0) throw foreign(`schema version ${version}, but the table${missing.length === 1 ? '' : 's'} ${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} missing`);
    }
    return version;
  }

  /** Refuses a damaged file instead of writing to it (a migration or an update could spread the damage). */
  private static checkIntegrity(file: string, db: Database.Database): void {
    const problems = db.pragma(`quick_check(${MAX_LISTED_PROBLEMS})`, { simple: false }) as { quick_check: string }[];
    const messages = problems.map((p) => p.quick_check.replace(/^\*\*\* in database \w+ \*\*\*\n/, ''));
    if (messages.length === 1 && messages[0] === 'ok') return;
    throw new DatabaseRefusedError(
      file,
      'damaged',
      `${file} is damaged: SQLite's integrity check reports ${messages.map((m) => JSON.stringify(m)).join('; ')}. ` +
        'The file was left unchanged: restore a backup, or recover what is readable with `sqlite3 FILE .recover`.',
    );
  }

  /** Errors of LabStore.open, each naming the file. */
  private static describeOpenError(file: string, error: unknown): unknown {
    if (error instanceof DatabaseRefusedError || error instanceof DatabaseTooNewError) return error;
    const code = sqliteCode(error);
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'SQLITE_NOTADB') {
      return new DatabaseRefusedError(file, 'not-sqlite', `${file} is not a SQLite database (${message}). The file was left unchanged.`, { cause: error });
    }
    if (code.startsWith('SQLITE_READONLY')) {
      return new DatabaseRefusedError(
        file,
        'read-only',
        `${file} is read-only for this user (${message}): commands that change the lab need write access; list, show and export can read it`,
        { cause: error },
      );
    }
    if (code.startsWith('SQLITE_CORRUPT')) {
      return new DatabaseRefusedError(
        file,
        'damaged',
        `${file} is damaged (${message}). The file was left unchanged: restore a backup, or recover what is readable with \`sqlite3 FILE .recover\`.`,
        { cause: error },
      );
    }
    if (isBusyError(error)) {
      return new DatabaseRefusedError(file, 'locked', `${file} is locked by another process (${message}); try again when it is done`, { cause: error });
    }
    if (error instanceof Error && !message.includes(file)) return new Error(`${file}: ${message}`, { cause: error });
    return error;
  }

  /**
   * Closes the database. Runs this process still owns (queued or running: nothing trains them any
   * more) become interrupted, and its lease is given up.
   */
  close(): void {
    if (!this.db.open) return;
    this.stopLeaseTimer();
    if (!this.readOnly) {
      if (this.leaseWritten) {
        try {
          this.releaseLease(CLOSED_RUN_ERROR);
        } catch (error) {
          // Locked or full: the lease then expires by itself and the next open marks the runs.
          this.reportProblem(`could not release the run lease of ${this.file}: ${errorMessage(error)}`, error);
        }
      }
      try {
        // Keeps the query planner's statistics fresh, as SQLite recommends before closing.
        this.db.pragma('optimize');
      } catch {
        // Only an optimization (it can fail when another process holds the lock): close anyway.
      }
    }
    this.db.close();
    if (this.copyDir) fs.rmSync(this.copyDir, { recursive: true, force: true });
  }

  // -------------------------------------------------------------------------------------------
  // Experiments

  createExperiment(input: NewExperiment): { experimentId: number; runIds: number[] } {
    return this.createExperimentTx(input);
  }

  /** Newest first. */
  listExperiments(): ExperimentSummary[] {
    const counts = new Map<number, StatusCounts>();
    for (const row of this.stmt.statusCountsAll.all()) {
      let c = counts.get(row.experiment_id);
      if (!c) counts.set(row.experiment_id, (c = {}));
      c[row.status] = row.n;
    }
    return this.stmt.experiments.all().map((row) => experimentFromRow(row, counts.get(row.id)));
  }

  getExperiment(id: number): ExperimentSummary | null {
    const row = this.stmt.experiment.get(id);
    if (!row) return null;
    const counts: StatusCounts = {};
    for (const c of this.stmt.statusCounts.all(id)) counts[c.status] = c.n;
    return experimentFromRow(row, counts);
  }

  updateExperiment(id: number, patch: { name?: string; notes?: string; tags?: string[] }): void {
    const result = this.stmt.updateExperiment.run({
      id,
      name: patch.name ?? null,
      notes: patch.notes ?? null,
      tags: patch.tags === undefined ? null : toJson(patch.tags, 'the experiment tags'),
      now: now(),
    });
    if (result.changes === 0) throw new NotFoundError('experiment', id);
  }

  /**
   * Deletes an experiment with its runs, metrics and artifacts (ON DELETE CASCADE). Refused
   * (ExperimentBusyError) while any of its runs is training, or queued by another live process:
   * cancel them first. Checked in the same write transaction as the delete, after marking runs of
   * dead processes interrupted, so a run another process starts meanwhile is never deleted from
   * under it. Runs this process queued but has not started go with the experiment.
   */
  deleteExperiment(id: number): void {
    this.db.transaction(() => {
      if (!this.stmt.experiment.get(id)) throw new NotFoundError('experiment', id);
      this.markOrphans();
      const active = this.stmt.activeRunsOfExperiment.all(id, this.ownerId);
      if (active.length > 0) {
        const count = (status: RunStatus) => active.find((a) => a.status === status)?.n ?? 0;
        throw new ExperimentBusyError(id, count('running'), count('queued'));
      }
      this.stmt.deleteExperiment.run(id);
    }).immediate();
  }

  // -------------------------------------------------------------------------------------------
  // Runs

  /** Runs matching every given filter, by experiment then run index. An empty list matches nothing. */
  listRuns(filter: { experimentId?: number; ids?: number[]; statuses?: RunStatus[] } = {}): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    let key = '';
    if (filter.experimentId !== undefined) {
      where.push('experiment_id = ?');
      params.push(filter.experimentId);
      key += 'e';
    }
    if (filter.ids !== undefined) {
      where.push('id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.ids));
      key += 'i';
    }
    if (filter.statuses !== undefined) {
      where.push('status IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.statuses));
      key += 's';
    }
    let stmt = this.runListStatements.get(key);
    if (!stmt) {
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY experiment_id, run_index`;
      stmt = this.db.prepare<unknown[], RunRow>(sql);
      this.runListStatements.set(key, stmt);
    }
    return stmt.all(...params).map(runFromRow);
  }

  getRun(id: number): RunSummary | null {
    const row = this.stmt.run.get(id);
    return row ? runFromRow(row) : null;
  }

  /** `name: null` clears the name; fields left out are unchanged. */
  updateRun(id: number, patch: { name?: string | null; notes?: string; tags?: string[] }): void {
    const result = this.stmt.updateRun.run({
      id,
      setName: patch.name === undefined ? 0 : 1,
      name: patch.name ?? null,
      notes: patch.notes ?? null,
      tags: patch.tags === undefined ? null : toJson(patch.tags, 'the run tags'),
    });
    if (result.changes === 0) throw new NotFoundError('run', id);
  }

  /**
   * Marks a run this process queued as running (owned by this process, under its lease). Returns
   * false, changing nothing, when the run is no longer waiting for this process (another process
   * cancelled it meanwhile); throws when it does not exist (its experiment was deleted).
   */
  markRunStarted(runId: number, info: { backend: string; versions: LibraryVersions; ownerPid: number }): boolean {
    return this.db.transaction(() => {
      const result = this.stmt.markStarted.run({
        id: runId,
        now: now(),
        backend: info.backend,
        versions: toJson(info.versions, 'the library versions'),
        pid: info.ownerPid,
        owner: this.ownerId,
        orphaned: ORPHANED_RUN_ERROR,
        orphanedQueued: ORPHANED_QUEUED_ERROR,
      });
      if (result.changes === 0) {
        this.requireRun(runId);
        return false;
      }
      this.writeLease();
      return true;
    })();
  }

  /**
   * Whether a run is waiting for this process to train it: queued by it (or taken back by it, see
   * markRunStarted). False for runs cancelled or finished meanwhile, and for missing runs.
   */
  isRunWaiting(runId: number): boolean {
    const row = this.stmt.run.get(runId);
    if (!row || row.owner_id !== this.ownerId) return false;
    return row.status === 'queued' || (row.status === 'interrupted' && (row.error === ORPHANED_RUN_ERROR || row.error === ORPHANED_QUEUED_ERROR));
  }

  /** Runs of an experiment queued by this process, in run order. */
  ownQueuedRunIds(experimentId: number): number[] {
    return this.stmt.ownQueued.all(experimentId, this.ownerId);
  }

  /**
   * Records one measurement point in a single transaction (epoch row, its layers, the run's
   * epochs_done), so a process killed mid-run loses at most the epoch in flight. Recording the same
   * epoch again replaces it.
   */
  recordEpoch(runId: number, metrics: EpochMetrics): void {
    try {
      this.recordEpochTx(runId, metrics);
    } catch (error) {
      // SQLite's own messages ("CHECK constraint failed: ...") do not say which run or epoch.
      if (error instanceof Database.SqliteError) {
        throw new Error(`run ${runId}, epoch ${metrics.epoch}: could not record the metrics: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  finishRun(runId: number, status: RunStatus, error: string | null = null): void {
    const result = this.stmt.finishRun.run({ id: runId, status, error, now: now() });
    if (result.changes === 0) throw new NotFoundError('run', runId);
  }

  /** Queued runs (all, or only those among `runIds`) become cancelled. Returns how many did. */
  cancelQueuedRuns(runIds?: number[]): number {
    const result =
      runIds === undefined
        ? this.stmt.cancelQueued.run(now())
        : this.stmt.cancelQueuedIds.run(now(), JSON.stringify(runIds));
    return result.changes;
  }

  /**
   * Runs left `queued` or `running` by a process whose lease has expired (it crashed, was killed,
   * lost power, or closed without releasing them) become interrupted; expired leases are removed.
   * Runs of live processes, e.g. the desktop app training while the CLI opens the same file, are
   * left alone, whatever their process ids. Returns how many runs were marked.
   */
  markOrphanedRunsInterrupted(): number {
    if (!this.stmt.anyOrphans.get({ now: now(), owner: this.ownerId })) return 0;
    return this.db.transaction(() => this.markOrphans()).immediate();
  }

  /**
   * Renews this process' lease now (the timer does it every third of the lease while the process
   * owns queued or running runs), takes back runs another process wrongly marked orphaned, and
   * gives the lease up once no run needs it. Throws what SQLite throws (e.g. SQLITE_BUSY).
   */
  renewLease(): void {
    this.db.transaction(() => {
      this.writeLease();
      this.stmt.reclaimRuns.run({ owner: this.ownerId, orphaned: ORPHANED_RUN_ERROR, orphanedQueued: ORPHANED_QUEUED_ERROR });
      if (this.stmt.ownedActiveRuns.get(this.ownerId) === 0) {
        this.stmt.deleteLease.run(this.ownerId);
        this.stopLeaseTimer();
      }
    })();
  }

  /**
   * Marks every run this process still owns (queued or running) as interrupted with `reason`, and
   * removes its lease: for a process about to quit without finishing them. Returns how many.
   */
  releaseLease(reason: string): number {
    this.stopLeaseTimer();
    return this.db.transaction(() => {
      const marked = this.stmt.interruptOwned.run({ owner: this.ownerId, error: reason, now: now() }).changes;
      this.stmt.deleteLease.run(this.ownerId);
      return marked;
    })();
  }

  /** Listens to problems the store meets on its own (lease renewal); returns the unsubscribe function. */
  onProblem(listener: StoreProblemListener): () => void {
    this.problemListeners.add(listener);
    return () => {
      this.problemListeners.delete(listener);
    };
  }

  /**
   * Runs `fn` (synchronous store calls) with another busy timeout: the lab writes with a short
   * one and retries later itself, so the event loop is never blocked for long by another process'
   * lock.
   */
  withBusyTimeout<T>(ms: number, fn: () => T): T {
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
    try {
      return fn();
    } finally {
      this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
  }

  private markOrphans(): number {
    const at = now();
    const marked = this.stmt.markOrphans.run({
      now: at,
      owner: this.ownerId,
      orphaned: ORPHANED_RUN_ERROR,
      orphanedQueued: ORPHANED_QUEUED_ERROR,
    }).changes;
    this.stmt.deleteExpiredLeases.run({ now: at, owner: this.ownerId });
    return marked;
  }

  /** Writes (inserts or extends) this process' lease and makes sure the timer renews it. */
  private writeLease(): void {
    const at = Date.now();
    this.stmt.renewLease.run({
      owner: this.ownerId,
      pid: process.pid,
      host: os.hostname(),
      now: new Date(at).toISOString(),
      expires: new Date(at + this.leaseMs).toISOString(),
    });
    this.leaseWritten = true;
    this.startLeaseTimer();
  }

  private startLeaseTimer(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    // The lease never keeps a process alive by itself.
    this.leaseTimer.unref();
  }

  private stopLeaseTimer(): void {
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    this.leaseTimer = null;
  }

  private heartbeat(): void {
    if (!this.db.open) return this.stopLeaseTimer();
    try {
      // Short: a lock held by another process must not freeze this one; the next beat tries again.
      this.withBusyTimeout(Math.min(1000, this.leaseMs / 6), () => this.renewLease());
      this.leaseProblem = null;
    } catch (error) {
      if (isBusyError(error)) return;
      const message = `could not renew the run lease in ${this.file}: ${errorMessage(error)}`;
      if (message !== this.leaseProblem) {
        this.leaseProblem = message;
        this.reportProblem(message, error);
      }
    }
  }

  private reportProblem(message: string, error: unknown): void {
    for (const listener of [...this.problemListeners]) {
      try {
        listener(message, error);
      } catch {
        // A listener's failure must not stop the others (nor the heartbeat).
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Artifacts

  saveArtifacts(runId: number, artifacts: RunArtifacts): void {
    this.requireRun(runId);
    this.stmt.upsertArtifacts.run(
      runId,
      toJson(artifacts.modelTopology, 'the model topology'),
      toJson(artifacts.weightSpecs, 'the weight specs'),
      Buffer.from(artifacts.weightData.buffer, artifacts.weightData.byteOffset, artifacts.weightData.byteLength),
      toJson(artifacts.probeIndices, 'the probe indices'),
      float32ToBlob(artifacts.probeInputs),
      artifacts.inputSize,
    );
  }

  /** The run's artifacts, or null when none were saved. */
  getArtifacts(runId: number): RunArtifacts | null {
    const row = this.stmt.artifacts.get(runId);
    if (!row) {
      this.requireRun(runId);
      return null;
    }
    return {
      modelTopology: JSON.parse(row.model_topology_json) as unknown,
      weightSpecs: JSON.parse(row.weight_specs_json) as RunArtifacts['weightSpecs'],
      weightData: blobToBytes(row.weight_data),
      probeIndices: JSON.parse(row.probe_indices_json) as number[],
      probeInputs: blobToFloat32(row.probe_inputs, `run ${runId} probe inputs`),
      inputSize: row.input_size,
    };
  }

  // -------------------------------------------------------------------------------------------
  // Metrics

  /** Every recorded epoch of a run, in epoch order, each with its layers in layer order. */
  getRunMetrics(runId: number): EpochMetrics[] {
    // One read transaction, so a concurrent recordEpoch cannot slip between the two queries.
    return this.db.transaction(() => {
      this.requireRun(runId);
      const epochs = this.stmt.runEpochs.all(runId).map((row): EpochMetrics => ({ ...epochFromRow(row), layers: [] }));
      const byEpoch = new Map(epochs.map((e) => [e.epoch, e]));
      for (const row of this.stmt.runLayers.all(runId)) byEpoch.get(row.epoch)?.layers.push(layerFromRow(row));
      return epochs;
    }).deferred();
  }

  /**
   * All layers of these runs over all epochs, by run id, epoch, layer. Ids of runs that do not
   * exist (e.g. deleted meanwhile) are skipped.
   */
  getLayerSeries(runIds: number[]): LayerSeriesRow[] {
    if (runIds.length === 0) return [];
    return this.stmt.layerSeries.all(JSON.stringify(runIds)).map(layerSeriesFromRow);
  }

  /** The scalar metrics of these runs over all epochs, by run id then epoch. Unknown ids are skipped. */
  getEpochSeries(runIds: number[]): EpochSeriesRow[] {
    if (runIds.length === 0) return [];
    return this.stmt.epochSeries.all(JSON.stringify(runIds)).map((row) => ({ runId: row.run_id, ...epochFromRow(row) }));
  }

  /**
   * The last recorded epoch of each of these runs (of every run when `runIds` is left out), keyed by
   * run id; runs without any recorded epoch are absent.
   */
  getLastEpochs(runIds?: number[]): Map<number, LastEpochRow> {
    const out = new Map<number, LastEpochRow>();
    if (runIds !== undefined && runIds.length === 0) return out;
    const ids = runIds === undefined ? null : JSON.stringify(runIds);
    this.db.transaction(() => {
      const epochs = ids === null ? this.stmt.lastEpochsAll.all() : this.stmt.lastEpochs.all(ids);
      for (const row of epochs) out.set(row.run_id, { runId: row.run_id, ...epochFromRow(row), deadFractions: [] });
      const layers = ids === null ? this.stmt.lastLayersAll.all() : this.stmt.lastLayers.all(ids);
      for (const row of layers) {
        const entry = out.get(row.run_id);
        if (entry) entry.deadFractions[row.layer] = decodeRequired(row.dead_fraction, row.nan_mask, 0);
      }
    }).deferred();
    return out;
  }

  /** The backend and library versions of the most recently started run, or null when none started. */
  latestRunBackend(): { backend: string; versions: LibraryVersions | null } | null {
    const row = this.stmt.latestBackend.get();
    if (!row) return null;
    return { backend: row.backend, versions: row.versions_json === null ? null : (JSON.parse(row.versions_json) as LibraryVersions) };
  }

  // -------------------------------------------------------------------------------------------
  // Saved comparisons

  /**
   * Saves a comparison under a name (trimmed; 1 to 200 characters). Saving under a name that
   * exists replaces that comparison's spec and keeps its id. The spec is validated with
   * comparisonSpecSchema and stored with its defaults filled in; an invalid one is refused with
   * an error naming the field (e.g. `invalid comparison spec: smoothing: ...`).
   */
  saveComparison(name: string, spec: ComparisonSpecInput): SavedComparison {
    const cleanName = comparisonName(name);
    const parsed = parseComparisonSpec(spec);
    const row = this.stmt.saveComparison.get({
      uid: randomUUID(),
      name: cleanName,
      spec: toJson(parsed, 'the comparison spec'),
      now: now(),
    });
    if (!row) throw new Error(`comparison "${cleanName}" could not be saved`);
    return comparisonFromRow(row);
  }

  /** Every saved comparison, by name (case-insensitive). */
  listComparisons(): SavedComparison[] {
    return this.stmt.comparisons.all().map(comparisonFromRow);
  }

  /** By id (a number) or by name (a string, trimmed); null when there is none. */
  getComparison(idOrName: number | string): SavedComparison | null {
    const row =
      typeof idOrName === 'number'
        ? this.stmt.comparisonById.get(idOrName)
        : this.stmt.comparisonByName.get(idOrName.trim());
    return row ? comparisonFromRow(row) : null;
  }

  deleteComparison(id: number): void {
    if (this.stmt.deleteComparison.run(id).changes === 0) throw new NotFoundError('comparison', id);
  }

  // -------------------------------------------------------------------------------------------

  private requireRun(runId: number): void {
    if (this.stmt.runExists.get(runId) === undefined) throw new NotFoundError('run', runId);
  }
}
