/**
 * `renderFigureSvg`: a FigureSpec to a standalone, deterministic SVG document. All layout is in
 * points (the viewBox is the figure size × 72), so font sizes are true typographic points and the
 * document maps 1:1 onto a PDF page. Text stays text (<text>, searchable and editable).
 */
import { colorScale, lightness, parseHexColor } from './colormap.js';
import { figureSize, panelGrid, presetOf } from './layout.js';
import { GROUP_COLORS, GROUP_DASHES } from './palette.js';
import { fallbackWidthFactor, measureText, resolveFontFamily, wrapText } from './text.js';
import { axisDomain, axisTicks, categoryTicks, floorOnLog, offAxisCount, onAxis, validDomain, type AxisModel } from './axis.js';
import type { Tick, TickLabel } from './ticks.js';
import type { AxisScale, BarsPanel, FigurePanel, FigureSpec, HeatmapPanel, LegendPosition, LinesPanel, MaybeNumber, RidgesPanel } from './types.js';
import { el, escapeXml, num, pathData } from './xml.js';

const TEXT = '#222222';
const AXIS = '#333333';
const MUTED = '#555555';
const GRID = '#e3e3e3';
const THIN_FALLBACK = '#888888';
const MARKER_COUNT = 8;

// ---------------------------------------------------------------------------------------------
// Context and styles

interface Ctx {
  fs: number;
  family: string;
  lw: number;
  grayscale: boolean;
  grid: boolean;
  prefix: string;
  defs: string[];
  clipCount: number;
}

