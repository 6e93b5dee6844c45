/**
 * The preflight check: after the schema accepted a design and before anything is stored, check it
 * against this machine. Every distinct data set of the runs (a sweep or variants can change it) must
 * be readable (csv files are read in full: a missing, unreadable or malformed file is a config
 * error, not a failed run), and the largest run's memory estimate must fit in the machine. Problems
 * are config issues (`dataset.path: …`, `model.width: …`), reported exactly like schema errors.
 */
import os from 'node:os';
import { describeValue, VARIANT_KEY, type ConfigIssue, type DatasetConfig, type ExperimentConfig, type RunSpec } from '../../shared/config.js';
import { datasetShape, estimateRunMemory, formatBytes, type DataShape, type MemoryEstimate } from '../../shared/resources.js';
import { checkDatasetSize, checkDatasetSource, DatasetError, loadDataset } from '../engine/datasets/index.js';

export interface MachineMemory {
  /** Physical memory, or the container's (cgroup) limit when that is lower. */
  total: number;
  /** Memory available right now (Linux: MemAvailable). */
  free: number;
}

/**
 * Share of the machine's memory one run may take: the rest is for the system, the app or the CLI
 * itself and other programs. A run estimated above it is refused; between the free memory and it,
 * the design is accepted with a warning (memory may be freed by then, or the system may swap).
 */
export const RUN_MEMORY_SHARE = 0.8;

export function machineMemory(): MachineMemory {
  let total = os.totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  // Without a limit some platforms report 0 or a huge number.
  if (typeof constrained === 'number' && constrained > 0 && constrained < total) total = constrained;
  return { total, free: Math.min(os.freemem(), total) };
}

type CsvDataset = Extract<DatasetConfig, { kind: 'csv' }>;

/** Reads a csv data set and returns its shape; throws the engine's DatasetError when it cannot. */
export type InspectDataset = (dataset: CsvDataset, seed: number) => Promise<DataShape>;

export interface PreflightOptions {
  /** Folder relative csv paths are resolved against. */
  baseDir: string;
  /** The machine's memory (default: this one's). */
  machine?: MachineMemory;
  /** How csv files are read (default: in this thread; the app reads them in a worker). */
  inspect?: InspectDataset;
  /** Runs trained at once, for the free-memory warning. */
  workers?: number;
}

export interface PreflightResult {
  issues: ConfigIssue[];
  warnings: string[];
  /** The run with the largest memory estimate (null when a data set could not be read). */
  largest: { run: RunSpec; estimate: MemoryEstimate } | null;
}

/** The shape of a csv data set, read in this thread. */
export function inspectInThisThread(baseDir: string): InspectDataset {
  return async (dataset, seed) => {
    const data = loadDataset(dataset, seed, { baseDir });
    return { samples: data.nTrain + data.nVal, inputs: data.inputSize, outputs: data.outputSize };
  };
}

