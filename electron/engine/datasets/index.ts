/**
 * Data sets for the training engine: generated (blobs, spirals, moons, abs1d), bundled (mnist,
 * iris) and user files (csv), one file per kind in this folder, listed in LOADERS.
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
import type { DatasetConfig, DatasetKind } from '../../../shared/config.js';
import { imageShapeOf } from '../../../shared/architecture.js';
import { LoadCancelled } from '../csv.js';
import type { Dataset } from '../types.js';
import { abs1dLoader } from './abs1d.js';
import { blobsLoader } from './blobs.js';
import { DatasetError, poller, type DatasetConfigOf, type DatasetLoader, type LoadDatasetOptions, type RawData } from './common.js';
import { csvLoader } from './csv.js';
import { irisLoader } from './iris.js';
import { mnistLoader } from './mnist.js';
import { moonsLoader } from './moons.js';
import { describeTransform, split, splitPlan, standardize, transformInputs } from './split.js';
import { spiralsLoader } from './spirals.js';

export { checkDatasetSize, DatasetError, MAX_DATASET_VALUES, type LoadDatasetOptions } from './common.js';
export { LoadCancelled };

/** How each kind of the config schema is loaded: a kind missing here is a compile error. */
const LOADERS: { [K in DatasetKind]: DatasetLoader<DatasetConfigOf<K>> } = {
  blobs: blobsLoader,
  spirals: spiralsLoader,
  moons: moonsLoader,
  abs1d: abs1dLoader,
  mnist: mnistLoader,
  iris: irisLoader,
  csv: csvLoader,
};

function loaderOf(config: DatasetConfig): DatasetLoader | undefined {
  return Object.prototype.hasOwnProperty.call(LOADERS, config.kind) ? (LOADERS[config.kind] as DatasetLoader) : undefined;
}

export function loadDataset(config: DatasetConfig, seed: number, options: LoadDatasetOptions = {}): Dataset {
  const stop = () => {
    if (options.shouldStop?.()) throw new LoadCancelled();
  };
  stop();
  const loader = loaderOf(config);
  if (!loader) throw new DatasetError('dataset.kind', `unknown data set kind ${JSON.stringify(config.kind)}`);
  const raw: RawData = loader.load(config, seed, options, poller(options));
  stop();
  checkImageShape(config, raw.inputSize);
  const plan = splitPlan(raw.n, config.validationSplit, seed);
  let text = '';
  if (config.kind === 'csv' && config.standardize) text += standardize(raw, plan);
  transformInputs(raw.x, config.inputScale, config.inputShift);
  stop();
  return split(raw, plan, text + describeTransform(config.inputScale, config.inputShift));
}

/** A declared image shape must hold exactly the data's features. */
function checkImageShape(config: DatasetConfig, features: number): void {
  const image = imageShapeOf(config);
  if (!image) return;
  const product = image[0] * image[1] * image[2];
  if (product !== features) {
    throw new DatasetError('dataset.imageShape', `must multiply to the number of features (${features}), got ${image.join(' × ')} = ${product}`);
  }
}

/**
 * A fingerprint of the data behind a config, for data that can change outside the config:
 * the sha256 (hex) of a csv file's bytes; null for generated and bundled data sets.
 */
export function datasetFingerprint(config: DatasetConfig, options: LoadDatasetOptions = {}): string | null {
  return loaderOf(config)?.fingerprint?.(config, options) ?? null;
}

/**
 * Checks, without reading the data, that what a kind needs is installed (the mnist package), so a
 * design is refused before it runs; throws a DatasetError. Files are checked when they are read.
 */
export function checkDatasetSource(config: DatasetConfig, options: LoadDatasetOptions = {}): void {
  loaderOf(config)?.check?.(config, options);
}
