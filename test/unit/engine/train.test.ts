import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, INITS, KERNEL_INITS, validateExperiment, type RunConfig } from '../../../shared/config.js';
import type { EpochMetrics, RunArtifacts } from '../../../shared/metrics.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { loadDataset } from '../../../electron/engine/datasets/index.js';
import { activate, buildNetwork, disposeNetwork, forward, trainableVariables, type Network } from '../../../electron/engine/model.js';
import { Trainer, trainRun } from '../../../electron/engine/train.js';
import type { Dataset } from '../../../electron/engine/types.js';

/** A tiny run: 2 × 8 network, 3-class blobs with 4 features, 120 samples. */
function config(patch: { model?: Record<string, unknown>; training?: Record<string, unknown>; dataset?: Record<string, unknown> } = {}): RunConfig {
  // `widths` replaces hiddenLayers × width.
  const model = patch.model?.widths ? { ...patch.model } : { hiddenLayers: 2, width: 8, ...patch.model };
  const result = validateExperiment({
    name: 'train test',
    // A patch with its own kind replaces the data set.
    dataset: patch.dataset?.kind ? patch.dataset : { kind: 'blobs', samples: 120, features: 4, classes: 3, ...patch.dataset },
    model,
    training: { optimizer: 'adam', learningRate: 0.02, batchSize: 16, epochs: 2, ...patch.training },
    probe: { samples: 48 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

function data(cfg: RunConfig, seed = 1): Dataset {
  return loadDataset(cfg.dataset, seed);
}

/** Every number of a run's epochs except wall-clock timings. */
function numbers(epochs: EpochMetrics[]): unknown[] {
  return epochs.map((e) => ({
    epoch: e.epoch,
    trainLoss: e.trainLoss,
    trainAccuracy: e.trainAccuracy,
    valLoss: e.valLoss,
    valAccuracy: e.valAccuracy,
    layers: e.layers.map((l) => ({
      dead: l.deadFraction,
      active: l.activeProbability,
      dormant: l.dormantFraction,
      grad: l.gradNorm,
      mean: l.preActMean,
      std: l.preActStd,
      hist: l.histogram,
      mask: Array.from(l.deadMask),
      alphas: l.preluAlphas ? Array.from(l.preluAlphas) : null,
    })),
  }));
}

/** The stored artifacts as a tf.LayersModel. */
async function loadArtifacts(artifacts: RunArtifacts): Promise<tf.LayersModel> {
  const bytes = artifacts.weightData.slice();
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.modelTopology as tf.io.ModelArtifacts['modelTopology'],
      weightSpecs: artifacts.weightSpecs,
      weightData: bytes.buffer,
    }),
  );
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`training on ${backend}`, () => {
    beforeAll(async () => {
      const info = await initBackend(backend);
      expect(info.backend).toBe(backend);
    });

    it('every activation trains with finite, decreasing loss, batch norm off and on', () => {
      for (const activation of ACTIVATIONS) {
        for (const batchNorm of [false, true]) {
          const cfg = config({ model: { activation, batchNorm } });
          const result = trainRun(cfg, 3, data(cfg, 3));
          const where = `${activation}, batchNorm ${batchNorm}`;
          expect(result.status, where).toBe('completed');
          expect(result.epochs.map((e) => e.epoch), where).toEqual([0, 1, 2]);
          for (const e of result.epochs) {
            expect(Number.isFinite(e.trainLoss), where).toBe(true);
            expect(Number.isFinite(e.valLoss), where).toBe(true);
            expect(e.layers, where).toHaveLength(2);
          }
          expect(result.epochs[2].trainLoss, where).toBeLessThan(result.epochs[0].trainLoss);
          expect(tf.getBackend()).toBe(backend);
        }
      }
    });

    it('every initializer trains with finite, decreasing loss, batch norm off and on', () => {
      for (const init of INITS) {
        for (const batchNorm of [false, true]) {
          const cfg = config({ model: { init, batchNorm, initStd: 0.2 } });
          const result = trainRun(cfg, 4, data(cfg, 4));
          const where = `${init}, batchNorm ${batchNorm}`;
          expect(result.status, where).toBe('completed');
          expect(result.epochs.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss)), where).toBe(true);
          expect(result.epochs[2].trainLoss, where).toBeLessThan(result.epochs[0].trainLoss);
        }
      }
    });

    it('the custom dense gradient equals TF.js’ default matMul gradient', () => {
      for (const activation of ['relu', 'prelu', 'tanh'] as const) {
        const cfg = config({ model: { widths: [7, 5], activation, batchNorm: activation === 'tanh' } });
        const net = buildNetwork(cfg.model, 4, 3, 11);
        const x = tf.randomNormal([13, 4], 0, 1, 'float32', 5) as tf.Tensor2D;
        const y = tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0], 'int32'), 3).toFloat();
        const vars = trainableVariables(net);
        const custom = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, forward(net, x, true).output) as tf.Scalar, vars);
        const reference = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, referenceForward(net, x)) as tf.Scalar, vars);
        expect(custom.value.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0], 5);
        for (const v of vars) {
          const a = custom.grads[v.name].dataSync();
          const b = reference.grads[v.name].dataSync();
          const scale = Math.max(1e-3, ...Array.from(b, Math.abs));
          expect(maxAbsDiff(a, b) / scale, `${activation}: ${v.name}`).toBeLessThan(1e-4);
        }
        tf.dispose([x, y, custom.value, reference.value, ...Object.values(custom.grads), ...Object.values(reference.grads)]);
        disposeNetwork(net);
      }
    });

    it('leaky ReLU slope is 0.01 and PReLU slopes start at 0.25', () => {
      const cfgLeaky = config({ model: { activation: 'leaky_relu' } });
      expect(cfgLeaky.model.leakyAlpha).toBe(0.01);
      const out = tf.tidy(() => activate(tf.tensor2d([[-1, -250, 2]]), 'leaky_relu', cfgLeaky.model, null).dataSync());
      expect(Array.from(out)).toEqual([Math.fround(-0.01), Math.fround(-2.5), 2]);

      // Through the network: a negative pre-activation comes out multiplied by 0.01.
      const net = buildNetwork(cfgLeaky.model, 4, 3, 2);
      const x = tf.randomNormal([20, 4], 0, 2, 'float32', 1) as tf.Tensor2D;
      const f = forward(net, x, false);
      const z = f.preActs[0].dataSync();
      const a = f.acts[0].dataSync();
      let negatives = 0;
      for (let i = 0; i < z.length; i++) {
        if (z[i] < 0) {
          negatives++;
          expect(a[i]).toBeCloseTo(0.01 * z[i], 6);
        } else expect(a[i]).toBe(z[i]);
      }
      expect(negatives).toBeGreaterThan(0);
      tf.dispose([x, f.output, ...f.preActs, ...f.acts]);
      disposeNetwork(net);

      const cfg = config({ model: { activation: 'prelu', batchNorm: true } });
      const result = trainRun(cfg, 1, data(cfg));
      for (const layer of result.epochs[0].layers) {
        expect(Array.from(layer.preluAlphas!)).toEqual(new Array(8).fill(0.25));
      }
      // They are learned: after training they have moved.
      expect(Array.from(result.epochs[2].layers[0].preluAlphas!).some((a) => a !== 0.25)).toBe(true);
    });

    it('divergence stops the run as diverged, keeping the epochs before it', () => {
      // (A ReLU network at a huge learning rate usually dies entirely instead: constant output, finite loss.)
      const cfg = config({ model: { activation: 'leaky_relu' }, training: { optimizer: 'sgd', learningRate: 10, epochs: 5 } });
      const result = trainRun(cfg, 1, data(cfg));
      expect(result.status).toBe('diverged');
      expect(result.reason).toBe('loss became NaN in epoch 2, batch 2');
      // Epochs 0 and 1 were measured; the diverged epoch is not a measurement point.
      expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
      expect(result.epochs.every((e) => Number.isFinite(e.trainLoss))).toBe(true);
      // The model is still exported (from the last weights).
      expect(result.artifacts.weightSpecs.length).toBeGreaterThan(0);

      const immediate = config({ model: { activation: 'elu' }, training: { optimizer: 'sgd', learningRate: 1000, epochs: 5 } });
      const first = trainRun(immediate, 1, data(immediate));
      expect(first.status).toBe('diverged');
      expect(first.reason).toMatch(/^loss became (NaN|Infinity|-Infinity) in epoch 1, batch \d+$/);
      expect(first.epochs.map((e) => e.epoch)).toEqual([0]);
    });

    it('non-finite pre-activations at initialization end the run as diverged, naming layer and epoch; NaN metrics and gradNorm', () => {
      const cfg = config({ training: { epochs: 3 } });
      const trainer = new Trainer(cfg, 1, data(cfg));
      try {
        // Weights this large overflow float32 in the second hidden layer.
        const kernel = trainer.net.hidden[1].kernel;
        kernel.assign(tf.fill(kernel.shape, 1e38));
        const result = trainer.run();
        expect(result.status).toBe('diverged');
        expect(result.reason).toBe('the pre-activations of layer 2 became NaN or ±Infinity at initialization (epoch 0)');
        expect(result.epochs.map((e) => e.epoch)).toEqual([0]);
        const [first, second] = result.epochs[0].layers;
        expect(Number.isFinite(first.deadFraction)).toBe(true);
        for (const key of ['deadFraction', 'activeProbability', 'dormantFraction', 'preActMean', 'preActStd'] as const) expect(second[key], key).toBeNaN();
        // A non-finite gradient is NaN, not "no gradient" (null).
        expect(second.gradNorm).toBeNaN();
        expect(Array.from(second.deadMask)).toEqual(new Array(8).fill(0));
      } finally {
        trainer.dispose();
      }
    });

    it('weights that overflow in the last step of an epoch: that epoch is measured with NaN, the run ends diverged after it', () => {
      const cfg = config({ training: { epochs: 3 } });
      const trainer = new Trainer(cfg, 2, data(cfg, 2));
      try {
        const result = trainer.run({
          // After the last batch of epoch 1 (6 batches per epoch), the first layer's weights blow up.
          onProgress: (fraction) => {
            if (Math.abs(fraction - 1 / 3) < 1e-9) {
              const kernel = trainer.net.hidden[0].kernel;
              kernel.assign(tf.fill(kernel.shape, Infinity));
            }
          },
        });
        expect(result.status).toBe('diverged');
        expect(result.reason).toBe('the pre-activations of layer 1 became NaN or ±Infinity after epoch 1');
        expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
        expect(Number.isFinite(result.epochs[1].trainLoss)).toBe(true);
        expect(result.epochs[1].layers.every((l) => Number.isNaN(l.deadFraction))).toBe(true);
        expect(result.epochs[0].layers.every((l) => Number.isFinite(l.deadFraction))).toBe(true);
      } finally {
        trainer.dispose();
      }
    });

    it('shouldStop cancels between batches', () => {
      const cfg = config({ training: { epochs: 5 } });
      let polls = 0;
      const seen: number[] = [];
      const result = trainRun(cfg, 1, data(cfg), {
        onEpoch: (m) => seen.push(m.epoch),
        shouldStop: () => ++polls > 9, // 6 batches per epoch: stops in epoch 2
      });
      expect(result.status).toBe('cancelled');
      expect(result.reason).toBeNull();
      expect(seen).toEqual([0, 1]);
      expect(result.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    });

    it('is deterministic for a config, seed and backend; another seed differs', () => {
      const cfg = config({ model: { activation: 'prelu', batchNorm: true }, training: { optimizer: 'sgd', learningRate: 0.1 } });
      const a = trainRun(cfg, 5, data(cfg, 5));
      const b = trainRun(cfg, 5, data(cfg, 5));
      const c = trainRun(cfg, 6, data(cfg, 6));
      expect(numbers(a.epochs)).toEqual(numbers(b.epochs));
      expect(Array.from(a.artifacts.weightData)).toEqual(Array.from(b.artifacts.weightData));
      expect(a.artifacts.probeIndices).toEqual(b.artifacts.probeIndices);
      expect(numbers(c.epochs)).not.toEqual(numbers(a.epochs));
      expect(c.epochs.map((e) => e.trainLoss)).not.toEqual(a.epochs.map((e) => e.trainLoss));
    });

    it('exported artifacts load with tf.loadLayersModel and predict like the engine', async () => {
      const cases: { name: string; cfg: RunConfig }[] = [
        { name: 'relu', cfg: config() },
        { name: 'prelu + batch norm', cfg: config({ model: { activation: 'prelu', batchNorm: true, widths: [6, 5, 4] } }) },
        { name: 'leaky_relu + batch norm', cfg: config({ model: { activation: 'leaky_relu', batchNorm: true } }) },
        { name: 'elu', cfg: config({ model: { activation: 'elu' } }) },
        { name: 'selu', cfg: config({ model: { activation: 'selu', init: 'lecun_normal' } }) },
        { name: 'gelu', cfg: config({ model: { activation: 'gelu' } }) },
        { name: 'swish', cfg: config({ model: { activation: 'swish' } }) },
        { name: 'tanh', cfg: config({ model: { activation: 'tanh' } }) },
        {
          name: 'regression (abs1d) + batch norm',
          cfg: config({ dataset: { kind: 'abs1d', samples: 64 }, model: { batchNorm: true } }),
        },
      ];
      for (const { name, cfg } of cases) {
        const d = data(cfg, 2);
        const trainer = new Trainer(cfg, 2, d);
        try {
          const result = trainer.run();
          expect(result.status, name).toBe('completed');
          const { artifacts } = result;
          expect(artifacts.inputSize).toBe(d.inputSize);
          expect(artifacts.probeInputs.length).toBe(artifacts.probeIndices.length * d.inputSize);
          const model = await loadArtifacts(artifacts);
          const x = tf.tensor2d(artifacts.probeInputs, [artifacts.probeIndices.length, d.inputSize]);
          const predicted = (model.predict(x) as tf.Tensor).dataSync();
          const engine = tf.tidy(() => {
            const logits = forward(trainer.net, x, false).output;
            return d.task === 'classification' ? tf.softmax(logits) : logits;
          });
          const expected = engine.dataSync();
          expect(maxAbsDiff(predicted, expected), name).toBeLessThan(1e-4);
          if (cfg.model.batchNorm) expect(model.layers.some((l) => l.getClassName() === 'BatchNormalization'), name).toBe(true);
          if (cfg.model.activation === 'prelu') {
            const prelu = model.layers.find((l) => l.getClassName() === 'PReLU')!;
            expect(Array.from(prelu.getWeights()[0].dataSync())).toEqual(Array.from(trainer.net.hidden[0].preluAlpha!.dataSync()));
          }
          tf.dispose([x, engine]);
          model.dispose();
        } finally {
          trainer.dispose();
        }
      }
    });

    it('frees every tensor it creates', () => {
      // Warm up (kernels, optimizer slots of a first run) before counting.
      const cfg = config({ model: { activation: 'prelu', batchNorm: true }, training: { optimizer: 'adam' } });
      trainRun(cfg, 1, data(cfg));
      const start = tf.memory().numTensors;
      for (const c of [
        cfg,
        config({ training: { optimizer: 'momentum', learningRate: 0.05 } }),
        config({ training: { optimizer: 'rmsprop', learningRate: 0.01 } }),
        config({ model: { activation: 'leaky_relu' }, training: { optimizer: 'sgd', learningRate: 10, epochs: 3 } }), // diverges
        config({ dataset: { kind: 'abs1d', samples: 40 }, training: { epochs: 0 } }),
      ]) {
        trainRun(c, 1, data(c));
        expect(tf.memory().numTensors).toBe(start);
      }
      // Cancelled runs too.
      trainRun(cfg, 1, data(cfg), { shouldStop: () => true });
      expect(tf.memory().numTensors).toBe(start);
    });
  });
}

