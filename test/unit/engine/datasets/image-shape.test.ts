import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError, loadDataset } from '../../../../electron/engine/datasets/index.js';
import { cfg } from './helpers.js';

describe('a csv data set declared as images', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-image-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  // Six 2 × 3 single-channel images: a label column and 6 pixel columns.
  const file = path.join(dir, 'images.csv');
  fs.writeFileSync(file, ['label,p0,p1,p2,p3,p4,p5', ...Array.from({ length: 6 }, (_, i) => `${i % 2},0,1,0,1,0,${i}`)].join('\n'));
  const config = (imageShape: [number, number, number]) => cfg({ kind: 'csv', path: file, labelColumn: 'label', task: 'classification', imageShape, validationSplit: 0 });

  it('loads when the image shape holds exactly the features', () => {
    const data = loadDataset(config([2, 3, 1]), 1);
    expect(data.inputSize).toBe(6);
    expect(data.nTrain).toBe(6);
  });

  it('is refused, naming dataset.imageShape, when the product differs from the feature count', () => {
    let error: unknown;
    try {
      loadDataset(config([2, 2, 1]), 1);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).field).toBe('dataset.imageShape');
    expect((error as DatasetError).message).toBe('dataset.imageShape: must multiply to the number of features (6), got 2 × 2 × 1 = 4');
  });
});
