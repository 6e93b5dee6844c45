/**
 * The network's arithmetic written out by hand: forward pass, loss, backward pass and optimizer
 * update, with no gradient tape. Knowing the network, the backward pass can skip what nobody reads
 * (the first layer's input gradient), keep only what the next step needs, and form every product
 * the way the backend computes fastest.
 *
 * Every function works on one run (kernels K×N, vectors N, batches B×K) or on a stack of S runs that
 * share an architecture (kernels S×K×N, vectors S×1×N, batches S×B×K): rows are always axis
 * rank − 2, and nothing ever mixes two runs of a stack, so a run whose numbers become NaN or ±Infinity
 * cannot change another's.
 */
import * as tf from '@tensorflow/tfjs';
import type { Activation, ModelConfig, Optimizer } from '../../shared/config.js';
import { BN_EPSILON } from './model.js';

/** The parameters and batch-norm statistics of one hidden layer (one run's, or a stack's). */
export interface LayerTensors {
  units: number;
  kernel: tf.Tensor;
  bias: tf.Tensor;
  gamma: tf.Tensor | null;
  beta: tf.Tensor | null;
  movingMean: tf.Tensor | null;
  movingVariance: tf.Tensor | null;
  preluAlpha: tf.Tensor | null;
}

export interface NetTensors {
  config: ModelConfig;
  hidden: LayerTensors[];
  outKernel: tf.Tensor;
  outBias: tf.Tensor;
}

/** One hidden layer's parameters and statistics, each turned into a T. */
export interface LayerOf<T> {
  units: number;
  kernel: T;
  bias: T;
  gamma: T | null;
  beta: T | null;
  movingMean: T | null;
  movingVariance: T | null;
  preluAlpha: T | null;
}

/**
 * Every parameter and statistic of a network mapped through `f` (`vector`: a bias-like tensor, not a
 * kernel), in the network's shape; the ones a layer does not have stay null.
 */
export function mapParameters<T>(net: Omit<NetTensors, 'config'>, f: (t: tf.Tensor, vector: boolean) => T): { hidden: LayerOf<T>[]; outKernel: T; outBias: T } {
  const g = (t: tf.Tensor | null, vector: boolean): T | null => (t ? f(t, vector) : null);
  return {
    hidden: net.hidden.map((h) => ({
      units: h.units,
      kernel: f(h.kernel, false),
      bias: f(h.bias, true),
      gamma: g(h.gamma, true),
      beta: g(h.beta, true),
      movingMean: g(h.movingMean, true),
      movingVariance: g(h.movingVariance, true),
      preluAlpha: g(h.preluAlpha, true),
    })),
    outKernel: f(net.outKernel, false),
    outBias: f(net.outBias, true),
  };
}

export type Task = 'classification' | 'regression';

/**
 * Products at least this large (multiply-adds) are formed with explicit transposes on the wasm
 * backend: it runs untransposed single products through XNNPACK and everything else through a plain
 * loop about ten times slower. Smaller products take the transposed form directly (one kernel call
 * fewer, which is what counts for them).
 */
const WASM_EXPLICIT_TRANSPOSE_MACS = 1 << 15;

/**
 * Runs one kernel without the op function around it. The hot part of a step (products, the ReLU
 * derivative, bias sums, SGD's update) calls its kernels this way: an op's checks, type conversions
 * and scope cost one to two microseconds, a third of what a kernel on a 64 × 4 batch costs. Inputs
 * must be float32 tensors whose shapes the kernel accepts.
 */
function kernel(name: string, inputs: tf.NamedTensorMap, attrs: Record<string, unknown> = {}): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap) as tf.Tensor;
}

function explicitTranspose(a: tf.Tensor, macs: number): boolean {
  return a.rank === 2 && macs >= WASM_EXPLICIT_TRANSPOSE_MACS && tf.getBackend() === 'wasm';
}

/** Swaps the last two axes. */
function transposed(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1]);
}

/** aᵀ·b over the rows: a is …×B×K, b is …×B×N, the result …×K×N. */
export function productTA(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const macs = a.size * b.shape[b.rank - 1];
  return explicitTranspose(a, macs) ? tf.matMul(transposed(a) as tf.Tensor2D, b as tf.Tensor2D) : kernel('BatchMatMul', { a, b }, { transposeA: true, transposeB: false });
}

