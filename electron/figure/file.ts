/**
 * A figure as a file: SVG (vector, text stays text), PDF (vector) or PNG at a DPI, with its physical
 * or pixel size; or the CSV of what it plots. Every chart export goes through here (the Compare view's
 * charts, the sweep views, `relu-lab figure`).
 */
import type { FigureFormat } from '../../shared/api.js';
import { figurePixelSize, renderFigureSvg, svgPhysicalSize, type FigureSpec } from '../../shared/figure/index.js';
import { svgToPdf, svgToPng } from './convert.js';

export interface RenderedChart {
  format: FigureFormat;
  mimeType: string;
  data: Buffer;
  /** Pixel size for PNG, physical size for SVG/PDF. */
  size: { width: number; height: number; unit: 'px' | 'in' } | null;
}

export const MIME_TYPES: Record<FigureFormat, string> = {
  svg: 'image/svg+xml',
  pdf: 'application/pdf',
  png: 'image/png',
  csv: 'text/csv',
};

/** `figure` (built only for the image formats) or `csv` in `format`; PNG at `dpi` (default 300). */
export function figureFile(format: FigureFormat, figure: () => FigureSpec, csv: () => string, dpi = 300): RenderedChart {
  if (format === 'csv') return { format, mimeType: MIME_TYPES.csv, data: Buffer.from(csv(), 'utf8'), size: null };
  const spec = figure();
  const svg = renderFigureSvg(spec);
  const physical = svgPhysicalSize(svg);
  const inches = physical ? { width: physical.widthIn, height: physical.heightIn, unit: 'in' as const } : null;
  if (format === 'svg') return { format, mimeType: MIME_TYPES.svg, data: Buffer.from(svg, 'utf8'), size: inches };
  if (format === 'pdf') return { format, mimeType: MIME_TYPES.pdf, data: svgToPdf(svg, { title: spec.title }), size: inches };
  const px = figurePixelSize(spec, dpi);
  return { format, mimeType: MIME_TYPES.png, data: svgToPng(svg, { dpi }), size: { width: px.width, height: px.height, unit: 'px' } };
}
