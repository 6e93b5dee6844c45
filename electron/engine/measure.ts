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
      const output = forwardPass(net, x, false, false).output;
      const { loss } = lossAndGradient(output, y, data.task, null);
      return [tf.mul(loss, size), classification ? correctCount(output, y) : tf.zerosLike(loss)];
    });
    lossSum += l.dataSync()[0];
    correct += c.dataSync()[0];
    tf.dispose([l, c]);
  }
  return { loss: lossSum / n, accuracy: classification ? correct / n : null };
}

export interface ProbeResult {
  layers: LayerMetrics[];
  /** Mean loss and accuracy (0 for regression) on the probe set. */
  loss: number;
  accuracy: number;
}

/**
 * One run's probe measurement: one forward pass over the probe set `x` (with its targets `y`) gives
 * the pre-activations and activations, one backward pass the kernels' gradients (batch norm in
 * inference mode), and each layer's values are read back in one piece.
 */
export function probeRun(net: NetTensors, x: tf.Tensor, y: tf.Tensor, member: GroupMember): ProbeResult {
  const { probe } = member.config;
  const n = x.shape[0]!;
  const classification = member.data.task === 'classification';
  const [summary, ...layerValues] = tf.tidy(() => {
    const pass = forwardPass(net, x, false, true);
    const { loss, dOutput } = lossAndGradient(pass.output, y, member.data.task, 1);
    const correct = classification ? correctCount(pass.output, y) : tf.zerosLike(loss);
    const grads = backwardPass(net, pass, dOutput!, false, true);
    return [
      tf.stack([loss, correct]),
      // Every part has one column per unit, so stacking the rows lays them out one after the other.
      ...net.hidden.map((h, l) => {
        const parts = [pass.layers[l].z!, pass.layers[l].a, grads.hidden[l].kernel];
        if (h.preluAlpha) parts.push(tf.reshape(h.preluAlpha, [1, h.units]));
        return tf.concat(parts, 0);
      }),
    ];
  });
  const [loss, correct] = summary.dataSync();
  summary.dispose();
  const layers = net.hidden.map((h, l) => {
    const row = layerValues[l].dataSync() as Float32Array;
    layerValues[l].dispose();
    const units = h.units;
    const values = n * units;
    const kernelSize = (l === 0 ? member.data.inputSize : net.hidden[l - 1].units) * units;
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
      preluAlphas: h.preluAlpha ? row.slice(2 * values + kernelSize) : null,
    });
  });
  return { layers, loss, accuracy: correct / n };
}
