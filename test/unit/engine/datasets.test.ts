import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetSchema, type DatasetConfig } from '../../../shared/config.js';
import { DatasetError, datasetFingerprint, loadDataset } from '../../../electron/engine/datasets.js';
import { parseCsv } from '../../../electron/engine/csv.js';
import type { Dataset } from '../../../electron/engine/types.js';

/** A validated dataset config (defaults filled in), as the engine receives it. */
function cfg(input: Record<string, unknown>): DatasetConfig {
  return datasetSchema.parse(input);
}

function allX(d: Dataset): Float32Array {
  const out = new Float32Array(d.xTrain.length + d.xVal.length);
  out.set(d.xTrain);
  out.set(d.xVal, d.xTrain.length);
  return out;
}

function allY(d: Dataset): Float32Array {
  const out = new Float32Array(d.yTrain.length + d.yVal.length);
  out.set(d.yTrain);
  out.set(d.yVal, d.yTrain.length);
  return out;
}

function expectShapes(d: Dataset): void {
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

function classCounts(d: Dataset): number[] {
  const counts = new Array<number>(d.outputSize).fill(0);
  for (const c of allY(d)) counts[c]++;
  return counts;
}

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

describe('bundled data sets', () => {
  it('mnist: 784 inputs in [0, 1], 10 classes, all 10,000 digits by default', () => {
    const t0 = performance.now();
    const d = loadDataset(cfg({ kind: 'mnist' }), 1);
    const ms = performance.now() - t0;
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
    // Loading (decoding the package's JSON) should take well under a few seconds.
    expect(ms).toBeLessThan(5000);
    console.log(`mnist: first load of 10,000 digits took ${ms.toFixed(0)} ms`);

    const t1 = performance.now();
    loadDataset(cfg({ kind: 'mnist' }), 2);
    console.log(`mnist: cached load took ${(performance.now() - t1).toFixed(0)} ms`);
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
});

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and line breaks in quotes, CRLF, blank lines', () => {
    const text = '\ufeffa,"b, c",d\r\n1,"say ""hi""",3\r\n\r\n  \n4,"two\nlines",6\n7,8,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b, c', 'd'] },
      { line: 2, fields: ['1', 'say "hi"', '3'] },
      { line: 5, fields: ['4', 'two\nlines', '6'] },
      { line: 7, fields: ['7', '8', ''] },
    ]);
  });

  it('reports an unterminated quote with its line', () => {
    expect(() => parseCsv('a,b\n1,"oops\n2,3\n')).toThrow('line 2: a quoted field is never closed');
  });
});

