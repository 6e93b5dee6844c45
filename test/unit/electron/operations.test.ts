/**
 * The use cases both front ends call (electron/lab/operations.ts), on a real SQLite file and a real
 * training pool: a design is refused with every issue before anything is stored, or stored and trained.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabStore } from '../../../db/store.js';
import { InvalidConfigError, NotFoundError } from '../../../shared/errors.js';
import { TrainingPool } from '../../../electron/lab/pool.js';
import { exportExperimentsBundle, prepareExperiment, requireExperiment, requireRun, startExperiment } from '../../../electron/lab/operations.js';
import { tempDir, tinyConfig } from './helpers.js';

const closing: (() => unknown)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0).reverse()) await close();
});

function openStore(): LabStore {
  const store = LabStore.open(path.join(tempDir(), 'lab.sqlite'));
  closing.push(() => store.close());
  return store;
}

describe('lab operations', () => {
  it('prepareExperiment refuses a design with every issue, from the schema or from this machine', async () => {
    const dir = tempDir();
    const bad = { ...tinyConfig(), training: { learningRate: -1, epochs: -2 } };
    const refused = await prepareExperiment(bad, { baseDir: dir }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidConfigError);
    expect((refused as InvalidConfigError).issues).toEqual([
      { path: 'training.learningRate', message: 'must be > 0, got -1' },
      { path: 'training.epochs', message: 'must be >= 0, got -2' },
    ]);
    expect((refused as InvalidConfigError).message).toBe('the experiment config is invalid: training.learningRate: must be > 0, got -1 (and 1 more problem)');

    const csv = { ...tinyConfig(), dataset: { kind: 'csv', path: 'missing.csv', labelColumn: 0, task: 'classification' } };
    const missing = await prepareExperiment(csv, { baseDir: dir }).catch((err: unknown) => err);
    expect((missing as InvalidConfigError).issues).toEqual([
      { path: 'dataset.path', message: `"missing.csv" does not exist (resolved to ${path.join(dir, 'missing.csv')})` },
    ]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('startExperiment stores a prepared design and trains its runs; the experiment exports as a bundle', async () => {
    const store = openStore();
    const pool = new TrainingPool(store, { workers: 1, backend: 'cpu' });
    closing.push(() => pool.close());
    const raw = tinyConfig({ name: 'ops / first', seeds: [1, 2] });
    const design = await prepareExperiment(raw, { baseDir: tempDir(), workers: 1 });
    expect(design.runs).toHaveLength(2);
    const { experimentId, runIds } = startExperiment(store, pool, design);
    expect(pool.pending).toBe(2);
    await pool.idle();
    expect(requireExperiment(store, experimentId).config).toEqual(raw);
    expect(runIds.map((id) => requireRun(store, id).status)).toEqual(['completed', 'completed']);

    expect(exportExperimentsBundle(store, [experimentId]).suggestedName).toBe('ops-first.relulab');
    expect(exportExperimentsBundle(store, [experimentId, experimentId]).suggestedName).toBe('2-experiments.relulab');
    expect(() => exportExperimentsBundle(store, [experimentId, 99])).toThrow(new NotFoundError('experiment', 99));
    expect(() => requireRun(store, 99)).toThrow('run 99 does not exist');
  });
});
