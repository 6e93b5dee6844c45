/**
 * Born-dead networks (Lu et al. 2019, arXiv:1903.06733): a run whose network has a hidden layer with
 * every unit (channel) dead computes a constant from that layer on. Per run, whether that is so at one
 * epoch; per group, the share of runs where it is, with its Wilson score interval. Pure TypeScript.
 */
import { wilsonInterval, type ProportionInterval } from './stats.js';

/** The part of an epoch's metrics read here (`EpochMetricsDto` and the comparison's series fit). */
export interface FullyDeadEpochInput {
  epoch: number;
  layers: readonly { deadFraction: number }[];
}

/**
 * A run at one epoch: `dead` when some hidden layer has deadFraction = 1 (every unit dead on every
 * probe input), `alive` when every layer was measured with a finite dead fraction below 1,
 * `not-measured` when the run has no measurement of that epoch, `not-finite` when no layer is fully
 * dead but some layer's pre-activations were NaN or ±Infinity (the layer cannot be judged).
 */
export type FullyDeadState = 'dead' | 'alive' | 'not-measured' | 'not-finite';

export function fullyDeadLayerAt(epochs: readonly FullyDeadEpochInput[], epoch: number): FullyDeadState {
  const e = epochs.find((x) => x.epoch === epoch);
  if (!e || e.layers.length === 0) return 'not-measured';
  if (e.layers.some((l) => l.deadFraction === 1)) return 'dead';
  return e.layers.every((l) => Number.isFinite(l.deadFraction)) ? 'alive' : 'not-finite';
}

/** A group's share of runs with a fully dead layer at one epoch (over the runs judged there) and the runs left out. */
export interface FullyDeadShare extends ProportionInterval {
  notMeasured: number;
  notFinite: number;
}

export function fullyDeadShare(runs: readonly (readonly FullyDeadEpochInput[])[], epoch: number): FullyDeadShare {
  let dead = 0;
  let alive = 0;
  let notMeasured = 0;
  let notFinite = 0;
  for (const run of runs) {
    const state = fullyDeadLayerAt(run, epoch);
    if (state === 'dead') dead++;
    else if (state === 'alive') alive++;
    else if (state === 'not-measured') notMeasured++;
    else notFinite++;
  }
  return { ...wilsonInterval(dead, dead + alive), notMeasured, notFinite };
}
