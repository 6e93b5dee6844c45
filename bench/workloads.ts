/** The benchmark's reference workloads: configs and data. */
import { validateExperiment, type ExperimentConfigInput, type RunConfig } from '../shared/config.js';
import { findPreset } from '../shared/presets.js';
import { loadDataset } from '../electron/engine/datasets/index.js';
import { Rng } from '../electron/engine/rng.js';
import type { Dataset } from '../electron/engine/types.js';

export function runConfig(input: ExperimentConfigInput): RunConfig {
  const v = validateExperiment(input);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.runs[0].config;
}

/** wide: 784 → 4 × 256 ReLU → 10 softmax, 8192 random samples, batch 128, SGD lr 0.1, He normal, probe 1024. */
export function wideConfig(epochs: number): RunConfig {
  return runConfig({
    name: 'wide',
    dataset: { kind: 'blobs', features: 784, classes: 10, samples: 8192, validationSplit: 0 },
    model: { hiddenLayers: 4, width: 256, activation: 'relu', init: 'he_normal' },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 128, epochs },
    probe: { samples: 1024 },
  });
}

/** The wide workload's data: 8192 rows of uniform random inputs in [0, 1), random labels. */
export function wideData(): Dataset {
  const n = 8192;
  const features = 784;
  const classes = 10;
  const rng = new Rng(1, 'bench');
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(classes);
  return { task: 'classification', inputSize: features, outputSize: classes, xTrain: x, yTrain: y, xVal: new Float32Array(0), yVal: new Float32Array(0), nTrain: n, nVal: 0, description: `random: ${n} samples, ${features} features, ${classes} classes` };
}

/** narrow: abs1d, 2048 grid points, 9 × 4 ReLU → 1, MSE, batch 64, SGD lr 0.01, probe 2048. */
export function narrowExperiment(epochs: number, seeds: number[] = [1]): ExperimentConfigInput {
  return {
    name: 'narrow',
    dataset: { kind: 'abs1d', samples: 2048, sampling: 'grid', validationSplit: 0 },
    model: { hiddenLayers: 9, width: 4, activation: 'relu', init: 'he_normal' },
    training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs },
    probe: { samples: 2048 },
    seeds,
  };
}

export function narrowConfig(epochs: number): RunConfig {
  return runConfig(narrowExperiment(epochs));
}

export function narrowData(config: RunConfig): Dataset {
  return loadDataset(config.dataset, 1);
}

/** The born-dead preset with `seedsPerWidth` seeds for each of its widths. */
export function bornDeadExperiment(seedsPerWidth: number): ExperimentConfigInput {
  const preset = findPreset('born-dead');
  if (!preset) throw new Error('the born-dead preset is missing');
  return { ...preset.config, seeds: { from: 1, count: seedsPerWidth } };
}

export function seeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}
