/** Shared fixtures for the db tests: real SQLite files in a fresh temp folder per test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { validateExperiment, type RunSpec } from '../../../shared/config.js';
import type { EpochMetrics, LayerMetrics } from '../../../shared/metrics.js';
import { LabStore } from '../../../db/store.js';
import { sqlValue } from './connection.js';

const tempDirs: string[] = [];
const stores: LabStore[] = [];

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-db-'));
  tempDirs.push(dir);
  return dir;
}

/** A path for a new database file, in a folder that does not exist yet. */
export function tempDbPath(): string {
  return path.join(tempDir(), 'nested', 'lab.sqlite');
}

/** Opens a store that is closed after the test. */
export function openStore(file = tempDbPath(), options?: { readonly?: boolean }): LabStore {
  const store = LabStore.open(file, options);
  stores.push(store);
  return store;
}

export const RAW_CONFIG = {
  name: 'relu vs prelu',
  dataset: { kind: 'moons', samples: 64 },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 3 },
  seeds: [1, 2],
  sweep: { 'model.activation': ['relu', 'prelu'] },
};

/** The four runs of RAW_CONFIG (2 activations × 2 seeds), as the config module expands them. */
export function sampleRuns(raw: unknown = RAW_CONFIG): RunSpec[] {
  const result = validateExperiment(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs;
}

export function sampleLayer(layer: number, units: number, overrides: Partial<LayerMetrics> = {}): LayerMetrics {
  const deadMask = new Uint8Array(units);
  for (let i = 0; i < units; i++) deadMask[i] = (i * 7 + layer) % 3 === 0 ? 1 : 0;
  return {
    layer,
    units,
    deadFraction: deadMask.reduce((a, b) => a + b, 0) / units,
    activeProbability: 0.4 + layer / 100,
    dormantFraction: 0.125,
    gradNorm: 0.5 + layer,
    preActMean: -0.1 * (layer + 1),
    preActStd: 1.25,
    histogram: { lo: -3.5, hi: 2.75, counts: [0, 3, 17, 40, 2, 1, 0, 1] },
    deadMask,
    preluAlphas: null,
    effectiveRank: 2.5 + layer / 4,
    weightMagnitude: 0.0625 * (layer + 1),
    // A count on every layer but the first, which has none (no unit-resetting intervention).
    unitsReset: layer === 0 ? null : 2,
    ...overrides,
  };
}

export function sampleEpoch(epoch: number, layers = 2, units = 11): EpochMetrics {
  return {
    epoch,
    trainLoss: 1 / (epoch + 1),
    trainAccuracy: 0.5 + epoch / 10,
    valLoss: 1.1 / (epoch + 1),
    valAccuracy: 0.45 + epoch / 10,
    seconds: epoch === 0 ? 0 : 0.25,
    elapsedSeconds: 0.3 * epoch + 0.01,
    probeMs: 4.5,
    task: Math.floor(epoch / 2),
    layers: Array.from({ length: layers }, (_, l) => sampleLayer(l, units)),
  };
}

export function tableCount(store: LabStore, table: string): number {
  return sqlValue(store, `SELECT COUNT(*) FROM ${table}`) as number;
}
