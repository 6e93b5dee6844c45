/**
 * The lab's use cases, one function each, called by both front ends: the CLI
 * (`electron/cli/commands/*`) and the API (`LabService`). They validate, check, store and queue, and
 * fail with the typed errors of shared/errors.ts; presentation (tables, progress, exit codes) stays
 * in the CLI, transport (argument checks, live events) in the service.
 */
import { slug } from '../../shared/slug.js';
import { validateExperiment, type ExperimentConfig, type RunSpec } from '../../shared/config.js';
import { ConflictError, InvalidConfigError, NotFoundError } from '../../shared/errors.js';
import type { ExperimentSummary, RunSummary } from '../../shared/metrics.js';
import { ExperimentBusyError, type LabStore } from '../../db/store.js';
import { exportBundle } from '../../db/bundle.js';
import { preflightExperiment, type PreflightOptions } from './preflight.js';
import type { TrainingPool } from './pool.js';

/** A design accepted by the schema and by this machine, not stored yet. */
export interface PreparedExperiment {
  /** The config exactly as given: what is stored. */
  raw: unknown;
  config: ExperimentConfig;
  runs: RunSpec[];
  /** What does not refuse the design but is worth knowing (e.g. little free memory right now). */
  warnings: string[];
}

/**
 * Validates a design with the shared schema, then checks it against this machine (every data set
 * readable, memory). Nothing is stored; a refused design throws an InvalidConfigError with every issue.
 */
export async function prepareExperiment(raw: unknown, machine: PreflightOptions): Promise<PreparedExperiment> {
  const validation = validateExperiment(raw);
  if (!validation.ok) throw new InvalidConfigError(validation.issues);
  const preflight = await preflightExperiment(validation.config, validation.runs, machine);
  if (preflight.issues.length > 0) throw new InvalidConfigError(preflight.issues);
  return { raw, config: validation.config, runs: validation.runs, warnings: preflight.warnings };
}

/** Stores a prepared experiment with its runs and queues them on the training pool. */
export function startExperiment(store: LabStore, pool: TrainingPool, design: PreparedExperiment): { experimentId: number; runIds: number[] } {
  const created = store.createExperiment({ name: design.config.name, config: design.raw, runs: design.runs });
  pool.enqueueExperiment(created.experimentId);
  return created;
}

export function requireExperiment(store: LabStore, id: number): ExperimentSummary {
  const experiment = store.getExperiment(id);
  if (!experiment) throw new NotFoundError('experiment', id);
  return experiment;
}

export function requireRun(store: LabStore, id: number): RunSummary {
  const run = store.getRun(id);
  if (!run) throw new NotFoundError('run', id);
  return run;
}

/**
 * Experiments as one bundle, with a file name to suggest: the experiment's name for one, else
 * `N-experiments.relulab`. A missing experiment is a NotFoundError.
 */
export function exportExperimentsBundle(store: LabStore, experimentIds: number[], appVersion?: string): { data: Buffer; suggestedName: string } {
  const data = exportBundle(store, experimentIds, { appVersion });
  const name = experimentIds.length === 1 ? slug(requireExperiment(store, experimentIds[0]).name) : `${experimentIds.length}-experiments`;
  return { data, suggestedName: `${name}.relulab` };
}

/**
 * Cancels an experiment's runs: those queued or training in this pool, and those queued in the
 * database by no pool of this process (another process, or one that is gone). Returns how many,
 * and the runs cancelled in the database only (the pool announces its own).
 */
export function cancelExperimentRuns(store: LabStore, pool: TrainingPool, experimentId: number): { count: number; cancelledQueued: RunSummary[] } {
  const inPool = new Set([...pool.queuedRunIds(), ...pool.activeRunIds()]);
  const cancelled = pool.cancelExperiment(experimentId);
  const stray = store.listRuns({ experimentId, statuses: ['queued'] }).filter((r) => !inPool.has(r.id));
  const extra = stray.length > 0 ? store.cancelQueuedRuns(stray.map((r) => r.id)) : 0;
  return { count: cancelled + extra, cancelledQueued: stray };
}

/** Resolves once none of `runIds` is training or queued in `pool` any more. */
export async function runsStopped(pool: TrainingPool, runIds: readonly number[]): Promise<void> {
  const ids = new Set(runIds);
  const busy = () => [...pool.activeRunIds(), ...pool.queuedRunIds()].some((id) => ids.has(id));
  while (busy()) {
    await new Promise<void>((resolve) => {
      const done = () => {
        pool.off('run-status', done);
        pool.off('idle', done);
        resolve();
      };
      pool.on('run-status', done);
      pool.on('idle', done);
    });
  }
}

/**
 * Deletes an experiment with all its data, once none of its runs trains in this process. Runs
 * another live process trains or queued (its lease is alive) are a ConflictError, checked in the
 * delete's own transaction so a run that process starts meanwhile is never deleted from under it.
 */
export function deleteStoppedExperiment(store: LabStore, id: number): void {
  requireExperiment(store, id);
  try {
    store.deleteExperiment(id);
  } catch (err) {
    if (!(err instanceof ExperimentBusyError)) throw err;
    const n = err.running + err.queued;
    throw new ConflictError(
      `experiment ${id} has ${n} run${n === 1 ? '' : 's'} ${err.running > 0 ? 'training' : 'queued'} in another process ` +
        '(e.g. the relu-lab command line); cancel them there or wait until they finish',
    );
  }
}
