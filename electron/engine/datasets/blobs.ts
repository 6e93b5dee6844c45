/** The `blobs` kind: Gaussian clusters in any number of features. */
import { Rng } from '../rng.js';
import { checkDatasetSize, classDescription, type DatasetConfigOf, type DatasetLoader, type Poll, type RawData } from './common.js';

/**
 * Gaussian clusters. Centres are drawn uniformly in [-2, 2] per feature, so that with the default
 * noise (1) the inputs are of unit scale (as a standardized data set would be) and the classes overlap
 * a little: learning rates then mean what they mean on real, normalized data.
 * Balanced class assignment: sample i belongs to class i mod classes.
 */
const BLOB_CENTRE_RANGE = 2;

function blobs(n: number, features: number, classes: number, noise: number, seed: number, poll: Poll): RawData {
  checkDatasetSize(n, features);
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


export const blobsLoader: DatasetLoader<DatasetConfigOf<'blobs'>> = {
  load: (config, seed, _options, poll) => blobs(config.samples, config.features, config.classes, config.noise, seed, poll),
};
