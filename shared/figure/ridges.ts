/** Ridges panels of a figure: one filled histogram per row (pre-activations per epoch), overlapping upwards. */
import { axisDomain, onAxis } from './axis.js';
import { colorScale } from './colormap.js';
import { finite, isColor, TEXT, type Ctx } from './draw.js';
import { scaleOf, type Axis, type PanelModel, type Scale } from './model.js';
import type { Tick } from './ticks.js';
import type { AxisScale, RidgesPanel } from './types.js';
import { el, pathData } from './xml.js';

export function ridgesModel(panel: RidgesPanel): PanelModel {
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
  return { panel, x, y, empty: xVals.length === 0, colorbar: null };
}

export function drawRidges(ctx: Ctx, panel: RidgesPanel, sx: Scale, sy: Scale, xScale: AxisScale): string[] {
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
