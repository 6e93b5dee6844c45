/** Heatmap panels of a figure: cells coloured on a perceptual scale, and their colour bar. */
import { axisDomain, axisTicks, categoryTicks, offAxisCount, validDomain } from './axis.js';
import { colorScale } from './colormap.js';
import { AXIS, finite, insideRange, labelWidth, text, type Ctx } from './draw.js';
import { scaleOf, type Axis, type PanelLayout, type PanelModel, type Scale, type TickSizes } from './model.js';
import type { TickLabel } from './ticks.js';
import type { AxisScale, HeatmapPanel } from './types.js';
import { el, num } from './xml.js';

/** Cell edges of a numeric heatmap axis, in axis units (midpoints between centres). */
function cellEdges(centres: number[], scale: AxisScale): number[] | null {
  const t = centres.map((v) => (scale === 'log' ? Math.log10(v) : v));
  if (t.some((v) => !Number.isFinite(v))) return null;
  if (t.length === 1) {
    const h = scale === 'log' ? 0.5 : Math.abs(t[0]) > 0 ? Math.abs(t[0]) * 0.5 : 0.5;
    return [t[0] - h, t[0] + h].map((v) => (scale === 'log' ? 10 ** v : v));
  }
  const edges: number[] = [t[0] - (t[1] - t[0]) / 2];
  for (let i = 0; i + 1 < t.length; i++) edges.push((t[i] + t[i + 1]) / 2);
  edges.push(t[t.length - 1] + (t[t.length - 1] - t[t.length - 2]) / 2);
  return edges.map((v) => (scale === 'log' ? 10 ** v : v));
}

interface HeatAxis {
  axis: Axis;
  /** Cell boundaries in domain units (length n + 1). */
  edges: number[];
}

function heatAxis(values: number[] | string[], scaleIn: AxisScale | undefined, label: string, fixed: [number, number] | undefined, target: number, maxCatLabels: number): HeatAxis {
  const n = values.length;
  const numeric = n > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const scale = scaleOf(scaleIn);
  if (numeric) {
    const nums = values as number[];
    const dropped = offAxisCount(scale, nums);
    const edges = dropped === 0 ? cellEdges(nums, scale) : null;
    if (edges !== null) {
      const domain = validDomain(fixed, scale) ?? [Math.min(edges[0], edges[n]), Math.max(edges[0], edges[n])];
      return { axis: { scale, domain, ticks: axisTicks(scale, domain, { target }), label, categories: null, dropped: 0 }, edges };
    }
  }
  // Categorical (labels, or numbers a log axis cannot place).
  const categories = values.map((v) => String(v));
  const edges = Array.from({ length: n + 1 }, (_, i) => i);
  return { axis: { scale: 'linear', domain: [0, Math.max(1, n)], ticks: categoryTicks(categories, maxCatLabels), label, categories, dropped: 0 }, edges };
}

export function heatmapModel(panel: HeatmapPanel, xTarget: number, yTarget: number, maxYCats: number): PanelModel {
  const h = panel.heatmap;
  const xs = Array.isArray(h?.xs) ? h.xs : [];
  const ys = Array.isArray(h?.ys) ? h.ys : [];
  const hx = heatAxis(xs, panel.xScale, panel.xLabel ?? '', panel.xDomain, xTarget, Infinity);
  const hy = heatAxis(ys, panel.yScale, panel.yLabel ?? '', panel.yDomain, yTarget, maxYCats);
  const vals: number[] = [];
  for (const row of h?.values ?? []) for (const v of row ?? []) if (finite(v)) vals.push(v);
  const domain = axisDomain(vals, { fixed: h?.colorScale?.domain, nice: false });
  return {
    panel,
    x: hx.axis,
    y: hy.axis,
    empty: vals.length === 0,
    colorbar: { domain, label: h?.colorScale?.label ?? '', ticks: [] },
    cells: { x: hx.edges, y: hy.edges },
  };
}

export function drawHeatmap(panel: HeatmapPanel, cells: { x: number[]; y: number[] }, colorDomain: [number, number], sx: Scale, sy: Scale): string[] {
  const out: string[] = [];
  const h = panel.heatmap;
  const scheme = h.colorScale?.scheme === 'magma' ? 'magma' : 'viridis';
  const reverse = h.colorScale?.reverse === true;
  const [c0, c1] = colorDomain;
  const xe = cells.x.map(sx);
  const ye = cells.y.map(sy);
  const overlap = 0.25; // hides anti-aliasing seams between neighbouring cells
  const rows = h.values ?? [];
  for (let r = 0; r < rows.length && r + 1 < ye.length; r++) {
    const row = rows[r] ?? [];
    const yTop = Math.min(ye[r], ye[r + 1]);
    const height = Math.abs(ye[r + 1] - ye[r]);
    // Merge horizontal runs of equal colour: smaller files, identical picture.
    let runStart = -1;
    let runColor = '';
    const flush = (end: number): void => {
      if (runStart < 0) return;
      const x0 = Math.min(xe[runStart], xe[end]);
      const w = Math.abs(xe[end] - xe[runStart]);
      out.push(el('rect', { x: x0, y: yTop, width: w + overlap, height: height + overlap, fill: runColor }));
      runStart = -1;
    };
    for (let c = 0; c < row.length && c + 1 < xe.length; c++) {
      const v = row[c];
      if (!finite(v)) {
        flush(c);
        continue;
      }
      let t = (v - c0) / (c1 - c0 || 1);
      if (reverse) t = 1 - t;
      const color = colorScale(scheme, t);
      if (runStart >= 0 && color !== runColor) flush(c);
      if (runStart < 0) {
        runStart = c;
        runColor = color;
      }
    }
    flush(Math.min(row.length, xe.length - 1));
  }
  return out;
}

