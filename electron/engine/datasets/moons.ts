/** The `moons` kind: two interleaving half circles. */
import { Rng } from '../rng.js';
import { classDescription, type DatasetConfigOf, type DatasetLoader, type Poll, type RawData } from './common.js';

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

export const moonsLoader: DatasetLoader<DatasetConfigOf<'moons'>> = {
  load: (config, seed, _options, poll) => moons(config.samples, config.noise, seed, poll),
};
