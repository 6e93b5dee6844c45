/**
 * The live charts of a run as data: rows thinned by the shared extreme-preserving downsampler (the one
 * the Compare view and the exported figures use, so a spike or a dip never vanishes from a long run)
 * and axes from the shared axis model, which recharts draws as explicit domains and ticks. Pure logic.
 */
import { downsampleRows } from '../../../shared/analysis/downsample.js';
import { axisModel, type AxisModel } from '../../../shared/figure/axis.js';
import type { SlimEpoch } from '../app/live.js';

/** Rows a live chart draws at most (extremes of every line are kept when thinning). */
export const LIVE_MAX_POINTS = 600;

export const CHART_HEIGHT = 280;

export interface ChartProps {
  points: readonly SlimEpoch[];
  /** Planned epochs of the run. */
  epochsTotal: number;
  /** Epoch at which the run diverged, if it did. */
  divergedAt: number | null;
}

export type LiveRow = { epoch: number } & Record<string, number | null>;

export function finiteOrNull(v: number | null | undefined): number | null {
  return v === null || v === undefined || !Number.isFinite(v) ? null : v;
}

/** `rows` thinned to LIVE_MAX_POINTS, keeping the first, the last and each bucket's extremes of every `keys` line. */
function thin(rows: LiveRow[], keys: readonly string[]): LiveRow[] {
  return downsampleRows(
    rows,
    (r) => r.epoch,
    keys.map((k) => (r: LiveRow) => r[k] ?? NaN),
    LIVE_MAX_POINTS,
  );
}

/** Training and validation loss (or accuracy) per epoch (`train`, `val`), non-finite values as gaps. */
export function lossRows(points: readonly SlimEpoch[], mode: 'loss' | 'accuracy'): LiveRow[] {
  const rows = points.map((p) => ({
    epoch: p.epoch,
    train: mode === 'loss' ? finiteOrNull(p.trainLoss) : finiteOrNull(p.trainAccuracy),
    val: mode === 'loss' ? finiteOrNull(p.valLoss) : finiteOrNull(p.valAccuracy),
  }));
  return thin(rows, ['train', 'val']);
}

/** Dead (or dormant) fraction per hidden layer and epoch (`l0`, `l1`, …). */
export function unitRows(points: readonly SlimEpoch[], layers: number, metric: 'dead' | 'dormant'): LiveRow[] {
  const keys = Array.from({ length: layers }, (_, i) => `l${i}`);
  const rows = points.map((p) => {
    const row: LiveRow = { epoch: p.epoch };
    const values = metric === 'dead' ? p.dead : p.dormant;
    keys.forEach((k, i) => (row[k] = finiteOrNull(values[i])));
    return row;
  });
  return thin(rows, keys);
}

/**
 * The epoch axis spans the planned epochs (so a live chart does not rescale at every epoch and a run
 * that stopped early shows where it stopped), unless that range is too long to read the first epochs;
 * ticks on whole epochs.
 */
export function epochAxis(epochsTotal: number, points: readonly { epoch: number }[]): AxisModel {
  const lastEpoch = points[points.length - 1]?.epoch ?? 0;
  const fixed: [number, number] | undefined = epochsTotal > 0 && epochsTotal <= 500 ? [0, Math.max(epochsTotal, lastEpoch)] : undefined;
  return axisModel(
    points.map((p) => p.epoch),
    { fixed, nice: false, integer: true, target: 6 },
  );
}

/** The y axis of the loss chart: from 0 (or in decades on a log axis); accuracy 0–100 %. */
export function lossAxis(rows: readonly LiveRow[], mode: 'loss' | 'accuracy', log: boolean): AxisModel {
  if (mode === 'accuracy') return fractionAxis();
  const values = rows.flatMap((r) => [r.train, r.val]);
  return axisModel(values, log ? { scale: 'log' } : { includeZero: true });
}

/** A fraction's y axis: 0–100 %. */
export function fractionAxis(): AxisModel {
  return axisModel([], { fixed: [0, 1], percent: true, target: 4 });
}
