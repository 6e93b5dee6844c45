import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../../electron/engine/datasets/index.js';
import { allX, allY, cfg, classCounts, expectShapes } from './helpers.js';

describe('generated data sets', () => {
  it('blobs: shapes, balanced classes, description', () => {
    const d = loadDataset(cfg({ kind: 'blobs' }), 1);
    expect(d.task).toBe('classification');
    expect(d.inputSize).toBe(16);
    expect(d.outputSize).toBe(4);
    expect(d.nTrain + d.nVal).toBe(2048);
    expect(d.nVal).toBe(Math.round(2048 * 0.2));
    expectShapes(d);
    expect(classCounts(d)).toEqual([512, 512, 512, 512]);
    expect(d.description).toBe('blobs: 2048 samples, 16 features, 4 classes');
  });

  it('blobs: samples sit around centres in [-10, 10]', () => {
    const d = loadDataset(cfg({ kind: 'blobs', samples: 400, features: 3, classes: 2, noise: 0.01, validationSplit: 0 }), 5);
    const x = allX(d);
    const y = allY(d);
    for (let c = 0; c < 2; c++) {
      const mean = [0, 0, 0];
      let count = 0;
      for (let i = 0; i < 400; i++) {
        if (y[i] !== c) continue;
        count++;
        for (let f = 0; f < 3; f++) mean[f] += x[i * 3 + f];
      }
      for (let f = 0; f < 3; f++) {
        expect(Math.abs(mean[f] / count)).toBeLessThanOrEqual(10);
        // With noise 0.01, every sample of a class is within 0.1 of its class mean.
        for (let i = 0; i < 400; i++) if (y[i] === c) expect(Math.abs(x[i * 3 + f] - mean[f] / count)).toBeLessThan(0.1);
      }
    }
  });

  it('spirals: 2-D, radius ≤ 1, balanced classes', () => {
    const d = loadDataset(cfg({ kind: 'spirals', samples: 300, classes: 3 }), 2);
    expect(d.inputSize).toBe(2);
    expect(d.outputSize).toBe(3);
    expectShapes(d);
    expect(classCounts(d)).toEqual([100, 100, 100]);
    const x = allX(d);
    for (let i = 0; i < 300; i++) expect(Math.hypot(x[i * 2], x[i * 2 + 1])).toBeLessThanOrEqual(1 + 1e-6);
    expect(d.description).toBe('spirals: 300 samples, 2 features, 3 classes');
  });

  it('moons: noiseless points lie on the two half circles', () => {
    const d = loadDataset(cfg({ kind: 'moons', samples: 101, noise: 0 }), 3);
    expect(d.inputSize).toBe(2);
    expect(d.outputSize).toBe(2);
    expectShapes(d);
    expect(classCounts(d)).toEqual([50, 51]);
    const x = allX(d);
    const y = allY(d);
    for (let i = 0; i < 101; i++) {
      const [px, py] = [x[i * 2], x[i * 2 + 1]];
      // Class 0: unit circle around (0, 0), upper half. Class 1: unit circle around (1, 0.5), lower half.
      const r = y[i] === 0 ? Math.hypot(px, py) : Math.hypot(px - 1, py - 0.5);
      expect(r).toBeCloseTo(1, 5);
      if (y[i] === 0) expect(py).toBeGreaterThanOrEqual(-1e-6);
      else expect(py).toBeLessThanOrEqual(0.5 + 1e-6);
    }
  });

  it('abs1d grid: endpoints included, targets |x|, shuffled by the split', () => {
    const d = loadDataset(cfg({ kind: 'abs1d', samples: 101, range: [-2, 3], validationSplit: 0.1 }), 4);
    expect(d.task).toBe('regression');
    expect(d.inputSize).toBe(1);
    expect(d.outputSize).toBe(1);
    expect(d.nVal).toBe(10);
    expect(d.nTrain).toBe(91);
    expectShapes(d);
    const x = allX(d);
    const y = allY(d);
    const sorted = Array.from(x).sort((a, b) => a - b);
    expect(sorted[0]).toBe(-2);
    expect(sorted[100]).toBe(3);
    for (let k = 0; k < 101; k++) expect(sorted[k]).toBeCloseTo(-2 + (5 * k) / 100, 5);
    for (let i = 0; i < 101; i++) expect(y[i]).toBe(Math.abs(x[i]));
    // The split shuffles: the training inputs are not in grid order.
    const train = Array.from(d.xTrain);
    expect(train).not.toEqual([...train].sort((a, b) => a - b));
    expect(d.description).toContain('abs1d: 101 samples (grid over [-2, 3])');
  });

  it('abs1d uniform with noise: inputs in range, targets |x| + noise', () => {
    const d = loadDataset(cfg({ kind: 'abs1d', samples: 2000, sampling: 'uniform', range: [-1, 1], noise: 0.1 }), 9);
    const x = allX(d);
    const y = allY(d);
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < 2000; i++) {
      expect(x[i]).toBeGreaterThanOrEqual(-1);
      expect(x[i]).toBeLessThanOrEqual(1);
      const r = y[i] - Math.abs(x[i]);
      sum += r;
      sumSq += r * r;
    }
    expect(Math.abs(sum / 2000)).toBeLessThan(0.01);
    expect(Math.sqrt(sumSq / 2000)).toBeCloseTo(0.1, 1);
  });
});
