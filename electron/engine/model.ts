/**
 * The multilayer perceptron a run trains: hidden dense layers (optionally batch-normalized) with the
 * configured activation, and a linear output layer. Parameters are plain tf.Variables so the
 * training loop controls every step and the probe can read every pre-activation.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, KernelInit, ModelConfig } from '../../shared/config.js';
import { layerWidths } from '../../shared/config.js';
import { Rng } from './rng.js';

/** Keras' BatchNormalization defaults, so the exported model behaves the same. */
export const BN_MOMENTUM = 0.99;

/** The moving-average momentum of a network's batch norm: the configured one, else Keras' 0.99. */
export function batchNormMomentum(config: Pick<ModelConfig, 'batchNormMomentum'>): number {
  return config.batchNormMomentum ?? BN_MOMENTUM;
}
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
  /** Runs stacked along a leading axis (see networkFromValues), or null for one run's network. */
  stack: number | null;
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

export const dense = customGrad3((x, w, b, save) => {
  save([x, w]);
  const value = tf.add(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D), b);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [sx, sw] = saved as tf.Tensor2D[];
    const dy2 = dy as tf.Tensor2D;
    return [tf.matMul(dy2, tf.transpose(sw)), tf.matMul(tf.transpose(sx), dy2), tf.sum(dy2, 0)];
  };
  return { value, gradFunc };
});

/**
 * Draws a fan_in × fan_out kernel with the configured initializer (`count` values: a convolution's
 * kernel has k·k·in_channels × out_channels values, with fans k·k·in_channels and k·k·out_channels).
 */
