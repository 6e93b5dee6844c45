/**
 * What every data set kind shares: the raw samples a kind produces (before the split), the error
 * that names a config field, the size limit, and the wording of descriptions.
 */
import type { DatasetConfig, DatasetKind } from '../../../shared/config.js';
import { LoadCancelled } from '../csv.js';

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

/** Largest number of input values (samples × features) a data set may hold: 2^28 floats = 1 GiB. */
export const MAX_DATASET_VALUES = 2 ** 28;

/** Samples before the split, inputs not yet transformed. */
export interface RawData {
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

/** The config of one kind, e.g. `DatasetConfigOf<'csv'>`. */
export type DatasetConfigOf<K extends DatasetKind> = Extract<DatasetConfig, { kind: K }>;

/** How one kind of data set (`dataset.kind`) is had: one per file of this folder. */
export interface DatasetLoader<C extends DatasetConfig = DatasetConfig> {
  /** The samples before the split (seeded by `seed`); long loops call `poll` with the row they are at. */
  load(config: C, seed: number, options: LoadDatasetOptions, poll: Poll): RawData;
  /** Checks, without reading the data, that what the kind needs is installed; throws a DatasetError. */
  check?(config: C, options: LoadDatasetOptions): void;
  /** For data that can change outside the config (a file): a fingerprint of it. */
  fingerprint?(config: C, options: LoadDatasetOptions): string;
}

/** Calls shouldStop every 4096 rows of a generation loop (cheap enough to leave in every loop). */
export type Poll = (row: number) => void;

export function poller(options: LoadDatasetOptions): Poll {
  const shouldStop = options.shouldStop;
  if (!shouldStop) return () => undefined;
  return (row) => {
    if ((row & 4095) === 0 && shouldStop()) throw new LoadCancelled();
  };
}

/** Refuses a data set of more than MAX_DATASET_VALUES input values, naming `field`. */
export function checkDatasetSize(n: number, features: number, field = 'dataset.samples'): void {
  if (n * features > MAX_DATASET_VALUES) {
    throw new DatasetError(
      field,
      `${n} samples × ${features} features = ${n * features} values is too large (at most ${MAX_DATASET_VALUES}, 1 GiB of float32)`,
    );
  }
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function classDescription(kind: string, n: number, features: number, classes: number): string {
  return `${kind}: ${plural(n, 'sample')}, ${plural(features, 'feature')}, ${plural(classes, 'class', 'classes')}`;
}

export function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}
