/**
 * Which runs the training pool hands to one worker to train batched (train.ts, RunGroup): runs whose
 * configs give plain MLPs of one shape and kind, trained on one schedule (networks that train with
 * autodiff, autodiff-train.ts, and runs with training options or interventions, training-options.ts and
 * interventions.ts, are never batched). Decided from the configs
 * alone (the main process never loads TF.js or the data); the worker checks the loaded data's shape
 * too and trains a run whose data does not fit the others on its own.
 *
 * Batching pays for small networks, whose steps cost TF.js' per-operation overhead rather than
 * arithmetic: S runs share every kernel call. Products of a stack go through a batched matrix product
 * that is slower per multiply-add than the one-run product on the wasm backend, so larger networks
 * train one run at a time.
 */
import { layerWidths, usesTrainingOptions, type RunConfig } from '../../shared/config.js';
import { datasetShape } from '../../shared/resources.js';
import { trainsWithAutodiff } from '../../shared/architecture.js';

/** Largest fan_in × fan_out of any layer of a network trained batched. */
export const MAX_BATCHED_LAYER_SIZE = 256;
/** Most runs in one batch. */
export const MAX_BATCH_RUNS = 256;
/** Float32 values of training data all runs of one batch may hold together (256 MB). */
const MAX_BATCH_DATA_VALUES = 64 * 1024 * 1024;

/** Config fields that may differ between runs of one batch: they change values, not shapes or kernels. */
const PER_RUN_FIELDS = {
  model: ['init', 'initStd', 'biasInit', 'preluAlphaInit', 'outputInit'],
  training: ['learningRate', 'momentum'],
  dataset: ['inputShift', 'inputScale', 'noise'],
} as const;

/**
 * Runs with the same key can train as one batch; null when a run should train alone (a network too
 * large to gain from it, or data whose shape is only known from a file).
 */
export function batchKey(config: RunConfig): string | null {
  // Convolutional, residual and layer-normalized networks train with autodiff, one run at a time.
  if (trainsWithAutodiff(config.model)) return null;
  // Training options and interventions act on one run's network between steps: those runs train alone.
  if (usesTrainingOptions(config.training)) return null;
  const shape = datasetShape(config.dataset);
  if (!shape) return null;
  let fanIn = shape.inputs;
  for (const width of [...layerWidths(config.model), shape.outputs]) {
    if (fanIn * width > MAX_BATCHED_LAYER_SIZE) return null;
    fanIn = width;
  }
  const strip = (section: Record<string, unknown>, fields: readonly string[]) => {
    const copy = { ...section };
    for (const f of fields) delete copy[f];
    return copy;
  };
  return JSON.stringify({
    dataset: strip(config.dataset, PER_RUN_FIELDS.dataset),
    model: strip(config.model, PER_RUN_FIELDS.model),
    training: strip(config.training, PER_RUN_FIELDS.training),
    probe: config.probe,
  });
}

/** How many runs of this config one batch may hold (by the training data they keep in memory). */
export function maxBatchRuns(config: RunConfig): number {
  const shape = datasetShape(config.dataset);
  if (!shape) return 1;
  // A task sequence keeps its current task's inputs next to the loaded ones.
  const perRun = shape.samples * (shape.inputs * (config.training.tasks ? 2 : 1) + shape.outputs);
  return Math.max(1, Math.min(MAX_BATCH_RUNS, Math.floor(MAX_BATCH_DATA_VALUES / Math.max(1, perRun))));
}