describe('model.outputInit', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const outputWeights = (model: Record<string, unknown>, seed = 3) => {
    const cfg = config({ model: { widths: [16, 9], ...model } });
    const net = buildNetwork(cfg.model, 4, 3, seed);
    try {
      return { kernel: Array.from(net.outKernel.dataSync()), bias: Array.from(net.outBias.dataSync()), hidden: Array.from(net.hidden[1].kernel.dataSync()) };
    } finally {
      disposeNetwork(net);
    }
  };

  it('absent means glorot_uniform (Keras), drawn after the hidden layers: the same weights as before the option existed', () => {
    const absent = outputWeights({});
    expect(outputWeights({ outputInit: 'glorot_uniform' })).toEqual(absent);
    const limit = Math.sqrt(6 / (9 + 3));
    expect(absent.kernel.every((w) => Math.abs(w) <= limit)).toBe(true);
    expect(absent.bias).toEqual([0, 0, 0]);
  });

  it("torch_linear is PyTorch's nn.Linear default: kernel and bias U(±1/√fan_in), biasInit does not apply", () => {
    const torch = outputWeights({ outputInit: 'torch_linear', biasInit: 0.5 });
    const bound = 1 / Math.sqrt(9);
    expect(torch.kernel).toHaveLength(27);
    expect(torch.kernel.every((w) => Math.abs(w) <= bound)).toBe(true);
    expect(Math.max(...torch.kernel.map(Math.abs))).toBeGreaterThan(bound * 0.8);
    expect(torch.bias.every((b) => Math.abs(b) <= bound)).toBe(true);
    expect(new Set(torch.bias).size).toBe(3);
    // The hidden layers are untouched by the choice.
    expect(torch.hidden).toEqual(outputWeights({ biasInit: 0.5 }).hidden);
  });

  it('every kernel initializer can be used for the output layer (normal uses initStd)', () => {
    for (const outputInit of KERNEL_INITS) {
      const w = outputWeights({ outputInit, initStd: 0.01 });
      expect(w.kernel.every(Number.isFinite), outputInit).toBe(true);
    }
    const normal = outputWeights({ outputInit: 'normal', initStd: 1e-4 });
    expect(Math.max(...normal.kernel.map(Math.abs))).toBeLessThan(1e-3);
    const he = outputWeights({ outputInit: 'he_uniform' });
    expect(he.kernel.every((w) => Math.abs(w) <= Math.sqrt(6 / 9))).toBe(true);
    expect(he.kernel).not.toEqual(outputWeights({}).kernel);
  });

  it('a torch_linear output trains', () => {
    const cfg = config({ model: { outputInit: 'torch_linear' } });
    const result = trainRun(cfg, 1, data(cfg));
    expect(result.status).toBe('completed');
    expect(result.epochs[2].trainLoss).toBeLessThan(result.epochs[0].trainLoss);
  });
});

/** The same network with plain TF.js ops (default matMul gradient), for comparing gradients. */
function referenceForward(net: Network, x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  for (const layer of net.hidden) {
    let z = tf.add(tf.matMul(h, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
    if (layer.gamma && layer.beta) {
      const { mean, variance } = tf.moments(z, 0);
      z = tf.batchNorm(z, mean, variance, layer.beta as tf.Tensor1D, layer.gamma as tf.Tensor1D, 1e-3) as tf.Tensor2D;
    }
    h = activate(z, net.config.activation, net.config, layer.preluAlpha);
  }
  return tf.add(tf.matMul(h, net.outKernel as tf.Tensor2D), net.outBias) as tf.Tensor2D;
}
