/**
 * A figure panel of any kind: its model (axes from the shared axis model) and its frame (grid,
 * reference lines, axes, labels, title) around the data its kind draws (lines.ts, bars.ts,
 * heatmap.ts, ridges.ts). Pure TypeScript.
 */
import { barsModel, drawBars } from './bars.js';
import { AXIS, clip, finite, GRID, insideRange, labelWidth, MUTED, text, type Ctx } from './draw.js';
import { drawColorbar, drawHeatmap, heatmapModel } from './heatmap.js';
import type { LegendEntry } from './legend.js';
import { drawLines, linesModel } from './lines.js';
import { makeScale, type PanelLayout, type PanelModel, type TickSizes } from './model.js';
import { drawRidges, ridgesModel } from './ridges.js';
import { fallbackWidthFactor, measureText } from './text.js';
import type { TickLabel } from './ticks.js';
import type { FigurePanel } from './types.js';
import { el, num } from './xml.js';

/** A panel's model from its data, before any pixel is known (y ticks for an estimated plot height `plotH`). */
export function buildModel(panel: FigurePanel, xTarget: number, yTarget: number, plotH: number, fs: number): PanelModel {
  switch (panel.kind) {
    case 'lines':
      return linesModel(panel, xTarget, yTarget);
    case 'bars':
      return barsModel(panel, yTarget);
    case 'heatmap':
      return heatmapModel(panel, xTarget, yTarget, Math.max(2, Math.floor(plotH / (fs * 1.2))));
    case 'ridges':
      return ridgesModel(panel);
    default:
      return linesModel({ kind: 'lines', xLabel: '', yLabel: '', series: [] }, xTarget, yTarget);
  }
}

