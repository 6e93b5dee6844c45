/**
 * Fixed training cases whose numbers were recorded from the engine's previous training step (TF.js
 * gradient tape, per-batch gather, TF.js optimizers) before the fused step replaced it, in
 * `fixtures/previous-step.json`. The data are generated here (seeded) so the cases do not depend on
 * the data set loaders. Together the cases cover every activation, batch norm, every optimizer,
 * classification and regression, and a last batch smaller than the others.
 */
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import type { EpochMetrics, RunArtifacts } from '../../../shared/metrics.js';
import { Rng } from '../../../electron/engine/rng.js';
import type { Dataset } from '../../../electron/engine/types.js';

export interface ReferenceCase {
  name: string;
  task: 'classification' | 'regression';
  model: Record<string, unknown>;
  training: Record<string, unknown>;
}

export const REFERENCE_CASES: ReferenceCase[] = [
  { name: 'relu sgd', task: 'classification', model: { widths: [8, 6], activation: 'relu' }, training: { optimizer: 'sgd', learningRate: 0.1 } },
  { name: 'relu sgd batch norm', task: 'classification', model: { widths: [8, 6], activation: 'relu', batchNorm: true }, training: { optimizer: 'sgd', learningRate: 0.05 } },
  { name: 'leaky_relu momentum batch norm', task: 'classification', model: { widths: [7, 5], activation: 'leaky_relu', batchNorm: true }, training: { optimizer: 'momentum', learningRate: 0.02 } },
  { name: 'prelu adam batch norm', task: 'classification', model: { widths: [6, 6], activation: 'prelu', batchNorm: true }, training: { optimizer: 'adam', learningRate: 0.01 } },
  { name: 'prelu sgd', task: 'regression', model: { widths: [6, 5], activation: 'prelu', preluAlphaInit: 0.1 }, training: { optimizer: 'sgd', learningRate: 0.05 } },
  { name: 'elu rmsprop', task: 'classification', model: { widths: [8, 4], activation: 'elu' }, training: { optimizer: 'rmsprop', learningRate: 0.005 } },
  { name: 'selu sgd regression', task: 'regression', model: { widths: [8, 8], activation: 'selu', init: 'lecun_normal' }, training: { optimizer: 'sgd', learningRate: 0.02 } },
  { name: 'gelu adam regression batch norm', task: 'regression', model: { widths: [5, 7], activation: 'gelu', batchNorm: true }, training: { optimizer: 'adam', learningRate: 0.01 } },
  { name: 'swish momentum', task: 'classification', model: { widths: [6, 6], activation: 'swish', biasInit: 0.1 }, training: { optimizer: 'momentum', learningRate: 0.05 } },
  { name: 'tanh rmsprop batch norm', task: 'regression', model: { widths: [4, 6], activation: 'tanh', batchNorm: true }, training: { optimizer: 'rmsprop', learningRate: 0.01 } },
  { name: 'relu adam deep regression', task: 'regression', model: { widths: [3, 3, 3, 3], activation: 'relu', init: 'he_uniform' }, training: { optimizer: 'adam', learningRate: 0.02 } },
];

/** Rows, features and classes of every case's data; 84 training rows in batches of 20 (the last has 4). */
const ROWS = 105;
const FEATURES = 3;
const CLASSES = 3;

export function referenceConfig(c: ReferenceCase): RunConfig {
  const result = validateExperiment({
    name: c.name,
    dataset: { kind: 'blobs', samples: ROWS, features: FEATURES, classes: CLASSES },
    model: c.model,
    training: { batchSize: 20, epochs: 2, ...c.training },
    probe: { samples: 40 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

/** A seeded data set of the case's task: 84 training and 21 validation rows. */
export function referenceData(c: ReferenceCase, seed: number): Dataset {
  const rng = new Rng(seed, `reference ${c.task}`);
  const nTrain = 84;
  const nVal = ROWS - nTrain;
  const x = new Float32Array(ROWS * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal(0, 1.5);
  const outputSize = c.task === 'classification' ? CLASSES : 1;
  const y = new Float32Array(ROWS);
  for (let i = 0; i < ROWS; i++) {
    const row = x.subarray(i * FEATURES, (i + 1) * FEATURES);
    y[i] = c.task === 'classification' ? (row[0] + 0.5 * row[1] > 0.4 ? 2 : row[2] > 0 ? 1 : 0) : Math.abs(row[0]) - 0.3 * row[1] * row[2];
  }
  return {
    task: c.task,
    inputSize: FEATURES,
    outputSize,
    xTrain: x.slice(0, nTrain * FEATURES),
    yTrain: y.slice(0, nTrain),
    xVal: x.slice(nTrain * FEATURES),
    yVal: y.slice(nTrain),
    nTrain,
    nVal,
    description: `reference ${c.task}`,
  };
}

/** Every number of a run except timings, in plain JSON (NaN as null is never expected here). */
export interface RecordedRun {
  status: string;
  epochs: {
    epoch: number;
    trainLoss: number;
    trainAccuracy: number | null;
    valLoss: number | null;
    valAccuracy: number | null;
    layers: {
      deadFraction: number;
      activeProbability: number;
      dormantFraction: number;
      gradNorm: number | null;
      preActMean: number;
      preActStd: number;
      histogram: { lo: number; hi: number; counts: number[] };
      deadMask: number[];
      preluAlphas: number[] | null;
    }[];
  }[];
  weights: number[];
  probeIndices: number[];
}

export function recordRun(status: string, epochs: EpochMetrics[], artifacts: RunArtifacts): RecordedRun {
  const w = artifacts.weightData;
  return {
    status,
    epochs: epochs.map((e) => ({
      epoch: e.epoch,
      trainLoss: e.trainLoss,
      trainAccuracy: e.trainAccuracy,
      valLoss: e.valLoss,
      valAccuracy: e.valAccuracy,
      layers: e.layers.map((l) => ({
        deadFraction: l.deadFraction,
        activeProbability: l.activeProbability,
        dormantFraction: l.dormantFraction,
        gradNorm: l.gradNorm,
        preActMean: l.preActMean,
        preActStd: l.preActStd,
        histogram: { lo: l.histogram.lo, hi: l.histogram.hi, counts: [...l.histogram.counts] },
        deadMask: Array.from(l.deadMask),
        preluAlphas: l.preluAlphas ? Array.from(l.preluAlphas) : null,
      })),
    })),
    weights: Array.from(new Float32Array(w.buffer, w.byteOffset, w.byteLength / 4)),
    probeIndices: [...artifacts.probeIndices],
  };
}
