/**
 * What the rows of an imported bundle must mean, beyond their column types: a bundle whose
 * checksum is right can still be crafted (or written by a buggy tool) to hold rows the lab cannot
 * read back, e.g. a run config that is not a config, a 3-byte histogram or a layer of 2e9 units,
 * which would break listing the whole database. Every record is checked before it is inserted,
 * against the rules the lab itself writes by: runs carry a valid resolved config, epochs lie within
 * the run's epochs, every epoch has one row per hidden layer with that layer's width, blobs have the
 * size their shape says. Each rule names the field and what it got. No SQL here: the rows are the
 * SQL parameters bundle.ts inserts.
 */
import { parseExperimentConfig, runCount, seedsSchema, MAX_RUNS_PER_EXPERIMENT, type RunConfig } from '../shared/config.js';
import { listFields, realFields, type MetricScope } from '../shared/metric-fields.js';
import { RUN_STATUSES } from '../shared/metrics.js';
import { firstDifference } from '../shared/shard.js';
import type { SqlRow } from './sql.js';
import { hiddenLayerSizes } from '../shared/architecture.js';


/** A row that breaks a rule; bundle.ts reports it as a damaged bundle, with the record it is in. */
export class RowProblem extends Error {}

/** What the epochs and artifacts of a run are checked against. */
export interface RunShape {
  epochsTotal: number;
  /** Width of each hidden layer. */
  widths: number[];
  histogramBins: number;
  probeSamples: number;
}

const MAX_TEXT = 100_000;
const MAX_NAME = 200;
const MAX_TAGS = 50;
const MAX_TAG = 50;
const MAX_INPUT_SIZE = 1_000_000;
/** Bytes per element of the weight dtypes TF.js writes. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

function show(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a text of ${value.length} characters` : JSON.stringify(value);
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  return String(value);
}

function fail(field: string, rule: string, value: unknown): never {
  throw new RowProblem(`${field}: ${rule}, got ${show(value)}`);
}

function text(row: SqlRow, field: string, { min = 0, max = MAX_TEXT, nullable = false } = {}): string | null {
  const value = row[field];
  if (value === null && nullable) return null;
  if (typeof value !== 'string') fail(field, 'must be text', value);
  if (value.length < min || value.length > max) fail(field, `must have ${min} to ${max} characters`, value);
  return value;
}

/** `why` explains a fixed value (min === max), e.g. "the width of hidden layer 2". */
function integer(row: SqlRow, field: string, min: number, max: number, why?: string): number {
  const value = row[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(field, min === max ? `must be ${min}${why ? ` (${why})` : ''}` : `must be a whole number from ${min} to ${max}${why ? ` (${why})` : ''}`, value);
  }
  return value;
}

function timestamp(row: SqlRow, field: string, nullable = false): void {
  const value = text(row, field, { min: 1, max: 40, nullable });
  if (value !== null && Number.isNaN(Date.parse(value))) fail(field, 'must be an ISO-8601 time', value);
}

function json(row: SqlRow, field: string): unknown {
  const value = row[field];
  if (typeof value !== 'string') fail(field, 'must be JSON text', value);
  return JSON.parse(value) as unknown;
}

function jsonObject(row: SqlRow, field: string, nullable = false): Record<string, unknown> | null {
  if (row[field] === null && nullable) return null;
  const value = json(row, field);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(field, 'must hold a JSON object', row[field]);
  return value as Record<string, unknown>;
}

function tags(row: SqlRow, field: string): void {
  const value = json(row, field);
  const ok =
    Array.isArray(value) &&
    value.length <= MAX_TAGS &&
    value.every((t) => typeof t === 'string' && t.trim().length >= 1 && t.length <= MAX_TAG);
  if (!ok) fail(field, `must hold a list of at most ${MAX_TAGS} tags of 1 to ${MAX_TAG} characters`, row[field]);
}

function blob(row: SqlRow, field: string, bytes: number, what: string): Buffer {
  const value = row[field];
  if (!Buffer.isBuffer(value)) fail(field, 'must be binary data', value);
  if (value.length !== bytes) fail(field, `must have ${bytes} bytes (${what})`, value);
  return value;
}

