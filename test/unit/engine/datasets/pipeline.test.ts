import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../../electron/engine/datasets/index.js';
import { allX, cfg, expectShapes } from './helpers.js';

describe('determinism, split, shift and scale', () => {
  const kinds = [
    { kind: 'blobs', samples: 200, features: 4 },
    { kind: 'spirals', samples: 200 },
    { kind: 'moons', samples: 200 },
    { kind: 'abs1d', samples: 200, sampling: 'uniform', noise: 0.1 },
    { kind: 'mnist', samples: 50 },
  ];
  for (const input of kinds) {
    it(`${input.kind}: same seed → identical arrays, different seed → different`, () => {
      const a = loadDataset(cfg(input), 11);
      const b = loadDataset(cfg(input), 11);
      const c = loadDataset(cfg(input), 12);
      expect(b).toEqual(a);
      expect(Array.from(c.xTrain)).not.toEqual(Array.from(a.xTrain));
    });
  }

  it('iris: same seed → identical split, different seed → different split', () => {
    const a = loadDataset(cfg({ kind: 'iris' }), 1);
    expect(loadDataset(cfg({ kind: 'iris' }), 1)).toEqual(a);
    expect(Array.from(loadDataset(cfg({ kind: 'iris' }), 2).yTrain)).not.toEqual(Array.from(a.yTrain));
  });

  it('split sizes follow Math.round(n · validationSplit); 0 gives an empty validation split', () => {
    for (const [samples, split] of [
      [1000, 0.2],
      [1001, 0.25],
      [10, 0.15],
      [7, 0.5],
    ] as const) {
      const d = loadDataset(cfg({ kind: 'moons', samples, validationSplit: split }), 1);
      expect(d.nVal).toBe(Math.round(samples * split));
      expect(d.nTrain).toBe(samples - d.nVal);
      expectShapes(d);
    }
    const none = loadDataset(cfg({ kind: 'moons', samples: 100, validationSplit: 0 }), 1);
    expect(none.nVal).toBe(0);
    expect(none.xVal.length).toBe(0);
    expect(none.yVal.length).toBe(0);
    expect(none.nTrain).toBe(100);
  });

  it('always keeps at least one training sample', () => {
    const d = loadDataset(cfg({ kind: 'moons', samples: 4, validationSplit: 0.9 }), 1);
    expect(d.nTrain).toBe(1);
    expect(d.nVal).toBe(3);
  });

  it('train and validation together are the whole data set (a permutation)', () => {
    const plain = loadDataset(cfg({ kind: 'abs1d', samples: 50, validationSplit: 0 }), 1);
    const split = loadDataset(cfg({ kind: 'abs1d', samples: 50, validationSplit: 0.3 }), 1);
    expect(Array.from(allX(split)).sort((a, b) => a - b)).toEqual(Array.from(plain.xTrain).sort((a, b) => a - b));
  });

  it('every input becomes x · inputScale + inputShift, in train and validation; labels unchanged', () => {
    const base = { kind: 'blobs', samples: 100, features: 3 };
    const plain = loadDataset(cfg(base), 7);
    const moved = loadDataset(cfg({ ...base, inputScale: 2, inputShift: -3 }), 7);
    expect(moved.nVal).toBeGreaterThan(0);
    moved.xTrain.forEach((v, i) => expect(v).toBeCloseTo(plain.xTrain[i] * 2 - 3, 4));
    moved.xVal.forEach((v, i) => expect(v).toBeCloseTo(plain.xVal[i] * 2 - 3, 4));
    expect(moved.yTrain).toEqual(plain.yTrain);
    expect(moved.yVal).toEqual(plain.yVal);
    expect(moved.description).toBe('blobs: 100 samples, 3 features, 4 classes; inputs x·2 − 3');
  });

  it('abs1d targets stay |x| of the generated inputs (before the shift)', () => {
    const d = loadDataset(cfg({ kind: 'abs1d', samples: 11, range: [-1, 1], inputShift: -5, validationSplit: 0 }), 1);
    const x = Array.from(d.xTrain);
    expect(Math.min(...x)).toBe(-6);
    expect(Math.max(...x)).toBe(-4);
    d.xTrain.forEach((v, i) => expect(d.yTrain[i]).toBeCloseTo(Math.abs(v + 5), 5));
  });
});
