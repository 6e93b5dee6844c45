/**
 * A lab database of many runs with plausible measurements, written through the store's own write
 * functions (createExperiment, recordEpoch, finishRun), for the runs table's benchmark and browser
 * tests. Nothing trains: the numbers follow a simple seeded model of dying units (more die at higher
 * learning rates, fewer with ReLU's variants), and the riskiest setups diverge.
 */
import { validateExperiment } from '../shared/config.js';
import type { EpochMetrics, LayerMetrics } from '../shared/metrics.js';
import type { LabStore } from '../db/store.js';
import { Rng } from '../electron/engine/rng.js';

export interface SeedOptions {
  runs: number;
  epochs: number;
  layers: number;
  /** Units per hidden layer (default 16). */
  width?: number;
}

export const SEED_ACTIVATIONS = ['relu', 'leaky_relu', 'elu', 'prelu'] as const;
export const SEED_LEARNING_RATES = [0.001, 0.01, 0.1, 0.3, 1] as const;
const SEEDS_PER_SETUP = 5;
/** Runs per experiment: activations × learning rates × seeds. */
export const RUNS_PER_EXPERIMENT = SEED_ACTIVATIONS.length * SEED_LEARNING_RATES.length * SEEDS_PER_SETUP;

const PRONENESS: Record<(typeof SEED_ACTIVATIONS)[number], number> = { relu: 1, prelu: 0.45, elu: 0.25, leaky_relu: 0.15 };

function layerRow(layer: number, units: number, deadFraction: number): LayerMetrics {
  const dead = Math.round(deadFraction * units);
  const deadMask = new Uint8Array(units);
  for (let i = 0; i < dead; i++) deadMask[i] = 1;
  return {
    layer,
    units,
    deadFraction: dead / units,
    activeProbability: 0.5 * (1 - dead / units),
    dormantFraction: Math.min(1, dead / units + 0.02),
    gradNorm: 0.5,
    preActMean: -deadFraction,
    preActStd: 1,
    histogram: { lo: -2, hi: 2, counts: [1, 2, 3, 2] },
    deadMask,
    preluAlphas: null,
    effectiveRank: units * (1 - deadFraction),
    weightMagnitude: 0.1,
    unitsReset: null,
  };
}

/** Writes `options.runs` runs (whole experiments of RUNS_PER_EXPERIMENT runs, the last one cut short). Returns the run ids. */
export function seedRunsTable(store: LabStore, options: SeedOptions): number[] {
  const width = options.width ?? 16;
  const ids: number[] = [];
  for (let e = 0; ids.length < options.runs; e++) {
    const validation = validateExperiment({
      name: `Seeded sweep ${e + 1}`,
      dataset: { kind: 'moons', samples: 256 },
      model: { hiddenLayers: options.layers, width },
      training: { learningRate: 0.01, epochs: options.epochs },
      seeds: { from: 1 + e * SEEDS_PER_SETUP, count: SEEDS_PER_SETUP },
      sweep: { 'model.activation': [...SEED_ACTIVATIONS], 'training.learningRate': [...SEED_LEARNING_RATES] },
    });
    if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
    const runs = validation.runs.slice(0, options.runs - ids.length);
    const created = store.createExperiment({ name: `Seeded sweep ${e + 1}`, config: validation.config, runs });
    created.runIds.forEach((runId, i) => {
      const spec = runs[i];
      const activation = spec.config.model.activation as (typeof SEED_ACTIVATIONS)[number];
      const lr = spec.config.training.learningRate;
      const rng = new Rng(runId, 'runs-table');
      const rand = () => rng.next();
      const risk = PRONENESS[activation] * Math.min(1, Math.log10(lr * 1000) / 3);
      const divergesAt = lr >= 1 && rand() < 0.6 * PRONENESS[activation] ? 1 + Math.floor(rand() * options.epochs) : null;
      let loss = 1.4;
      for (let epoch = 0; epoch <= options.epochs; epoch++) {
        const progress = epoch / options.epochs;
        const diverged = divergesAt !== null && epoch === divergesAt;
        loss = diverged ? NaN : loss * (0.9 + 0.05 * rand());
        const layers = Array.from({ length: options.layers }, (_, l) =>
          layerRow(l, width, Math.min(1, Math.max(0, risk * (0.2 + 0.8 * progress) * (0.6 + 0.3 * l) + 0.05 * rand()))),
        );
        const metrics: EpochMetrics = {
          epoch,
          trainLoss: loss,
          trainAccuracy: diverged ? NaN : Math.min(1, 0.5 + 0.45 * progress * (1 - risk / 2)),
          valLoss: diverged ? NaN : loss * 1.1,
          valAccuracy: diverged ? NaN : Math.min(1, 0.48 + 0.45 * progress * (1 - risk / 2)),
          seconds: epoch === 0 ? 0 : 0.05,
          elapsedSeconds: epoch * 0.05,
          probeMs: 1,
          task: null,
          layers,
        };
        store.recordEpoch(runId, metrics);
        if (diverged) break;
      }
      store.finishRun(runId, divergesAt !== null ? 'diverged' : 'completed', divergesAt !== null ? `the training loss became NaN at epoch ${divergesAt}` : null);
      ids.push(runId);
    });
  }
  return ids;
}
