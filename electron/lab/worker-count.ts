/** How many training workers this machine runs by default and may run at most. */
import os from 'node:os';
import { MAX_WORKERS } from '../../shared/api.js';

function cores(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
}

export function defaultWorkerCount(): number {
  return Math.min(maxWorkerCount(), Math.max(1, cores() - 1));
}

/**
 * The most training workers this machine may use: twice its cores (each worker trains on one
 * thread; beyond that, threads only compete for the cores while each costs ~50 MB of memory),
 * and never more than MAX_WORKERS. Applies to `--workers`, the settings and the API.
 */
export function maxWorkerCount(): number {
  return Math.max(1, Math.min(MAX_WORKERS, 2 * cores()));
}

/** Why `workers` cannot be used on this machine, or null when it can. `field` names it in the message. */
export function workerCountProblem(field: string, workers: number): string | null {
  const max = maxWorkerCount();
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > max) {
    return `${field}: must be a whole number from 1 to ${max} on this machine (twice its ${cores()} cores, at most ${MAX_WORKERS}), got ${workers}`;
  }
  return null;
}

/** `workers` made usable: a whole number from 1 to maxWorkerCount(). */
export function clampWorkers(workers: number): number {
  return Math.min(maxWorkerCount(), Math.max(1, Math.floor(workers)));
}
