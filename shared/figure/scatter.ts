/**
 * Scatter panels of a figure: one dot per item (a run), groups side by side at a shared x, and per x
 * value the group's mean joined by a line, its band as an error bar and, when it differs between
 * means and there are few, the n it rests on written above it. Pure TypeScript.
 */
import { axisDomain, axisTicks, onAxis } from './axis.js';
import { finite, isColor, MUTED, text, THIN_FALLBACK, type Ctx } from './draw.js';
import type { LegendEntry } from './legend.js';
import { scaleOf, type Axis, type PanelModel, type Scale } from './model.js';
import type { AxisScale, ScatterPanel } from './types.js';
import { el, num, pathData } from './xml.js';

/** Means labelled with their n (when it varies) when the panel has at most this many. */
const MAX_N_LABELS = 40;

/** The data's x range widened by 6 % on each side (in log space on a log axis), so dots at its ends stay whole. */
function padded([lo, hi]: [number, number], scale: AxisScale, fixed: boolean): [number, number] {
  if (fixed) return [lo, hi];
  if (scale === 'log') {
    const [a, b] = [Math.log10(lo), Math.log10(hi)];
    const pad = Math.max(0.06 * (b - a), 0.05);
    return [10 ** (a - pad), 10 ** (b + pad)];
  }
  const pad = hi > lo ? 0.06 * (hi - lo) : Math.max(Math.abs(lo) * 0.1, 0.5);
  return [lo - pad, hi + pad];
}

export function scatterModel(panel: ScatterPanel, yTarget: number): PanelModel {
  const xs = scaleOf(panel.xScale);
  const ys = scaleOf(panel.yScale);
  const xVals: number[] = [];
  const yVals: number[] = [];
  let droppedX = 0;
  let droppedY = 0;
  for (const g of panel.groups ?? []) {
    for (const p of g.points ?? []) {
      if (!finite(p.x) || !finite(p.y)) continue;
      if (!onAxis(xs, p.x)) droppedX++;
      if (!onAxis(ys, p.y)) droppedY++;
      if (onAxis(xs, p.x) && onAxis(ys, p.y)) {
        xVals.push(p.x);
        yVals.push(p.y);
      }
    }
    for (const m of g.means ?? []) for (const v of [m.y, m.lo, m.hi]) if (onAxis(xs, m.x) && onAxis(ys, v)) yVals.push(v);
  }
  const xDomain = padded(axisDomain(xVals, { scale: xs, fixed: panel.xDomain, nice: false }), xs, panel.xDomain !== undefined);
  const yDomain = axisDomain(yVals, { scale: ys, fixed: panel.yDomain, target: yTarget, includeZero: panel.yFromZero === true });
  const x: Axis = { scale: xs, domain: xDomain, ticks: [], label: panel.xLabel ?? '', categories: null, dropped: droppedX };
  const y: Axis = { scale: ys, domain: yDomain, ticks: axisTicks(ys, yDomain, { target: yTarget }), label: panel.yLabel ?? '', categories: null, dropped: droppedY };
  return { panel, x, y, empty: xVals.length === 0, colorbar: null };
}

export function drawScatter(ctx: Ctx, panel: ScatterPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, xScale: AxisScale, yScale: AxisScale): string[] {
  const groups = panel.groups ?? [];
  const dots: string[] = [];
  const lines: string[] = [];
  const labels: string[] = [];
  const r = ctx.lw * 1.5;
  // Groups side by side at one x, so their dots and means do not hide each other.
  const step = r * 2.6;
  // n is written at each mean only when it differs between them (a figure's notes say a common n once).
  const ns = new Set(groups.flatMap((g) => (g.means ?? []).map((m) => m.n)));
  const labelN = ns.size > 1 && groups.reduce((s, g) => s + (g.means?.length ?? 0), 0) <= MAX_N_LABELS;
  groups.forEach((g, gi) => {
    const entry = legend.get(String(g.name));
    const color = isColor(g.color) ? g.color : (entry?.color ?? THIN_FALLBACK);
    const dx = (gi - (groups.length - 1) / 2) * step;
    const at = (x: number) => sx(x) + dx;
    for (const p of g.points ?? []) {
      if (!onAxis(xScale, p.x) || !onAxis(yScale, p.y)) continue;
      dots.push(
        p.open === true
          ? el('circle', { class: 'dot open', cx: at(p.x), cy: sy(p.y), r, fill: 'none', stroke: color, 'stroke-width': ctx.lw * 0.6 })
          : el('circle', { class: 'dot', cx: at(p.x), cy: sy(p.y), r, fill: color, 'fill-opacity': 0.35 }),
      );
    }
    const means = (g.means ?? []).filter((m) => onAxis(xScale, m.x) && onAxis(yScale, m.y));
    if (means.length >= 2) lines.push(el('path', { class: 'mean-line', d: pathData(means.map((m) => [at(m.x), sy(m.y as number)])), fill: 'none', stroke: color, 'stroke-width': ctx.lw, 'stroke-linejoin': 'round' }));
    for (const m of means) {
      const cx = at(m.x);
      const cy = sy(m.y as number);
      if (finite(m.lo) && finite(m.hi) && onAxis(yScale, m.hi)) {
        const lo = onAxis(yScale, m.lo) ? sy(m.lo) : sy(m.y as number);
        const cap = r * 1.4;
        const d = `M${num(cx)} ${num(lo)}L${num(cx)} ${num(sy(m.hi))}M${num(cx - cap)} ${num(lo)}L${num(cx + cap)} ${num(lo)}M${num(cx - cap)} ${num(sy(m.hi))}L${num(cx + cap)} ${num(sy(m.hi))}`;
        lines.push(el('path', { class: 'error-bar', d, stroke: color, 'stroke-width': ctx.lw * 0.8, fill: 'none' }));
      }
      lines.push(el('circle', { class: 'mean', cx, cy, r: r * 1.35, fill: color, stroke: '#ffffff', 'stroke-width': ctx.lw * 0.5 }));
      if (labelN) {
        const top = finite(m.hi) && onAxis(yScale, m.hi) ? Math.min(sy(m.hi), cy) : cy;
        labels.push(text(cx, top - r * 2, `n=${m.n}`, { size: ctx.fs * 0.65, anchor: 'middle', fill: MUTED, cls: 'n-label' }));
      }
    }
  });
  return [...dots, ...lines, ...labels];
}