describe('csv data sets', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return name;
  };
  const csvConfig = (file: string, extra: Record<string, unknown> = {}) =>
    cfg({ kind: 'csv', path: file, labelColumn: 'label', task: 'classification', validationSplit: 0, ...extra });
  const load = (file: string, extra: Record<string, unknown> = {}) => loadDataset(csvConfig(file, extra), 1, { baseDir: dir });
  const errorOf = (fn: () => unknown): DatasetError => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(DatasetError);
      return err as DatasetError;
    }
    throw new Error('expected a DatasetError');
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-csv-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('classification: string labels sorted, quoted fields, CRLF, blank lines, trailing newline', () => {
    const file = write(
      'flowers.csv',
      'width,"label",height\r\n1.5,"versicolor",2\r\n\r\n0.5,setosa,1\r\n" 2.5 ",virginica,3\r\n1,"setosa",1.25\r\n',
    );
    const d = load(file);
    expect(d.task).toBe('classification');
    expect(d.inputSize).toBe(2);
    expect(d.outputSize).toBe(3);
    expect(d.nTrain).toBe(4);
    expectShapes(d);
    // Rows in split order: match them back by their first feature.
    const rows = new Map<number, [number, number]>();
    for (let i = 0; i < 4; i++) rows.set(d.xTrain[i * 2], [d.xTrain[i * 2 + 1], d.yTrain[i]]);
    expect(rows.get(1.5)).toEqual([2, 1]);
    expect(rows.get(0.5)).toEqual([1, 0]);
    expect(rows.get(2.5)).toEqual([3, 2]);
    expect(rows.get(1)).toEqual([1.25, 0]);
    expect(d.description).toBe('csv flowers.csv: 4 samples, 2 features, 3 classes (setosa, versicolor, virginica)');
  });

  it('classification: numeric labels sorted numerically; label column by index; no header', () => {
    const file = write('numeric.csv', '10,0.1\n2,0.2\n1.0,0.3\n1,0.4\n2,0.5\n');
    const d = load(file, { header: false, labelColumn: 0 });
    expect(d.outputSize).toBe(3);
    const byFeature = new Map<number, number>();
    for (let i = 0; i < d.nTrain; i++) byFeature.set(Math.round(d.xTrain[i] * 10), d.yTrain[i]);
    // Classes: 1 (and 1.0) → 0, 2 → 1, 10 → 2.
    expect([1, 2, 3, 4, 5].map((k) => byFeature.get(k))).toEqual([2, 1, 0, 0, 1]);
  });

  it('regression: numeric target, outputSize 1, split and shift applied', () => {
    const lines = ['a,b,y'];
    for (let i = 0; i < 20; i++) lines.push(`${i},${-i},${i * 10}`);
    const file = write('reg.csv', lines.join('\n'));
    const d = load(file, { task: 'regression', labelColumn: 'y', validationSplit: 0.25, inputShift: 1 });
    expect(d.task).toBe('regression');
    expect(d.outputSize).toBe(1);
    expect(d.nTrain).toBe(15);
    expect(d.nVal).toBe(5);
    expectShapes(d);
    for (let i = 0; i < d.nTrain; i++) {
      const a = d.xTrain[i * 2] - 1;
      expect(d.xTrain[i * 2 + 1] - 1 + a).toBe(0);
      expect(d.yTrain[i]).toBe(a * 10);
    }
    expect(d.description).toBe('csv reg.csv: 20 samples, 2 features, regression on "y"; inputs x + 1');
  });

  it('relative paths resolve against process.cwd() by default, absolute paths as given', () => {
    const file = write('abs.csv', 'x,label\n1,a\n2,b\n');
    const absolute = loadDataset(csvConfig(path.join(dir, file)), 1);
    expect(absolute.nTrain).toBe(2);
    const relative = path.relative(process.cwd(), path.join(dir, file));
    expect(loadDataset(csvConfig(relative), 1)).toEqual(absolute);
  });

  it('fingerprint: sha256 of the file, changes with the contents', () => {
    const file = write('fp.csv', 'x,label\n1,a\n2,b\n');
    const config = csvConfig(file);
    const first = datasetFingerprint(config, { baseDir: dir });
    expect(first).toBe(createHash('sha256').update('x,label\n1,a\n2,b\n').digest('hex'));
    write('fp.csv', 'x,label\n1,a\n3,b\n');
    expect(datasetFingerprint(config, { baseDir: dir })).not.toBe(first);
  });

  it('error: missing file', () => {
    const err = errorOf(() => load('x.csv'));
    expect(err.field).toBe('dataset.path');
    expect(err.message).toBe(`dataset.path: cannot read "x.csv": no such file (resolved to ${path.join(dir, 'x.csv')})`);
    expect(() => datasetFingerprint(csvConfig('x.csv'), { baseDir: dir })).toThrow('dataset.path: cannot read "x.csv": no such file');
  });

  it('error: unknown label column name', () => {
    const file = write('abc.csv', 'a,b,c\n1,2,3\n4,5,6\n');
    expect(errorOf(() => load(file, { labelColumn: 'y' })).message).toBe('dataset.labelColumn: no column named "y" (columns: a, b, c)');
  });

  it('error: label column index out of range, or a name without a header', () => {
    const file = write('idx.csv', '1,2,3\n4,5,6\n');
    expect(errorOf(() => load(file, { header: false, labelColumn: 3 })).message).toBe(
      'dataset.labelColumn: column index 3 is out of range: "idx.csv" has 3 columns (indices 0..2)',
    );
    expect(errorOf(() => load(file, { header: false, labelColumn: 'c' })).message).toMatch(
      /^dataset\.labelColumn: "c" is a column name, but dataset\.header is false/,
    );
  });

  it('error: a non-numeric feature names its line and column', () => {
    const file = write('bad.csv', 'a,b,label\n1,2,x\n\n3,4,y\n5,6,x\n7,8,y\n9,10,x\n11,abc,y\n');
    expect(errorOf(() => load(file)).message).toBe('dataset.path: line 8, column "b": "abc" is not a number');
    const noHeader = write('bad2.csv', '1,2,x\n3,,y\n');
    expect(errorOf(() => load(noHeader, { header: false, labelColumn: 2 })).message).toBe(
      'dataset.path: line 2, column 1: "" is not a number',
    );
  });

  it('error: a non-numeric regression target', () => {
    const file = write('badreg.csv', 'a,label\n1,2\n3,high\n');
    expect(errorOf(() => load(file, { task: 'regression' })).message).toBe(
      'dataset.path: line 3, column "label": "high" is not a number (task is regression)',
    );
  });

  it('error: fewer than 2 data rows', () => {
    expect(errorOf(() => load(write('one.csv', 'a,label\n1,x\n'))).message).toBe(
      'dataset.path: "one.csv" has 1 data row; at least 2 are needed',
    );
    expect(errorOf(() => load(write('header-only.csv', 'a,label\n'))).message).toBe(
      'dataset.path: "header-only.csv" has 0 data rows; at least 2 are needed',
    );
    expect(errorOf(() => load(write('empty.csv', ''))).message).toBe('dataset.path: "empty.csv" is empty');
  });

  it('error: classification with only one class', () => {
    expect(errorOf(() => load(write('oneclass.csv', 'a,label\n1,x\n2,x\n3, x \n'))).message).toBe(
      'dataset.labelColumn: column "label" has only one distinct value ("x"); classification needs at least 2 classes',
    );
  });

  it('error: ragged rows, no feature columns, malformed quotes', () => {
    expect(errorOf(() => load(write('ragged.csv', 'a,b,label\n1,2,x\n3,y\n'))).message).toBe(
      'dataset.path: line 3 has 2 fields, expected 3 (a, b, label)',
    );
    expect(errorOf(() => load(write('labelonly.csv', 'label\nx\ny\n'))).message).toBe(
      'dataset.path: "labelonly.csv" has only the label column; at least one numeric feature column is needed',
    );
    expect(errorOf(() => load(write('quote.csv', 'a,label\n1,"x\n2,y\n'))).message).toBe(
      'dataset.path: "quote.csv", line 2: a quoted field is never closed (missing ")',
    );
  });
});
