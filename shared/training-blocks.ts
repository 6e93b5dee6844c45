/**
 * The training section's optional blocks, which make a run non-stationary or change how it learns:
 * task sequences (`training.tasks`), the learning-rate schedule (`training.schedule`) and the
 * interventions (`training.interventions`), with the questions the engine and the batching ask of
 * them. Part of the one config schema (config.ts composes them into `trainingSchema`). Pure TypeScript.
 */
import { z } from 'zod';
import { describeValue } from './issues.js';
import type { TrainingConfig } from './config.js';

const MAX_SEED = 2 ** 31 - 1;
const int = (min: number, max: number) => z.int().min(min).max(max);

/**
 * Task sequences (`training.tasks.kind`): every task transforms the data its own seeded way.
 * `permuted`: the input features permuted; `shuffled-labels`: the labels shuffled among the examples;
 * `shifted-inputs`: a constant vector added to every input.
 */
export const TASK_KINDS = ['permuted', 'shuffled-labels', 'shifted-inputs'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** How `training.schedule` decays the learning rate after the warmup. */
export const LR_DECAYS = ['none', 'linear', 'cosine'] as const;

/**
 * A sequence of tasks instead of one data set (continual learning): task t (0-based) trains epochs
 * t·epochsPerTask + 1 … (t + 1)·epochsPerTask on its own transformation of the data; the network and
 * the optimizer state carry over from task to task.
 */
export const tasksSchema = z
  .strictObject({
    kind: z.enum(TASK_KINDS),
    count: int(1, 100_000),
    epochsPerTask: int(1, 100_000),
    /** Seeds the transformations (not the run's seed: every run of an experiment sees the same tasks). */
    seed: int(0, MAX_SEED).default(0),
    /** Standard deviation of each task's input shift (`shifted-inputs` only; absent means 1). */
    shift: z.number().gt(0).max(1000).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.shift !== undefined && t.kind !== 'shifted-inputs') {
      ctx.addIssue({ code: 'custom', path: ['shift'], message: `only applies when training.tasks.kind is "shifted-inputs", got ${describeValue(t.kind)}` });
    }
  });

/** Per-step learning-rate warmup and decay (`training.schedule`). */
export const scheduleSchema = z
  .strictObject({
    warmupSteps: int(0, 1_000_000_000).default(0),
    decay: z.enum(LR_DECAYS).default('none'),
    /** Learning rate at the last step, as a fraction of `learningRate` (linear and cosine decay). */
    finalFraction: z.number().min(0).max(1).default(0),
  });

/** Interventions while training (`training.interventions`); each entry optional. */
export const interventionsSchema = z
  .strictObject({
    /** ReDo (Sokar et al. 2023): recycle dormant units every `everySteps` steps. */
    redo: z
      .strictObject({
        everySteps: int(1, 1_000_000_000),
        /** τ of the dormant score; absent means probe.dormantThreshold. */
        threshold: z.number().min(0).max(1).optional(),
      })
      .optional(),
    /** Continual backprop (Dohare et al. 2024): replace the least useful mature units. */
    continualBackprop: z
      .strictObject({
        replacementRate: z.number().min(0).max(1).default(1e-4),
        maturityThreshold: int(0, 1_000_000_000).default(100),
        decay: z.number().min(0).lt(1).default(0.99),
      })
      .optional(),
    /** Shrink and perturb (Ash & Adams 2020): w ← λ·w + σ·ε every `everyEpochs` epochs. */
    shrinkPerturb: z
      .strictObject({
        everyEpochs: int(1, 100_000),
        shrink: z.number().min(0).max(1).default(0.4),
        noise: z.number().min(0).max(1000).default(0.01),
      })
      .optional(),
  });

/** Interventions that re-initialize single units (ReDo, continual backprop): dense hidden units of plain MLPs only. */
export const UNIT_RESET_INTERVENTIONS = ['redo', 'continualBackprop'] as const;

/** Whether a run re-initializes units (and so records `unitsReset`). */
export function resetsUnits(training: Pick<TrainingConfig, 'interventions'>): boolean {
  return UNIT_RESET_INTERVENTIONS.some((k) => training.interventions?.[k] !== undefined);
}

/** Whether a run uses any of the optional training options or interventions (it then trains alone, never batched). */
export function usesTrainingOptions(training: TrainingConfig): boolean {
  return (
    training.weightDecay !== undefined ||
    training.l2Init !== undefined ||
    training.clipNorm !== undefined ||
    training.schedule !== undefined ||
    training.interventions !== undefined
  );
}
