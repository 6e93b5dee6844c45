/**
 * One layer's per-unit dead masks over the epochs as a grid to paint: units down, measurements
 * across. A long run or a wide layer is binned (consecutive measurements into one column, consecutive
 * units into one row) and each cell holds the share of its (unit, measurement) pairs that were dead,
 * so a unit that died for a single epoch still tints its cell. With the layer's revival counts
 * (shared/analysis/revival.ts). Pure logic (no DOM, no React).
 */
import type { EpochMetricsDto } from '../../../shared/api.js';
import { layerMaskHistory, revivalStats, type RevivalStats } from '../../../shared/analysis/revival.js';
import { csvField } from '../../../shared/csv.js';

/** A run of consecutive indices, inclusive at both ends. */
export interface Span {
  from: number;
  to: number;
}

export interface DeadMaskGrid {
  layer: number;
  units: number;
  /** Per column, the first and last measured epoch it holds. */
  columns: Span[];
  /** Per row, the first and last unit (0-based) it holds. */
  rows: Span[];
  /** values[row][column]: share of the cell's (unit, measurement) pairs that were dead. */
  values: number[][];
  /** Deaths and revivals of the layer's units; null when the masks disagree on the layer's width. */
  revival: RevivalStats | null;
}

/** Columns and rows drawn at most (cheap to paint whatever the run's length and the layer's width). */
export const MASK_MAX_COLUMNS = 300;
export const MASK_MAX_ROWS = 160;

/** `n` items cut into at most `max` consecutive bins of (nearly) equal size. */
function bins(n: number, max: number): Span[] {
  const count = Math.min(n, max);
  return Array.from({ length: count }, (_, b) => ({ from: Math.ceil((b * n) / count), to: Math.ceil(((b + 1) * n) / count) - 1 }));
}

export function deadMaskGrid(epochs: readonly EpochMetricsDto[], layer: number, max = { columns: MASK_MAX_COLUMNS, rows: MASK_MAX_ROWS }): DeadMaskGrid {
  const history = layerMaskHistory(epochs, layer);
  const units = history.reduce((m, h) => Math.max(m, h.deadMask.length), 0);
  const columnBins = bins(history.length, max.columns);
  const rowBins = bins(units, max.rows);
  const values = rowBins.map((r) =>
    columnBins.map((c) => {
      let dead = 0;
      let pairs = 0;
      for (let i = c.from; i <= c.to; i++) {
        const mask = history[i].deadMask;
        for (let u = r.from; u <= Math.min(r.to, mask.length - 1); u++) {
          pairs++;
          if (mask[u]) dead++;
        }
      }
      return pairs === 0 ? NaN : dead / pairs;
    }),
  );
  let revival: RevivalStats | null = null;
  try {
    revival = revivalStats(history);
  } catch {
    revival = null;
  }
  return {
    layer,
    units,
    columns: columnBins.map((c) => ({ from: history[c.from].epoch, to: history[c.to].epoch })),
    rows: rowBins,
    values,
    revival,
  };
}

/** The grid as drawn, one row per cell: run_id, layer and unit ranges (1-based), epoch range, dead share. */
export function deadMaskCsv(runId: number, grid: DeadMaskGrid): string {
  const lines = ['run_id,layer,unit_from,unit_to,epoch_from,epoch_to,dead_share'];
  grid.rows.forEach((r, i) =>
    grid.columns.forEach((c, j) => lines.push([runId, grid.layer + 1, r.from + 1, r.to + 1, c.from, c.to, grid.values[i][j]].map(csvField).join(','))),
  );
  return `${lines.join('\n')}\n`;
}

/** The bin of `spans` holding index `i` (spans are consecutive and ascending). */
export function spanIndex(spans: readonly Span[], i: number): number {
  const at = spans.findIndex((s) => s.to >= i);
  return at < 0 ? spans.length - 1 : at;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** What the grid shows in words: the layer's deaths and revivals, and how cells were binned. */
export function maskCaption(grid: DeadMaskGrid): string {
  const parts: string[] = [];
  const r = grid.revival;
  const name = `layer ${grid.layer + 1}`;
  if (grid.columns.length === 0) return `No dead masks measured for ${name}.`;
  if (r === null) parts.push(`The dead masks of ${name} disagree on its width, so deaths and revivals are not counted.`);
  else if (r.everDied === 0) parts.push(`No unit of ${name} was dead at any of its ${count(r.measurements, 'measurement')}.`);
  else {
    parts.push(
      `${count(r.everDied, 'unit')} of ${r.units} in ${name} died (${r.deadAtInit} at initialization, ${r.diedDuringTraining} during training); ` +
        `${r.revived} came back later, ${r.stayedDead} stayed dead to the last measurement.`,
    );
  }
  const binnedColumns = r !== null && grid.columns.length < r.measurements;
  const binnedRows = grid.rows.some((s) => s.to > s.from);
  if (binnedColumns || binnedRows) {
    const measurements = r?.measurements ?? grid.columns.length;
    parts.push(
      `Binned to draw: ${binnedColumns ? `each column holds up to ${Math.ceil(measurements / grid.columns.length)} consecutive measurements` : 'one column per measurement'}, ` +
        `${binnedRows ? `each row up to ${Math.ceil(grid.units / grid.rows.length)} consecutive units` : 'one row per unit'}; a cell’s colour is the share of them that was dead.`,
    );
  }
  return parts.join(' ');
}

/** The layer to show first: the one whose dead fraction peaked highest at any measurement (the first layer on ties or without data). */
export function mostDeadLayer(epochs: readonly Pick<EpochMetricsDto, 'layers'>[]): number {
  let best = 0;
  let most = -Infinity;
  for (const e of epochs) {
    for (const l of e.layers) {
      if (Number.isFinite(l.deadFraction) && (l.deadFraction > most || (l.deadFraction === most && l.layer < best))) {
        most = l.deadFraction;
        best = l.layer;
      }
    }
  }
  return best;
}
