/**
 * The optional gradient-level training options of `training` (README.md, "training"), shared by the
 * MLP step (stack.ts) and the autodiff step (autodiff-train.ts): global gradient-norm clipping, weight
 * decay, L2 toward the initial weights, and the per-step learning-rate schedule. A run that uses none
 * of them never reaches this module, so its numbers are those of the plain step.
 *
 * Order, as PyTorch's `clip_grad_norm_` followed by an optimizer with `weight_decay`: the loss gradient
 * g of every parameter is clipped first, then the penalties are added, then the update rule runs with
 * the step's learning rate:  g ← g·min(1, c / (‖g‖ + 1e−6));  g ← g + λ·w + λ₀·(w − w₀).
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingConfig } from '../../shared/config.js';

/** PyTorch's `clip_grad_norm_` adds this to the norm before dividing. */
export const CLIP_EPSILON = 1e-6;

type Schedule = NonNullable<TrainingConfig['schedule']>;

/**
 * The learning rate of optimizer step `step` (0-based) of `totalSteps`: a linear warmup from
 * base/warmupSteps to base over the first `warmupSteps` steps, then the decay over the remaining
 * steps, from base at the first step after the warmup to base·finalFraction at the last step
 * (`linear`: straight; `cosine`: half a cosine; `none`: constant).
 */
export function scheduledLearningRate(base: number, schedule: Schedule | undefined, step: number, totalSteps: number): number {
  if (!schedule) return base;
  const { warmupSteps, decay, finalFraction } = schedule;
  if (step < warmupSteps) return (base * (step + 1)) / warmupSteps;
  if (decay === 'none') return base;
  const span = totalSteps - 1 - warmupSteps;
  const progress = span > 0 ? Math.min(1, (step - warmupSteps) / span) : 1;
  const shape = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return base * (finalFraction + (1 - finalFraction) * shape);
}

/** Whether a run uses any option of this module. */
export function usesGradientOptions(training: TrainingConfig): boolean {
  return training.weightDecay !== undefined || training.l2Init !== undefined || training.clipNorm !== undefined || training.schedule !== undefined;
}

/**
 * The options of one run (never a stack). Keeps a copy of the initial parameters when `l2Init` is on.
 * `adjust` and `learningRate` are called once per step, inside the step's tf.tidy.
 */
export class GradientOptions {
  private readonly initial: tf.Tensor[] | null;

  constructor(
    private readonly training: TrainingConfig,
    params: readonly tf.Variable[],
    /** Optimizer steps of the whole schedule (epochs × batches per epoch), for the decay. */
    private readonly totalSteps: number,
  ) {
    this.initial = training.l2Init !== undefined ? params.map((p) => tf.keep(tf.clone(p))) : null;
  }

  /** The learning rate of step `step` (0-based). */
  learningRate(step: number): number {
    return scheduledLearningRate(this.training.learningRate, this.training.schedule, step, this.totalSteps);
  }

  /** The gradients the update rule gets: clipped, then with the penalties added (`params` in the same order). */
  adjust(grads: tf.Tensor[], params: readonly tf.Tensor[]): tf.Tensor[] {
    const { clipNorm, weightDecay, l2Init } = this.training;
    let out = grads;
    if (clipNorm !== undefined) {
      const norm = tf.sqrt(tf.addN(out.map((g) => tf.sum(tf.square(g)))));
      const coefficient = tf.minimum(tf.div(clipNorm, tf.add(norm, CLIP_EPSILON)), 1);
      out = out.map((g) => tf.mul(g, coefficient));
    }
    if (weightDecay !== undefined && weightDecay > 0) out = out.map((g, i) => tf.add(g, tf.mul(params[i], weightDecay)));
    if (l2Init !== undefined && l2Init > 0 && this.initial) {
      const initial = this.initial;
      out = out.map((g, i) => tf.add(g, tf.mul(tf.sub(params[i], initial[i]), l2Init)));
    }
    return out;
  }

  dispose(): void {
    if (this.initial) tf.dispose(this.initial);
  }
}
