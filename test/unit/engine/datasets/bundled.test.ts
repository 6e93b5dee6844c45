import { describe, expect, it } from 'vitest';
import { checkDatasetSize, checkDatasetSource, datasetFingerprint, loadDataset } from '../../../../electron/engine/datasets/index.js';
import { allX, cfg, classCounts, expectShapes } from './helpers.js';

describe('bundled data sets', () => {
  it('mnist: 784 inputs in [0, 1], 10 classes, all 10,000 digits by default', () => {
    const d = loadDataset(cfg({ kind: 'mnist' }), 1);
    expect(d.inputSize).toBe(784);
    expect(d.outputSize).toBe(10);
    expect(d.nTrain + d.nVal).toBe(10_000);
    expectShapes(d);
    let min = Infinity;
    let max = -Infinity;
    for (const v of allX(d)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    const counts = classCounts(d);
    expect(counts.every((c) => c > 800)).toBe(true);
    expect(counts.reduce((a, b) => a + b)).toBe(10_000);
    expect(d.description).toBe('mnist: 10000 samples, 784 features, 10 classes');
  });

  it('mnist: a seeded subset of the digits', () => {
    const d = loadDataset(cfg({ kind: 'mnist', samples: 500, validationSplit: 0.1 }), 3);
    expect(d.nTrain).toBe(450);
    expect(d.nVal).toBe(50);
    expectShapes(d);
    expect(classCounts(d).filter((c) => c > 0).length).toBe(10);
  });

  it('iris: 150 samples, 4 features, 3 classes of 50', () => {
    const d = loadDataset(cfg({ kind: 'iris', validationSplit: 0 }), 1);
    expect(d.nTrain).toBe(150);
    expect(d.inputSize).toBe(4);
    expect(d.outputSize).toBe(3);
    expectShapes(d);
    expect(classCounts(d)).toEqual([50, 50, 50]);
    // setosa (class 0) has the smallest petals: petal length < 2.5 exactly for class 0.
    for (let i = 0; i < 150; i++) expect(d.xTrain[i * 4 + 2] < 2.5).toBe(d.yTrain[i] === 0);
    expect(d.description).toBe('iris: 150 samples, 4 features, 3 classes');
  });

  it('non-csv data sets have no fingerprint', () => {
    expect(datasetFingerprint(cfg({ kind: 'iris' }))).toBeNull();
    expect(datasetFingerprint(cfg({ kind: 'blobs' }))).toBeNull();
  });

  it('the checks before a design runs: what a kind needs installed, and the size limit with the field it names', () => {
    for (const kind of ['mnist', 'iris', 'blobs']) expect(() => checkDatasetSource(cfg({ kind }))).not.toThrow();
    expect(() => checkDatasetSize(2 ** 18, 2 ** 10)).not.toThrow();
    expect(() => checkDatasetSize(2 ** 20, 2 ** 9, 'dataset.path')).toThrow(
      'dataset.path: 1048576 samples × 512 features = 536870912 values is too large (at most 268435456, 1 GiB of float32)',
    );
  });
});
