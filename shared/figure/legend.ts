/**
 * The legend of a figure, shared by all its panels: one entry per group (not per run) with its
 * swatch (line sample with dash, band and marker; bar patch, hatched when grayscale-safe), flowed in
 * rows above or below the panels or stacked in a column beside them. Pure TypeScript.
 */
import { lightness, parseHexColor } from './colormap.js';
import { AXIS, finite, isColor, marker, MARKER_COUNT, scaledDash, text, type Ctx } from './draw.js';
import { GROUP_COLORS, GROUP_DASHES } from './palette.js';
import { fallbackWidthFactor, measureText } from './text.js';
import type { FigureSpec } from './types.js';
import { el, num } from './xml.js';

export interface LegendEntry {
  name: string;
  color: string;
  dash: string;
  marker: number | null;
  band: boolean;
  /** Drawn as a line (lines panels) and / or as a filled patch (bars panels) somewhere in the figure. */
  line: boolean;
  patch: boolean;
  /** Index into the hatch patterns (grayscale-safe bars), null: plain fill. */
  hatch: number | null;
  patternId: string | null;
}

export function collectLegend(spec: FigureSpec, ctx: Ctx): Map<string, LegendEntry> {
  const entries = new Map<string, LegendEntry>();
  const add = (name: string, kind: 'line' | 'patch', color: string | undefined, dash: string | undefined, marker: number | undefined, band: boolean): void => {
    const existing = entries.get(name);
    if (existing !== undefined) {
      existing.band ||= band;
      existing.line ||= kind === 'line';
      existing.patch ||= kind === 'patch';
      return;
    }
    const i = entries.size;
    entries.set(name, {
      name,
      line: kind === 'line',
      patch: kind === 'patch',
      color: isColor(color) ? color : GROUP_COLORS[i % GROUP_COLORS.length],
      dash: dash ?? (ctx.grayscale ? GROUP_DASHES[i % GROUP_DASHES.length] : ''),
      marker: marker !== undefined && Number.isFinite(marker) ? Math.abs(Math.floor(marker)) % MARKER_COUNT : ctx.grayscale ? i % MARKER_COUNT : null,
      band,
      hatch: ctx.grayscale ? i % 8 : null,
      patternId: null,
    });
  };
  for (const panel of spec.panels) {
    if (panel.kind === 'lines') {
      for (const s of panel.series ?? []) {
        if (s.thin === true) continue;
        const band = (s.band ?? []).some((b) => finite(b.lo) && finite(b.hi));
        add(String(s.name), 'line', s.color, s.dash, s.marker, band);
      }
    } else if (panel.kind === 'bars') {
      for (const c of panel.bars ?? []) for (const g of c.groups ?? []) add(String(g.name), 'patch', g.color, undefined, undefined, false);
    }
  }
  for (const e of entries.values()) {
    if (e.patch && e.hatch !== null && e.hatch > 0) e.patternId = definePattern(ctx, e.hatch, e.color);
  }
  return entries;
}

/** Hatch pattern `kind` (1–7) drawn over a bar: white on dark fills, black on light ones. */
function definePattern(ctx: Ctx, kind: number, fill: string): string {
  const id = `${ctx.prefix}-hatch-${ctx.defs.length}`;
  const rgb = parseHexColor(fill);
  const ink = rgb !== null && lightness(rgb) < 55 ? '#ffffff' : '#000000';
  const s = ctx.fs * 0.55;
  const w = ctx.lw * 0.55;
  const line = (d: string): string => el('path', { d, stroke: ink, 'stroke-width': w, fill: 'none', 'stroke-linecap': 'square' });
  let body: string;
  switch (kind % 8) {
    case 1:
      body = line(`M0 ${num(s)}L${num(s)} 0M${num(-s / 2)} ${num(s / 2)}L${num(s / 2)} ${num(-s / 2)}M${num(s / 2)} ${num(s * 1.5)}L${num(s * 1.5)} ${num(s / 2)}`);
      break;
    case 2:
      body = line(`M0 0L${num(s)} ${num(s)}M${num(-s / 2)} ${num(s / 2)}L${num(s / 2)} ${num(s * 1.5)}M${num(s / 2)} ${num(-s / 2)}L${num(s * 1.5)} ${num(s / 2)}`);
      break;
    case 3:
      body = line(`M0 ${num(s / 2)}L${num(s)} ${num(s / 2)}`);
      break;
    case 4:
      body = line(`M0 0L${num(s)} ${num(s)}M0 ${num(s)}L${num(s)} 0`);
      break;
    case 5:
      body = line(`M${num(s / 2)} 0L${num(s / 2)} ${num(s)}`);
      break;
    case 6:
      body = el('circle', { cx: s / 2, cy: s / 2, r: s * 0.16, fill: ink });
      break;
    default:
      body = line(`M0 ${num(s / 2)}L${num(s)} ${num(s / 2)}M${num(s / 2)} 0L${num(s / 2)} ${num(s)}`);
      break;
  }
  ctx.defs.push(el('pattern', { id, patternUnits: 'userSpaceOnUse', x: 0, y: 0, width: s, height: s }, body));
  return id;
}

