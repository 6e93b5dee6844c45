/**
 * The `csv` kind: the user's own table, read by ../csv.ts (regular files only, UTF-8, separator
 * given or detected), one column the label or target and every other a numeric feature. Problems
 * name the line and the 0-based column, never the file's text.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CsvFileError, CsvSyntaxError, delimiterName, detectDelimiter, forEachCsvRecord, lineOffset, readCsvFile, utf8Text } from '../csv.js';
import { checkDatasetSize, classDescription, DatasetError, plural, type DatasetConfigOf, type DatasetLoader, type LoadDatasetOptions, type RawData } from './common.js';

type CsvConfig = DatasetConfigOf<'csv'>;

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
  checkDatasetSize(n, inputSize);
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

export const csvLoader: DatasetLoader<CsvConfig> = {
  load: (config, _seed, options) => cachedCsv(config, options),
  /** The sha256 (hex) of the file's bytes. */
  fingerprint: (config, options) => createHash('sha256').update(readCsvBytes(config.path, options)).digest('hex'),
};
