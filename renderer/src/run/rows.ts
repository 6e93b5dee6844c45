/**
 * A run chart (series.ts) as the rows recharts draws, thinned by the shared extreme-preserving
 * downsampler, with axes from the shared axis model: on a log axis values ≤ 0 are left out and counted,
 * band ends at or below 0 sit on the bottom of the axis; non-finite values are gaps, counted. And the
 * chart's data as CSV, every epoch (thinning is for drawing only). Pure logic (no DOM, no React).
 */
import { downsampleRows } from '../../../shared/analysis/downsample.js';
import { csvField } from '../../../shared/csv.js';
import { axisModel, floorOnLog, onAxis, type AxisModel } from '../../../shared/figure/axis.js';
import { epochAxis, fractionAxis, LIVE_MAX_POINTS } from '../charts/live.js';
import type { RunChart } from './series.js';

/** `epoch`, each line's value under its key, and `<key>_band` [lo, hi] where the chart has a band. */
export type RunRow = { epoch: number } & Record<string, number | [number, number] | null>;

export interface RunChartRows {
  rows: RunRow[];
  x: AxisModel;
  y: AxisModel;
  /** Values a log axis cannot place (≤ 0), left out. */
  droppedY: number;
  /** NaN or infinite values, not drawn. */
  nonFinite: number;
  /** Whether a log y axis makes sense: not a fraction, and values that cannot go below 0 (or all drawn values > 0). */
  logOffered: boolean;
  empty: boolean;
}

export const bandKey = (key: string): string => `${key}_band`;

/** Whether a log y axis is offered for a chart: never for fractions; for values that are all positive or ≥ 0 by definition. */
function logOffered(chart: RunChart): boolean {
  if (chart.fraction) return false;
  if (chart.nonNegative) return true;
  return chart.lines.every((l) => l.points.every((p) => p.value === null || !Number.isFinite(p.value) || p.value > 0));
}

export function runChartRows(chart: RunChart, options: { log: boolean; epochsTotal: number }): RunChartRows {
  const offered = logOffered(chart);
  const scale = options.log && offered ? 'log' : 'linear';
  const byEpoch = new Map<number, RunRow>();
  let droppedY = 0;
  let nonFinite = 0;
  const yValues: number[] = [];
  for (const line of chart.lines) {
    for (const p of line.points) {
      let row = byEpoch.get(p.epoch);
      if (!row) byEpoch.set(p.epoch, (row = { epoch: p.epoch }));
      let value: number | null = null;
      if (p.value !== null) {
        if (!Number.isFinite(p.value)) nonFinite++;
        else if (!onAxis(scale, p.value)) droppedY++;
        else value = p.value;
      }
      row[line.key] = value;
      if (value !== null) yValues.push(value);
      if (chart.band) {
        const band = typeof p.lo === 'number' && typeof p.hi === 'number' && (scale !== 'log' || p.hi > 0);
        row[bandKey(line.key)] = band ? [p.lo as number, p.hi as number] : null;
        if (band) {
          yValues.push(p.hi as number);
          if (scale !== 'log' || (p.lo as number) > 0) yValues.push(p.lo as number);
        }
      }
    }
  }
  const all = [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
  const rows = downsampleRows(
    all,
    (r) => r.epoch,
    chart.lines.map((l) => (r: RunRow) => (typeof r[l.key] === 'number' ? (r[l.key] as number) : NaN)),
    LIVE_MAX_POINTS,
  );
  const y = chart.fraction
    ? fractionAxis()
    : axisModel(yValues, scale === 'log' ? { scale: 'log' } : { includeZero: chart.nonNegative || yValues.every((v) => v >= 0), target: 5 });
  if (scale === 'log' && chart.band) {
    for (const r of rows) {
      for (const l of chart.lines) {
        const b = r[bandKey(l.key)];
        if (Array.isArray(b) && !(b[0] > 0)) r[bandKey(l.key)] = [floorOnLog(y, b[0]), b[1]];
      }
    }
  }
  return { rows, x: epochAxis(options.epochsTotal, all), y, droppedY, nonFinite, logOffered: offered, empty: yValues.length === 0 };
}

/**
 * A run chart's data, one row per line and epoch, every epoch: run_id, chart, series, layer (1-based,
 * empty for whole-network fields), epoch, metric, value, and the band's field and ends where the chart
 * has one. Non-finite values are written NaN / Infinity / -Infinity, no value is an empty field.
 */
export function runChartCsv(runId: number, chart: RunChart): string {
  const header = ['run_id', 'chart', 'series', 'layer', 'epoch', 'metric', 'value', ...(chart.band ? ['band_metric', 'lo', 'hi'] : [])];
  const lines = [header.join(',')];
  for (const line of chart.lines) {
    for (const p of line.points) {
      const cells: unknown[] = [runId, chart.id, line.label, line.layer === null ? '' : line.layer + 1, p.epoch, line.field, p.value];
      if (chart.band) cells.push(chart.band.field, p.lo ?? null, p.hi ?? null);
      lines.push(cells.map(csvField).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
