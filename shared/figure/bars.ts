/** Bars panels of a figure: grouped bars per category, hatched when grayscale-safe, with error bars. */
import { axisDomain, axisTicks, categoryTicks, floorOnLog, offAxisCount, onAxis } from './axis.js';
import { AXIS, finite, isColor, TEXT, THIN_FALLBACK, type Ctx } from './draw.js';
import type { LegendEntry } from './legend.js';
import { scaleOf, type Axis, type PanelModel, type Scale } from './model.js';
import type { BarsPanel, MaybeNumber } from './types.js';
import { el, num } from './xml.js';

export function barsModel(panel: BarsPanel, yTarget: number): PanelModel {
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
  return { panel, x, y, empty, colorbar: null };
}

export function drawBars(ctx: Ctx, panel: BarsPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, yAxis: Axis): string[] {
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
