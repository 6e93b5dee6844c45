/** Figure export from the Compare view (pure): the options remembered between charts and visits, and file names. */
import { slug } from '../../../shared/slug.js';

/** A file name for an exported chart: "<saved comparison>-<chart>.<ext>" or the lab's own name. */
export function exportFileName(suggested: string, saved: string | null): string {
  if (!saved) return suggested;
  const prefix = slug(saved, '');
  return prefix ? `${prefix}-${suggested}` : suggested;
}

export interface ExportOptions {
  preset: 'screen' | 'single-column' | 'double-column';
  fontFamily: 'sans' | 'serif';
  /** Points; null: the preset's. */
  fontSize: number | null;
  grayscaleSafe: boolean;
  dpi: number;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = { preset: 'single-column', fontFamily: 'sans', fontSize: null, grayscaleSafe: false, dpi: 300 };

/** Export options read back from storage: anything unreadable falls back to the default. */
export function readExportOptions(raw: unknown): ExportOptions {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const d = DEFAULT_EXPORT_OPTIONS;
  return {
    preset: o.preset === 'screen' || o.preset === 'single-column' || o.preset === 'double-column' ? o.preset : d.preset,
    fontFamily: o.fontFamily === 'serif' || o.fontFamily === 'sans' ? o.fontFamily : d.fontFamily,
    fontSize: typeof o.fontSize === 'number' && o.fontSize >= 4 && o.fontSize <= 48 ? o.fontSize : null,
    grayscaleSafe: typeof o.grayscaleSafe === 'boolean' ? o.grayscaleSafe : d.grayscaleSafe,
    dpi: typeof o.dpi === 'number' && Number.isInteger(o.dpi) && o.dpi >= 36 && o.dpi <= 1200 ? o.dpi : d.dpi,
  };
}

/** The figure options of `chartToFigure` and `renderChart` from the export options (the preset's font size unless one is set). */
export function figureOptions(o: ExportOptions): { preset: ExportOptions['preset']; fontFamily: string; fontSize?: number; grayscaleSafe: boolean } {
  return { preset: o.preset, fontFamily: o.fontFamily, ...(o.fontSize !== null ? { fontSize: o.fontSize } : {}), grayscaleSafe: o.grayscaleSafe };
}
