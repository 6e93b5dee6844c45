/**
 * The SVG parts every panel kind of a figure draws with: colours of the ink, the drawing context,
 * text (with superscript exponents), markers and clip paths. Pure TypeScript.
 */
import type { TickLabel } from './ticks.js';
import type { MaybeNumber } from './types.js';
import { measureText } from './text.js';
import { el, escapeXml, num, pathData } from './xml.js';

export const TEXT = '#222222';
export const AXIS = '#333333';
export const MUTED = '#555555';
export const GRID = '#e3e3e3';
export const THIN_FALLBACK = '#888888';
export const MARKER_COUNT = 8;

/** What drawing a figure needs everywhere: sizes, the font, and the <defs> collected on the way. */
export interface Ctx {
  fs: number;
  family: string;
  lw: number;
  grayscale: boolean;
  grid: boolean;
  prefix: string;
  defs: string[];
  clipCount: number;
}

export function finite(v: MaybeNumber | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isColor(v: string | undefined): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** Dash pattern in units of the line width, scaled to points; invalid patterns draw solid. */
export function scaledDash(dash: string, width: number): string | undefined {
  const parts = dash.trim().split(/[\s,]+/).filter((p) => p !== '').map(Number);
  if (parts.length === 0 || parts.some((p) => !Number.isFinite(p) || p < 0) || parts.every((p) => p === 0)) return undefined;
  return parts.map((p) => num(p * width)).join(' ');
}

/** Marker shape `kind` (0–7) centred at (x, y). */
export function marker(kind: number, x: number, y: number, r: number, color: string): string {
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

export interface TextOptions {
  size: number;
  anchor?: 'start' | 'middle' | 'end';
  weight?: 'bold';
  italic?: boolean;
  fill?: string;
  /** Rotation in degrees around (x, y). */
  rotate?: number;
  cls?: string;
}

export function text(x: number, y: number, content: string | TickLabel, o: TextOptions): string {
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

export function labelWidth(label: TickLabel, size: number, family: string): number {
  return measureText(label.text, size, family) + (label.sup === undefined ? 0 : measureText(label.sup, size * 0.72, family));
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function clip(ctx: Ctx, r: Rect, bleed: number): string {
  const id = `${ctx.prefix}-clip-${ctx.clipCount++}`;
  ctx.defs.push(el('clipPath', { id }, el('rect', { x: r.x - bleed, y: r.y - bleed, width: r.w + 2 * bleed, height: r.h + 2 * bleed })));
  return `url(#${id})`;
}

/** Whether a pixel position lies within [lo, hi] (a hundredth of a point of slack). */
export function insideRange(v: number, lo: number, hi: number): boolean {
  return v >= lo - 0.01 && v <= hi + 0.01;
}
