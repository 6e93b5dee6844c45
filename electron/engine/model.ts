/**
 * The multilayer perceptron a run trains: hidden dense layers (optionally batch-normalized) with the
 * configured activation, and a linear output layer. Parameters are plain tf.Variables so the
 * training loop controls every step and the probe can read every pre-activation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, ModelConfig } from '../../shared/config.js';
import { layerWidths } from '../../shared/config.js';
import { Rng } from './rng.js';

/** Keras' BatchNormalization defaults, so the exported model behaves the same. */
export const BN_MOMENTUM = 0.99;
export const BN_EPSILON = 1e-3;

export interface HiddenLayer {
  units: number;
  kernel: tf.Variable;
  bias: tf.Variable;
  /** Batch norm parameters and statistics (when `batchNorm` is on). */
  gamma: tf.Variable | null;
  beta: tf.Variable | null;
  movingMean: tf.Variable | null;
  movingVariance: tf.Variable | null;
  /** Learned per-unit slopes (PReLU only). */
  preluAlpha: tf.Variable | null;
}

export interface Network {
  inputSize: number;
  outputSize: number;
  config: ModelConfig;
  hidden: HiddenLayer[];
  outKernel: tf.Variable;
  outBias: tf.Variable;
}

export interface ForwardResult {
  output: tf.Tensor2D;
  /** Per hidden layer, the input of the activation function. */
  preActs: tf.Tensor2D[];
  /** Per hidden layer, the activation output. */
  acts: tf.Tensor2D[];
  /** Per batch-normalized layer in training mode: the batch mean and variance. */
  batchStats: { mean: tf.Tensor1D; variance: tf.Tensor1D }[];
}

/**
 * Dense layer whose backward pass uses explicit transposes and untransposed matMuls: on the wasm
 * backend a matMul with transposeA/transposeB runs an order of magnitude slower than transpose +
 * plain matMul, and the default gradient of matMul uses the transposed forms.
 */
type DenseGradFunc = (
  x: tf.Tensor,
  w: tf.Tensor,
  b: tf.Tensor,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };
const customGrad3 = tf.customGrad as unknown as (f: DenseGradFunc) => (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

const dense = customGrad3((x, w, b, save) => {
  save([x, w]);
  const value = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sx, sw] = saved as tf.Tensor2D[];
    const dy2 = dy as tf.Tensor2D;
    return [tf.matMul(dy2, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy2), tf.sum(dy2, 0)];
  };
  return { value, gradFunc };
});

/** Draws a fan_in × fan_out kernel with the configured initializer. */
export function initKernel(init: ModelConfig['init'], fanIn: number, fanOut: number, rng: Rng, initStd: number): Float32Array {
  const out = new Float32Array(fanIn * fanOut);
  switch (init) {
    case 'he_normal': {
      // Keras/TF.js he_normal is a truncated normal with std sqrt(2/fan_in) / .87962566 (the
      // truncation correction); He et al. define it as a plain normal N(0, 2/fan_in), which we use.
      const std = Math.sqrt(2 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
      break;
    }
    case 'he_uniform': {
      const limit = Math.sqrt(6 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
    case 'glorot_normal': {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
      break;
    }
    case 'glorot_uniform': {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
      break;
    }
    case 'lecun_normal': {
      const std = Math.sqrt(1 / fanIn);
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, std);
      break;
    }
    case 'normal':
      for (let i = 0; i < out.length; i++) out[i] = rng.normal(0, initStd);
      break;
  }
  return out;
}

/**
 * The output layer's initial kernel (fan_in × fan_out) and, for `torch_linear`, its bias (PyTorch's
 * nn.Linear default: kaiming_uniform with a = √5 for the weights, which is U(±1/√fan_in), and
 * U(±1/√fan_in) for the bias). Other choices draw the kernel like a hidden layer and leave the bias
 * to `biasInit` (bias null).
 */
export function initOutputLayer(
  config: Pick<ModelConfig, 'outputInit' | 'initStd'>,
  fanIn: number,
  fanOut: number,
  rng: Rng,
): { kernel: Float32Array; bias: Float32Array | null } {
  const choice = config.outputInit ?? 'glorot_uniform';
  if (choice !== 'torch_linear') return { kernel: initKernel(choice, fanIn, fanOut, rng, config.initStd), bias: null };
  const bound = 1 / Math.sqrt(fanIn);
  const kernel = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < kernel.length; i++) kernel[i] = rng.uniform(-bound, bound);
  const bias = new Float32Array(fanOut);
  for (let i = 0; i < bias.length; i++) bias[i] = rng.uniform(-bound, bound);
  return { kernel, bias };
}

/** Builds a network with seeded initial weights. */
let networkCounter = 0;

/** A variable holding `initial`'s values; the initial tensor is freed (tf.variable copies it). */
function variable(initial: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const v = tf.variable(initial, trainable, name);
  initial.dispose();
  return v;
}

export function buildNetwork(config: ModelConfig, inputSize: number, outputSize: number, seed: number): Network {
  const rng = new Rng(seed, 'init');
  // TF.js variable names are global per process: make them unique per network.
  const prefix = `net${++networkCounter}`;
  const widths = layerWidths(config);
  const hidden: HiddenLayer[] = [];
  let fanIn = inputSize;
  widths.forEach((units, l) => {
    const kernel = variable(tf.tensor2d(initKernel(config.init, fanIn, units, rng, config.initStd), [fanIn, units]), true, `${prefix}/hidden${l}/kernel`);
    const bias = variable(tf.fill([units], config.biasInit), true, `${prefix}/hidden${l}/bias`);
    const bn = config.batchNorm;
    hidden.push({
      units,
      kernel,
      bias,
      gamma: bn ? variable(tf.ones([units]), true, `${prefix}/hidden${l}/gamma`) : null,
      beta: bn ? variable(tf.zeros([units]), true, `${prefix}/hidden${l}/beta`) : null,
      movingMean: bn ? variable(tf.zeros([units]), false, `${prefix}/hidden${l}/moving_mean`) : null,
      movingVariance: bn ? variable(tf.ones([units]), false, `${prefix}/hidden${l}/moving_variance`) : null,
      preluAlpha: config.activation === 'prelu' ? variable(tf.fill([units], config.preluAlphaInit), true, `${prefix}/hidden${l}/alpha`) : null,
    });
    fanIn = units;
  });
  // The output layer is a plain linear read-out (default Glorot uniform, as Keras' Dense). Its weights
  // are drawn from the same stream after the hidden layers', so the default keeps earlier numbers.
  const { kernel: outKernelValues, bias: outBiasValues } = initOutputLayer(config, fanIn, outputSize, rng);
  const outKernel = variable(tf.tensor2d(outKernelValues, [fanIn, outputSize]), true, `${prefix}/output/kernel`);
  const outBias = variable(outBiasValues ? tf.tensor1d(outBiasValues) : tf.fill([outputSize], config.biasInit), true, `${prefix}/output/bias`);
  return { inputSize, outputSize, config, hidden, outKernel, outBias };
}

export function trainableVariables(net: Network): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const h of net.hidden) {
    vars.push(h.kernel, h.bias);
    if (h.gamma && h.beta) vars.push(h.gamma, h.beta);
    if (h.preluAlpha) vars.push(h.preluAlpha);
  }
  vars.push(net.outKernel, net.outBias);
  return vars;
}

