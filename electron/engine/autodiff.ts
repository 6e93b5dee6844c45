/**
 * Networks trained with TF.js' automatic differentiation: convolutional networks (`model.kind: "cnn"`),
 * and MLPs with residual connections or layer normalization. The hand-written MLP step (mlp.ts) carries
 * neither convolutions nor these blocks; here the forward pass is written once and tf.variableGrads
 * differentiates it.
 *
 * Layers, in order: convolutional layers (convolution + bias, batch norm per channel when on, the
 * activation, pooling), then dense layers (product + bias, batch norm or layer norm when on, the
 * activation, and with `residual` the block's input added to the activation from the second dense
 * layer on: h ← h + f(z)), then the linear output layer. The probe reads each hidden layer's
 * pre-activation z: the input of its activation function (after normalization, before pooling and
 * before the residual addition).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../shared/config.js';
import { convPlan, denseWidths, trainsWithAutodiff, type ConvLayerPlan, type ImageShape } from '../../shared/architecture.js';
import { Rng } from './rng.js';
import { activate, BN_EPSILON, dense, initHiddenLayer, initialLayerVectors, initOutputLayer, initialValues, type HiddenLayer } from './model.js';
import { conv2dWithBias } from './conv.js';

/** Keras' LayerNormalization default, so the exported model computes the same. */
export const LN_EPSILON = 1e-3;

/** A hidden layer: the MLP's parameters (`units` are a convolution's channels), plus its kind and blocks. */
export interface GraphLayer extends HiddenLayer {
  kind: 'conv' | 'dense';
  /** The convolution's sizes (conv layers only); its kernel is k × k × in × out. */
  plan: ConvLayerPlan | null;
  /** Layer normalization's gain and offset (dense layers with `layerNorm`). */
  lnGamma: tf.Variable | null;
  lnBeta: tf.Variable | null;
}

export interface GraphNet {
  config: ModelConfig;
  inputSize: number;
  outputSize: number;
  /** The input image (cnn), null for MLPs. */
  image: ImageShape | null;
  layers: GraphLayer[];
  outKernel: tf.Variable;
  outBias: tf.Variable;
}

export interface GraphPass {
  output: tf.Tensor2D;
  /** Per hidden layer: the activation's input (conv: B × H × W × C; dense: B × units). */
  preActs: tf.Tensor[];
  /** Per hidden layer: the activation's output (before pooling and the residual addition). */
  acts: tf.Tensor[];
  /** Per hidden layer in training mode with batch norm: the batch mean and variance, else null. */
  batchStats: ({ mean: tf.Tensor; variance: tf.Tensor; count: number } | null)[];
}

let graphCounter = 0;

/** Builds a network with seeded initial weights; `image` is required for a cnn. */
export function buildGraphNet(config: ModelConfig, image: ImageShape | null, inputSize: number, outputSize: number, seed: number): GraphNet {
  if (!trainsWithAutodiff(config)) throw new Error('a plain MLP trains with the MLP step (train.ts)');
  const prefix = `graph${++graphCounter}`;
  const v = (values: Float32Array | null, shape: number[], name: string, trainable = true): tf.Variable | null => {
    if (!values) return null;
    const t = tf.tensor(values, shape);
    const variable = tf.variable(t, trainable, `${prefix}/${name}`);
    t.dispose();
    return variable;
  };
  const filled = (n: number, value: number) => new Float32Array(n).fill(value);
  const normalization = (size: number, l: number, config: ModelConfig) => {
    const initial = initialLayerVectors(config, size);
    return {
      gamma: v(initial.gamma, [size], `l${l}/gamma`),
      beta: v(initial.beta, [size], `l${l}/beta`),
      movingMean: v(initial.movingMean, [size], `l${l}/moving_mean`, false),
      movingVariance: v(initial.movingVariance, [size], `l${l}/moving_variance`, false),
      lnGamma: v(config.layerNorm ? filled(size, 1) : null, [size], `l${l}/ln_gamma`),
      lnBeta: v(config.layerNorm ? filled(size, 0) : null, [size], `l${l}/ln_beta`),
      preluAlpha: v(initial.preluAlpha, [size], `l${l}/alpha`),
    };
  };

  if (config.kind !== 'cnn') {
    // The MLP's own initial weights (the same numbers as a plain MLP of this seed), plus the blocks.
    const values = initialValues(config, inputSize, outputSize, seed);
    let fanIn = inputSize;
    const layers = values.hidden.map((h, l): GraphLayer => {
      const layer: GraphLayer = {
        kind: 'dense',
        units: h.units,
        plan: null,
        kernel: v(h.kernel, [fanIn, h.units], `l${l}/kernel`)!,
        bias: v(h.bias, [h.units], `l${l}/bias`)!,
        ...normalization(h.units, l, config),
      };
      fanIn = h.units;
      return layer;
    });
    return {
      config,
      inputSize,
      outputSize,
      image: null,
      layers,
      outKernel: v(values.outKernel, [fanIn, outputSize], 'out/kernel')!,
      outBias: v(values.outBias, [outputSize], 'out/bias')!,
    };
  }

  if (!image) throw new Error('a convolutional network needs image data');
  const plan = convPlan(config, image);
  if ('problem' in plan) throw new Error(plan.problem);
  const rng = new Rng(seed, 'init');
  const layers: GraphLayer[] = [];
  for (const conv of plan.layers) {
    const l = layers.length;
    const k = conv.kernel;
    const inChannels = conv.input[2];
    // Keras' fans for a convolution: receptive field × input channels, receptive field × filters.
    const { kernel, bias } = initHiddenLayer(config, k * k * inChannels, k * k * conv.filters, rng, conv.filters);
    layers.push({
      kind: 'conv',
      units: conv.filters,
      plan: conv,
      kernel: v(kernel, [k, k, inChannels, conv.filters], `l${l}/kernel`)!,
      bias: v(bias, [conv.filters], `l${l}/bias`)!,
      ...normalization(conv.filters, l, config),
    });
  }
  let fanIn = plan.flatSize;
  for (const units of denseWidths(config)) {
    const l = layers.length;
    const { kernel, bias } = initHiddenLayer(config, fanIn, units, rng);
    layers.push({
      kind: 'dense',
      units,
      plan: null,
      kernel: v(kernel, [fanIn, units], `l${l}/kernel`)!,
      bias: v(bias, [units], `l${l}/bias`)!,
      ...normalization(units, l, config),
    });
    fanIn = units;
  }
  const out = initOutputLayer(config, fanIn, outputSize, rng);
  return {
    config,
    inputSize,
    outputSize,
    image,
    layers,
    outKernel: v(out.kernel, [fanIn, outputSize], 'out/kernel')!,
    outBias: v(out.bias ?? filled(outputSize, config.biasInit), [outputSize], 'out/bias')!,
  };
}

