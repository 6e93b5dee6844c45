/**
 * Experiment bundles: export whole experiments from a lab database into one file, and import them
 * into another (or the same) database.
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
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleErrorReason,
  type BundleHeader,
  type BundleImportResult,
} from '../shared/bundle.js';
import { NotFoundError, ValidationError } from '../shared/errors.js';
import { LATEST_SCHEMA_VERSION } from './migrations/index.js';
import { RowProblem, checkArtifacts, checkEpoch, checkExperiment, checkLayer, checkRun, expectedLayers, type RunShape } from './bundle-check.js';
import { APP_NAME } from './paths.js';
import type { LabStore } from './store.js';

export { BUNDLE_FORMAT, BUNDLE_VERSION } from '../shared/bundle.js';
export type { BundleErrorReason, BundleHeader, BundleImportResult } from '../shared/bundle.js';

/** A bundle refused by importBundle; the database was left untouched. */
export class BundleError extends ValidationError {
  constructor(
    readonly reason: BundleErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BundleError';
  }
}

function notABundle(why: string): BundleError {
  return new BundleError('not-a-bundle', `not a ReLU Lab bundle: ${why}`);
}

function damaged(why: string, cause?: unknown): BundleError {
  return new BundleError('damaged', `the bundle is damaged: ${why}`, cause === undefined ? undefined : { cause });
}

/** Error of an imported run that was still training in the database it was exported from. */
export const IMPORTED_RUNNING_ERROR = 'the run was still training when it was exported; it cannot continue here';

// ---------------------------------------------------------------------------------------------
// Rows

type Kind = 'int' | 'real' | 'text' | 'json' | 'blob';
type Columns = readonly (readonly [name: string, kind: Kind])[];
type SqlValue = number | string | Buffer | null;
type DbRow = Record<string, SqlValue>;

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

const EPOCH_COLUMNS: Columns = [
  ['epoch', 'int'],
  ['train_loss', 'real'],
  ['train_accuracy', 'real'],
  ['val_loss', 'real'],
  ['val_accuracy', 'real'],
  ['seconds', 'real'],
  ['elapsed_seconds', 'real'],
  ['probe_ms', 'real'],
  ['nan_mask', 'int'],
];