/** a·bᵀ: a is …×B×N, b is …×K×N, the result …×B×K. */
export function productTB(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const macs = a.size * b.shape[b.rank - 2];
  return explicitTranspose(a, macs) ? tf.matMul(a as tf.Tensor2D, transposed(b) as tf.Tensor2D) : kernel('BatchMatMul', { a, b }, { transposeA: false, transposeB: true });
}

/** Sum over the rows: N for one run, S×1×N for a stack (the shape of its biases). */
function sumRows(x: tf.Tensor): tf.Tensor {
  return kernel('Sum', { x }, { axis: x.rank - 2, keepDims: x.rank === 3 });
}

function meanRows(x: tf.Tensor): tf.Tensor {
  return tf.mean(x, x.rank - 2, x.rank === 3);
}

/** Sum over rows and columns: a scalar for one run, one value per run (S) for a stack. */
function sumPerRun(x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.sum(x) : tf.sum(x, [1, 2]);
}

/**
 * x·W + b, with ReLU folded in when asked (one kernel call for a single run). The fused kernel is
 * called directly: `tf.fused.matMul` wraps it in a gradient function (this step needs none) and
 * several checks, which cost more than the kernel itself on small shapes. Every backend's kernel
 * takes rank-3 operands; reshaping only relabels the data.
 */
function dense(x: tf.Tensor, weights: tf.Tensor, bias: tf.Tensor, relu: boolean): tf.Tensor {
  if (x.rank === 2) {
    const [rows, units] = [x.shape[0], weights.shape[1]!];
    const reshape = (t: tf.Tensor, shape: number[]) => kernel('Reshape', { x: t }, { shape });
    const out = kernel('_FusedMatMul', { a: reshape(x, [1, rows, x.shape[1]!]), b: reshape(weights, [1, weights.shape[0], units]), bias }, {
      transposeA: false,
      transposeB: false,
      activation: relu ? 'relu' : 'linear',
    });
    return reshape(out, [rows, units]);
  }
  const z = tf.add(tf.matMul(x as tf.Tensor3D, weights as tf.Tensor3D), bias);
  return relu ? tf.relu(z) : z;
}

const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.7580993408473768;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** What the backward pass needs from one hidden layer of the forward pass. */
export interface LayerCache {
  /** The layer's input. */
  input: tf.Tensor;
  /** Pre-activations (null when ReLU was folded into the product and nobody asked for them). */
  z: tf.Tensor | null;
  /** Activations. */
  a: tf.Tensor;
  /** Φ(z) for GELU, σ(z) for swish. */
  aux: tf.Tensor | null;
  /** Batch norm: the normalized pre-activations x̂ and 1/√(variance + ε). */
  xhat: tf.Tensor | null;
  bnScale: tf.Tensor | null;
  /** Training mode: the batch mean and (biased) variance, for the moving averages. */
  batchMean: tf.Tensor | null;
  batchVariance: tf.Tensor | null;
}

export interface ForwardPass {
  layers: LayerCache[];
  /** Input of the output layer. */
  last: tf.Tensor;
  output: tf.Tensor;
}

function activation(z: tf.Tensor, act: Activation, model: ModelConfig, alpha: tf.Tensor | null): { a: tf.Tensor; aux: tf.Tensor | null } {
  switch (act) {
    case 'relu':
      return { a: tf.relu(z), aux: null };
    case 'leaky_relu':
      return { a: tf.leakyRelu(z, model.leakyAlpha), aux: null };
    case 'prelu':
      if (!alpha) throw new Error('prelu layer without slopes');
      // TF.js' prelu kernels broadcast the slopes over the last axis only, not per run of a stack.
      return { a: z.rank === 2 ? tf.prelu(z, alpha) : tf.add(tf.relu(z), tf.mul(tf.minimum(z, 0), alpha)), aux: null };
    case 'elu':
      return { a: tf.elu(z), aux: null };
    case 'selu':
      return { a: tf.selu(z), aux: null };
    case 'gelu': {
      const phi = tf.mul(0.5, tf.add(1, tf.erf(tf.div(z, Math.SQRT2))));
      return { a: tf.mul(z, phi), aux: phi };
    }
    case 'swish': {
      const sigma = tf.sigmoid(z);
      return { a: tf.mul(z, sigma), aux: sigma };
    }
    case 'tanh':
      return { a: tf.tanh(z), aux: null };
  }
}

