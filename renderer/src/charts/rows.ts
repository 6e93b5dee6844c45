/**
 * `chartData` output (shared/charts.ts) shaped into the rows the recharts components draw, with the
 * axes from the shared axis model (shared/figure/axis.ts): on a log axis, values that cannot be placed
 * are left out and counted, and bands reaching 0 end at the bottom of the axis, as in the exported
 * figure. Pure logic (no DOM, no React).
 */
import type { BarPanelData, LinePanelData, RidgesChartData } from '../../../shared/charts.js';
import { axisModel, floorOnLog, onAxis, type AxisModel } from '../../../shared/figure/axis.js';

// ---------- Line panels as recharts rows ----------

/** One row per x: `m<i>` mean, `b<i>` [lo, hi] band as drawn, `lo<i>`/`hi<i>` the band's values, `n<i>` runs (i = group index). */
export type LineRow = Record<string, number | [number, number] | null>;

/** A point of a group's individual runs drawn as one line: y null between two runs (and where a value cannot be drawn). */
export interface RunLinePoint {
  x: number;
  y: number | null;
}

export interface LineRows {
  rows: LineRow[];
  x: AxisModel;
  y: AxisModel;
  /** Points left out because a log axis cannot place them (x ≤ 0 or y ≤ 0). */
  droppedX: number;
  droppedY: number;
  /** NaN / infinite values (diverged runs), not drawn. */
  nonFinite: number;
  /** Runs drawn per group. */
  runCounts: number[];
  /**
   * Each group's individual runs as one line broken between runs (drawn as one SVG path per group: a
   * few hundred runs cost one element each, not one chart series each).
   */
  runLines: RunLinePoint[][];
  empty: boolean;
}

/**
 * A line panel of `chartData` as rows for recharts: one per x (the union over the groups). On a log x
 * axis points with x ≤ 0 are left out; on a log y axis means and runs ≤ 0 are left out and the lower
 * edge of a band at or below 0 is clipped to the bottom of the axis (as in the exported figure).
 */
export function lineRows(panel: LinePanelData, options: { logX: boolean; logY: boolean; integerX: boolean; fromZero: boolean }): LineRows {
  const { logX, logY } = options;
  const byX = new Map<number, LineRow>();
  let droppedX = 0;
  let droppedY = 0;
  let nonFinite = 0;
  const yValues: number[] = [];
  const xValues: number[] = [];
  const runLines: RunLinePoint[][] = panel.series.map(() => []);
  const row = (x: number): LineRow => {
    let r = byX.get(x);
    if (!r) {
      r = { x };
      byX.set(x, r);
    }
    return r;
  };
  const usableY = (v: number): boolean => {
    if (!Number.isFinite(v)) {
      nonFinite++;
      return false;
    }
    if (!onAxis(logY ? 'log' : 'linear', v)) {
      droppedY++;
      return false;
    }
    return true;
  };
  const usableX = (x: number): boolean => {
    if (logX && !onAxis('log', x)) {
      droppedX++;
      return false;
    }
    return Number.isFinite(x);
  };
  panel.series.forEach((s, i) => {
    for (const p of s.points) {
      if (!usableX(p.x)) continue;
      const r = row(p.x);
      xValues.push(p.x);
      r[`n${i}`] = p.n;
      if (usableY(p.mean)) {
        r[`m${i}`] = p.mean;
        yValues.push(p.mean);
      } else r[`m${i}`] = null;
      r[`lo${i}`] = Number.isFinite(p.lo) ? p.lo : null;
      r[`hi${i}`] = Number.isFinite(p.hi) ? p.hi : null;
      // Zero-width bands (all runs agree) stay in, so a band is not cut into pieces where it narrows to nothing.
      if (Number.isFinite(p.lo) && Number.isFinite(p.hi) && (!logY || p.hi > 0)) {
        r[`b${i}`] = [p.lo, p.hi];
        yValues.push(p.hi);
        if (!logY || p.lo > 0) yValues.push(p.lo);
      } else r[`b${i}`] = null;
    }
    const line = runLines[i];
    for (const run of s.runs) {
      if (line.length > 0) line.push({ x: line[line.length - 1].x, y: null });
      for (const p of run.points) {
        if (!usableX(p.x)) continue;
        xValues.push(p.x);
        if (usableY(p.y)) {
          line.push({ x: p.x, y: p.y });
          yValues.push(p.y);
        } else line.push({ x: p.x, y: null });
      }
    }
  });
  const rows = [...byX.values()].sort((a, b) => (a.x as number) - (b.x as number));
  const x = axisModel(xValues, { scale: logX ? 'log' : 'linear', integer: options.integerX, target: 6, nice: false });
  const y = axisModel(yValues, { scale: logY ? 'log' : 'linear', includeZero: options.fromZero, target: 5 });
  // A band's lower edge at or below 0 sits on the bottom of a log axis.
  if (logY) {
    for (const r of rows) {
      for (const [k, v] of Object.entries(r)) if (k.startsWith('b') && Array.isArray(v) && !(v[0] > 0)) r[k] = [floorOnLog(y, v[0]), v[1]];
    }
  }
  return {
    rows,
    x,
    y,
    droppedX,
    droppedY,
    nonFinite,
    runCounts: panel.series.map((s) => s.runs.length),
    runLines,
    empty: rows.length === 0 || yValues.length === 0,
  };
}

