/** Figure presets and physical size: what the SVG, the PNG and the PDF all agree on. */
import type { FigurePreset, FigurePresetName, FigureSize, FigureSpec, SizeUnit } from './types.js';

/** CSS pixels per inch: the unit of the 'screen' preset and of `unit: 'px'` sizes. */
export const CSS_PX_PER_IN = 96;
/** The SVG user unit is the PostScript point. */
export const PT_PER_IN = 72;

export const FIGURE_PRESETS: Readonly<Record<FigurePresetName, Readonly<FigurePreset>>> = {
  screen: { unit: 'px', width: 800, height: 480, rowHeight: 340, fontSize: 10, lineWidth: 1.2, grid: true },
  'single-column': { unit: 'in', width: 3.5, height: 2.6, rowHeight: 2.0, fontSize: 8, lineWidth: 1, grid: false },
  'double-column': { unit: 'in', width: 7, height: 3, rowHeight: 2.3, fontSize: 8, lineWidth: 1, grid: false },
};

function convert(value: number, from: SizeUnit, to: SizeUnit): number {
  if (from === to) return value;
  return from === 'in' ? value * CSS_PX_PER_IN : value / CSS_PX_PER_IN;
}

export function presetOf(spec: Pick<FigureSpec, 'preset'>): Readonly<FigurePreset> {
  return FIGURE_PRESETS[spec.preset] ?? FIGURE_PRESETS.screen;
}

/** Panel grid of the figure: columns × rows. */
export function panelGrid(spec: Pick<FigureSpec, 'preset' | 'panels' | 'columns'>): { columns: number; rows: number } {
  const n = Math.max(1, spec.panels.length);
  const fallback = spec.preset === 'single-column' ? Math.min(n, 2) : n <= 3 ? n : Math.ceil(Math.sqrt(n));
  const requested = spec.columns !== undefined && Number.isFinite(spec.columns) ? Math.floor(spec.columns) : fallback;
  const columns = Math.max(1, Math.min(n, requested));
  return { columns, rows: Math.ceil(n / columns) };
}

function positive(v: number | undefined): v is number {
  return v !== undefined && Number.isFinite(v) && v > 0;
}

/** Physical size of the figure: explicit width/height, else the preset's (height grows with rows). */
export function figureSize(spec: Pick<FigureSpec, 'preset' | 'panels' | 'columns' | 'width' | 'height' | 'unit'>): FigureSize {
  const preset = presetOf(spec);
  const unit: SizeUnit = spec.unit ?? preset.unit;
  const { rows } = panelGrid(spec);
  const width = positive(spec.width) ? spec.width : convert(preset.width, preset.unit, unit);
  const height = positive(spec.height) ? spec.height : convert(preset.height + (rows - 1) * preset.rowHeight, preset.unit, unit);
  const widthIn = convert(width, unit, 'in');
  const heightIn = convert(height, unit, 'in');
  return { unit, width, height, widthIn, heightIn, widthPt: widthIn * PT_PER_IN, heightPt: heightIn * PT_PER_IN };
}

/** Pixel size of the figure rasterised at `dpi`: inches × dpi, rounded (3.5 in at 300 dpi → 1050 px). */
export function figurePixelSize(spec: Pick<FigureSpec, 'preset' | 'panels' | 'columns' | 'width' | 'height' | 'unit'>, dpi: number): { width: number; height: number } {
  const size = figureSize(spec);
  return pixelSizeAt(size.widthIn, size.heightIn, dpi);
}

export function pixelSizeAt(widthIn: number, heightIn: number, dpi: number): { width: number; height: number } {
  if (!(dpi > 0) || !Number.isFinite(dpi)) throw new RangeError(`dpi must be a positive number, got ${dpi}`);
  return { width: Math.max(1, Math.round(widthIn * dpi)), height: Math.max(1, Math.round(heightIn * dpi)) };
}

/**
 * Physical size written on a standalone SVG's root element (`width="3.5in"`, `width="800"` px, pt,
 * cm, mm). Null when the root has no absolute width and height.
 */
export function svgPhysicalSize(svg: string): { widthIn: number; heightIn: number } | null {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (root === null) return null;
  const attr = (name: string): string | null => {
    const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(root[0]);
    return m === null ? null : (m[1] ?? m[2]);
  };
  const toIn = (v: string | null): number | null => {
    if (v === null) return null;
    const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(in|px|pt|pc|cm|mm)?\s*$/i.exec(v);
    if (m === null) return null;
    const n = Number(m[1]);
    const perIn: Record<string, number> = { in: 1, px: CSS_PX_PER_IN, pt: PT_PER_IN, pc: 6, cm: 2.54, mm: 25.4 };
    return n / perIn[(m[2] ?? 'px').toLowerCase()];
  };
  const widthIn = toIn(attr('width'));
  const heightIn = toIn(attr('height'));
  if (widthIn === null || heightIn === null || !(widthIn > 0) || !(heightIn > 0)) return null;
  return { widthIn, heightIn };
}

/** The figure's base font size in points (the spec's, else the preset's). */
export function baseFontSize(spec: FigureSpec): number {
  return spec.fontSize !== undefined && Number.isFinite(spec.fontSize) && spec.fontSize > 0 ? spec.fontSize : presetOf(spec).fontSize;
}
