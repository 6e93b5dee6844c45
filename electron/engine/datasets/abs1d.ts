/** The `abs1d` kind: the one-input regression y = |x| of Lu et al.'s born-dead networks. */
import { Rng } from '../rng.js';
import { fmt, plural, type DatasetConfigOf, type DatasetLoader, type Poll, type RawData } from './common.js';

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

export const abs1dLoader: DatasetLoader<DatasetConfigOf<'abs1d'>> = {
  load: (config, seed, _options, poll) => abs1d(config.samples, config.sampling, config.range, config.noise, seed, poll),
};