/**
 * REAL columns with their nan_mask bit: NaN is NULL with the bit set, so a bit set over a value,
 * or NULL in a required column without its bit, is damage. `range` bounds the finite values.
 */
interface RealColumn {
  name: string;
  required: boolean;
  range?: readonly [number, number];
}

function reals(row: SqlRow, columns: readonly RealColumn[], maskBits: number): void {
  const mask = integer(row, 'nan_mask', 0, 2 ** maskBits - 1);
  columns.forEach(({ name, required, range }, bit) => {
    const value = row[name];
    const isNaN = (mask & (1 << bit)) !== 0;
    if (value === null) {
      if (required && !isNaN) fail(name, 'must be a number (NaN is marked in nan_mask)', value);
      return;
    }
    if (typeof value !== 'number') fail(name, 'must be a number', value);
    if (isNaN) fail(name, 'is marked NaN in nan_mask but holds a number', value);
    if (range && !(value >= range[0] && value <= range[1])) fail(name, `must be from ${range[0]} to ${range[1]}`, value);
  });
}

export function checkExperiment(row: SqlRow): void {
  const name = text(row, 'name', { min: 1, max: MAX_NAME })!;
  if (name.trim().length === 0) fail('name', 'must not be blank', name);
  jsonObject(row, 'config_json');
  text(row, 'notes');
  tags(row, 'tags_json');
  timestamp(row, 'created_at');
  timestamp(row, 'updated_at');
}

/** How many runs an experiment's config expands to; null when it is not a valid config. */
export function expandedRunCount(configJson: string): number | null {
  const parsed = parseExperimentConfig(JSON.parse(configJson));
  return parsed.ok ? runCount(parsed.config).total : null;
}

/**
 * Where an incoming experiment's config differs from the one stored under the same uid (`path: stored
 * vs incoming`), or null when they are the same design. Valid configs are compared as validated
 * (defaults filled in), so spelling a default out is no difference.
 */
export function experimentConfigDifference(storedJson: string, incomingJson: string): string | null {
  const [stored, incoming] = [JSON.parse(storedJson) as unknown, JSON.parse(incomingJson) as unknown];
  const [a, b] = [parseExperimentConfig(stored), parseExperimentConfig(incoming)];
  return a.ok && b.ok ? firstDifference(a.config, b.config) : firstDifference(stored, incoming);
}

/** Checks a run row and returns what its epochs and artifacts must match. */
export function checkRun(row: SqlRow): RunShape {
  integer(row, 'run_index', 0, MAX_RUNS_PER_EXPERIMENT - 1);
  text(row, 'name', { min: 1, max: MAX_NAME, nullable: true });
  text(row, 'notes');
  tags(row, 'tags_json');
  if (!seedsSchema.safeParse([row.seed]).success) fail('seed', 'must be a valid seed (a whole number from 0 to 2^31 - 1)', row.seed);
  jsonObject(row, 'sweep_json');
  const raw = jsonObject(row, 'config_json');
  const parsed = parseExperimentConfig(raw);
  if (!parsed.ok) {
    const [first] = parsed.issues;
    throw new RowProblem(`config_json: is not a valid run config (${first.path ? `${first.path}: ` : ''}${first.message})`);
  }
  const config: RunConfig = parsed.config;
  if (!(RUN_STATUSES as readonly unknown[]).includes(row.status)) fail('status', `must be one of ${RUN_STATUSES.join(', ')}`, row.status);
  text(row, 'backend', { min: 1, max: MAX_NAME, nullable: true });
  jsonObject(row, 'versions_json', true);
  text(row, 'error', { nullable: true });
  const epochsTotal = integer(row, 'epochs_total', config.training.epochs, config.training.epochs, 'training.epochs of its config');
  integer(row, 'epochs_done', 0, epochsTotal);
  timestamp(row, 'created_at');
  timestamp(row, 'started_at', true);
  timestamp(row, 'finished_at', true);
  return {
    epochsTotal,
    widths: hiddenLayerSizes(config.model),
    histogramBins: config.probe.histogramBins,
    probeSamples: config.probe.samples,
  };
}