/**
 * Forward pass. `training`: batch norm normalizes with the batch's statistics (kept for the moving
 * averages), else with the moving averages. `keepZ` materializes the pre-activations even where ReLU
 * could be folded into the product (the probe reads them).
 */
export function forwardPass(net: NetTensors, x: tf.Tensor, training: boolean, keepZ: boolean): ForwardPass {
  const layers: LayerCache[] = [];
  const act = net.config.activation;
  let h = x;
  for (const layer of net.hidden) {
    const bn = layer.gamma !== null;
    const foldRelu = act === 'relu' && !bn && !keepZ;
    const u = dense(h, layer.kernel, layer.bias, foldRelu);
    const cache: LayerCache = { input: h, z: null, a: u, aux: null, xhat: null, bnScale: null, batchMean: null, batchVariance: null };
    if (!foldRelu) {
      let z = u;
      if (bn) {
        // x̂ = (u − mean)/√(variance + ε) with the batch's statistics (training) or the moving ones.
        const mean = training ? meanRows(u) : layer.movingMean!;
        const centred = tf.sub(u, mean);
        const variance = training ? meanRows(tf.square(centred)) : layer.movingVariance!;
        const inv = tf.rsqrt(tf.add(variance, BN_EPSILON));
        const xhat = tf.mul(centred, inv);
        z = tf.add(tf.mul(xhat, layer.gamma!), layer.beta!);
        Object.assign(cache, { xhat, bnScale: inv, batchMean: training ? mean : null, batchVariance: training ? variance : null });
      }
      const { a, aux } = activation(z, act, net.config, layer.preluAlpha);
      Object.assign(cache, { z, a, aux });
    }
    layers.push(cache);
    h = cache.a;
  }
  const output = dense(h, net.outKernel, net.outBias, false);
  return { layers, last: h, output };
}

/** dL/dz from dL/da through the activation; for PReLU also dL/dα (summed over the rows). */
function activationBackward(da: tf.Tensor, cache: LayerCache, act: Activation, model: ModelConfig, alpha: tf.Tensor | null): { dz: tf.Tensor; dAlpha: tf.Tensor | null } {
  const { z, a, aux } = cache;
  switch (act) {
    case 'relu':
      // a > 0 exactly where z > 0.
      return { dz: kernel('Multiply', { a: da, b: kernel('Step', { x: z ?? a }, { alpha: 0 }) }), dAlpha: null };
    case 'leaky_relu':
      return { dz: tf.mul(da, tf.step(z!, model.leakyAlpha)), dAlpha: null };
    case 'prelu': {
      // f'(z) = 1 for z > 0, else α: α + (1 − α)·step(z). (Comparisons with a boolean result are slow kernels on wasm.)
      const slope = tf.add(tf.mul(tf.step(z!), tf.sub(1, alpha!)), alpha!);
      return { dz: tf.mul(da, slope), dAlpha: sumRows(tf.mul(da, tf.minimum(z!, 0))) };
    }
    case 'elu':
      // f'(z) = 1 for z > 0, else e^z = a + 1.
      return { dz: tf.mul(da, tf.add(tf.minimum(a, 0), 1)), dAlpha: null };
    case 'selu': {
      // f'(z) = λ for z > 0, else λα·e^z = a + λα.
      const positive = tf.step(z!);
      const slope = tf.add(tf.mul(positive, SELU_SCALE), tf.mul(tf.sub(1, positive), tf.add(a, SELU_SCALE_ALPHA)));
      return { dz: tf.mul(da, slope), dAlpha: null };
    }
    case 'gelu': {
      // d/dz z·Φ(z) = Φ(z) + z·φ(z).
      const density = tf.mul(tf.exp(tf.mul(tf.square(z!), -0.5)), INV_SQRT_2PI);
      return { dz: tf.mul(da, tf.add(aux!, tf.mul(z!, density))), dAlpha: null };
    }
    case 'swish':
      // d/dz z·σ(z) = σ + z·σ·(1 − σ) = σ + a·(1 − σ).
      return { dz: tf.mul(da, tf.add(aux!, tf.mul(a, tf.sub(1, aux!)))), dAlpha: null };
    case 'tanh':
      return { dz: tf.mul(da, tf.sub(1, tf.square(a))), dAlpha: null };
  }
}