/** One panel: grid, data (clipped to the plot), reference lines, axes with ticks, labels, title and, for heatmaps, the colour bar. */
export function drawPanel(ctx: Ctx, L: PanelLayout, legend: Map<string, LegendEntry>, k: TickSizes): string {
  const { model: m, plot } = L;
  const { fs, lw } = ctx;
  const out: string[] = [];
  const sx = makeScale(m.x, plot.x, plot.x + plot.w);
  const sy = makeScale(m.y, plot.y + plot.h, plot.y);
  const panel = m.panel;
  const grid = panel.grid ?? ctx.grid;

  // Grid lines at labelled ticks (not for heatmaps: the cells fill the plot).
  if (grid && panel.kind !== 'heatmap') {
    let d = '';
    for (const t of m.y.ticks) if (t.label !== null && panel.kind !== 'ridges') d += `M${num(plot.x)} ${num(sy(t.value))}L${num(plot.x + plot.w)} ${num(sy(t.value))}`;
    if (m.x.categories === null) for (const t of m.x.ticks) if (t.label !== null) d += `M${num(sx(t.value))} ${num(plot.y)}L${num(sx(t.value))} ${num(plot.y + plot.h)}`;
    if (d !== '') out.push(el('path', { class: 'grid', d, stroke: GRID, 'stroke-width': lw * 0.5, fill: 'none' }));
  }

  // Data, clipped to the plot area (lines may bleed by a line width so edge values stay whole).
  let content: string[] = [];
  if (panel.kind === 'lines') content = drawLines(ctx, panel, legend, sx, sy, m.x.scale, m.y.scale, plot.y + plot.h + lw);
  else if (panel.kind === 'bars') content = drawBars(ctx, panel, legend, sx, sy, m.y);
  else if (panel.kind === 'heatmap' && m.cells !== undefined && m.colorbar !== null) content = drawHeatmap(panel, m.cells, m.colorbar.domain, sx, sy);
  else if (panel.kind === 'ridges') content = drawRidges(ctx, panel, sx, sy, m.x.scale);
  if (content.length > 0) out.push(el('g', { class: 'data', 'clip-path': clip(ctx, plot, panel.kind === 'heatmap' ? 0 : lw * 1.5) }, content));
  if (m.empty) out.push(text(plot.x + plot.w / 2, plot.y + plot.h / 2 + fs * 0.35, 'No data', { size: fs, anchor: 'middle', fill: MUTED, cls: 'no-data' }));

  // Reference lines
  for (const r of panel.refLines ?? []) {
    if (!finite(r.value)) continue;
    const axis = r.axis === 'y' ? m.y : m.x;
    const [d0, d1] = axis.domain;
    if (!(r.value >= d0 && r.value <= d1) || (axis.scale === 'log' && r.value <= 0)) continue;
    const d = r.axis === 'y' ? `M${num(plot.x)} ${num(sy(r.value))}L${num(plot.x + plot.w)} ${num(sy(r.value))}` : `M${num(sx(r.value))} ${num(plot.y)}L${num(sx(r.value))} ${num(plot.y + plot.h)}`;
    out.push(el('path', { class: 'ref-line', d, stroke: '#777777', 'stroke-width': lw * 0.6, 'stroke-dasharray': `${num(lw * 3)} ${num(lw * 2)}`, fill: 'none' }));
    if (r.label !== undefined && r.label !== '') {
      if (r.axis === 'y') out.push(text(plot.x + plot.w - fs * 0.2, sy(r.value) - fs * 0.25, r.label, { size: k.tickFs * 0.9, anchor: 'end', fill: MUTED }));
      else out.push(text(sx(r.value) + fs * 0.25, plot.y + k.tickFs, r.label, { size: k.tickFs * 0.9, fill: MUTED }));
    }
  }

  // Axes: left and bottom spines, outward ticks.
  const axis: string[] = [];
  const bottom = plot.y + plot.h;
  axis.push(el('path', { class: 'spine', d: `M${num(plot.x)} ${num(plot.y)}L${num(plot.x)} ${num(bottom)}L${num(plot.x + plot.w)} ${num(bottom)}`, stroke: AXIS, 'stroke-width': lw * 0.6, fill: 'none', 'stroke-linecap': 'square' }));
  let td = '';
  const xLabels: string[] = [];
  for (const t of m.x.ticks) {
    const px = sx(t.value);
    if (!Number.isFinite(px) || !insideRange(px, plot.x, plot.x + plot.w)) continue;
    const len = t.label === null ? k.tickLen * 0.55 : k.tickLen;
    td += `M${num(px)} ${num(bottom)}L${num(px)} ${num(bottom + len)}`;
    if (t.label === null) continue;
    const ty = bottom + k.tickLen + k.labelGap + k.tickFs * 0.8;
    if (L.rotateX) xLabels.push(text(px + k.tickFs * 0.3, ty, t.label, { size: k.tickFs, anchor: 'end', rotate: -35, cls: 'tick-label' }));
    else xLabels.push(text(px, ty, t.label, { size: k.tickFs, anchor: 'middle', cls: 'tick-label' }));
  }
  const yLabels: string[] = [];
  for (const t of m.y.ticks) {
    const py = sy(t.value);
    if (!Number.isFinite(py) || !insideRange(py, plot.y, bottom)) continue;
    const len = t.label === null ? k.tickLen * 0.55 : k.tickLen;
    td += `M${num(plot.x)} ${num(py)}L${num(plot.x - len)} ${num(py)}`;
    if (t.label !== null) yLabels.push(text(plot.x - k.tickLen - k.labelGap, py + k.tickFs * 0.35, t.label, { size: k.tickFs, anchor: 'end', cls: 'tick-label' }));
  }
  if (td !== '') axis.push(el('path', { class: 'ticks', d: td, stroke: AXIS, 'stroke-width': lw * 0.5, fill: 'none' }));
  out.push(el('g', { class: 'axes' }, [...axis, ...xLabels, ...yLabels]));

  // Axis labels and panel title.
  const xLabelY = L.cell.y + L.cell.h - fs * 0.3;
  if (m.x.label.trim() !== '') out.push(text(plot.x + plot.w / 2, xLabelY, m.x.label, { size: fs, anchor: 'middle', cls: 'axis-label x-label' }));
  if (m.y.label.trim() !== '') {
    // Beside this panel's own tick labels (the left margin is shared, the labels' width is not).
    const widest = Math.max(0, ...m.y.ticks.filter((t) => t.label !== null).map((t) => labelWidth(t.label as TickLabel, k.tickFs, ctx.family)));
    const lx = Math.max(L.cell.x + fs * 0.85, plot.x - k.tickLen - k.labelGap - widest - fs * 0.65);
    const ly = plot.y + plot.h / 2;
    out.push(text(lx, ly, m.y.label, { size: fs, anchor: 'middle', rotate: -90, cls: 'axis-label y-label' }));
  }
  if (panel.title !== undefined && panel.title.trim() !== '') {
    // Centred over the plot but kept inside the panel's cell, clear of its neighbours' titles: shifted,
    // and smaller when wider than the cell.
    const room = L.cell.w - fs * 0.8;
    const planned = measureText(panel.title, fs, ctx.family, true) * fallbackWidthFactor(ctx.family);
    const size = planned > room ? (fs * room) / planned : fs;
    const half = (planned * size) / fs / 2;
    const x = Math.min(Math.max(plot.x + plot.w / 2, L.cell.x + fs * 0.4 + half), L.cell.x + L.cell.w - fs * 0.4 - half);
    out.push(text(x, L.cell.y + fs * 1.05, panel.title, { size, anchor: 'middle', weight: 'bold', cls: 'panel-title' }));
  }

  if (m.colorbar !== null && panel.kind === 'heatmap') out.push(drawColorbar(ctx, L, panel, m.colorbar, k));
  return el('g', { class: 'panel', 'data-kind': panel.kind }, out);
}