/** The REAL columns of a metric table with their rules, in NaN-mask bit order. */
function realColumnRules(scope: MetricScope): RealColumn[] {
  return realFields(scope).map((f) => ({ name: f.column, required: !f.nullable, ...(f.range ? { range: f.range } : {}) }));
}

const EPOCH_REALS = realColumnRules('epoch');

export function checkEpoch(row: SqlRow, run: RunShape): void {
  integer(row, 'epoch', 0, run.epochsTotal, "the run's epochs");
  reals(row, EPOCH_REALS, EPOCH_REALS.length);
}

/** How many layer records an epoch record must hold. */
export function expectedLayers(run: RunShape, count: number): void {
  if (count !== run.widths.length) fail('layers', `must hold one record per hidden layer (${run.widths.length})`, count);
}

const LAYER_REALS = realColumnRules('layer');

/** Layer `index` of an epoch (records come in layer order). */
export function checkLayer(row: SqlRow, run: RunShape, index: number): void {
  integer(row, 'layer', index, index, 'layers come in order');
  const units = integer(row, 'units', run.widths[index], run.widths[index], `the width of hidden layer ${index + 1} in the run's config`);
  reals(row, LAYER_REALS, LAYER_REALS.length);
  for (const { column, kind, nullable } of listFields('layer')) {
    if (nullable && row[column] === null) continue;
    switch (kind) {
      case 'bin-counts': {
        const counts = blob(row, column, 8 * run.histogramBins, `one float64 per bin, ${run.histogramBins} bins`);
        for (let i = 0; i < run.histogramBins; i++) {
          const c = counts.readDoubleLE(8 * i);
          if (!(c >= 0 && c < Infinity)) fail(`${column}[${i}]`, 'must be a count (finite, >= 0)', c);
        }
        break;
      }
      case 'unit-mask':
        blob(row, column, Math.ceil(units / 8), `one bit per unit, ${units} units`);
        break;
      case 'unit-values':
        blob(row, column, 4 * units, `one float32 per unit, ${units} units`);
        break;
    }
  }
}

export function checkArtifacts(row: SqlRow, run: RunShape): void {
  jsonObject(row, 'model_topology_json');
  const specs = json(row, 'weight_specs_json');
  if (!Array.isArray(specs)) fail('weight_specs_json', 'must hold a list of weight specs', row.weight_specs_json);
  let bytes = 0;
  specs.forEach((spec: unknown, i) => {
    const s = spec as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
    const shapeOk = Array.isArray(s?.shape) && s.shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0);
    const dtypeBytes = typeof s?.dtype === 'string' ? DTYPE_BYTES[s.dtype] : undefined;
    if (!s || typeof s.name !== 'string' || !shapeOk || dtypeBytes === undefined) {
      fail(`weight_specs_json[${i}]`, `must be { name, shape: [whole numbers], dtype: ${Object.keys(DTYPE_BYTES).join(' | ')} }`, JSON.stringify(spec));
    }
    bytes += (s.shape as number[]).reduce((n, d) => n * d, 1) * dtypeBytes;
    if (!Number.isSafeInteger(bytes)) fail(`weight_specs_json[${i}].shape`, 'is too large', JSON.stringify(s.shape));
  });
  blob(row, 'weight_data', bytes, 'what the weight specs describe');
  const indices = json(row, 'probe_indices_json');
  if (!Array.isArray(indices) || indices.length > run.probeSamples || !indices.every((i) => Number.isSafeInteger(i) && (i as number) >= 0)) {
    fail('probe_indices_json', `must hold at most ${run.probeSamples} sample indices (probe.samples)`, row.probe_indices_json);
  }
  const inputSize = integer(row, 'input_size', 1, MAX_INPUT_SIZE);
  blob(row, 'probe_inputs', 4 * indices.length * inputSize, `one float32 per input feature of each probe sample, ${indices.length} × ${inputSize}`);
}