function canonical(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/**
 * Where a run's value of `field` comes from: its sweep value (`sweep["model.width"][2]`), its
 * variant (`variants[1].set["model.width"]`) or the base config (`model.width`). When the value is
 * the base one but the run differs in the same part of the config (e.g. a swept dataset.path for a
 * dataset.labelColumn problem), `context` names those values.
 */
export function locateField(field: string, run: RunSpec, config: ExperimentConfig): { path: string; context: string } {
  const swept = config.sweep[field];
  if (swept && Object.prototype.hasOwnProperty.call(run.sweep, field)) {
    const i = swept.findIndex((v) => canonical(v) === canonical(run.sweep[field]));
    if (i >= 0) return { path: `sweep[${JSON.stringify(field)}][${i}]`, context: '' };
  }
  const variantName = run.sweep[VARIANT_KEY];
  const variants = config.variants ?? [];
  const v = variants.findIndex((x) => x.name === variantName);
  if (v >= 0 && Object.prototype.hasOwnProperty.call(variants[v].set, field)) {
    return { path: `variants[${v}].set[${JSON.stringify(field)}]`, context: '' };
  }
  const group = `${field.split('.')[0]}.`;
  const related = Object.entries(run.sweep).filter(([k]) => k.startsWith(group));
  const variantTouches = v >= 0 && Object.keys(variants[v].set).some((k) => k.startsWith(group));
  const parts = [...(variantTouches ? [`variant ${JSON.stringify(variants[v].name)}`] : []), ...related.map(([k, value]) => `${k} = ${describeValue(value)}`)];
  return { path: field, context: parts.length > 0 ? ` (for the runs with ${parts.join(', ')})` : '' };
}

function memoryBreakdown(e: MemoryEstimate): string {
  return `parameters ${formatBytes(e.parameters)}, training step ${formatBytes(e.activations)}, probe ${formatBytes(e.probe)}, evaluation ${formatBytes(e.evaluation)}, data ${formatBytes(e.data)}`;
}

/** Checks every distinct data set and the largest run's memory. Never throws for a bad design (only for a fault of the lab). */
export async function preflightExperiment(config: ExperimentConfig, runs: readonly RunSpec[], options: PreflightOptions): Promise<PreflightResult> {
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  const inspect = options.inspect ?? inspectInThisThread(options.baseDir);

  // Every distinct data set, once.
  const shapes = new Map<string, DataShape>();
  const datasets = new Map<string, RunSpec>();
  for (const run of runs) {
    const key = canonical(run.config.dataset);
    if (!datasets.has(key)) datasets.set(key, run);
  }
  for (const [key, run] of datasets) {
    const dataset = run.config.dataset;
    try {
      let shape = datasetShape(dataset);
      checkDatasetSource(dataset, { baseDir: options.baseDir });
      if (!shape && dataset.kind === 'csv') shape = await inspect(dataset, run.seed);
      if (!shape) continue;
      checkDatasetSize(shape.samples, shape.inputs, dataset.kind === 'csv' ? 'dataset.path' : 'dataset.samples');
      shapes.set(key, shape);
    } catch (err) {
      // Anything else (a crashed worker, a lab shutting down) is not a problem of the design.
      if (!(err instanceof DatasetError)) throw err;
      const { path, context } = locateField(err.field, run, config);
      issues.push({ path, message: `${err.problem}${context}` });
    }
  }
  if (issues.length > 0) return { issues, warnings, largest: null };

  // The largest run (runs that differ only by seed need the same memory).
  let largest: PreflightResult['largest'] = null;
  const seen = new Set<string>();
  for (const run of runs) {
    const key = canonical([run.config.dataset, run.config.model, run.config.training.optimizer, run.config.training.batchSize, run.config.probe.samples]);
    if (seen.has(key)) continue;
    seen.add(key);
    const shape = shapes.get(canonical(run.config.dataset));
    if (!shape) continue;
    const estimate = estimateRunMemory(run.config, shape);
    if (!largest || estimate.total > largest.estimate.total) largest = { run, estimate };
  }
  if (!largest) return { issues, warnings, largest };

  const machine = options.machine ?? machineMemory();
  const limit = machine.total * RUN_MEMORY_SHARE;
  const { estimate, run } = largest;
  if (estimate.total > limit) {
    const { path, context } = locateField(estimate.field, run, config);
    issues.push({
      path,
      message:
        `a run of this design needs about ${formatBytes(estimate.total)} of memory (${memoryBreakdown(estimate)}), ` +
        `more than this machine can give one run (${Math.round(RUN_MEMORY_SHARE * 100)} % of its ${formatBytes(machine.total)}, ${formatBytes(limit)})${context}`,
    });
  } else {
    const atOnce = Math.max(1, Math.min(options.workers ?? 1, runs.length));
    if (estimate.total * atOnce > machine.free) {
      warnings.push(
        atOnce > 1
          ? `${atOnce} runs training at once need about ${formatBytes(estimate.total * atOnce)} of memory and ${formatBytes(machine.free)} is free now: fewer workers would need less`
          : `a run needs about ${formatBytes(estimate.total)} of memory and ${formatBytes(machine.free)} is free now: the system may swap`,
      );
    }
  }
  return { issues, warnings, largest };
}
