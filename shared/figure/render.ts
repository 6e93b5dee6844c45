/**
 * `renderFigureSvg`: a FigureSpec to a standalone, deterministic SVG document. All layout is in
 * points (the viewBox is the figure size × 72), so font sizes are true typographic points and the
 * document maps 1:1 onto a PDF page. Text stays text (<text>, searchable and editable). This file
 * lays the figure out (title, legend, the grid of panels with shared margins, footnote); each panel
 * kind draws itself (lines.ts, bars.ts, heatmap.ts, ridges.ts) inside the frame of panel.ts.
 */
import { axisTicks, categoryTicks } from './axis.js';
import { labelWidth, MUTED, TEXT, text, type Ctx } from './draw.js';
import { colorbarMargin } from './heatmap.js';
import { baseFontSize, figureSize, panelGrid, presetOf } from './layout.js';
import { collectLegend, legendColumnSvg, legendItemWidth, legendRows, legendRowsSvg, type LegendEntry } from './legend.js';
import type { PanelLayout, PanelModel, TickSizes } from './model.js';
import { figureNotes, notesHeight, wrapNotes } from './notes.js';
import { buildModel, drawPanel } from './panel.js';
import { measureText, resolveFontFamily, wrapText } from './text.js';
import type { TickLabel } from './ticks.js';
import type { FigurePanel, FigureSpec, LegendPosition } from './types.js';
import { el, escapeXml, num } from './xml.js';

export { figureNotesHeight } from './notes.js';

function sanitizeId(prefix: string | undefined): string {
  const p = (prefix ?? 'fig').replace(/[^A-Za-z0-9_-]/g, '');
  return p === '' || /^[0-9-]/.test(p) ? `fig${p}` : p;
}

