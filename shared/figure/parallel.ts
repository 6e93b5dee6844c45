/**
 * Parallel-coordinates panels of a figure: one vertical axis per field (numeric axes from the shared
 * axis model, linear or log; categorical axes with their labels evenly spaced), one polyline per item
 * across them, translucent so thousands stay readable. Pure TypeScript.
 */
import { axisModel, onAxis, type AxisModel } from './axis.js';
import { AXIS, isColor, scaledDash, text, THIN_FALLBACK, type Ctx } from './draw.js';
import type { LegendEntry } from './legend.js';
import { type Axis, type PanelModel, type Scale } from './model.js';
import type { ParallelAxisSpec, ParallelPanel } from './types.js';
import { el, num } from './xml.js';

/** An axis of the panel with where each value sits on it, from 0 (bottom) to 1 (top); null: not on it. */
interface PlacedAxis {
  spec: ParallelAxisSpec;
  model: AxisModel | null;
  place(v: number | string | null): number | null;
}

function placeAxis(spec: ParallelAxisSpec, values: (number | string | null)[], target: number): PlacedAxis {
  if (Array.isArray(spec.categories)) {
    const index = new Map(spec.categories.map((c, i) => [c, i]));
    const k = Math.max(1, spec.categories.length);
    return { spec, model: null, place: (v) => (v === null || !index.has(String(v)) ? null : ((index.get(String(v)) as number) + 0.5) / k) };
  }
  const scale = spec.scale === 'log' ? 'log' : 'linear';
  const model = axisModel(values.filter((v): v is number => typeof v === 'number'), { scale, target });
  const [d0, d1] = model.domain;
  const t = (v: number) => (scale === 'log' ? (Math.log10(v) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0) || 1) : (v - d0) / (d1 - d0 || 1));
  return { spec, model, place: (v) => (typeof v === 'number' && onAxis(scale, v) ? t(v) : null) };
}

function placeAxes(panel: ParallelPanel, target: number): PlacedAxis[] {
  const axes = panel.axes ?? [];
  return axes.map((a, i) => placeAxis(a, (panel.lines ?? []).map((l) => l.values?.[i] ?? null), target));
}

export function parallelModel(panel: ParallelPanel): PanelModel {
  const categories = (panel.axes ?? []).map((a) => String(a.label));
  const x: Axis = { scale: 'linear', domain: [0, Math.max(1, categories.length)], ticks: categories.map((c, i) => ({ value: i + 0.5, label: { text: c } })), label: panel.xLabel ?? '', categories, dropped: 0 };
  const y: Axis = { scale: 'linear', domain: [0, 1], ticks: [], label: panel.yLabel ?? '', categories: null, dropped: 0 };
  return { panel, x, y, empty: (panel.lines ?? []).length === 0, colorbar: null };
}

export function drawParallel(ctx: Ctx, panel: ParallelPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, plotH: number): string[] {
  const axes = placeAxes(panel, Math.max(2, Math.min(6, Math.round(plotH / (ctx.fs * 3)))));
  const lines = panel.lines ?? [];
  // One path per colour and dash: thousands of runs stay one element each.
  const paths = new Map<string, { color: string; dashed: boolean; d: string }>();
  for (const line of lines) {
    const color = isColor(line.color) ? line.color : (legend.get(String(line.name))?.color ?? THIN_FALLBACK);
    const key = `${color}|${line.dashed === true}`;
    const entry = paths.get(key) ?? { color, dashed: line.dashed === true, d: '' };
    let pen = 'M';
    axes.forEach((a, i) => {
      const t = a.place(line.values?.[i] ?? null);
      if (t === null) {
        pen = 'M';
        return;
      }
      entry.d += `${pen}${num(sx(i + 0.5))} ${num(sy(t))}`;
      pen = 'L';
    });
    paths.set(key, entry);
  }
  const opacity = Math.min(0.8, Math.max(0.05, 60 / Math.max(1, lines.length)));
  const out = [...paths.values()].map((p) =>
    el('path', { class: 'run-line', d: p.d, fill: 'none', stroke: p.color, 'stroke-width': ctx.lw * 0.6, 'stroke-opacity': opacity, 'stroke-dasharray': p.dashed ? scaledDash('4 3', ctx.lw * 0.6) : undefined, 'stroke-linejoin': 'round' }),
  );
  // The axes over the lines: a spine each, ticks and labels on its left.
  const tickFs = ctx.fs * 0.75;
  axes.forEach((a, i) => {
    const x = sx(i + 0.5);
    const parts = [el('path', { d: `M${num(x)} ${num(sy(0))}L${num(x)} ${num(sy(1))}`, stroke: AXIS, 'stroke-width': ctx.lw * 0.6, fill: 'none' })];
    const ticks = a.model === null ? (a.spec.categories ?? []).map((c, k, all) => ({ t: (k + 0.5) / all.length, label: c })) : a.model.ticks.filter((t) => t.label !== null).map((t) => ({ t: a.place(t.value), label: t.label }));
    for (const tick of ticks) {
      if (tick.t === null || tick.label === null || tick.t < -0.001 || tick.t > 1.001) continue;
      const y = sy(tick.t);
      parts.push(el('path', { d: `M${num(x - ctx.fs * 0.3)} ${num(y)}L${num(x)} ${num(y)}`, stroke: AXIS, 'stroke-width': ctx.lw * 0.5 }));
      parts.push(text(x - ctx.fs * 0.4, y + tickFs * 0.35, tick.label, { size: tickFs, anchor: 'end', cls: 'tick-label' }));
    }
    out.push(el('g', { class: 'parallel-axis' }, parts));
  });
  return out;
}
