/**
 * The short trial the divergence check (quick-check.ts) runs on a run's trainer: optimizer steps over
 * shuffled batches, no measurements, one loop for every trainer (train.ts, autodiff-train.ts and the
 * previous loop, previous.ts).
 */
import type { Rng } from './rng.js';

export interface TrialResult {
  /** Optimizer steps taken. */
  steps: number;
  /** The step (1-based) whose batch loss was not finite, or null. */
  divergedAtStep: number | null;
  /** The last batch loss (before its step); NaN when no step was taken. */
  lastLoss: number;
}

/**
 * Up to `steps` optimizer steps: each pass over the `n` training rows draws a new order from `rng`
 * and takes batches of `batchSize` rows in it; `step(order, start, size)` trains on rows
 * `order[start…start + size)` and returns the batch's loss. Stops at the first non-finite batch loss,
 * or when `shouldStop` (polled before every step) says so.
 */
export function trialSteps(
  steps: number,
  n: number,
  batchSize: number,
  rng: Rng,
  step: (order: Int32Array, start: number, size: number) => number,
  shouldStop?: () => boolean,
): TrialResult {
  let done = 0;
  let lastLoss = NaN;
  while (done < steps) {
    const order = rng.permutation(n);
    for (let start = 0; start < n && done < steps; start += batchSize) {
      if (shouldStop?.()) return { steps: done, divergedAtStep: null, lastLoss };
      lastLoss = step(order, start, Math.min(batchSize, n - start));
      done++;
      if (!Number.isFinite(lastLoss)) return { steps: done, divergedAtStep: done, lastLoss };
    }
  }
  return { steps: done, divergedAtStep: null, lastLoss };
}