export interface LayerGrads {
  kernel: tf.Tensor;
  bias: tf.Tensor | null;
  gamma: tf.Tensor | null;
  beta: tf.Tensor | null;
  preluAlpha: tf.Tensor | null;
}

export interface Grads {
  hidden: LayerGrads[];
  outKernel: tf.Tensor;
  outBias: tf.Tensor | null;
}

/**
 * Backward pass from dL/d(output). `kernelsOnly` skips every gradient but the kernels' (the probe's
 * gradient norms). The first layer's input gradient is never formed.
 */
export function backwardPass(net: NetTensors, pass: ForwardPass, dOutput: tf.Tensor, training: boolean, kernelsOnly = false): Grads {
  const act = net.config.activation;
  const outKernel = productTA(pass.last, dOutput);
  const outBias = kernelsOnly ? null : sumRows(dOutput);
  const hidden: LayerGrads[] = new Array(net.hidden.length);
  let da = productTB(dOutput, net.outKernel);
  for (let l = net.hidden.length - 1; l >= 0; l--) {
    const layer = net.hidden[l];
    const cache = pass.layers[l];
    const { dz, dAlpha } = activationBackward(da, cache, act, net.config, layer.preluAlpha);
    let du = dz;
    let gamma: tf.Tensor | null = null;
    let beta: tf.Tensor | null = null;
    if (layer.gamma) {
      const xhat = cache.xhat!;
      if (!kernelsOnly) {
        gamma = sumRows(tf.mul(dz, xhat));
        beta = sumRows(dz);
      }
      const dxhat = tf.mul(dz, layer.gamma);
      if (training) {
        // Through the batch statistics too: du = (dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))/√(σ² + ε).
        const rows = dz.shape[dz.rank - 2];
        const dGamma = gamma ?? sumRows(tf.mul(dz, xhat));
        const dBeta = beta ?? sumRows(dz);
        const centredTerms = tf.mul(tf.add(tf.mul(xhat, dGamma), dBeta), tf.div(layer.gamma, rows));
        du = tf.mul(tf.sub(dxhat, centredTerms), cache.bnScale!);
      } else {
        du = tf.mul(dxhat, cache.bnScale!);
      }
    }
    hidden[l] = {
      kernel: productTA(cache.input, du),
      bias: kernelsOnly ? null : sumRows(du),
      gamma: kernelsOnly ? null : gamma,
      beta: kernelsOnly ? null : beta,
      preluAlpha: kernelsOnly ? null : dAlpha,
    };
    if (l > 0) da = productTB(du, layer.kernel);
  }
  return { hidden, outKernel, outBias };
}

/**
 * Mean loss per run (a scalar for one run, S values for a stack) and, unless `scale` is null,
 * dL/d(output) times `scale` (a number, or one value per run shaped S×1×1). Classification: softmax
 * cross-entropy against one-hot `y`; regression: mean squared error.
 */
export function lossAndGradient(output: tf.Tensor, y: tf.Tensor, task: Task, scale: number | tf.Tensor | null): { loss: tf.Tensor; dOutput: tf.Tensor | null } {
  const rows = output.shape[output.rank - 2];
  if (task === 'classification') {
    const shifted = tf.sub(output, tf.max(output, -1, true));
    const exp = tf.exp(shifted);
    const total = tf.sum(exp, -1, true);
    const logProbabilities = tf.sub(shifted, tf.log(total));
    const loss = tf.mul(sumPerRun(tf.mul(y, logProbabilities)), -1 / rows);
    if (scale === null) return { loss, dOutput: null };
    const dOutput = tf.mul(tf.sub(tf.div(exp, total), y), typeof scale === 'number' ? scale / rows : tf.div(scale, rows));
    return { loss, dOutput };
  }
  const diff = tf.sub(output, y);
  const count = rows * output.shape[output.rank - 1];
  const loss = tf.div(sumPerRun(tf.square(diff)), count);
  if (scale === null) return { loss, dOutput: null };
  const dOutput = tf.mul(diff, typeof scale === 'number' ? (2 * scale) / count : tf.mul(scale, 2 / count));
  return { loss, dOutput };
}