/** The trainable variables, in a fixed order (the optimizer's state follows it). */
export function graphTrainable(net: GraphNet): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const l of net.layers) {
    for (const t of [l.kernel, l.bias, l.gamma, l.beta, l.lnGamma, l.lnBeta, l.preluAlpha]) if (t) vars.push(t);
  }
  vars.push(net.outKernel, net.outBias);
  return vars;
}

export function disposeGraphNet(net: GraphNet): void {
  const all = [...graphTrainable(net)];
  for (const l of net.layers) for (const t of [l.movingMean, l.movingVariance]) if (t) all.push(t);
  tf.dispose(all);
}

/**
 * Forward pass. Batch norm uses the batch's statistics in training mode (over rows, and over positions
 * for a convolution: per channel), else the moving averages; layer norm normalizes each row over the
 * layer's units.
 */
export function graphForward(net: GraphNet, x: tf.Tensor2D, training: boolean): GraphPass {
  const preActs: tf.Tensor[] = [];
  const acts: tf.Tensor[] = [];
  const batchStats: GraphPass['batchStats'] = [];
  const rows = x.shape[0];
  let h: tf.Tensor = net.image ? tf.reshape(x, [rows, ...net.image]) : x;
  let denseIndex = 0;
  for (const layer of net.layers) {
    if (layer.kind === 'dense' && h.rank > 2) h = tf.reshape(h, [rows, -1]);
    let z =
      layer.kind === 'conv'
        ? conv2dWithBias(h as tf.Tensor4D, layer.kernel, layer.bias, layer.plan!.stride, layer.plan!.padding)
        : dense(h as tf.Tensor2D, layer.kernel as tf.Tensor2D, layer.bias as tf.Tensor1D);
    let stats: GraphPass['batchStats'][number] = null;
    if (layer.gamma && layer.beta) {
      const axes = Array.from({ length: z.rank - 1 }, (_, i) => i);
      let mean: tf.Tensor = layer.movingMean!;
      let variance: tf.Tensor = layer.movingVariance!;
      if (training) {
        mean = tf.mean(z, axes);
        variance = tf.mean(tf.square(tf.sub(z, mean)), axes);
        stats = { mean, variance, count: z.size / layer.units };
      }
      z = tf.add(tf.mul(tf.mul(tf.sub(z, mean), tf.rsqrt(tf.add(variance, BN_EPSILON))), layer.gamma), layer.beta);
    }
    if (layer.lnGamma && layer.lnBeta) {
      const mean = tf.mean(z, -1, true);
      const centred = tf.sub(z, mean);
      const variance = tf.mean(tf.square(centred), -1, true);
      z = tf.add(tf.mul(tf.mul(centred, tf.rsqrt(tf.add(variance, LN_EPSILON))), layer.lnGamma), layer.lnBeta);
    }
    batchStats.push(stats);
    const a = activate(z as tf.Tensor2D, net.config.activation, net.config, layer.preluAlpha);
    preActs.push(z);
    acts.push(a);
    if (layer.kind === 'conv') {
      const { pooling, poolSize } = layer.plan!;
      h = pooling === 'max' ? tf.maxPool(a as unknown as tf.Tensor4D, poolSize, poolSize, 'valid') : pooling === 'avg' ? tf.avgPool(a as unknown as tf.Tensor4D, poolSize, poolSize, 'valid') : a;
    } else {
      h = net.config.residual && denseIndex > 0 ? tf.add(h, a) : a;
      denseIndex++;
    }
  }
  if (h.rank > 2) h = tf.reshape(h, [rows, -1]);
  const output = dense(h as tf.Tensor2D, net.outKernel as tf.Tensor2D, net.outBias as tf.Tensor1D);
  return { output, preActs, acts, batchStats };
}
