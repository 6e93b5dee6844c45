/** What both live charts of a run share: thinning, the epoch axis, the height and their props. */
import type { SlimEpoch } from '../app/live.js';
import type { ChartColors } from './colors.js';

/** Keeps at most `max` points (always the first and the last) so long runs stay fast to draw. */
export function downsample<T>(points: readonly T[], max = 600): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

export const finiteOrNull = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

export const CHART_HEIGHT = 280;

/**
 * The epoch axis spans the planned epochs (so a live chart does not rescale at every epoch and a run
 * that stopped early shows where it stopped), unless that range is too long to read the first epochs.
 */
function epochDomain(epochsTotal: number, lastEpoch: number): [number, number] | ['dataMin', 'dataMax'] {
  if (epochsTotal > 0 && epochsTotal <= 500) return [0, Math.max(epochsTotal, lastEpoch)];
  return ['dataMin', 'dataMax'];
}

/** The epoch x axis both live charts share (recharts wants XAxis itself as a direct child, so props, not a component). */
export function epochAxisProps(colors: ChartColors, epochsTotal: number, lastEpoch: number) {
  return {
    dataKey: 'epoch',
    type: 'number' as const,
    domain: epochDomain(epochsTotal, lastEpoch),
    allowDecimals: false,
    stroke: colors.axis,
    tick: { fill: colors.text, fontSize: 12 },
    label: { value: 'epoch', position: 'insideBottom' as const, offset: -12, fill: colors.text, fontSize: 12 },
  };
}

export interface ChartProps {
  points: readonly SlimEpoch[];
  /** Planned epochs of the run. */
  epochsTotal: number;
  /** Epoch at which the run diverged, if it did. */
  divergedAt: number | null;
}