/** Render a figure spec to a standalone SVG document (same spec → same bytes). */
export function renderFigureSvg(spec: FigureSpec): string {
  const preset = presetOf(spec);
  const size = figureSize(spec);
  const W = size.widthPt;
  const H = size.heightPt;
  const fs = baseFontSize(spec);
  const panels: FigurePanel[] = Array.isArray(spec.panels) ? spec.panels : [];
  const ctx: Ctx = {
    fs,
    family: resolveFontFamily(spec.fontFamily),
    lw: preset.lineWidth * (fs / preset.fontSize) ** 0.5,
    grayscale: spec.grayscaleSafe === true,
    grid: preset.grid,
    prefix: sanitizeId(spec.idPrefix),
    defs: [],
    clipCount: 0,
  };
  const legendPos: LegendPosition = spec.legend ?? 'top';
  const pad = fs * 0.6;
  const titleFs = fs * 1.2;
  const subFs = fs * 0.95;
  const tickFs = fs * 0.9;
  const noteFs = fs * 0.8;
  const legendFs = fs * 0.95;
  const tickLen = fs * 0.38;
  const body: string[] = [];

  // Header
  let y = pad;
  const title = String(spec.title ?? '');
  if (title.trim() !== '') {
    for (const line of wrapText(title, W - 2 * pad, titleFs, ctx.family, true)) {
      y += titleFs;
      body.push(text(W / 2, y, line, { size: titleFs, anchor: 'middle', weight: 'bold', cls: 'title' }));
      y += titleFs * 0.2;
    }
  }
  if (spec.subtitle !== undefined && spec.subtitle.trim() !== '') {
    for (const line of wrapText(spec.subtitle, W - 2 * pad, subFs, ctx.family)) {
      y += subFs;
      body.push(text(W / 2, y, line, { size: subFs, anchor: 'middle', fill: MUTED, cls: 'subtitle' }));
      y += subFs * 0.2;
    }
  }
  if (y > pad) y += fs * 0.35;

  // Legend (shared by all panels)
  const legend = collectLegend(spec, ctx);
  const entries = [...legend.values()];
  const legendRowH = fs * 1.35;
  let legendRight = 0;
  let bottomLegendRows: LegendEntry[][] = [];
  const legendRow = { width: W, size: legendFs, rowHeight: legendRowH };
  if (entries.length > 0 && legendPos === 'top') {
    const rows = legendRows(entries, ctx, legendFs, W - 2 * pad);
    body.push(...legendRowsSvg(rows, ctx, y, legendRow));
    y += rows.length * legendRowH + fs * 0.3;
  } else if (entries.length > 0 && legendPos === 'right') {
    legendRight = Math.min(W * 0.4, Math.max(...entries.map((e) => legendItemWidth(e, ctx, legendFs))) + fs * 1.2);
  } else if (entries.length > 0 && legendPos === 'bottom') {
    bottomLegendRows = legendRows(entries, ctx, legendFs, W - 2 * pad);
  }

  // Grid of panels and provisional models (y ticks from an estimated plot height)
  const { columns, rows } = panelGrid({ ...spec, panels });
  const regionX = pad;
  const regionW = W - 2 * pad - legendRight;
  const cellW = regionW / columns;
  const anyTitle = panels.some((p) => p.title !== undefined && p.title.trim() !== '');
  const topM = anyTitle ? fs * 1.6 : fs * 0.7;
  const labelGap = fs * 0.3;

  // Notes depend on the models, and the region height on the notes: estimate with the final
  // models (ticks only change with the plot size, not the notes).
  const estCellH = Math.max(fs * 6, (H - y - pad - bottomLegendRows.length * legendRowH) / rows);
  const estPlotH = Math.max(fs * 3, estCellH - topM - fs * 3.2);
  const estPlotW = Math.max(fs * 3, cellW - fs * 6);
  const yTarget = Math.max(2, Math.min(8, Math.round(estPlotH / (fs * 3))));
  const xTarget = Math.max(2, Math.min(10, Math.round(estPlotW / (fs * 5.5))));
  const models: PanelModel[] = panels.map((p) => buildModel(p, xTarget, yTarget, estPlotH, fs));

  const noteLines = wrapNotes(figureNotes(models, spec), W, fs, ctx.family);
  const notesH = notesHeight(noteLines.length, fs);
  const bottomLegendH = bottomLegendRows.length > 0 ? bottomLegendRows.length * legendRowH + fs * 0.3 : 0;
  const regionY = y;
  const regionH = Math.max(fs * 4, H - regionY - pad - notesH - bottomLegendH);
  const cellH = regionH / rows;

  // Uniform left margin: widest y tick label of any panel.
  const yLabelW = (m: PanelModel): number => Math.max(0, ...m.y.ticks.filter((t) => t.label !== null).map((t) => labelWidth(t.label as TickLabel, tickFs, ctx.family)));
  const hasYLabel = models.some((m) => m.y.label.trim() !== '');
  const leftM = tickLen + labelGap + Math.max(fs, ...models.map(yLabelW)) + (hasYLabel ? fs * 0.65 + fs * 1.0 : 0) + fs * 0.1;
  const sizes: TickSizes = { tickFs, tickLen, labelGap, colorbarW: fs * 0.8 };
  const rightMargins = models.map((m) => (m.colorbar === null ? (columns > 1 ? fs * 1.6 : fs * 1.0) : colorbarMargin(m.colorbar, ctx, sizes, cellH - topM - fs * 3)));

  // x ticks from the real plot width; categories rotate when they do not fit.
  const rotate: boolean[] = [];
  models.forEach((m, i) => {
    const plotW = Math.max(fs * 2, cellW - leftM - rightMargins[i]);
    if (m.x.categories === null) {
      let target = Math.max(2, Math.min(10, Math.round(plotW / (fs * 5.5))));
      for (let attempt = 0; attempt < 4; attempt++) {
        m.x.ticks = axisTicks(m.x.scale, m.x.domain, { target });
        const labelled = m.x.ticks.filter((t) => t.label !== null);
        const widest = Math.max(0, ...labelled.map((t) => labelWidth(t.label as TickLabel, tickFs, ctx.family)));
        const spacing = labelled.length > 1 ? plotW / (labelled.length - 1) : plotW;
        if (widest + fs * 0.8 <= spacing || target <= 2) break;
        target = Math.max(2, target - 2);
      }
      rotate.push(false);
    } else {
      const slot = plotW / Math.max(1, m.x.categories.length);
      const widest = Math.max(0, ...m.x.categories.map((c) => measureText(c, tickFs, ctx.family)));
      const rot = widest + fs * 0.4 > slot;
      if (rot && m.panel.kind === 'heatmap') m.x.ticks = categoryTicks(m.x.categories, Math.max(2, Math.floor(plotW / (tickFs * 1.3))));
      rotate.push(rot);
    }
  });
  const xTickH = (i: number): number => {
    const m = models[i];
    if (!rotate[i] || m.x.categories === null) return tickFs * 1.05;
    const widest = Math.max(0, ...m.x.ticks.filter((t) => t.label !== null).map((t) => labelWidth(t.label as TickLabel, tickFs, ctx.family)));
    return Math.min(cellH * 0.35, widest * Math.sin((35 * Math.PI) / 180) + tickFs);
  };
  const hasXLabel = models.some((m) => m.x.label.trim() !== '');
  const bottomM = tickLen + labelGap + Math.max(tickFs, ...models.map((_, i) => xTickH(i))) + (hasXLabel ? fs * 0.4 + fs * 1.0 : 0) + fs * 0.15;

  const layouts: PanelLayout[] = models.map((model, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const cell = { x: regionX + col * cellW, y: regionY + row * cellH, w: cellW, h: cellH };
    const plot = {
      x: cell.x + leftM,
      y: cell.y + topM,
      w: Math.max(fs * 2, cellW - leftM - rightMargins[i]),
      h: Math.max(fs * 2, cellH - topM - bottomM),
    };
    return { model, cell, plot, rotateX: rotate[i], colorbarX: plot.x + plot.w + fs * 0.8 };
  });

  for (const L of layouts) body.push(drawPanel(ctx, L, legend, sizes));
  if (panels.length === 0) body.push(text(W / 2, regionY + regionH / 2, 'No panels', { size: fs, anchor: 'middle', fill: MUTED, cls: 'no-data' }));

  // Right legend: a column beside the panels, aligned with their top.
  if (legendRight > 0) body.push(...legendColumnSvg(entries, ctx, W - pad - legendRight + fs * 0.8, regionY + topM, legendRow));
  let yb = regionY + regionH;
  if (bottomLegendRows.length > 0) {
    body.push(...legendRowsSvg(bottomLegendRows, ctx, yb + fs * 0.3, legendRow));
    yb += bottomLegendH;
  }
  noteLines.forEach((line, i) => {
    body.push(text(pad, yb + fs * 0.3 + noteFs * (1 + i * 1.25), line, { size: noteFs, fill: MUTED, italic: true, cls: 'note' }));
  });

  const physical = size.unit === 'in' ? { width: `${num(size.width)}in`, height: `${num(size.height)}in` } : { width: num(size.width), height: num(size.height) };
  const bg = spec.background === undefined ? '#ffffff' : spec.background;
  const head: string[] = [];
  if (title.trim() !== '') head.push(el('title', {}, escapeXml(title)));
  if (spec.subtitle !== undefined && spec.subtitle.trim() !== '') head.push(el('desc', {}, escapeXml(spec.subtitle)));
  if (ctx.defs.length > 0) head.push(el('defs', {}, ctx.defs));
  if (bg !== 'none' && bg.trim() !== '') head.push(el('rect', { class: 'background', x: 0, y: 0, width: W, height: H, fill: bg }));
  const svg = el(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      version: '1.1',
      width: physical.width,
      height: physical.height,
      viewBox: `0 0 ${num(W)} ${num(H)}`,
      'font-family': ctx.family,
      'font-size': fs,
      fill: TEXT,
    },
    [...head, ...body],
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`;
}
