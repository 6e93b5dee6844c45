/**
 * A comparison-sized lab for the UI benchmark and the scale tests: one experiment of `variants`
 * groups × seeds, each run with `epochs` + 1 measurement points of `layers` hidden layers, written
 * through the store's own functions (createExperiment, markRunStarted, recordEpoch, finishRun), so
 * the database is exactly what training would leave. The measurements are synthetic but shaped like
 * real ones (dead fractions that grow towards a per-variant level, masks that match them, losses
 * that fall), and deterministic: the same arguments give the same file.
 */
import { validateExperiment } from '../shared/config.js';
import type { EpochMetrics, LayerMetrics } from '../shared/metrics.js';
import { LabStore } from '../db/store.js';
import { Rng } from '../electron/engine/rng.js';

export interface SeedShape {
  runs: number;
  layers: number;
  /** Epochs after epoch 0 (each run has epochs + 1 measurement points). */
  epochs: number;
  /** Groups the runs fall into (runs / variants seeds each). */
  variants?: number;
  /** Units per hidden layer. */
  units?: number;
  /** Runs that diverge half-way (the last `diverged` seeds of the last variant). */
  diverged?: number;
}

const VARIANTS = [
  { name: 'ReLU baseline', set: {} },
  { name: 'Leaky ReLU', set: { 'model.activation': 'leaky_relu' } },
  { name: 'PReLU', set: { 'model.activation': 'prelu' } },
  { name: 'ELU', set: { 'model.activation': 'elu' } },
  { name: 'Batch norm', set: { 'model.batchNorm': true } },
  { name: 'Lower learning rate', set: { 'training.learningRate': 0.01 } },
  { name: 'GELU', set: { 'model.activation': 'gelu' } },
  { name: 'SELU', set: { 'model.activation': 'selu' } },
];

/** Runs written per transaction. */
const SEED_BATCH = 50;

/** The experiment config of a shape (also what the tests validate against). */
export function seedConfig(shape: SeedShape): Record<string, unknown> {
  const variants = Math.min(shape.variants ?? 5, VARIANTS.length);
  if (shape.runs % variants !== 0) throw new Error(`runs (${shape.runs}) must be a multiple of variants (${variants})`);
  return {
    name: `Scale: ${shape.runs} runs × ${shape.layers} layers × ${shape.epochs} epochs`,
    dataset: { kind: 'blobs', samples: 256 },
    model: { hiddenLayers: shape.layers, width: shape.units ?? 32 },
    training: { learningRate: 0.1, epochs: shape.epochs },
    probe: { samples: 64, histogramBins: 16 },
    seeds: { from: 1, count: shape.runs / variants },
    variants: VARIANTS.slice(0, variants),
  };
}

function layerAt(rand: () => number, layer: number, units: number, level: number, epoch: number, epochs: number, bins: number): LayerMetrics {
  const target = Math.min(1, Math.max(0, level * (1 - Math.exp((-4 * epoch) / Math.max(1, epochs))) * (0.6 + layer / 16) + (rand() - 0.5) * 0.05));
  const deadMask = new Uint8Array(units);
  let dead = 0;
  for (let u = 0; u < units; u++) {
    deadMask[u] = rand() < target ? 1 : 0;
    dead += deadMask[u];
  }
  const counts = Array.from({ length: bins }, (_, b) => Math.round(64 * Math.exp(-(((b - bins / 2 + target * 4) / (bins / 5)) ** 2))));
  return {
    layer,
    units,
    deadFraction: dead / units,
    activeProbability: Math.max(0, 0.5 - target / 2 + (rand() - 0.5) * 0.02),
    dormantFraction: Math.min(1, dead / units + rand() * 0.05),
    gradNorm: 0.5 + rand(),
    preActMean: -target,
    preActStd: 1 + rand() * 0.1,
    histogram: { lo: -3 - target, hi: 3 - target, counts },
    deadMask,
    preluAlphas: null,
    effectiveRank: (units - dead) * (0.5 + rand() * 0.1),
    weightMagnitude: 0.05 + rand() * 0.01,
    unitsReset: null,
  };
}

/**
 * Writes the shape into a new database file (or a new experiment of an existing one) and returns
 * the experiment id and its run ids. Every run ends `completed`, except the diverged ones.
 */
export function seedComparison(file: string, shape: SeedShape): { experimentId: number; runIds: number[] } {
  const config = seedConfig(shape);
  const validated = validateExperiment(config);
  if (!validated.ok) throw new Error(`bench seed config: ${JSON.stringify(validated.issues)}`);
  const units = shape.units ?? 32;
  const bins = 16;
  const store = LabStore.open(file);
  try {
    const created = store.createExperiment({ name: String(config.name), config, runs: validated.runs });
    const variants = validated.runs.length / (config.seeds as { count: number }).count;
    const perVariant = shape.runs / variants;
    // Runs written in transactions of SEED_BATCH runs (one commit each): a 2,000-run lab seeds in minutes, not an hour.
    const writeRun = (runId: number, i: number) => {
      const variant = Math.floor(i / perVariant);
      const seedIndex = i % perVariant;
      const diverges = variant === variants - 1 && seedIndex >= perVariant - (shape.diverged ?? 0);
      const rng = new Rng(runId, 'bench-seed');
      const rand = () => rng.next();
      const level = [0.55, 0.2, 0.12, 0.08, 0.05, 0.3, 0.1, 0.15][variant % 8] * (0.85 + rand() * 0.3);
      store.markRunStarted(runId, { backend: 'wasm', versions: { tfjs: 'bench', backend: 'wasm', node: process.versions.node }, ownerPid: process.pid });
      const last = diverges ? Math.floor(shape.epochs / 2) : shape.epochs;
      let elapsed = 0;
      for (let epoch = 0; epoch <= last; epoch++) {
        const seconds = epoch === 0 ? 0 : 0.2 + rand() * 0.05;
        elapsed += seconds;
        const loss = diverges && epoch === last ? NaN : 1.4 * Math.exp(-epoch / (shape.epochs / 3 + 1)) + 0.2 + rand() * 0.05;
        const metrics: EpochMetrics = {
          epoch,
          trainLoss: loss,
          trainAccuracy: Math.min(1, 0.3 + 0.6 * (1 - Math.exp(-epoch / 10)) + rand() * 0.02),
          valLoss: loss * 1.05,
          valAccuracy: Math.min(1, 0.28 + 0.6 * (1 - Math.exp(-epoch / 10)) + rand() * 0.02),
          seconds,
          elapsedSeconds: elapsed,
          probeMs: 2,
          task: null,
          layers: Array.from({ length: shape.layers }, (_, l) => layerAt(rand, l, units, level, epoch, shape.epochs, bins)),
        };
        store.recordEpoch(runId, metrics);
      }
      store.finishRun(runId, diverges ? 'diverged' : 'completed', diverges ? `the training loss became NaN after epoch ${last}` : null);
    };
    for (let i = 0; i < created.runIds.length; i += SEED_BATCH) {
      store.inTransaction(() => created.runIds.slice(i, i + SEED_BATCH).forEach((runId, j) => writeRun(runId, i + j)));
    }
    return created;
  } finally {
    store.close();
  }
}