/** A group's run line (`LineRows.runLines`) as one SVG path through the chart's scales: a move at each start and after each gap (y null), never joined across a gap. */
export function runLinePath(points: readonly RunLinePoint[], x: (v: number) => number | undefined, y: (v: number) => number | undefined): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    const px = p.y === null ? undefined : x(p.x);
    const py = p.y === null ? undefined : y(p.y);
    if (px === undefined || py === undefined || !Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${Math.round(px * 10) / 10},${Math.round(py * 10) / 10}`;
    pen = true;
  }
  return d;
}

// ---------- Bar panels as recharts rows ----------

/** One row per category: `v<i>` mean, `e<i>` [below, above] error offsets, `lo<i>`/`hi<i>`/`n<i>`/`epoch<i>` for the tooltip. */
export type BarRow = Record<string, string | number | [number, number] | null>;

export interface BarRows {
  rows: BarRow[];
  y: AxisModel;
  droppedY: number;
  empty: boolean;
}

/** A bar panel of `chartData` as recharts rows, with error bars as offsets from the mean (`errorBars` false: none; see `barErrorBars`). */
export function barRows(panel: BarPanelData, options: { logY: boolean; errorBars: boolean; fraction: boolean }): BarRows {
  const { logY } = options;
  let droppedY = 0;
  const values: number[] = [];
  const rows: BarRow[] = panel.categories.map((category, c) => {
    const r: BarRow = { category };
    panel.groups.forEach((g, i) => {
      const v = g.values[c];
      if (!v || !Number.isFinite(v.mean)) {
        r[`v${i}`] = null;
        r[`e${i}`] = null;
        return;
      }
      if (logY && v.mean <= 0) {
        droppedY++;
        r[`v${i}`] = null;
        r[`e${i}`] = null;
        return;
      }
      r[`v${i}`] = v.mean;
      r[`lo${i}`] = Number.isFinite(v.lo) ? v.lo : null;
      r[`hi${i}`] = Number.isFinite(v.hi) ? v.hi : null;
      r[`n${i}`] = v.n;
      r[`epoch${i}`] = v.epoch;
      if (v.count !== undefined) r[`count${i}`] = v.count;
      values.push(v.mean);
      if (options.errorBars && Number.isFinite(v.lo) && Number.isFinite(v.hi)) {
        values.push(v.hi);
        if (!logY || v.lo > 0) values.push(v.lo);
        r[`e${i}`] = [v.mean - v.lo, v.hi - v.mean];
      } else r[`e${i}`] = null;
    });
    return r;
  });
  const y = axisModel(values, { scale: logY ? 'log' : 'linear', includeZero: true, target: 5 });
  if (logY) {
    // Error bars reaching 0 or below end at the bottom of the log axis.
    for (const r of rows) {
      panelGroupsIndex(panel).forEach((i) => {
        const e = r[`e${i}`];
        const v = r[`v${i}`];
        if (Array.isArray(e) && typeof v === 'number' && !(v - e[0] > 0)) r[`e${i}`] = [v - floorOnLog(y, v - e[0]), e[1]];
      });
    }
  }
  return { rows, y, droppedY, empty: values.length === 0 };
}

function panelGroupsIndex(panel: BarPanelData): number[] {
  return panel.groups.map((_, i) => i);
}

// ---------- Ridges (pre-activation histograms) ----------

export interface RidgeStep {
  z: number;
  /** Share of the probe's pre-activations in the bin starting at z (last point closes the step). */
  share: number;
}

export interface RidgePanels {
  /** The z axis all the panels share: it spans every histogram and z = 0. */
  x: AxisModel;
  panels: { epoch: number; steps: RidgeStep[]; total: number; negativeShare: number; peak: number }[];
}

/** The histograms as step outlines over a shared z range, in shares of each histogram's total. */
export function ridgePanels(chart: RidgesChartData): RidgePanels {
  const ends: number[] = [0];
  const panels = chart.ridges.map((r) => {
    const total = r.counts.reduce((s, c) => s + c, 0);
    const width = (r.hi - r.lo) / Math.max(1, r.counts.length);
    const steps: RidgeStep[] = r.counts.map((c, b) => ({ z: r.lo + b * width, share: total > 0 ? c / total : 0 }));
    if (steps.length > 0) steps.push({ z: r.hi, share: steps[steps.length - 1].share });
    let negative = 0;
    r.counts.forEach((c, b) => {
      const z0 = r.lo + b * width;
      const z1 = z0 + width;
      if (z1 <= 0) negative += c;
      else if (z0 < 0) negative += (c * (0 - z0)) / width;
    });
    ends.push(r.lo, r.hi);
    return { epoch: r.epoch, steps, total, negativeShare: total > 0 ? negative / total : 0, peak: Math.max(0, ...steps.map((s) => s.share)) };
  });
  return { x: axisModel(ends, { nice: false, target: 4 }), panels };
}