export function initKernel(init: KernelInit, fanIn: number, fanOut: number, rng: Rng, initStd: number, count = fanIn * fanOut): Float32Array {
  const out = new Float32Array(count);
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
 * RAI's σ for Beta(2, 1) (Lu et al. 2019): the symmetric entries of a unit's weights and bias are
 * drawn N(0, σ²/fan_in).
 */
export const RAI_SIGMA = 0.6007;

/**
 * A hidden layer's initial kernel (fan_in × units, row-major, units last: a dense layer's fan_in ×
 * fan_out, or a convolution's k × k × in_channels × filters with fan_in = k·k·in_channels) and bias.
 * `fanOut` is the initializer's fan_out (a convolution's k·k·filters, as Keras counts it). Every
 * initializer but `rai` draws the kernel (initKernel) and leaves the bias at `biasInit`.
 *
 * `rai`, Lu et al.'s randomized asymmetric initialization ("Dying ReLU and Initialization: Theory and
 * Numerical Examples", arXiv:1903.06733): for each unit, the fan_in weights and the bias are drawn
 * N(0, σ²/fan_in) with σ = RAI_SIGMA, then one of these fan_in + 1 entries, chosen uniformly, is
 * replaced by a draw from Beta(2, 1) (positive, mean 2/3), so every unit starts with one positive
 * connection or a positive bias.
 */
export function initHiddenLayer(
  config: Pick<ModelConfig, 'init' | 'initStd' | 'biasInit'>,
  fanIn: number,
  fanOut: number,
  rng: Rng,
  units = fanOut,
): { kernel: Float32Array; bias: Float32Array } {
  if (config.init !== 'rai') {
    return { kernel: initKernel(config.init, fanIn, fanOut, rng, config.initStd, fanIn * units), bias: new Float32Array(units).fill(config.biasInit) };
  }
  const std = RAI_SIGMA / Math.sqrt(fanIn);
  const kernel = new Float32Array(fanIn * units);
  const bias = new Float32Array(units);
  for (let j = 0; j < units; j++) {
    for (let i = 0; i < fanIn; i++) kernel[i * units + j] = rng.normal(0, std);
    bias[j] = rng.normal(0, std);
    const chosen = rng.int(fanIn + 1);
    // Beta(2, 1) by inversion: its CDF is x², so √U.
    const positive = Math.sqrt(rng.next());
    if (chosen === fanIn) bias[j] = positive;
    else kernel[chosen * units + j] = positive;
  }
  return { kernel, bias };
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

let networkCounter = 0;

/** A variable holding `initial`'s values; the initial tensor is freed (tf.variable copies it). */
function variable(initial: tf.Tensor, trainable: boolean, name: string): tf.Variable {
  const v = tf.variable(initial, trainable, name);
  initial.dispose();
  return v;
}

/** One run's parameters and batch-norm statistics as plain arrays (kernels row-major fan_in × fan_out). */
export interface LayerValues {
  units: number;
  kernel: Float32Array;
  bias: Float32Array;
  gamma: Float32Array | null;
  beta: Float32Array | null;
  movingMean: Float32Array | null;
  movingVariance: Float32Array | null;
  preluAlpha: Float32Array | null;
}

export interface NetworkValues {
  inputSize: number;
  outputSize: number;
  config: ModelConfig;
  hidden: LayerValues[];
  outKernel: Float32Array;
  outBias: Float32Array;
}

const filled = (n: number, value: number) => new Float32Array(n).fill(value);

/** The seeded initial weights of a run's network (the same numbers whether it trains alone or stacked). */
export function initialValues(config: ModelConfig, inputSize: number, outputSize: number, seed: number): NetworkValues {
  const rng = new Rng(seed, 'init');
  const widths = layerWidths(config);
  const hidden: LayerValues[] = [];
  let fanIn = inputSize;
  for (const units of widths) {
    const { kernel, bias } = initHiddenLayer(config, fanIn, units, rng);
    hidden.push({ units, kernel, bias, ...initialLayerVectors(config, units) });
    fanIn = units;
  }
  // The output layer is a plain linear read-out (default Glorot uniform, as Keras' Dense). Its weights
  // are drawn from the same stream after the hidden layers', so the default keeps earlier numbers.
  const out = initOutputLayer(config, fanIn, outputSize, rng);
  return { inputSize, outputSize, config, hidden, outKernel: out.kernel, outBias: out.bias ?? filled(outputSize, config.biasInit) };
}

/**
 * A hidden layer's initial per-unit vectors besides the bias (every network, autodiff.ts' too): batch
 * norm's γ = 1, β = 0 and moving statistics (mean 0, variance 1) when it is on, PReLU's slopes at
 * `preluAlphaInit`; null for what the layer does not have.
 */
export function initialLayerVectors(
  config: Pick<ModelConfig, 'batchNorm' | 'activation' | 'preluAlphaInit'>,
  units: number,
): Pick<LayerValues, 'gamma' | 'beta' | 'movingMean' | 'movingVariance' | 'preluAlpha'> {
  const bn = config.batchNorm;
  return {
    gamma: bn ? filled(units, 1) : null,
    beta: bn ? filled(units, 0) : null,
    movingMean: bn ? filled(units, 0) : null,
    movingVariance: bn ? filled(units, 1) : null,
    preluAlpha: config.activation === 'prelu' ? filled(units, config.preluAlphaInit) : null,
  };
}

/** Builds a network with seeded initial weights. */
export function buildNetwork(config: ModelConfig, inputSize: number, outputSize: number, seed: number): Network {
  return networkFromValues([initialValues(config, inputSize, outputSize, seed)], false);
}

/**
 * Variables holding `members`' values: one run's network (`stacked` false: kernels fan_in × fan_out,
 * vectors of the layer's width), or a stack of runs with one architecture (kernels S × fan_in ×
 * fan_out, vectors S × 1 × width).
 */
export function networkFromValues(members: NetworkValues[], stacked: boolean): Network {
  const first = members[0];
  const { config, inputSize, outputSize } = first;
  if (!stacked && members.length !== 1) throw new Error('an unstacked network holds one run');
  const s = members.length;
  // TF.js variable names are global per process: make them unique per network.
  const prefix = `net${++networkCounter}`;
  const matrix = (pick: (m: NetworkValues) => Float32Array, rows: number, cols: number, trainable: boolean, name: string) =>
    variable(stacked ? tf.tensor3d(concatValues(members.map(pick)), [s, rows, cols]) : tf.tensor2d(pick(first), [rows, cols]), trainable, `${prefix}/${name}`);
  const vector = (pick: (m: NetworkValues) => Float32Array | null, units: number, trainable: boolean, name: string) => {
    if (pick(first) === null) return null;
    const values = members.map((m) => pick(m)!);
    return variable(stacked ? tf.tensor3d(concatValues(values), [s, 1, units]) : tf.tensor1d(values[0]), trainable, `${prefix}/${name}`);
  };
  let fanIn = inputSize;
  const hidden: HiddenLayer[] = first.hidden.map((layer, l) => {
    const units = layer.units;
    const built: HiddenLayer = {
      units,
      kernel: matrix((m) => m.hidden[l].kernel, fanIn, units, true, `hidden${l}/kernel`),
      bias: vector((m) => m.hidden[l].bias, units, true, `hidden${l}/bias`)!,
      gamma: vector((m) => m.hidden[l].gamma, units, true, `hidden${l}/gamma`),
      beta: vector((m) => m.hidden[l].beta, units, true, `hidden${l}/beta`),
      movingMean: vector((m) => m.hidden[l].movingMean, units, false, `hidden${l}/moving_mean`),
      movingVariance: vector((m) => m.hidden[l].movingVariance, units, false, `hidden${l}/moving_variance`),
      preluAlpha: vector((m) => m.hidden[l].preluAlpha, units, true, `hidden${l}/alpha`),
    };
    fanIn = units;
    return built;
  });
  const outKernel = matrix((m) => m.outKernel, fanIn, outputSize, true, 'output/kernel');
  const outBias = vector((m) => m.outBias, outputSize, true, 'output/bias')!;
  return { inputSize, outputSize, config, stack: stacked ? s : null, hidden, outKernel, outBias };
}

function concatValues(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Each run's current values, read from the variables once (a stack yields one entry per run). */
export function networkValues(net: Network): NetworkValues[] {
  const s = net.stack ?? 1;
  const split = (v: tf.Tensor | null): Float32Array[] | null => {
    if (!v) return null;
    const all = v.dataSync() as Float32Array;
    const size = all.length / s;
    return Array.from({ length: s }, (_, m) => all.slice(m * size, (m + 1) * size));
  };
  const hidden = net.hidden.map((h) => ({
    units: h.units,
    kernel: split(h.kernel)!,
    bias: split(h.bias)!,
    gamma: split(h.gamma),
    beta: split(h.beta),
    movingMean: split(h.movingMean),
    movingVariance: split(h.movingVariance),
    preluAlpha: split(h.preluAlpha),
  }));
  const outKernel = split(net.outKernel)!;
  const outBias = split(net.outBias)!;
  return Array.from({ length: s }, (_, m) => ({
    inputSize: net.inputSize,
    outputSize: net.outputSize,
    config: net.config,
    hidden: hidden.map((h) => ({
      units: h.units,
      kernel: h.kernel[m],
      bias: h.bias[m],
      gamma: h.gamma?.[m] ?? null,
      beta: h.beta?.[m] ?? null,
      movingMean: h.movingMean?.[m] ?? null,
      movingVariance: h.movingVariance?.[m] ?? null,
      preluAlpha: h.preluAlpha?.[m] ?? null,
    })),
    outKernel: outKernel[m],
    outBias: outBias[m],
  }));
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
  const momentum = batchNormMomentum(net.config);
  for (const layer of net.hidden) {
    if (!layer.movingMean || !layer.movingVariance) continue;
    const { mean, variance } = stats[k++];
    tf.tidy(() => {
      // Unbiased variance for the moving estimate, as Keras does.
      const correction = batchSize > 1 ? batchSize / (batchSize - 1) : 1;
      layer.movingMean!.assign(tf.add(tf.mul(layer.movingMean!, momentum), tf.mul(mean, 1 - momentum)));
      layer.movingVariance!.assign(
        tf.add(tf.mul(layer.movingVariance!, momentum), tf.mul(tf.mul(variance, correction), 1 - momentum)),
      );
    });
  }
}
