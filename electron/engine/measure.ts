/**
 * One run's measurement passes on its network (its own variables, or its slice of a stack): loss and
 * accuracy on a whole split, and the probe of every hidden layer.
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerMetrics } from '../../shared/metrics.js';
import type { Dataset } from './types.js';
import { backwardPass, correctCount, forwardPass, lossAndGradient, type NetTensors } from './mlp.js';
import { l2norm, measureLayer } from './probe.js';
import { rowsOf } from './rows.js';
import type { GroupMember } from './outcome.js';

/** Rows per chunk when evaluating a whole split, to bound memory on large data sets. */
const EVAL_CHUNK = 4096;

/** One run's loss and accuracy on a whole split, in chunks of rows (inference mode). */
export function evaluateRun(net: NetTensors, data: Dataset, split: 'train' | 'val'): { loss: number; accuracy: number | null } {
  return evaluateSplit(data, split, (x) => forwardPass(net, x, false, false).output);
}

/**
 * Loss and accuracy on a whole split of a network given by its inference-mode `output` for a batch of
 * rows, in chunks of rows (every network: the MLP step's and autodiff.ts' graphs).
 */
export function evaluateSplit(data: Dataset, split: 'train' | 'val', output: (x: tf.Tensor2D) => tf.Tensor): { loss: number; accuracy: number | null } {
  const n = split === 'train' ? data.nTrain : data.nVal;
  const classification = data.task === 'classification';
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    const rows = rowsOf(data, split, null, start, size);
    const [l, c] = tf.tidy(() => {
      const x = tf.tensor2d(rows.x, [size, data.inputSize]);
      const y = tf.tensor2d(rows.y, [size, data.outputSize]);
      const out = output(x);
      const { loss } = lossAndGradient(out, y, data.task, null);
      return [tf.mul(loss, size), classification ? correctCount(out, y) : tf.zerosLike(loss)];
    });
    lossSum += l.dataSync()[0];
    correct += c.dataSync()[0];
    tf.dispose([l, c]);
  }
  return { loss: lossSum / n, accuracy: classification ? correct / n : null };
}

/**
 * Mean |w| of a kernel: one run's (any shape: a dense kernel, or a convolution's k × k × in × out) as a
 * scalar, or each run's of a stack (S × fan_in × fan_out) as S values.
 */
export function weightMagnitude(kernel: tf.Tensor, stacked = false): tf.Tensor {
  return stacked ? tf.mean(tf.abs(kernel), [1, 2]) : tf.mean(tf.abs(kernel));
}

/** Units from which a layer's Gram matrix is formed on the backend (narrower ones cost less in JS than two more backend operations). */
const BACKEND_GRAM_UNITS = 32;

/**
 * Whether the probe computes a layer's Gram matrix ΦᵀΦ on the backend (for its effective rank): for
 * layers of `BACKEND_GRAM_UNITS` or more with at least as many probe inputs as units, so ΦᵀΦ is the
 * smaller Gram matrix (else effective-rank.ts forms the Gram matrix in float64 itself).
 */
function withGram(n: number, units: number): boolean {
  return units >= BACKEND_GRAM_UNITS && n >= units;
}

/**
 * ΦᵀΦ of activations Φ (P × units, or S × P × units for a stack): an explicit transpose and an
 * untransposed product, which the wasm backend runs about 10× faster than a product with transposeA.
 */
function gramOf(a: tf.Tensor): tf.Tensor {
  return tf.matMul(tf.transpose(a, a.rank === 3 ? [0, 2, 1] : [1, 0]) as tf.Tensor2D, a as tf.Tensor2D);
}

export interface ProbeResult {
  layers: LayerMetrics[];
  /** Mean loss and accuracy (0 for regression) on the probe set. */
  loss: number;
  accuracy: number;
}

/**
 * The probe measurement of one run, or of a stack of runs at once: one forward pass over the probe
 * set `x` (P × inputs, or S × P × inputs with each run's own rows) gives the pre-activations and
 * activations, one backward pass the kernels' gradients (batch norm in inference mode), and each
 * layer's values are read back in one piece for all the runs. `members` are the runs, in stack order.
 */
export function probeRuns(net: NetTensors, x: tf.Tensor, y: tf.Tensor, members: readonly GroupMember[]): ProbeResult[] {
  const { probe } = members[0].config;
  const { task, inputSize } = members[0].data;
  const stacked = x.rank === 3;
  const n = x.shape[x.rank - 2]!;
  const classification = task === 'classification';
  const [summary, ...layerValues] = tf.tidy(() => {
    const pass = forwardPass(net, x, false, true);
    const { loss, dOutput } = lossAndGradient(pass.output, y, task, 1);
    const correct = classification ? correctCount(pass.output, y) : tf.zerosLike(loss);
    const grads = backwardPass(net, pass, dOutput!, false, true);
    return [
      // One value per run of each: loss, correct, then each layer's weight magnitude.
      tf.stack([loss, correct, ...net.hidden.map((h) => weightMagnitude(h.kernel, stacked))]),
      // Every part has one column per unit (per run), so stacking the rows lays them out one after
      // the other: run by run, each run's parts in order.
      ...net.hidden.map((h, l) => {
        const a = pass.layers[l].a;
        const parts = [pass.layers[l].z!, a, grads.hidden[l].kernel];
        if (h.preluAlpha) parts.push(stacked ? h.preluAlpha : tf.reshape(h.preluAlpha, [1, h.units]));
        if (withGram(n, h.units)) parts.push(gramOf(a));
        return tf.concat(parts, x.rank - 2);
      }),
    ];
  });
  // [loss…, correct…, layer 0's weight magnitude…, …]: one value of each per run.
  const totals = summary.dataSync();
  summary.dispose();
  const rows = layerValues.map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
  return members.map((_, r) => {
    const layers = net.hidden.map((h, l) => {
      const units = h.units;
      const values = n * units;
      const kernelSize = (l === 0 ? inputSize : net.hidden[l - 1].units) * units;
      const alphaEnd = 2 * values + kernelSize + (h.preluAlpha ? units : 0);
      const perRun = alphaEnd + (withGram(n, units) ? units * units : 0);
      const row = rows[l].subarray(r * perRun, (r + 1) * perRun);
      const norm = l2norm(row.subarray(2 * values, 2 * values + kernelSize));
      return measureLayer({
        layer: l,
        n,
        units,
        preActs: row.subarray(0, values),
        acts: row.subarray(values, 2 * values),
        dormantThreshold: probe.dormantThreshold,
        histogramBins: probe.histogramBins,
        // A NaN or infinite gradient is reported as NaN.
        gradNorm: Number.isFinite(norm) ? norm : NaN,
        preluAlphas: h.preluAlpha ? row.slice(2 * values + kernelSize, alphaEnd) : null,
        weightMagnitude: totals[(2 + l) * members.length + r],
        gram: withGram(n, units) ? row.subarray(alphaEnd) : null,
      });
    });
    return { layers, loss: totals[r], accuracy: totals[members.length + r] / n };
  });
}
