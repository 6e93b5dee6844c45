/** The `spirals` kind: 2-D interleaved spiral arms. */
import { Rng } from '../rng.js';
import { classDescription, type DatasetConfigOf, type DatasetLoader, type Poll, type RawData } from './common.js';

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


export const spiralsLoader: DatasetLoader<DatasetConfigOf<'spirals'>> = {
  load: (config, seed, _options, poll) => spirals(config.samples, config.classes, config.noise, seed, poll),
};