interface LegendEntry {
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

function finite(v: MaybeNumber | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isColor(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** Dash pattern in units of the line width, scaled to points; invalid patterns draw solid. */
function scaledDash(dash: string, width: number): string | undefined {
  const parts = dash.trim().split(/[\s,]+/).filter((p) => p !== '').map(Number);
  if (parts.length === 0 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts.every((p) => p === 0)) return undefined;
  return parts.map((p) => num(p * width)).join(' ');
}

function collectLegend(spec: FigureSpec, ctx: Ctx): Map<string, LegendEntry> {
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

/** Marker shape `kind` (0–7) centred at (x, y). */
function marker(kind: number, x: number, y: number, r: number, color: string): string {
  const p = (pts: [number, number][]): string => el('path', { d: pathData(pts.map(([dx, dy]) => [x + dx * r, y + dy * r]), true), fill: color, stroke: 'none' });
  const cross = (pts: [number, number][][]): string =>
    el('path', { d: pts.map((seg) => pathData(seg.map(([dx, dy]) => [x + dx * r, y + dy * r]))).join(''), fill: 'none', stroke: color, 'stroke-width': r * 0.55 });
  switch (kind % MARKER_COUNT) {
    case 0:
      return el('circle', { cx: x, cy: y, r: r * 0.9, fill: color });
    case 1:
      return p([[-0.8, -0.8], [0.8, -0.8], [0.8, 0.8], [-0.8, 0.8]]);
    case 2:
      return p([[0, -1.05], [0.95, 0.75], [-0.95, 0.75]]);
    case 3:
      return p([[0, -1.1], [1, 0], [0, 1.1], [-1, 0]]);
    case 4:
      return p([[0, 1.05], [0.95, -0.75], [-0.95, -0.75]]);
    case 5:
      return cross([[[-1.1, 0], [1.1, 0]], [[0, -1.1], [0, 1.1]]]);
    case 6:
      return cross([[[-0.85, -0.85], [0.85, 0.85]], [[-0.85, 0.85], [0.85, -0.85]]]);
    default: {
      const pts: [number, number][] = [];
      for (let i = 0; i < 10; i++) {
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const rr = i % 2 === 0 ? 1.15 : 0.5;
        pts.push([Math.cos(a) * rr, Math.sin(a) * rr]);
      }
      return p(pts);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Text

interface TextOptions {
  size: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'bold';
  italic?: boolean;
  fill?: string;
  /** Rotation in degrees around (x, y). */
  rotate?: number;
  cls?: string;
}

function text(x: number, y: number, content: string | TickLabel, o: TextOptions): string {
  const label = typeof content === 'string' ? { text: content } : content;
  const children = [escapeXml(label.text)];
  if (label.sup !== undefined) {
    children.push(el('tspan', { dy: -o.size * 0.42, 'font-size': o.size * 0.72 }, escapeXml(label.sup)));
  }
  return el(
    'text',
    {
      class: o.cls,
      x,
      y,
      'font-size': o.size,
      'text-anchor': o.anchor === undefined || o.anchor === 'start' ? undefined : o.anchor,
      'font-weight': o.weight,
      'font-style': o.italic === true ? 'italic' : undefined,
      fill: o.fill ?? TEXT,
      transform: o.rotate !== undefined && o.rotate !== 0 ? `rotate(${num(o.rotate)} ${num(x)} ${num(y)})` : undefined,
    },
    children.join(''),
  );
}

function labelWidth(label: TickLabel, size: number, family: string): number {
  return measureText(label.text, size, family) + (label.sup === undefined ? 0 : measureText(label.sup, size * 0.72, family));
}

// ---------------------------------------------------------------------------------------------
// Axes

interface Axis extends AxisModel {
  label: string;
  /** Categorical axis: category i is centred at i + 0.5 in a [0, n] domain. */
  categories: string[] | null;
  /** Non-positive values dropped from a log axis. */
  dropped: number;
}

type Scale = (v: number) => number;

function makeScale(axis: Axis, from: number, to: number): Scale {
  const [d0, d1] = axis.domain;
  if (axis.scale === 'log') {
    const l0 = Math.log10(d0);
    const span = Math.log10(d1) - l0 || 1;
    return (v) => (v > 0 ? from + ((Math.log10(v) - l0) / span) * (to - from) : NaN);
  }
  const span = d1 - d0 || 1;
  return (v) => from + ((v - d0) / span) * (to - from);
}

// ---------------------------------------------------------------------------------------------
// Panel models: data extents and axes, before any pixel is known

interface PanelModel {
  panel: FigurePanel;
  x: Axis;
  y: Axis;
  /** y tick target used; x ticks are recomputed once the plot width is known. */
  empty: boolean;
  colorbar: { domain: [number, number]; label: string; ticks: Tick[] } | null;
  /** Extra per-panel note parts (e.g. dropped ridge bins). */
  notes: string[];
}

function scaleOf(s: AxisScale | undefined): AxisScale {
  return s === 'log' ? 'log' : 'linear';
}

function linesModel(panel: LinesPanel, xTarget: number, yTarget: number): PanelModel {
  const xs = scaleOf(panel.xScale);
  const ys = scaleOf(panel.yScale);
  const series = panel.series ?? [];
  const xVals: number[] = [];
  const yVals: number[] = [];
  let droppedX = 0;
  let droppedY = 0;
  for (const s of series) {
    for (const p of s.points ?? []) {
      if (!finite(p.x) || !finite(p.y)) continue;
      const okX = onAxis(xs, p.x);
      const okY = onAxis(ys, p.y);
      if (!okX) droppedX++;
      if (!okY) droppedY++;
      if (okX && okY) {
        xVals.push(p.x);
        yVals.push(p.y);
      }
    }
    for (const b of s.band ?? []) {
      if (!onAxis(xs, b.x)) continue;
      for (const v of [b.lo, b.hi]) if (onAxis(ys, v)) yVals.push(v);
    }
  }
  const xDomain = axisDomain(xVals, { scale: xs, fixed: panel.xDomain, nice: false });
  const yDomain = axisDomain(yVals, { scale: ys, fixed: panel.yDomain, target: yTarget });
  const x: Axis = { scale: xs, domain: xDomain, ticks: [], label: panel.xLabel ?? '', categories: null, dropped: droppedX };
  const y: Axis = { scale: ys, domain: yDomain, ticks: axisTicks(ys, yDomain, { target: yTarget }), label: panel.yLabel ?? '', categories: null, dropped: droppedY };
  return { panel, x, y, empty: xVals.length === 0, colorbar: null, notes: [] };
}

function barsModel(panel: BarsPanel, yTarget: number): PanelModel {
  const ys = scaleOf(panel.yScale);
  const cats = panel.bars ?? [];
  const yVals: number[] = [];
  const all: MaybeNumber[] = [];
  for (const c of cats) {
    for (const g of c.groups ?? []) {
      all.push(g.value);
      for (const v of [g.value, g.lo, g.hi]) if (onAxis(ys, v)) yVals.push(v);
    }
  }
  const yDomain = axisDomain(yVals, { scale: ys, fixed: panel.yDomain, target: yTarget, includeZero: true });
  const categories = cats.map((c) => String(c.category));
  const x: Axis = { scale: 'linear', domain: [0, Math.max(1, categories.length)], ticks: categoryTicks(categories, Infinity), label: panel.xLabel ?? '', categories, dropped: 0 };
  const y: Axis = { scale: ys, domain: yDomain, ticks: axisTicks(ys, yDomain, { target: yTarget }), label: panel.yLabel ?? '', categories: null, dropped: offAxisCount(ys, all) };
  const empty = !all.some((v) => onAxis(ys, v));
  return { panel, x, y, empty, colorbar: null, notes: [] };
}

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

function heatmapModel(panel: HeatmapPanel, xTarget: number, yTarget: number, maxYCats: number): PanelModel & { heat: { x: HeatAxis; y: HeatAxis } } {
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
    notes: [],
    heat: { x: hx, y: hy },
  };
}

function ridgesModel(panel: RidgesPanel): PanelModel {
  const xs = scaleOf(panel.xScale);
  const ridges = panel.ridges ?? [];
  const overlap = finite(panel.overlap) && panel.overlap > 0 ? panel.overlap : 1.6;
  const xVals: number[] = [];
  let droppedBins = 0;
  for (const r of ridges) {
    const n = r.counts?.length ?? 0;
    if (!finite(r.lo) || !finite(r.hi) || n === 0) continue;
    for (let k = 0; k <= n; k++) {
      const edge = r.lo + ((r.hi - r.lo) * k) / n;
      if (onAxis(xs, edge)) xVals.push(edge);
      else if (k < n) droppedBins++;
    }
  }
  const xDomain = axisDomain(xVals, { scale: xs, fixed: panel.xDomain, nice: false });
  const n = ridges.length;
  const ticks: Tick[] = ridges.map((r, i) => ({ value: n - 1 - i, label: { text: String(r.label) } }));
  ticks.reverse();
  const x: Axis = { scale: xs, domain: xDomain, ticks: [], label: panel.xLabel ?? '', categories: null, dropped: droppedBins };
  // Headroom above the top ridge for the labels of vertical reference lines.
  const headroom = (panel.refLines ?? []).some((r) => r.axis === 'x' && r.label !== undefined && r.label !== '') ? 0.75 : 0.08;
  const y: Axis = { scale: 'linear', domain: [-0.15, Math.max(1, n - 1 + overlap + headroom)], ticks, label: panel.yLabel ?? '', categories: null, dropped: 0 };
  return { panel, x, y, empty: xVals.length === 0, colorbar: null, notes: [] };
}

type AnyModel = PanelModel & { heat?: { x: HeatAxis; y: HeatAxis } };

function buildModel(panel: FigurePanel, xTarget: number, yTarget: number, plotH: number, fs: number): AnyModel {
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

// ---------------------------------------------------------------------------------------------
// Drawing

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function clip(ctx: Ctx, r: Rect, bleed: number): string {
  const id = `${ctx.prefix}-clip-${ctx.clipCount++}`;
  ctx.defs.push(el('clipPath', { id }, el('rect', { x: r.x - bleed, y: r.y - bleed, width: r.w + 2 * bleed, height: r.h + 2 * bleed })));
  return `url(#${id})`;
}

function drawLines(ctx: Ctx, panel: LinesPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, xScale: AxisScale, yScale: AxisScale, yBottom: number): string[] {
  const bands: string[] = [];
  const thin: string[] = [];
  const thick: string[] = [];
  const marks: string[] = [];
  const series = panel.series ?? [];
  let legendIndex = 0;
  const entryIndex = new Map<string, number>();
  for (const name of legend.keys()) entryIndex.set(name, legendIndex++);
  for (const s of series) {
    const entry = legend.get(String(s.name));
    const isThin = s.thin === true;
    const color = isColor(s.color) ? s.color : (entry?.color ?? THIN_FALLBACK);
    const dashSrc = s.dash ?? (isThin ? '' : (entry?.dash ?? ''));
    const width = isThin ? ctx.lw * 0.5 : ctx.lw;
    // Band: contiguous runs of usable (x, hi); lo ≤ 0 on a log axis is clipped to the axis bottom.
    if (!isThin && Array.isArray(s.band)) {
      let upper: [number, number][] = [];
      let lower: [number, number][] = [];
      const flush = (): void => {
        if (upper.length >= 2) bands.push(el('path', { d: pathData([...upper, ...lower.reverse()], true), fill: color, 'fill-opacity': 0.2, stroke: 'none' }));
        upper = [];
        lower = [];
      };
      for (const b of s.band) {
        if (!onAxis(xScale, b.x) || !finite(b.lo) || !onAxis(yScale, b.hi)) {
          flush();
          continue;
        }
        const px = sx(b.x);
        const lo = onAxis(yScale, b.lo) ? sy(b.lo) : yBottom;
        upper.push([px, sy(b.hi)]);
        lower.push([px, lo]);
      }
      flush();
    }
    // Line: split at NaN / null / non-positive-on-log points (no line across a gap).
    const segments: [number, number][][] = [];
    let seg: [number, number][] = [];
    for (const p of s.points ?? []) {
      if (!onAxis(xScale, p.x) || !onAxis(yScale, p.y)) {
        if (seg.length > 0) segments.push(seg);
        seg = [];
        continue;
      }
      seg.push([sx(p.x), sy(p.y)]);
    }
    if (seg.length > 0) segments.push(seg);
    const dash = scaledDash(dashSrc, width);
    const target = isThin ? thin : thick;
    const d = segments.filter((g) => g.length >= 2).map((g) => pathData(g)).join('');
    if (d !== '') {
      target.push(
        el('path', {
          class: isThin ? 'run' : 'series',
          d,
          fill: 'none',
          stroke: color,
          'stroke-width': width,
          'stroke-opacity': isThin ? 0.45 : undefined,
          'stroke-dasharray': dash,
          'stroke-linejoin': 'round',
          'stroke-linecap': dash === undefined ? 'round' : 'butt',
        }),
      );
    }
    // Isolated points (a value between two gaps) are drawn as dots so they do not vanish.
    for (const g of segments) if (g.length === 1) target.push(el('circle', { cx: g[0][0], cy: g[0][1], r: width * 1.1, fill: color, 'fill-opacity': isThin ? 0.45 : undefined }));
    // Markers on a few points, staggered between series so they do not coincide.
    const mk = isThin ? null : finite(s.marker) ? Math.abs(Math.floor(s.marker)) % MARKER_COUNT : (entry?.marker ?? null);
    if (mk !== null) {
      const pts = segments.flat();
      if (pts.length > 0) {
        const step = Math.max(1, Math.ceil(pts.length / 8));
        const idx = entryIndex.get(String(s.name)) ?? 0;
        const phase = Math.floor((step * ((idx * 0.37) % 1)) % step);
        for (let i = phase; i < pts.length; i += step) marks.push(marker(mk, pts[i][0], pts[i][1], ctx.lw * 2, color));
      }
    }
  }
  return [...bands, ...thin, ...thick, ...marks];
}

function drawBars(ctx: Ctx, panel: BarsPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, yAxis: Axis): string[] {
  const out: string[] = [];
  const cats = panel.bars ?? [];
  const maxGroups = Math.max(1, ...cats.map((c) => c.groups?.length ?? 0));
  const slot = sx(1) - sx(0);
  const inner = slot * 0.8;
  const barW = inner / maxGroups;
  const [d0, d1] = yAxis.domain;
  const baseValue = yAxis.scale === 'log' ? d0 : Math.min(Math.max(0, d0), d1);
  const base = sy(baseValue);
  const yOf = (v: number): number => sy(floorOnLog(yAxis, v));
  cats.forEach((c, i) => {
    (c.groups ?? []).forEach((g, j) => {
      const entry = legend.get(String(g.name));
      const color = isColor(g.color) ? g.color : (entry?.color ?? THIN_FALLBACK);
      const x0 = sx(i) + (slot - inner) / 2 + j * barW;
      const pad = barW * 0.06;
      if (onAxis(yAxis.scale, g.value)) {
        const yv = sy(g.value);
        const r = { x: x0 + pad, y: Math.min(yv, base), width: Math.max(0, barW - 2 * pad), height: Math.abs(base - yv) };
        const outline = ctx.grayscale ? { stroke: AXIS, 'stroke-width': ctx.lw * 0.4 } : {};
        out.push(el('rect', { class: 'bar', ...r, fill: color, ...outline }));
        if (entry?.patternId) out.push(el('rect', { ...r, fill: `url(#${entry.patternId})`, stroke: 'none' }));
      }
      const hasLo = finite(g.lo);
      const hasHi = finite(g.hi) && onAxis(yAxis.scale, g.hi);
      if (hasLo || hasHi) {
        const cx = x0 + barW / 2;
        const ref = onAxis(yAxis.scale, g.value) ? sy(g.value) : NaN;
        const ylo = hasLo ? yOf(g.lo as number) : ref;
        const yhi = hasHi ? sy(g.hi as number) : ref;
        if (Number.isFinite(ylo) && Number.isFinite(yhi)) {
          const cap = barW * 0.35;
          const d = `M${num(cx)} ${num(ylo)}L${num(cx)} ${num(yhi)}` + (hasHi ? `M${num(cx - cap / 2)} ${num(yhi)}L${num(cx + cap / 2)} ${num(yhi)}` : '') + (hasLo ? `M${num(cx - cap / 2)} ${num(ylo)}L${num(cx + cap / 2)} ${num(ylo)}` : '');
          out.push(el('path', { class: 'error-bar', d, stroke: TEXT, 'stroke-width': ctx.lw * 0.75, fill: 'none' }));
        }
      }
    });
  });
  return out;
}

function drawHeatmap(panel: HeatmapPanel, heat: { x: HeatAxis; y: HeatAxis }, colorDomain: [number, number], sx: Scale, sy: Scale): string[] {
  const out: string[] = [];
  const h = panel.heatmap;
  const scheme = h.colorScale?.scheme === 'magma' ? 'magma' : 'viridis';
  const reverse = h.colorScale?.reverse === true;
  const [c0, c1] = colorDomain;
  const xe = heat.x.edges.map(sx);
  const ye = heat.y.edges.map(sy);
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

function drawRidges(ctx: Ctx, panel: RidgesPanel, sx: Scale, sy: Scale, xScale: AxisScale): string[] {
  const out: string[] = [];
  const ridges = panel.ridges ?? [];
  const n = ridges.length;
  const overlap = finite(panel.overlap) && panel.overlap > 0 ? panel.overlap : 1.6;
  const globalMax = Math.max(0, ...ridges.flatMap((r) => (r.counts ?? []).filter(finite)));
  ridges.forEach((r, i) => {
    const counts = r.counts ?? [];
    const m = counts.length;
    if (!finite(r.lo) || !finite(r.hi) || m === 0) return;
    const max = panel.normalize === 'global' ? globalMax : Math.max(0, ...counts.filter(finite));
    const base = n - 1 - i;
    const color = isColor(r.color) ? r.color : colorScale('viridis', n === 1 ? 0.45 : 0.1 + (0.75 * i) / (n - 1));
    const pts: [number, number][] = [];
    for (let k = 0; k < m; k++) {
      const a = r.lo + ((r.hi - r.lo) * k) / m;
      const b = r.lo + ((r.hi - r.lo) * (k + 1)) / m;
      if (!onAxis(xScale, a) || !onAxis(xScale, b)) continue;
      const c = finite(counts[k]) && max > 0 ? (counts[k] / max) * overlap : 0;
      if (pts.length === 0) pts.push([sx(a), sy(base)]);
      pts.push([sx(a), sy(base + c)], [sx(b), sy(base + c)]);
    }
    if (pts.length < 2) return;
    pts.push([pts[pts.length - 1][0], sy(base)]);
    out.push(el('path', { class: 'ridge', d: pathData(pts, true), fill: color, 'fill-opacity': 0.8, stroke: '#ffffff', 'stroke-width': ctx.lw * 0.9, 'stroke-linejoin': 'round' }));
    out.push(el('path', { d: pathData(pts.slice(1, -1)), fill: 'none', stroke: TEXT, 'stroke-width': ctx.lw * 0.45, 'stroke-linejoin': 'round' }));
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Figure

interface PanelLayout {
  model: AnyModel;
  cell: Rect;
  plot: Rect;
  rotateX: boolean;
  colorbarX: number;
}

/** Width a legend entry takes: planned for the widest family of the stack, so neighbours never overlap. */
function legendItemWidth(e: LegendEntry, ctx: Ctx, size: number): number {
  return swatchWidth(e, ctx) + ctx.fs * 0.4 + measureText(e.name, size, ctx.family) * fallbackWidthFactor(ctx.family);
}

const PATCH_W = 1.1;
const LINE_W = 2.6;

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
function legendRows(entries: LegendEntry[], ctx: Ctx, size: number, maxWidth: number): LegendEntry[][] {
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

function sanitizeId(prefix: string | undefined): string {
  const p = (prefix ?? 'fig').replace(/[^A-Za-z0-9_-]/g, '');
  return p === '' || /^[0-9-]/.test(p) ? `fig${p}` : p;
}

function panelNoteName(panel: FigurePanel, index: number, count: number): string {
  if (panel.title !== undefined && panel.title.trim() !== '') return `${panel.title}: `;
  return count > 1 ? `Panel ${index + 1}: ` : '';
}

/** The figure's base font size in points (the spec's, else the preset's). */
function baseFontSize(spec: FigureSpec): number {
  return finite(spec.fontSize) && spec.fontSize > 0 ? spec.fontSize : presetOf(spec).fontSize;
}

/** Notes wrapped to the figure's width (`widthPt`), in the note size (0.8 × the base font size). */
function wrapNotes(notes: readonly string[], widthPt: number, fs: number, family: string): string[] {
  return notes.flatMap((n) => wrapText(n, widthPt - 2 * fs * 0.6, fs * 0.8, family));
}

/** Height in points of `lines` note lines under the panels. */
function notesHeight(lines: number, fs: number): number {
  return lines > 0 ? lines * fs * 0.8 * 1.25 + fs * 0.3 : 0;
}

/**
 * Height in points that `notes` take under the panels of `spec` (its own `notes` are not counted): what
 * to add to a figure's height so the notes do not squeeze its plots.
 */
export function figureNotesHeight(spec: FigureSpec, notes: readonly string[]): number {
  const fs = baseFontSize(spec);
  return notesHeight(wrapNotes(notes, figureSize(spec).widthPt, fs, resolveFontFamily(spec.fontFamily)).length, fs);
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
  const drawLegendRows = (rows: LegendEntry[][], top: number): void => {
    const gap = fs * 1.2;
    rows.forEach((row, ri) => {
      const total = row.reduce((s, e, i) => s + legendItemWidth(e, ctx, legendFs) + (i > 0 ? gap : 0), 0);
      let x = (W - total) / 2;
      const yMid = top + ri * legendRowH + legendRowH / 2;
      for (const e of row) {
        const parts = drawSwatch(e, ctx, x, yMid);
        const tx = x + swatchWidth(e, ctx) + fs * 0.4;
        parts.push(text(tx, yMid + legendFs * 0.35, e.name, { size: legendFs }));
        body.push(el('g', { class: 'legend-entry' }, parts));
        x += legendItemWidth(e, ctx, legendFs) + gap;
      }
    });
  };
  if (entries.length > 0 && legendPos === 'top') {
    const rows = legendRows(entries, ctx, legendFs, W - 2 * pad);
    drawLegendRows(rows, y);
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
  const models: AnyModel[] = panels.map((p) => buildModel(p, xTarget, yTarget, estPlotH, fs));

  const notes: string[] = [];
  models.forEach((m, i) => {
    const name = panelNoteName(m.panel, i, models.length);
    const what = m.panel.kind === 'ridges' ? 'bin' : 'value';
    if (m.x.dropped > 0) notes.push(`${name}log x axis: ${m.x.dropped} non-positive ${what}${m.x.dropped === 1 ? '' : 's'} omitted.`);
    if (m.y.dropped > 0) notes.push(`${name}log y axis: ${m.y.dropped} non-positive ${what}${m.y.dropped === 1 ? '' : 's'} omitted.`);
    if (m.panel.kind === 'heatmap') {
      const h = m.panel.heatmap;
      const cols = Array.isArray(h?.xs) ? h.xs.length : 0;
      let missing = 0;
      for (let r = 0; r < (Array.isArray(h?.ys) ? h.ys.length : 0); r++) for (let c = 0; c < cols; c++) if (!finite(h.values?.[r]?.[c])) missing++;
      if (missing > 0 && missing < cols * h.ys.length) notes.push(`${name}${missing} cell${missing === 1 ? '' : 's'} without data left blank.`);
    }
  });
  for (const n of spec.notes ?? []) if (typeof n === 'string' && n.trim() !== '') notes.push(n);
  const noteLines = wrapNotes(notes, W, fs, ctx.family);
  const notesH = notesHeight(noteLines.length, fs);
  const bottomLegendH = bottomLegendRows.length > 0 ? bottomLegendRows.length * legendRowH + fs * 0.3 : 0;
  const regionY = y;
  const regionH = Math.max(fs * 4, H - regionY - pad - notesH - bottomLegendH);
  const cellH = regionH / rows;

  // Uniform left margin: widest y tick label of any panel.
  const yLabelW = (m: AnyModel): number => Math.max(0, ...m.y.ticks.filter((t) => t.label !== null).map((t) => labelWidth(t.label as TickLabel, tickFs, ctx.family)));
  const hasYLabel = models.some((m) => m.y.label.trim() !== '');
  const leftM = tickLen + labelGap + Math.max(fs, ...models.map(yLabelW)) + (hasYLabel ? fs * 0.65 + fs * 1.0 : 0) + fs * 0.1;
  const colorbarW = fs * 0.8;
  const rightMargins = models.map((m) => {
    if (m.colorbar === null) return columns > 1 ? fs * 1.6 : fs * 1.0;
    const cbTicks = axisTicks('linear', m.colorbar.domain, { target: Math.max(2, Math.min(6, Math.round((cellH - topM - fs * 3) / (fs * 3)))) });
    m.colorbar.ticks = cbTicks;
    const lw = Math.max(0, ...cbTicks.map((t) => labelWidth(t.label as TickLabel, tickFs, ctx.family)));
    return fs * 0.8 + colorbarW + tickLen + labelGap + lw + (m.colorbar.label.trim() !== '' ? fs * 0.45 + fs * 1.05 : 0) + fs * 0.3;
  });

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

  for (const L of layouts) body.push(drawPanel(ctx, L, legend, { tickFs, tickLen, labelGap, colorbarW }));
  if (panels.length === 0) body.push(text(W / 2, regionY + regionH / 2, 'No panels', { size: fs, anchor: 'middle', fill: MUTED, cls: 'no-data' }));

  // Right legend: a column beside the panels, aligned with their top.
  if (legendRight > 0) {
    const x = W - pad - legendRight + fs * 0.8;
    entries.forEach((e, i) => {
      const yMid = regionY + topM + i * legendRowH + legendRowH / 2;
      const parts = drawSwatch(e, ctx, x, yMid);
      parts.push(text(x + swatchWidth(e, ctx) + fs * 0.4, yMid + legendFs * 0.35, e.name, { size: legendFs }));
      body.push(el('g', { class: 'legend-entry' }, parts));
    });
  }
  let yb = regionY + regionH;
  if (bottomLegendRows.length > 0) {
    drawLegendRows(bottomLegendRows, yb + fs * 0.3);
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

function drawPanel(ctx: Ctx, L: PanelLayout, legend: Map<string, LegendEntry>, k: { tickFs: number; tickLen: number; labelGap: number; colorbarW: number }): string {
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
  else if (panel.kind === 'heatmap' && m.heat !== undefined && m.colorbar !== null) content = drawHeatmap(panel, m.heat, m.colorbar.domain, sx, sy);
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
  const inside = (v: number, lo: number, hi: number): boolean => v >= lo - 0.01 && v <= hi + 0.01;
  const xLabels: string[] = [];
  for (const t of m.x.ticks) {
    const px = sx(t.value);
    if (!Number.isFinite(px) || !inside(px, plot.x, plot.x + plot.w)) continue;
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
    if (!Number.isFinite(py) || !inside(py, plot.y, bottom)) continue;
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
  if (panel.title !== undefined && panel.title.trim() !== '') out.push(text(plot.x + plot.w / 2, L.cell.y + fs * 1.05, panel.title, { size: fs, anchor: 'middle', weight: 'bold', cls: 'panel-title' }));

  // Colour bar (heatmaps).
  if (m.colorbar !== null && panel.kind === 'heatmap') {
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
    const [c0, c1] = m.colorbar.domain;
    let cd = '';
    let maxW = 0;
    for (const t of m.colorbar.ticks) {
      const py = bottom - ((t.value - c0) / (c1 - c0 || 1)) * plot.h;
      if (!inside(py, plot.y, bottom)) continue;
      cd += `M${num(x + k.colorbarW)} ${num(py)}L${num(x + k.colorbarW + k.tickLen)} ${num(py)}`;
      if (t.label !== null) {
        cb.push(text(x + k.colorbarW + k.tickLen + k.labelGap, py + k.tickFs * 0.35, t.label, { size: k.tickFs, cls: 'tick-label' }));
        maxW = Math.max(maxW, labelWidth(t.label, k.tickFs, ctx.family));
      }
    }
    if (cd !== '') cb.push(el('path', { d: cd, stroke: AXIS, 'stroke-width': lw * 0.5, fill: 'none' }));
    if (m.colorbar.label.trim() !== '') {
      const lx = x + k.colorbarW + k.tickLen + k.labelGap + maxW + fs * 0.45 + fs * 0.8;
      cb.push(text(lx, plot.y + plot.h / 2, m.colorbar.label, { size: fs, anchor: 'middle', rotate: -90, cls: 'axis-label colorbar-label' }));
    }
    out.push(el('g', { class: 'colorbar' }, cb));
  }
  return el('g', { class: 'panel', 'data-kind': panel.kind }, out);
}