// Not exported: run_id, epoch (both from the enclosing epoch record).
const LAYER_COLUMNS: Columns = [
  ['layer', 'int'],
  ['units', 'int'],
  ['dead_fraction', 'real'],
  ['active_probability', 'real'],
  ['dormant_fraction', 'real'],
  ['grad_norm', 'real'],
  ['pre_act_mean', 'real'],
  ['pre_act_std', 'real'],
  ['hist_lo', 'real'],
  ['hist_hi', 'real'],
  ['nan_mask', 'int'],
  ['hist_counts', 'blob'],
  ['dead_mask', 'blob'],
  ['prelu_alphas', 'blob'],
];

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
function encodeRow(columns: Columns, row: DbRow, out: Record<string, unknown>): Record<string, unknown> {
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
function decodeRow(columns: Columns, record: Record<string, unknown>, where: string): DbRow {
  const row: DbRow = {};
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

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `a text of ${value.length} characters` : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

// ---------------------------------------------------------------------------------------------
// Blocks: gzip members with their size in an `RL` extra subfield.

/** Uncompressed bytes per block. */
const BLOCK_SIZE = 1 << 20;
/** ID1 ID2 CM FLG MTIME(4) XFL OS, XLEN(2), then the subfield: SI1 SI2 LEN(2) and the block size (4). */
const BLOCK_HEADER_SIZE = 20;
const BLOCK_TRAILER_SIZE = 8;
const FEXTRA = 4;

function gzipBlock(data: Buffer): Buffer {
  const deflated = zlib.deflateRawSync(data);
  const total = BLOCK_HEADER_SIZE + deflated.length + BLOCK_TRAILER_SIZE;
  const head = Buffer.alloc(BLOCK_HEADER_SIZE);
  head.set([0x1f, 0x8b, 8, FEXTRA, 0, 0, 0, 0, 0, 255]);
  head.writeUInt16LE(8, 10); // XLEN
  head.write('RL', 12, 'latin1');
  head.writeUInt16LE(4, 14);
  head.writeUInt32LE(total, 16);
  const tail = Buffer.alloc(BLOCK_TRAILER_SIZE);
  tail.writeUInt32LE(zlib.crc32(data), 0);
  tail.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([head, deflated, tail], total);
}

/** Collects lines and compresses them block by block, so only one block is ever uncompressed. */
class BundleWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly blocks: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private records = 0;

  /** A payload record: counted and hashed. */
  record(value: Record<string, unknown>): void {
    const line = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    this.hash.update(line);
    this.records++;
    this.write(line);
  }

  /** The header, alone in the first block. */
  header(header: BundleHeader): void {
    this.write(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
    this.flush(true);
  }

  finish(): Buffer {
    this.write(Buffer.from(`${JSON.stringify({ type: 'end', records: this.records, sha256: this.hash.digest('hex') })}\n`));
    this.flush(true);
    return Buffer.concat(this.blocks);
  }

  private write(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BLOCK_SIZE) this.flush(false);
  }

  /** Compresses full blocks (and, when `all`, the rest). */
  private flush(all: boolean): void {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (data.length - offset >= BLOCK_SIZE || (all && offset < data.length)) {
      const end = Math.min(offset + BLOCK_SIZE, data.length);
      this.blocks.push(gzipBlock(data.subarray(offset, end)));
      offset = end;
    }
    this.pending = offset < data.length ? [data.subarray(offset)] : [];
    this.pendingBytes = data.length - offset;
  }
}

/** What a file that is not a gzip file probably is, for the error message. */
function describeForeign(data: Buffer): string {
  if (data.length === 0) return 'the file is empty';
  const starts = (text: string) => data.subarray(0, text.length).equals(Buffer.from(text, 'latin1'));
  if (starts('\x89PNG')) return 'it is a PNG image';
  if (starts('SQLite format 3\0')) return 'it is a SQLite database (a lab database can be opened in Settings instead)';
  if (starts('PK\x03\x04')) return 'it is a ZIP archive';
  if (starts('%PDF')) return 'it is a PDF document';
  if (starts('\xff\xd8\xff')) return 'it is a JPEG image';
  const text = data.subarray(0, 64).toString('latin1').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'it is a plain JSON file, not a gzip-compressed bundle';
  return 'it is not gzip-compressed';
}

/** Whether these bytes (fewer than a block header) are the start of a block header. */
function isBlockHeaderStart(bytes: Buffer): boolean {
  const expected = gzipBlock(Buffer.alloc(0)).subarray(0, 16); // everything before the size
  const n = Math.min(bytes.length, expected.length);
  return bytes.subarray(0, n).equals(expected.subarray(0, n));
}

/** The size of the gzip member at `offset` from its `RL` subfield, or null when it has none. */
function blockSize(data: Buffer, offset: number): number | null {
  if (data.length - offset < 12 || !(data[offset + 3] & FEXTRA)) return null;
  const xlen = data.readUInt16LE(offset + 10);
  const end = offset + 12 + xlen;
  if (end > data.length) return null;
  for (let p = offset + 12; p + 4 <= end; ) {
    const len = data.readUInt16LE(p + 2);
    if (data[p] === 0x52 && data[p + 1] === 0x4c && len === 4 && p + 8 <= end) return data.readUInt32LE(p + 4);
    p += 4 + len;
  }
  return null;
}

/** Default of ImportOptions.maxContentBytes. */
export const DEFAULT_MAX_CONTENT_BYTES = 1 << 30;
/** How much of a gzip file without `RL` subfields is inflated to find its header line. */
const SNIFF_COMPRESSED_BYTES = 16 * 1024;

function mib(bytes: number): string {
  return bytes >= 1 << 30 && bytes % (1 << 30) === 0 ? `${bytes / (1 << 30)} GiB` : `${+(bytes / (1 << 20)).toFixed(1)} MiB`;
}

function tooLarge(limit: number): BundleError {
  return new BundleError(
    'too-large',
    `the bundle inflates to more than ${mib(limit)}, the most one import takes; it was not imported (a damaged or hostile file?)`,
  );
}

/** Whether zlib stopped because the output would exceed maxOutputLength. */
function isOutputLimit(error: unknown): boolean {
  return error instanceof RangeError || (error as NodeJS.ErrnoException)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * The decompressed content, block by block, never more than `maxBytes` in all and never more than
 * a block's 1 MiB from one block (so a "zip bomb" is refused after inflating at most that much).
 * A gzip file without `RL` subfields (e.g. a bundle decompressed and recompressed by another tool)
 * is decompressed whole, up to `maxBytes`, once its first line is confirmed to be a bundle header.
 */
function* decompress(data: Buffer, maxBytes: number): Generator<Buffer> {
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) throw notABundle(describeForeign(data));
  let offset = 0;
  let total = 0;
  for (let block = 1; offset < data.length; block++) {
    if (data.length - offset < 2 || data[offset] !== 0x1f || data[offset + 1] !== 0x8b) {
      throw damaged(`unexpected data after block ${block - 1}`);
    }
    if (data.length - offset < BLOCK_HEADER_SIZE && isBlockHeaderStart(data.subarray(offset))) {
      throw damaged(`it is truncated (block ${block} is incomplete)`);
    }
    const size = blockSize(data, offset);
    if (size === null) {
      yield* decompressWhole(data.subarray(offset), offset === 0, maxBytes - total);
      return;
    }
    if (size < BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE) throw damaged(`block ${block} has an invalid size`);
    if (offset + size > data.length) throw damaged(`it is truncated (block ${block} is incomplete)`);
    const headerEnd = offset + 12 + data.readUInt16LE(offset + 10);
    const end = offset + size;
    const declared = data.readUInt32LE(end - 4);
    if (declared > BLOCK_SIZE) throw damaged(`block ${block} says it holds ${declared} bytes, more than the ${mib(BLOCK_SIZE)} a block may hold`);
    if (total + declared > maxBytes) throw tooLarge(maxBytes);
    let chunk: Buffer;
    try {
      chunk = zlib.inflateRawSync(data.subarray(headerEnd, end - BLOCK_TRAILER_SIZE), { maxOutputLength: BLOCK_SIZE });
    } catch (error) {
      if (isOutputLimit(error)) throw damaged(`block ${block} inflates to more than the ${mib(BLOCK_SIZE)} a block may hold`, error);
      throw damaged(`block ${block} cannot be decompressed (${(error as Error).message})`, error);
    }
    if (zlib.crc32(chunk) !== data.readUInt32LE(end - 8) || chunk.length >>> 0 !== declared) {
      throw damaged(`block ${block} fails its CRC-32 check`);
    }
    total += chunk.length;
    yield chunk;
    offset = end;
  }
}

function* decompressWhole(data: Buffer, atStart: boolean, maxBytes: number): Generator<Buffer> {
  if (atStart) {
    // Look at the start only, so a large foreign gzip file is refused without decompressing it all.
    // (16 KiB of deflate data inflates to at most ~16.5 MiB.)
    let start: Buffer;
    try {
      start = zlib.gunzipSync(data.subarray(0, SNIFF_COMPRESSED_BYTES), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw damaged(`it cannot be decompressed (${(error as Error).message})`, error);
    }
    const newline = start.indexOf(0x0a);
    if (newline < 0 && data.length <= SNIFF_COMPRESSED_BYTES) {
      // All of it was looked at and it holds no complete line: truncated, or not a bundle.
      try {
        zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
      } catch (error) {
        if (isOutputLimit(error)) throw tooLarge(maxBytes);
        throw damaged(`it is truncated or corrupted (${(error as Error).message})`, error);
      }
    }
    parseHeader(newline < 0 ? start.subarray(0, MAX_HEADER_BYTES + 1) : start.subarray(0, newline));
  }
  try {
    yield zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if (isOutputLimit(error)) throw tooLarge(maxBytes);
    throw damaged(`it cannot be decompressed (${(error as Error).message})`, error);
  }
}

/** The decompressed content split into lines (without their `\n`). */
function* lines(chunks: Iterable<Buffer>): Generator<Buffer> {
  let parts: Buffer[] = [];
  for (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      parts.push(chunk.subarray(start, newline));
      yield parts.length === 1 ? parts[0] : Buffer.concat(parts);
      parts = [];
      start = newline + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) throw damaged('it is truncated (it ends in the middle of a record)');
}

const MAX_HEADER_BYTES = 64 * 1024;

function parseHeader(line: Buffer): BundleHeader {
  const missing = notABundle('it does not start with a ReLU Lab bundle header');
  if (line.length > MAX_HEADER_BYTES) throw missing;
  let header: unknown;
  try {
    header = JSON.parse(line.toString('utf8'));
  } catch {
    throw missing;
  }
  if (header === null || typeof header !== 'object' || (header as { format?: unknown }).format !== BUNDLE_FORMAT) {
    throw missing;
  }
  const h = header as Partial<BundleHeader>;
  if (!Number.isSafeInteger(h.version) || (h.version as number) < 1) {
    throw damaged(`its header has an invalid format version (${describe(h.version)})`);
  }
  const version = h.version as number;
  if (version > BUNDLE_VERSION) {
    throw new BundleError(
      'too-new',
      `bundle format version ${version} is newer than this ReLU Lab supports (${BUNDLE_VERSION}): update ReLU Lab to import it`,
    );
  }
  if (!Number.isSafeInteger(h.experiments) || !Number.isSafeInteger(h.runs)) {
    throw damaged('its header does not say how many experiments and runs it holds');
  }
  return h as BundleHeader;
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
 * does not exist.
 */
export function exportBundle(store: LabStore, experimentIds: number[], options: ExportOptions = {}): Buffer {
  const ids = [...new Set(experimentIds)];
  const db = store.db;
  const experimentStmt = db.prepare<[number], DbRow>(`SELECT ${names(EXPERIMENT_COLUMNS)} FROM experiments WHERE id = ?`);
  const runsStmt = db.prepare<[number], DbRow & { id: number }>(
    `SELECT id, ${names(RUN_COLUMNS)} FROM runs WHERE experiment_id = ? ORDER BY run_index`,
  );
  const runCountStmt = db
    .prepare<[string], number>(`SELECT COUNT(*) FROM runs WHERE experiment_id IN (SELECT value FROM json_each(?))`)
    .pluck();
  const epochsStmt = db.prepare<[number], DbRow>(`SELECT ${names(EPOCH_COLUMNS)} FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`);
  const layersStmt = db.prepare<[number], DbRow>(
    `SELECT epoch, ${names(LAYER_COLUMNS)} FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`,
  );
  const artifactsStmt = db.prepare<[number], DbRow>(`SELECT ${names(ARTIFACT_COLUMNS)} FROM run_artifacts WHERE run_id = ?`);

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

/** Reads `bundle.relulab` style files: see the format at the top of this file. */
export function importBundle(store: LabStore, data: Uint8Array, options: ImportOptions = {}): BundleImportResult {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const input = lines(decompress(buffer, options.maxContentBytes ?? DEFAULT_MAX_CONTENT_BYTES));
  // The header first, outside the transaction: a foreign or too new file never takes the write lock.
  const first = input.next();
  if (first.done) throw notABundle('it is an empty gzip file');
  const header = parseHeader(first.value);

  const db = store.db;
  const stmt = {
    experimentByUid: db.prepare<[string], number>(`SELECT id FROM experiments WHERE uid = ?`).pluck(),
    runByUid: db.prepare<[string], number>(`SELECT 1 FROM runs WHERE uid = ?`).pluck(),
    runAtIndex: db.prepare<[number, number], string>(`SELECT uid FROM runs WHERE experiment_id = ? AND run_index = ?`).pluck(),
    insertExperiment: db.prepare(`INSERT INTO experiments (${names(EXPERIMENT_COLUMNS)}) VALUES (${params(EXPERIMENT_COLUMNS)})`),
    insertRun: db.prepare(
      `INSERT INTO runs (experiment_id, ${names(RUN_COLUMNS)}) VALUES (@experiment_id, ${params(RUN_COLUMNS)})`,
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
    let id: number;
    if (existing !== undefined) {
      id = existing;
      result.skipped++;
    } else {
      const row = decodeRow(EXPERIMENT_COLUMNS, record, where);
      checkExperiment(row);
      id = Number(stmt.insertExperiment.run(row).lastInsertRowid);
      result.experiments++;
    }
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
    runs.set(uid, { id: Number(stmt.insertRun.run({ ...row, experiment_id: experimentId }).lastInsertRowid), shape });
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
    const hash = createHash('sha256');
    let count = 0;
    let experimentRecords = 0;
    let runRecords = 0;
    let end: Record<string, unknown> | null = null;
    for (const line of input) {
      if (end) throw damaged('there is data after its end record');
      const where = `record ${count + 1}`;
      let record: unknown;
      try {
        record = JSON.parse(line.toString('utf8'));
      } catch {
        throw damaged(`${where} is not valid JSON`);
      }
      if (record === null || typeof record !== 'object' || Array.isArray(record)) throw damaged(`${where} is not an object`);
      const r = record as Record<string, unknown>;
      if (r.type === 'end') {
        end = r;
        continue;
      }
      hash.update(line);
      hash.update('\n');
      count++;
      const handler = typeof r.type === 'string' && Object.prototype.hasOwnProperty.call(handlers, r.type) ? handlers[r.type] : undefined;
      if (!handler) throw damaged(`${where} has an unknown type ${describe(r.type)}`);
      if (r.type === 'experiment') experimentRecords++;
      if (r.type === 'run') runRecords++;
      try {
        handler(r, `${where} (${r.type})`);
      } catch (error) {
        // Rows that break what the lab writes (bundle-check.ts).
        if (error instanceof RowProblem) throw damaged(`${where} (${r.type}): ${error.message}`, error);
        // Constraint failures (NOT NULL, CHECK, types of STRICT tables, duplicate epochs...).
        if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
          throw damaged(`${where} (${r.type}): ${error.message}`, error);
        }
        throw error;
      }
    }
    if (!end) throw damaged('it is truncated (its end record is missing)');
    if (end.records !== count) throw damaged(`its end record counts ${describe(end.records)} records, but it holds ${count}`);
    if (end.sha256 !== hash.digest('hex')) throw damaged('checksum mismatch');
    if (experimentRecords !== header.experiments || runRecords !== header.runs) {
      throw damaged(
        `its header announces ${header.experiments} experiments and ${header.runs} runs, but it holds ${experimentRecords} and ${runRecords}`,
      );
    }
  };

  // IMMEDIATE: the write lock up front, so a concurrent writer cannot make the import fail midway.
  db.transaction(importAll).immediate();
  return result;
}