/** Correct predictions per run (argmax of the output equals argmax of the one-hot target). */
export function correctCount(output: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return sumPerRun(tf.cast(tf.equal(tf.argMax(output, -1), tf.argMax(y, -1)), 'float32').expandDims(-1));
}

/** Folds a step's batch statistics into the moving averages (Keras' rule, unbiased variance). */
export function movingStatistics(layer: LayerTensors, cache: LayerCache, rows: number, momentum: number): { mean: tf.Tensor; variance: tf.Tensor } {
  const correction = rows > 1 ? rows / (rows - 1) : 1;
  return {
    mean: tf.add(tf.mul(layer.movingMean!, momentum), tf.mul(cache.batchMean!, 1 - momentum)),
    variance: tf.add(tf.mul(layer.movingVariance!, momentum), tf.mul(tf.mul(cache.batchVariance!, correction), 1 - momentum)),
  };
}

/** A learning rate or momentum: one number for a run, or one value per run of a stack. */
export type PerRun = number | tf.Tensor;

/**
 * An optimizer's update rule, the same arithmetic as TF.js' optimizers (tf.train.sgd, momentum,
 * adam, rmsprop with their defaults) so that a run's numbers do not depend on which path trained it.
 * `slots` holds the optimizer state for `value`; the result is the new value and the new slots.
 */
export interface UpdateRule {
  slots: number;
  /**
   * SGD's gradient arrives already multiplied by −lr (the step folds −lr into the output gradient,
   * which saves a multiplication per parameter); the update then only adds it.
   */
  foldsLearningRate: boolean;
  /** Called once per step before the updates (Adam's bias corrections). */
  beginStep(): void;
  update(value: tf.Tensor, grad: tf.Tensor, slots: tf.Tensor[], learningRate: PerRun, momentum: PerRun): { value: tf.Tensor; slots: tf.Tensor[] };
}

function negative(v: PerRun): PerRun {
  return typeof v === 'number' ? -v : tf.neg(v);
}

/** `epsilon`: the backend's (tf.backend().epsilon()), as TF.js' Adam and RMSProp use by default. */
export function updateRule(optimizer: Optimizer, epsilon: number): UpdateRule {
  switch (optimizer) {
    case 'sgd':
      return { slots: 0, foldsLearningRate: true, beginStep() {}, update: (value, grad) => ({ value: kernel('Add', { a: grad, b: value }), slots: [] }) };
    case 'momentum':
      return {
        slots: 1,
        foldsLearningRate: false,
        beginStep() {},
        update(value, grad, [accumulation], learningRate, momentum) {
          const next = tf.add(tf.mul(accumulation, momentum), grad);
          return { value: tf.add(tf.mul(next, negative(learningRate)), value), slots: [next] };
        },
      };
    case 'adam': {
      const beta1 = 0.9;
      const beta2 = 0.999;
      // TF.js keeps β₁ᵗ and β₂ᵗ as float32 scalars.
      let accBeta1 = Math.fround(beta1);
      let accBeta2 = Math.fround(beta2);
      let c1 = 0;
      let c2 = 0;
      return {
        slots: 2,
        foldsLearningRate: false,
        beginStep() {
          c1 = Math.fround(1 - accBeta1);
          c2 = Math.fround(1 - accBeta2);
          accBeta1 = Math.fround(accBeta1 * Math.fround(beta1));
          accBeta2 = Math.fround(accBeta2 * Math.fround(beta2));
        },
        update(value, grad, [m, v], learningRate) {
          const m1 = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
          const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
          const step = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), epsilon));
          return { value: tf.add(tf.mul(step, negative(learningRate)), value), slots: [m1, v1] };
        },
      };
    }
    case 'rmsprop': {
      const decay = 0.9;
      return {
        slots: 2,
        foldsLearningRate: false,
        beginStep() {},
        update(value, grad, [meanSquare, moment], learningRate) {
          const ms1 = tf.add(tf.mul(meanSquare, decay), tf.mul(tf.square(grad), 1 - decay));
          // TF.js' RMSProp momentum defaults to 0 (the config's momentum is the momentum optimizer's).
          const mom1 = tf.add(tf.mul(moment, 0), tf.div(tf.mul(grad, learningRate), tf.sqrt(tf.add(ms1, epsilon))));
          return { value: tf.sub(value, mom1), slots: [ms1, mom1] };
        },
      };
    }
  }
}