export function allVariables(net: Network): tf.Variable[] {
  const vars = trainableVariables(net);
  for (const h of net.hidden) if (h.movingMean && h.movingVariance) vars.push(h.movingMean, h.movingVariance);
  return vars;
}

export function disposeNetwork(net: Network): void {
  for (const v of allVariables(net)) v.dispose();
}

/** The activation function, with the literature's parameters (not TF.js' defaults). */
export function activate(z: tf.Tensor2D, activation: Activation, config: ModelConfig, preluAlpha: tf.Variable | null): tf.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.relu(z);
    case 'leaky_relu':
      return tf.leakyRelu(z, config.leakyAlpha);
    case 'prelu':
      if (!preluAlpha) throw new Error('prelu layer without slopes');
      return tf.prelu(z, preluAlpha as unknown as tf.Tensor2D);
    case 'elu':
      return tf.elu(z);
    case 'selu':
      return tf.selu(z);
    case 'gelu':
      return tf.mul(z, tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))))) as tf.Tensor2D;
    case 'swish':
      return tf.mul(z, tf.sigmoid(z)) as tf.Tensor2D;
    case 'tanh':
      return tf.tanh(z);
  }
}

/**
 * Forward pass. In training mode batch norm uses the batch statistics (returned so the caller can
 * update the moving averages after the step); in inference mode it uses the moving averages.
 */
export function forward(net: Network, x: tf.Tensor2D, training: boolean): ForwardResult {
  const preActs: tf.Tensor2D[] = [];
  const acts: tf.Tensor2D[] = [];
  const batchStats: ForwardResult['batchStats'] = [];
  let h = x;
  for (const layer of net.hidden) {
    let z = dense(h, layer.kernel as tf.Tensor2D, layer.bias as tf.Tensor1D);
    if (layer.gamma && layer.beta && layer.movingMean && layer.movingVariance) {
      let mean: tf.Tensor1D;
      let variance: tf.Tensor1D;
      if (training) {
        const moments = tf.moments(z, 0);
        mean = moments.mean as tf.Tensor1D;
        variance = moments.variance as tf.Tensor1D;
        batchStats.push({ mean, variance });
      } else {
        mean = layer.movingMean as tf.Tensor1D;
        variance = layer.movingVariance as tf.Tensor1D;
      }
      z = tf.batchNorm(z, mean, variance, layer.beta as tf.Tensor1D, layer.gamma as tf.Tensor1D, BN_EPSILON);
    }
    const a = activate(z, net.config.activation, net.config, layer.preluAlpha);
    preActs.push(z);
    acts.push(a);
    h = a;
  }
  const output = dense(h, net.outKernel as tf.Tensor2D, net.outBias as tf.Tensor1D);
  return { output, preActs, acts, batchStats };
}

/** Folds a training step's batch statistics into the moving averages (Keras' update rule). */
export function updateMovingStatistics(net: Network, stats: ForwardResult['batchStats'], batchSize: number): void {
  let k = 0;
  for (const layer of net.hidden) {
    if (!layer.movingMean || !layer.movingVariance) continue;
    const { mean, variance } = stats[k++];
    tf.tidy(() => {
      // Unbiased variance for the moving estimate, as Keras does.
      const correction = batchSize > 1 ? batchSize / (batchSize - 1) : 1;
      layer.movingMean!.assign(tf.add(tf.mul(layer.movingMean!, BN_MOMENTUM), tf.mul(mean, 1 - BN_MOMENTUM)));
      layer.movingVariance!.assign(
        tf.add(tf.mul(layer.movingVariance!, BN_MOMENTUM), tf.mul(tf.mul(variance, correction), 1 - BN_MOMENTUM)),
      );
    });
  }
}
