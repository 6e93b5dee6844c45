/** Lines panels of a figure: mean lines over translucent bands, thin individual runs, markers. */
import { axisDomain, axisTicks, onAxis } from './axis.js';
import { finite, isColor, marker, MARKER_COUNT, scaledDash, THIN_FALLBACK, type Ctx } from './draw.js';
import type { LegendEntry } from './legend.js';
import { scaleOf, type Axis, type PanelModel, type Scale } from './model.js';
import type { AxisScale, LinesPanel } from './types.js';
import { el, pathData } from './xml.js';

export function linesModel(panel: LinesPanel, xTarget: number, yTarget: number): PanelModel {
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
  const yDomain = axisDomain(yVals, { scale: ys, fixed: panel.yDomain, target: yTarget, includeZero: panel.yFromZero === true });
  const x: Axis = { scale: xs, domain: xDomain, ticks: [], label: panel.xLabel ?? '', categories: null, dropped: droppedX };
  const y: Axis = { scale: ys, domain: yDomain, ticks: axisTicks(ys, yDomain, { target: yTarget }), label: panel.yLabel ?? '', categories: null, dropped: droppedY };
  return { panel, x, y, empty: xVals.length === 0, colorbar: null };
}

export function drawLines(ctx: Ctx, panel: LinesPanel, legend: Map<string, LegendEntry>, sx: Scale, sy: Scale, xScale: AxisScale, yScale: AxisScale, yBottom: number): string[] {
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