/**
 * Fixes the colour bar's ticks for `plotRoom` points of height and returns the width it takes right
 * of the plot (gap, bar, ticks, labels and its rotated label).
 */
export function colorbarMargin(colorbar: NonNullable<PanelModel['colorbar']>, ctx: Ctx, k: TickSizes, plotRoom: number): number {
  const { fs } = ctx;
  const cbTicks = axisTicks('linear', colorbar.domain, { target: Math.max(2, Math.min(6, Math.round(plotRoom / (fs * 3)))) });
  colorbar.ticks = cbTicks;
  const lw = Math.max(0, ...cbTicks.map((t) => labelWidth(t.label as TickLabel, k.tickFs, ctx.family)));
  return fs * 0.8 + k.colorbarW + k.tickLen + k.labelGap + lw + (colorbar.label.trim() !== '' ? fs * 0.45 + fs * 1.05 : 0) + fs * 0.3;
}

/** The colour bar right of a heatmap's plot: the scale in 64 steps, its ticks and its label. */
export function drawColorbar(ctx: Ctx, L: PanelLayout, panel: HeatmapPanel, colorbar: NonNullable<PanelModel['colorbar']>, k: TickSizes): string {
  const { fs, lw } = ctx;
  const { plot } = L;
  const bottom = plot.y + plot.h;
  const cb: string[] = [];
  const x = L.colorbarX;
  const steps = 64;
  const scheme = panel.heatmap.colorScale?.scheme === 'magma' ? 'magma' : 'viridis';
  const reverse = panel.heatmap.colorScale?.reverse === true;
  for (let i = 0; i < steps; i++) {
    const t = (i + 0.5) / steps;
    const y0 = bottom - ((i + 1) / steps) * plot.h;
    cb.push(el('rect', { x, y: y0, width: k.colorbarW, height: plot.h / steps + 0.25, fill: colorScale(scheme, reverse ? 1 - t : t) }));
  }
  cb.push(el('rect', { x, y: plot.y, width: k.colorbarW, height: plot.h, fill: 'none', stroke: AXIS, 'stroke-width': lw * 0.5 }));
  const [c0, c1] = colorbar.domain;
  let cd = '';
  let maxW = 0;
  for (const t of colorbar.ticks) {
    const py = bottom - ((t.value - c0) / (c1 - c0 || 1)) * plot.h;
    if (!insideRange(py, plot.y, bottom)) continue;
    cd += `M${num(x + k.colorbarW)} ${num(py)}L${num(x + k.colorbarW + k.tickLen)} ${num(py)}`;
    if (t.label !== null) {
      cb.push(text(x + k.colorbarW + k.tickLen + k.labelGap, py + k.tickFs * 0.35, t.label, { size: k.tickFs, cls: 'tick-label' }));
      maxW = Math.max(maxW, labelWidth(t.label, k.tickFs, ctx.family));
    }
  }
  if (cd !== '') cb.push(el('path', { d: cd, stroke: AXIS, 'stroke-width': lw * 0.5, fill: 'none' }));
  if (colorbar.label.trim() !== '') {
    const lx = x + k.colorbarW + k.tickLen + k.labelGap + maxW + fs * 0.45 + fs * 0.8;
    cb.push(text(lx, plot.y + plot.h / 2, colorbar.label, { size: fs, anchor: 'middle', rotate: -90, cls: 'axis-label colorbar-label' }));
  }
  return el('g', { class: 'colorbar' }, cb);
}

/** How many cells of a heatmap have no value (0 when none or all are missing: then the panel says "No data"). */
export function blankCells(panel: HeatmapPanel): number {
  const h = panel.heatmap;
  const cols = Array.isArray(h?.xs) ? h.xs.length : 0;
  let missing = 0;
  for (let r = 0; r < (Array.isArray(h?.ys) ? h.ys.length : 0); r++) for (let c = 0; c < cols; c++) if (!finite(h.values?.[r]?.[c])) missing++;
  return missing > 0 && missing < cols * h.ys.length ? missing : 0;
}
