import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import type { RunArtifacts } from '../../../shared/metrics.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { loadDataset } from '../../../electron/engine/datasets/index.js';
import { conv2dWithBias } from '../../../electron/engine/conv.js';
import { graphForward } from '../../../electron/engine/autodiff.js';
import { createTrainer, GraphTrainer } from '../../../electron/engine/autodiff-train.js';
import { batchKey } from '../../../electron/engine/batching.js';
import type { Dataset } from '../../../electron/engine/types.js';

function runConfig(input: Record<string, unknown>): RunConfig {
  const result = validateExperiment({ name: 'cnn test', training: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 1 }, probe: { samples: 32 }, ...input });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

/** A tiny digit subset and a small CNN on it. */
function mnistConfig(model: Record<string, unknown>): RunConfig {
  return runConfig({ dataset: { kind: 'mnist', samples: 120 }, model: { kind: 'cnn', convFilters: [4], hiddenLayers: 1, width: 8, ...model } });
}

async function loadArtifacts(artifacts: RunArtifacts): Promise<tf.LayersModel> {
  const bytes = artifacts.weightData.slice();
  return tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: artifacts.modelTopology as tf.io.ModelArtifacts['modelTopology'], weightSpecs: artifacts.weightSpecs, weightData: bytes.buffer }),
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('convolutional networks (wasm)', () => {
  beforeAll(async () => {
    expect((await initBackend('wasm')).backend).toBe('wasm');
  });

  it('the patches convolution computes what tf.conv2d computes (same and valid padding, strides 1 and 2)', () => {
    for (const [size, kernel, stride, padding] of [
      [7, 3, 1, 'same'],
      [7, 3, 2, 'same'],
      [8, 3, 2, 'valid'],
      [6, 1, 1, 'valid'],
      [9, 5, 3, 'same'],
    ] as const) {
      tf.tidy(() => {
        const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
        const w = tf.randomNormal([kernel, kernel, 3, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
        const b = tf.randomNormal([4], 0, 1, 'float32', 3);
        const ours = conv2dWithBias(x, w, b, stride, padding);
        const theirs = tf.add(tf.conv2d(x, w, stride, padding), b);
        expect(ours.shape).toEqual(theirs.shape);
        expect(maxAbsDiff(ours.dataSync(), theirs.dataSync())).toBeLessThan(1e-4);
      });
    }
  });

  it('a channel is dead only when its pre-activation is <= 0 at every position of every probe input (hand-made filters)', () => {
    // Three 4×4 images of non-negative pixels, all 0 except one pixel of value 1 in the second image.
    const pixels = new Float32Array(3 * 16);
    pixels[16 + 5] = 1;
    const data: Dataset = {
      task: 'classification',
      inputSize: 16,
      outputSize: 2,
      xTrain: pixels,
      yTrain: Float32Array.from([0, 1, 0]),
      xVal: new Float32Array(0),
      yVal: new Float32Array(0),
      nTrain: 3,
      nVal: 0,
      description: 'hand-made images',
    };
    const config = runConfig({
      dataset: { kind: 'csv', path: 'unused.csv', labelColumn: 0, task: 'classification', imageShape: [4, 4, 1] },
      model: { kind: 'cnn', convFilters: [3], convKernel: 1, pooling: 'none', hiddenLayers: 1, width: 2 },
      probe: { samples: 3 },
    });
    const trainer = new GraphTrainer(config, 1, data);
    try {
      const conv = trainer.net.layers[0];
      // z = w·x + b per channel: all-negative weight and negative bias (dead); the same weight with a
      // positive bias (alive wherever x < 0.5); a positive weight with a negative bias (fires only at
      // the one bright pixel of the second image: alive).
      conv.kernel.assign(tf.tensor4d([-1, -1, 1], [1, 1, 1, 3]));
      conv.bias.assign(tf.tensor1d([-0.5, 0.5, -0.5]));
      const [layer, denseLayer] = trainer.measure();
      expect(layer.units).toBe(3);
      expect(Array.from(layer.deadMask)).toEqual([1, 0, 0]);
      expect(layer.deadFraction).toBeCloseTo(1 / 3, 6);
      // Over 3 images × 16 positions: channel 2 is positive at 47 of 48, channel 3 at 1 of 48.
      expect(layer.activeProbability).toBeCloseTo((0 + 47 / 48 + 1 / 48) / 3, 6);
      // Mean |activation|: 0, 0.5·47/48 and 0.5/48; relative to their mean only the first is ≤ 0.025.
      expect(layer.dormantFraction).toBeCloseTo(1 / 3, 6);
      expect(layer.histogram.counts.reduce((a, b) => a + b, 0)).toBe(3 * 16 * 3);
      expect(denseLayer.units).toBe(2);
      expect(denseLayer.deadMask.length).toBe(2);
    } finally {
      trainer.dispose();
    }
  });

  it('a small CNN trains on the shipped digits, measured per channel and per unit, reproducibly', () => {
    const config = mnistConfig({ batchNorm: true, convFilters: [4, 6] });
    const data = loadDataset(config.dataset, 1);
    const runs = [1, 2].map(() => {
      const trainer = createTrainer(config, 1, data);
      try {
        return trainer.run();
      } finally {
        trainer.dispose();
      }
    });
    const [result] = runs;
    expect(result.status).toBe('completed');
    expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    for (const epoch of result.epochs) {
      expect(epoch.layers.map((l) => l.units)).toEqual([4, 6, 8]);
      expect(epoch.layers.map((l) => l.deadMask.length)).toEqual([4, 6, 8]);
      for (const l of epoch.layers) {
        expect(l.gradNorm).toBeGreaterThan(0);
        expect(Number.isFinite(l.deadFraction)).toBe(true);
      }
    }
    expect(result.epochs[1].trainLoss).toBeLessThan(result.epochs[0].trainLoss);
    const numbers = (r: typeof result) => r.epochs.map((e) => [e.trainLoss, e.valLoss, ...e.layers.map((l) => l.activeProbability)]);
    expect(numbers(runs[1])).toEqual(numbers(result));
  });

  it('batch norm keeps model.batchNormMomentum of its moving statistics per step (absent: 0.99)', () => {
    const movingVariance = (model: Record<string, unknown>) => {
      const config = mnistConfig({ batchNorm: true, init: 'he_normal', ...model });
      const trainer = new GraphTrainer(config, 1, loadDataset(config.dataset, 1));
      try {
        trainer.run();
        return Array.from(trainer.net.layers[0].movingVariance!.dataSync());
      } finally {
        trainer.dispose();
      }
    };
    // 3 steps: at 0.99 the initial variance of 1 still weighs 0.97; at 0 only the last batch counts,
    // and the first conv layer's pre-activations on digit pixels vary far less than 1 (He init: about 2·E[x²]).
    for (const v of movingVariance({})) expect(Math.abs(v - 1)).toBeLessThan(0.05);
    expect(movingVariance({ batchNormMomentum: 0.99 })).toEqual(movingVariance({}));
    for (const v of movingVariance({ batchNormMomentum: 0 })) expect(Math.abs(v - 1)).toBeGreaterThan(0.5);
  });

  it('the exported model of a CNN loads in TF.js and predicts what the trained network computes', async () => {
    for (const model of [
      { batchNorm: true },
      { activation: 'prelu', convStride: 2, pooling: 'avg', convPadding: 'valid' },
      { activation: 'leaky_relu', pooling: 'none', convKernel: 5 },
    ]) {
      const config = mnistConfig(model);
      const data = loadDataset(config.dataset, 1);
      const trainer = new GraphTrainer(config, 1, data);
      try {
        const { artifacts } = trainer.run();
        const loaded = await loadArtifacts(artifacts);
        const x = tf.tensor2d(artifacts.probeInputs, [artifacts.probeIndices.length, artifacts.inputSize]);
        const predicted = loaded.predict(x) as tf.Tensor;
        const expected = tf.tidy(() => tf.softmax(graphForward(trainer.net, x, false).output));
        expect(maxAbsDiff(predicted.dataSync(), expected.dataSync())).toBeLessThan(1e-4);
        tf.dispose([x, predicted, expected]);
        loaded.dispose();
      } finally {
        trainer.dispose();
      }
    }
  });

  it('residual and layer-normalized MLPs train with autodiff, measured on the pre-activation, and export loadable models', async () => {
    for (const model of [
      { residual: true },
      { layerNorm: true },
      { residual: true, layerNorm: true, activation: 'prelu' },
    ]) {
      const config = runConfig({ dataset: { kind: 'blobs', samples: 160, features: 4, classes: 3 }, model: { hiddenLayers: 3, width: 8, ...model }, training: { optimizer: 'adam', learningRate: 0.02, batchSize: 16, epochs: 2 } });
      const data = loadDataset(config.dataset, 1);
      const trainer = createTrainer(config, 1, data);
      expect(trainer).toBeInstanceOf(GraphTrainer);
      try {
        const result = trainer.run();
        expect(result.status).toBe('completed');
        expect(result.epochs[2].trainLoss).toBeLessThan(result.epochs[0].trainLoss);
        expect(result.epochs[0].layers.map((l) => l.units)).toEqual([8, 8, 8]);
        const loaded = await loadArtifacts(result.artifacts);
        const x = tf.tensor2d(result.artifacts.probeInputs, [result.artifacts.probeIndices.length, 4]);
        const predicted = loaded.predict(x) as tf.Tensor;
        const expected = tf.tidy(() => tf.softmax(graphForward((trainer as GraphTrainer).net, x, false).output));
        expect(maxAbsDiff(predicted.dataSync(), expected.dataSync())).toBeLessThan(1e-4);
        tf.dispose([x, predicted, expected]);
        loaded.dispose();
      } finally {
        trainer.dispose();
      }
    }
  });

  it('networks that train with autodiff are never batched', () => {
    expect(batchKey(mnistConfig({}))).toBeNull();
    expect(batchKey(runConfig({ dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2 }, model: { hiddenLayers: 2, width: 4, residual: true } }))).toBeNull();
    expect(batchKey(runConfig({ dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2 }, model: { hiddenLayers: 2, width: 4 } }))).not.toBeNull();
  });
});
