/** What a design will cost, before it runs: parameters, a rough duration, the largest run's memory (pure). */
import type { ExperimentConfig, RunSpec } from '../../../shared/config.js';
import { datasetShape, estimateRunMemory, parameterCount as sharedParameterCount } from '../../../shared/resources.js';
import { imageShapeOf } from '../../../shared/architecture.js';

/** Seconds per (training sample × parameter) of one epoch, calibrated on the wasm backend on 2 cores. */
export const SECONDS_PER_SAMPLE_PARAM = 3e-9;
/** Fixed cost per batch (kernel launches, optimizer bookkeeping). */
const SECONDS_PER_BATCH = 0.0004;
/** Per measurement (epoch 0 and after every epoch): probe forward/backward passes. */
const SECONDS_PER_PROBE_SAMPLE_PARAM = 2e-9;
const SECONDS_PER_MEASUREMENT = 0.005;
/** Starting a run: data generation, model building. */
const SECONDS_PER_RUN = 0.5;

/** Input and output size of a data set (csv unknown: a guess). */
export function dataShape(dataset: ExperimentConfig['dataset']): { inputs: number; outputs: number; samples: number; guessed: boolean } {
  const shape = datasetShape(dataset);
  if (shape) return { ...shape, guessed: false };
  return { inputs: 16, outputs: 2, samples: 10_000, guessed: true };
}

/** Trainable parameters of a design's network (shared with the lab's memory estimate). */
export function parameterCount(config: Pick<ExperimentConfig, 'dataset' | 'model'>): number {
  const { inputs, outputs } = dataShape(config.dataset);
  return sharedParameterCount(config.model, inputs, outputs, imageShapeOf(config.dataset));
}

/** Rough wall time of one run, in seconds. */
export function estimateRunSeconds(run: Pick<RunSpec, 'config'>): number {
  const config = run.config;
  const { samples } = dataShape(config.dataset);
  const params = parameterCount(config);
  const train = Math.max(1, Math.round(samples * (1 - config.dataset.validationSplit)));
  const probe = Math.min(config.probe.samples, train);
  const batches = Math.ceil(train / config.training.batchSize);
  const epochs = config.training.epochs;
  return (
    SECONDS_PER_RUN +
    epochs * (train * params * SECONDS_PER_SAMPLE_PARAM + batches * SECONDS_PER_BATCH) +
    (epochs + 1) * (probe * params * SECONDS_PER_PROBE_SAMPLE_PARAM + SECONDS_PER_MEASUREMENT)
  );
}

/** Rough wall time of all runs on `workers` workers (runs are spread evenly). */
export function estimateExperimentSeconds(runs: readonly Pick<RunSpec, 'config'>[], workers: number): number {
  if (runs.length === 0) return 0;
  const total = runs.reduce((s, r) => s + estimateRunSeconds(r), 0);
  const parallel = Math.max(1, Math.min(workers, runs.length));
  const longest = runs.reduce((m, r) => Math.max(m, estimateRunSeconds(r)), 0);
  return Math.max(total / parallel, longest);
}

/** The largest run's memory estimate (null when a data set's shape is only known from its file). */
export function largestRunMemory(runs: readonly RunSpec[]): number | null {
  let largest = 0;
  for (const run of runs.slice(0, 2000)) {
    const shape = datasetShape(run.config.dataset);
    if (!shape) return null;
    largest = Math.max(largest, estimateRunMemory(run.config, shape).total);
  }
  return runs.length > 0 ? largest : null;
}
