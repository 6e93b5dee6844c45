/** A run's rows as the arrays its tensors are made from. */
import type { Dataset } from './types.js';

/**
 * Rows of a split as row-major arrays: inputs, and targets (one-hot for classification). `order`
 * picks rows `order[start…start + size)`; null takes rows `start…start + size` in place.
 */
export function rowsOf(data: Dataset, split: 'train' | 'val', order: Int32Array | null, start: number, size: number): { x: Float32Array; y: Float32Array } {
  const xs = split === 'train' ? data.xTrain : data.xVal;
  const ys = split === 'train' ? data.yTrain : data.yVal;
  const k = data.inputSize;
  const o = data.outputSize;
  const x = new Float32Array(size * k);
  const y = new Float32Array(size * o);
  const classification = data.task === 'classification';
  for (let i = 0; i < size; i++) {
    const r = order ? order[start + i] : start + i;
    x.set(xs.subarray(r * k, (r + 1) * k), i * k);
    if (classification) y[i * o + ys[r]] = 1;
    else y.set(ys.subarray(r * o, (r + 1) * o), i * o);
  }
  return { x, y };
}
