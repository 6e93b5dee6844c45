/**
 * Task sequences (`training.tasks`): the data of task t is the run's data transformed task t's own
 * seeded way, for the training and validation splits alike (and so for the probe set, whose rows are
 * training rows). Every task, the first included, has its own transformation (Dohare et al. 2024 draw
 * a new permutation for every task of online permuted MNIST). The transformations depend only on
 * `tasks.seed`, the task index and the data's shape, never on the run's seed, so the runs of an
 * experiment see the same sequence of tasks.
 *
 * - `permuted`: the input features permuted (an image's pixels, for a CNN);
 * - `shuffled-labels`: the labels shuffled among the examples of each split (the class counts stay,
 *   which example has which label is random: a memorization task; validation accuracy is at chance);
 * - `shifted-inputs`: one vector, drawn N(0, shift²) per feature, added to every input.
 */
import type { TrainingConfig } from '../../shared/config.js';
import type { Dataset } from './types.js';
import { Rng } from './rng.js';

export type TasksConfig = NonNullable<TrainingConfig['tasks']>;

/** The default standard deviation of `shifted-inputs`' per-task shift. */
export const DEFAULT_TASK_SHIFT = 1;

/**
 * The task of a measurement point: epoch 0 (the initialization) is measured on task 0; epoch e ≥ 1
 * trains (and is measured after) on task ⌊(e − 1) / epochsPerTask⌋.
 */
export function taskOfEpoch(tasks: TasksConfig, epoch: number): number {
  return epoch <= 0 ? 0 : Math.min(tasks.count - 1, Math.floor((epoch - 1) / tasks.epochsPerTask));
}

/** The input permutation of a `permuted` task: feature i of the task is feature perm[i] of the data. */
export function taskPermutation(tasks: TasksConfig, task: number, features: number): Int32Array {
  return new Rng(tasks.seed, `task ${task} permutation`).permutation(features);
}

/** The input shift of a `shifted-inputs` task, one value per feature. */
export function taskShift(tasks: TasksConfig, task: number, features: number): Float32Array {
  const rng = new Rng(tasks.seed, `task ${task} shift`);
  const std = tasks.shift ?? DEFAULT_TASK_SHIFT;
  const out = new Float32Array(features);
  for (let i = 0; i < features; i++) out[i] = rng.normal(0, std);
  return out;
}

function permuteColumns(x: Float32Array, rows: number, perm: Int32Array): Float32Array {
  const k = perm.length;
  const out = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    for (let i = 0; i < k; i++) out[o + i] = x[o + perm[i]];
  }
  return out;
}

function shifted(x: Float32Array, shift: Float32Array): Float32Array {
  const k = shift.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + shift[i % k];
  return out;
}

function shuffledLabels(y: Float32Array, rng: Rng): Float32Array {
  const perm = rng.permutation(y.length);
  const out = new Float32Array(y.length);
  for (let r = 0; r < y.length; r++) out[r] = y[perm[r]];
  return out;
}

/** The data of task `task` (a new data set; `base` is left unchanged). */
export function taskDataset(base: Dataset, tasks: TasksConfig, task: number): Dataset {
  const description = `${base.description}; task ${task + 1} of ${tasks.count} (${tasks.kind})`;
  switch (tasks.kind) {
    case 'permuted': {
      const perm = taskPermutation(tasks, task, base.inputSize);
      return { ...base, xTrain: permuteColumns(base.xTrain, base.nTrain, perm), xVal: permuteColumns(base.xVal, base.nVal, perm), description };
    }
    case 'shifted-inputs': {
      const shift = taskShift(tasks, task, base.inputSize);
      return { ...base, xTrain: shifted(base.xTrain, shift), xVal: shifted(base.xVal, shift), description };
    }
    case 'shuffled-labels': {
      if (base.task !== 'classification') throw new Error('training.tasks: "shuffled-labels" needs a classification data set');
      const rng = new Rng(tasks.seed, `task ${task} labels`);
      const yTrain = shuffledLabels(base.yTrain, rng);
      return { ...base, yTrain, yVal: shuffledLabels(base.yVal, rng), description };
    }
  }
}

/**
 * A run's place in its task sequence: the data as loaded, and the current task's data. `at(epoch)`
 * moves to the epoch's task and says whether the data changed.
 */
export class TaskSchedule {
  private current = 0;
  data: Dataset;

  constructor(
    readonly tasks: TasksConfig,
    private readonly base: Dataset,
  ) {
    this.data = taskDataset(base, tasks, 0);
  }

  get task(): number {
    return this.current;
  }

  at(epoch: number): boolean {
    const task = taskOfEpoch(this.tasks, epoch);
    if (task === this.current) return false;
    this.current = task;
    this.data = taskDataset(this.base, this.tasks, task);
    return true;
  }
}