const PATCH_W = 1.1;
const LINE_W = 2.6;

/** Width a legend entry takes: planned for the widest family of the stack, so neighbours never overlap. */
export function legendItemWidth(e: LegendEntry, ctx: Ctx, size: number): number {
  return swatchWidth(e, ctx) + ctx.fs * 0.4 + measureText(e.name, size, ctx.family) * fallbackWidthFactor(ctx.family);
}

function swatchWidth(e: LegendEntry, ctx: Ctx): number {
  return ctx.fs * ((e.patch ? PATCH_W : 0) + (e.patch && e.line ? 0.35 : 0) + (e.line ? LINE_W : 0));
}

/** Legend swatch: a filled patch (bars, hatched when grayscale-safe) and / or a line sample with its dash, band and marker. */
function drawSwatch(e: LegendEntry, ctx: Ctx, x: number, yMid: number): string[] {
  const out: string[] = [];
  const h = ctx.fs * 0.8;
  if (e.patch) {
    const r = { x, y: yMid - h / 2, width: ctx.fs * PATCH_W, height: h };
    out.push(el('rect', { ...r, fill: e.color, stroke: ctx.grayscale ? AXIS : undefined, 'stroke-width': ctx.grayscale ? ctx.lw * 0.4 : undefined }));
    if (e.patternId !== null) out.push(el('rect', { ...r, fill: `url(#${e.patternId})` }));
    x += ctx.fs * (PATCH_W + 0.35);
  }
  if (!e.line) return out;
  const w = ctx.fs * LINE_W;
  if (e.band) out.push(el('rect', { x, y: yMid - h / 2, width: w, height: h, fill: e.color, 'fill-opacity': 0.2 }));
  const dash = scaledDash(e.dash, ctx.lw);
  out.push(el('path', { d: `M${num(x)} ${num(yMid)}L${num(x + w)} ${num(yMid)}`, stroke: e.color, 'stroke-width': ctx.lw * 1.2, 'stroke-dasharray': dash, fill: 'none' }));
  if (e.marker !== null) out.push(marker(e.marker, x + w / 2, yMid, ctx.lw * 2, e.color));
  return out;
}

/** Legend rows (for 'top' / 'bottom'): entries flowed left to right within `maxWidth`. */
export function legendRows(entries: LegendEntry[], ctx: Ctx, size: number, maxWidth: number): LegendEntry[][] {
  const rows: LegendEntry[][] = [];
  let row: LegendEntry[] = [];
  let w = 0;
  const gap = ctx.fs * 1.2;
  for (const e of entries) {
    const iw = legendItemWidth(e, ctx, size);
    if (row.length > 0 && w + gap + iw > maxWidth) {
      rows.push(row);
      row = [];
      w = 0;
    }
    w += (row.length > 0 ? gap : 0) + iw;
    row.push(e);
  }
  if (row.length > 0) rows.push(row);
  return rows;
}

/** One legend entry at (x, row middle `yMid`): swatch, then the name. */
function legendEntrySvg(e: LegendEntry, ctx: Ctx, x: number, yMid: number, size: number): string {
  const parts = drawSwatch(e, ctx, x, yMid);
  parts.push(text(x + swatchWidth(e, ctx) + ctx.fs * 0.4, yMid + size * 0.35, e.name, { size }));
  return el('g', { class: 'legend-entry' }, parts);
}

/** Legend rows (see `legendRows`) centred in a figure `width` points wide, the first row's top at `top`. */
export function legendRowsSvg(rows: LegendEntry[][], ctx: Ctx, top: number, o: { width: number; size: number; rowHeight: number }): string[] {
  const out: string[] = [];
  const gap = ctx.fs * 1.2;
  rows.forEach((row, ri) => {
    const total = row.reduce((s, e, i) => s + legendItemWidth(e, ctx, o.size) + (i > 0 ? gap : 0), 0);
    let x = (o.width - total) / 2;
    const yMid = top + ri * o.rowHeight + o.rowHeight / 2;
    for (const e of row) {
      out.push(legendEntrySvg(e, ctx, x, yMid, o.size));
      x += legendItemWidth(e, ctx, o.size) + gap;
    }
  });
  return out;
}

/** The legend as a column of entries starting at (x, top). */
export function legendColumnSvg(entries: LegendEntry[], ctx: Ctx, x: number, top: number, o: { size: number; rowHeight: number }): string[] {
  return entries.map((e, i) => legendEntrySvg(e, ctx, x, top + i * o.rowHeight + o.rowHeight / 2, o.size));
}
