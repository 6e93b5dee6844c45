/**
 * The probe of a convolutional layer, per channel. A channel's "inputs" are all (probe input, spatial
 * position) pairs: its pre-activation z_c(x, p) at every position p of the layer's output for every
 * probe input x. Applied to those pairs, the unit definitions of probe.ts become:
 *
 * - dead: z_c(x, p) ≤ 0 at every position of every probe input;
 * - activeProbability: the mean over channels, probe inputs and positions of [z_c(x, p) > 0];
 * - dormant: the channel's mean |activation| over probe inputs and positions, divided by the layer's
 *   mean of that score, is ≤ τ (ReDo's score for convolutional layers, Sokar et al. 2023);
 * - preActMean, preActStd and the histogram: over every channel, input and position;
 * - deadMask and PReLU slopes: one entry per channel.
 */
import type { LayerMetrics } from '../../shared/metrics.js';
import { measureLayer, type LayerProbeInput } from './probe.js';

export interface ConvProbeInput extends Omit<LayerProbeInput, 'units'> {
  /** Channels of the layer. */
  channels: number;
  /** Spatial positions of the layer's pre-activations per input (height × width). */
  positions: number;
  /** n × positions × channels pre-activations, row-major (NHWC), after batch norm in inference mode when on. */
  preActs: Float32Array;
  acts: Float32Array;
}

/** Measures one convolutional layer per channel (see the module comment). */
export function measureConvLayer(input: ConvProbeInput): LayerMetrics {
  const { channels, positions, ...rest } = input;
  // NHWC values are already rows of channels: each (input, position) pair is one row.
  return measureLayer({ ...rest, n: input.n * positions, units: channels });
}
