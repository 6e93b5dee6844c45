/**
 * Runs that train on a sequence of tasks (`training.tasks`): where the task changes along the epoch
 * axis, and each run's online accuracy per task (the mean training accuracy over that task's epochs,
 * as Dohare et al. 2024 plot loss of plasticity). Pure TypeScript.
 */
import type { SeriesPoint } from './series.js';

/** The part of an epoch's metrics read here: its task (null or absent: the run has no task sequence). */
export interface TaskEpochInput {
  epoch: number;
  task?: number | null;
  trainAccuracy?: number | null;
}

/** Where a new task starts on the epoch axis: halfway between the last epoch of the old task and the first of the new one. */
export interface TaskBoundary {
  x: number;
  /** The task that starts there. */
  task: number;
  /** The first epoch measured on it. */
  epoch: number;
}

/**
 * The task changes of the runs, the union over them (runs with the same schedule share every one),
 * sorted by x. Epochs without a task are skipped; a run without tasks adds nothing.
 */
export function taskBoundaries(runs: readonly (readonly TaskEpochInput[])[]): TaskBoundary[] {
  const byX = new Map<number, TaskBoundary>();
  for (const run of runs) {
    const epochs = run.filter((e) => typeof e.task === 'number').sort((a, b) => a.epoch - b.epoch);
    for (let i = 1; i < epochs.length; i++) {
      const prev = epochs[i - 1];
      const e = epochs[i];
      if (e.task === prev.task) continue;
      const x = (prev.epoch + e.epoch) / 2;
      if (!byX.has(x)) byX.set(x, { x, task: e.task!, epoch: e.epoch });
    }
  }
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

/** A task as charts name it. */
export function taskLabel(task: number): string {
  return `task ${task}`;
}

/** Task boundaries are labelled (on screen and in figures) up to this many; beyond it the lines alone stay readable. */
export const MAX_LABELLED_TASKS = 10;

/** Whether a run's epochs carry a task sequence (some epoch has a task). */
export function hasTasks(epochs: readonly TaskEpochInput[]): boolean {
  return epochs.some((e) => typeof e.task === 'number');
}

/**
 * One run's online accuracy per task: x = the task, y = the mean training accuracy over the epochs that
 * trained on it (epoch 0, the network before any update, is not one of them; epochs without an
 * accuracy are skipped, NaN kept so the group's n says so).
 */
export function taskAccuracySeries(epochs: readonly TaskEpochInput[]): SeriesPoint[] {
  const sums = new Map<number, { sum: number; n: number }>();
  for (const e of epochs) {
    if (e.epoch === 0 || typeof e.task !== 'number' || e.trainAccuracy === null || e.trainAccuracy === undefined) continue;
    const s = sums.get(e.task) ?? { sum: 0, n: 0 };
    s.sum += e.trainAccuracy;
    s.n++;
    sums.set(e.task, s);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([task, s]) => ({ x: task, y: s.sum / s.n }));
}
