/** What the data set tests share: configs as the engine receives them, and checks of a loaded data set. */
import { expect } from 'vitest';
import { datasetSchema, type DatasetConfig } from '../../../../shared/config.js';
import type { Dataset } from '../../../../electron/engine/types.js';

/** A validated dataset config (defaults filled in), as the engine receives it. */
export function cfg(input: Record<string, unknown>): DatasetConfig {
  return datasetSchema.parse(input);
}

function joined(train: Float32Array, val: Float32Array): Float32Array {
  const out = new Float32Array(train.length + val.length);
  out.set(train);
  out.set(val, train.length);
  return out;
}

export function allX(d: Dataset): Float32Array {
  return joined(d.xTrain, d.xVal);
}

export function allY(d: Dataset): Float32Array {
  return joined(d.yTrain, d.yVal);
}

export function expectShapes(d: Dataset): void {
  expect(d.xTrain.length).toBe(d.nTrain * d.inputSize);
  expect(d.xVal.length).toBe(d.nVal * d.inputSize);
  const yWidth = d.task === 'classification' ? 1 : d.outputSize;
  expect(d.yTrain.length).toBe(d.nTrain * yWidth);
  expect(d.yVal.length).toBe(d.nVal * yWidth);
  // Plain loops (one expect per value is slow on MNIST's 7.8 million inputs).
  expect(allX(d).every(Number.isFinite)).toBe(true);
  if (d.task === 'classification') {
    expect(allY(d).every((c) => Number.isInteger(c) && c >= 0 && c < d.outputSize)).toBe(true);
  }
}

export function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.outputSize).fill(0);
  for (const c of allY(d)) counts[c]++;
  return counts;
}
