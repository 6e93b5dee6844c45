/**
 * What a run reports while it trains and when it ends: the hooks the lab, the quick check and the
 * tests plug into the training loop, a run's result, and when and why a measurement ends a run as diverged.
 * Shared by the training loop (train.ts) and the previous loop kept for comparison (previous.ts).
 */
import type { RunConfig } from '../../shared/config.js';
import type { EpochMetrics, RunArtifacts } from '../../shared/metrics.js';
import type { Dataset } from './types.js';

export type RunOutcome = 'completed' | 'diverged' | 'cancelled';

export interface TrainHooks {
  /** Called after each measurement point (epoch 0 = initialization). */
  onEpoch?(metrics: EpochMetrics): void;
  /** Polled between batches; returning true stops the run as `cancelled`. */
  shouldStop?(): boolean;
  /** Called after every batch with the fraction of the run done (for progress bars). */
  onProgress?(fraction: number): void;
  /** Called once when the run ends, with its result (runs of a stack end at different times). */
  onEnd?(result: TrainResult): void;
}

export interface TrainResult {
  status: RunOutcome;
  /** Why the run stopped early (divergence), null otherwise. */
  reason: string | null;
  epochs: EpochMetrics[];
  artifacts: RunArtifacts;
}

/** One run of a group: its config, seed and data (already loaded). */
export interface GroupMember {
  config: RunConfig;
  seed: number;
  data: Dataset;
}

/** The first hidden layer whose pre-activations were not finite at this measurement (its deadFraction is NaN). */
function nonFiniteLayer(metrics: EpochMetrics): number | null {
  const layer = metrics.layers.find((l) => Number.isNaN(l.deadFraction));
  return layer ? layer.layer : null;
}

function nonFiniteReason(layer: number, epoch: number): string {
  const when = epoch === 0 ? 'at initialization (epoch 0)' : `after epoch ${epoch}`;
  return `the pre-activations of layer ${layer + 1} became NaN or ±Infinity ${when}`;
}

/**
 * Why a measurement ends its run as diverged, or null: a layer's pre-activations are not finite (the
 * last step of an epoch can overflow the weights although every batch loss was finite), the initial
 * loss is not finite, or the validation loss became non-finite. A non-finite batch loss during an
 * epoch ends the run before any measurement (each training loop says so itself).
 */
export function divergenceReason(metrics: EpochMetrics): string | null {
  const { epoch } = metrics;
  const broken = nonFiniteLayer(metrics);
  if (broken !== null) return nonFiniteReason(broken, epoch);
  if (epoch === 0 && !Number.isFinite(metrics.trainLoss)) return `loss is ${metrics.trainLoss} at initialization`;
  if (epoch > 0 && metrics.valLoss !== null && !Number.isFinite(metrics.valLoss)) return `validation loss became ${metrics.valLoss} after epoch ${epoch}`;
  return null;
}
