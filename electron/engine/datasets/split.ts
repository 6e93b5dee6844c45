/**
 * The steps every kind shares after its samples are had: the seeded split into training and
 * validation, standardization (csv), and the input transform x ← x · inputScale + inputShift.
 */
import { Rng } from '../rng.js';
import type { Dataset } from '../types.js';
import { fmt, plural, type RawData } from './common.js';

export function transformInputs(x: Float32Array, scale: number, shift: number): void {
  if (scale === 1 && shift === 0) return;
  for (let i = 0; i < x.length; i++) x[i] = x[i] * scale + shift;
}

export function describeTransform(scale: number, shift: number): string {
  if (scale === 1 && shift === 0) return '';
  const parts = ['inputs x'];
  if (scale !== 1) parts.push(`·${fmt(scale)}`);
  if (shift !== 0) parts.push(shift < 0 ? ` − ${fmt(-shift)}` : ` + ${fmt(shift)}`);
  return `; ${parts.join('')}`;
}

export interface SplitPlan {
  /** Shuffled sample indices: the first nVal are the validation split, the rest the training split. */
  order: Int32Array;
  nVal: number;
  nTrain: number;
}

/** Seeded shuffle; the first nVal shuffled samples become the validation split. */
export function splitPlan(n: number, validationSplit: number, seed: number): SplitPlan {
  const nVal = Math.min(Math.round(n * validationSplit), n - 1);
  return { order: new Rng(seed, 'dataset-split').permutation(n), nVal, nTrain: n - nVal };
}

/**
 * Standardizes every feature in place with the training split's mean and standard deviation (so
 * nothing of the validation split leaks into training); a constant feature is only centred.
 */
export function standardize(raw: RawData, plan: SplitPlan): string {
  const { inputSize: d, x } = raw;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let k = plan.nVal; k < raw.n; k++) {
    const row = plan.order[k] * d;
    for (let f = 0; f < d; f++) mean[f] += x[row + f];
  }
  for (let f = 0; f < d; f++) mean[f] /= plan.nTrain;
  for (let k = plan.nVal; k < raw.n; k++) {
    const row = plan.order[k] * d;
    for (let f = 0; f < d; f++) sq[f] += (x[row + f] - mean[f]) ** 2;
  }
  let constant = 0;
  const scale = new Float64Array(d);
  for (let f = 0; f < d; f++) {
    const std = Math.sqrt(sq[f] / plan.nTrain);
    if (std > 0) scale[f] = 1 / std;
    else {
      scale[f] = 1;
      constant++;
    }
  }
  for (let i = 0; i < raw.n; i++) {
    const row = i * d;
    for (let f = 0; f < d; f++) x[row + f] = (x[row + f] - mean[f]) * scale[f];
  }
  return `; features standardized (training split mean and std${constant > 0 ? `, ${plural(constant, 'constant feature')} only centred` : ''})`;
}

export function split(raw: RawData, plan: SplitPlan, transformText: string): Dataset {
  const { inputSize } = raw;
  const yWidth = raw.task === 'classification' ? 1 : raw.outputSize;
  const { order, nVal, nTrain } = plan;
  const take = (from: number, count: number) => {
    const xs = new Float32Array(count * inputSize);
    const ys = new Float32Array(count * yWidth);
    for (let k = 0; k < count; k++) {
      const src = order[from + k];
      xs.set(raw.x.subarray(src * inputSize, (src + 1) * inputSize), k * inputSize);
      if (yWidth === 1) ys[k] = raw.y[src];
      else ys.set(raw.y.subarray(src * yWidth, (src + 1) * yWidth), k * yWidth);
    }
    return { xs, ys };
  };
  const val = take(0, nVal);
  const train = take(nVal, nTrain);
  return {
    task: raw.task,
    inputSize,
    outputSize: raw.outputSize,
    xTrain: train.xs,
    yTrain: train.ys,
    xVal: val.xs,
    yVal: val.ys,
    nTrain,
    nVal,
    description: raw.description + transformText,
  };
}
