/**
 * The footnote of a figure: what its panels left out (values a log axis cannot place, heatmap cells
 * without data) and the spec's own notes, wrapped to the figure's width under the panels.
 * Pure TypeScript.
 */
import { baseFontSize, figureSize } from './layout.js';
import { blankCells } from './heatmap.js';
import type { PanelModel } from './model.js';
import { resolveFontFamily, wrapText } from './text.js';
import type { FigurePanel, FigureSpec } from './types.js';

function panelNoteName(panel: FigurePanel, index: number, count: number): string {
  if (panel.title !== undefined && panel.title.trim() !== '') return `${panel.title}: `;
  return count > 1 ? `Panel ${index + 1}: ` : '';
}

/** The notes a figure prints: per panel, what it left out; then the spec's own notes. */
export function figureNotes(models: readonly PanelModel[], spec: Pick<FigureSpec, 'notes'>): string[] {
  const notes: string[] = [];
  models.forEach((m, i) => {
    const name = panelNoteName(m.panel, i, models.length);
    const what = m.panel.kind === 'ridges' ? 'bin' : 'value';
    if (m.x.dropped > 0) notes.push(`${name}log x axis: ${m.x.dropped} non-positive ${what}${m.x.dropped === 1 ? '' : 's'} omitted.`);
    if (m.y.dropped > 0) notes.push(`${name}log y axis: ${m.y.dropped} non-positive ${what}${m.y.dropped === 1 ? '' : 's'} omitted.`);
    if (m.panel.kind === 'heatmap') {
      const missing = blankCells(m.panel);
      if (missing > 0) notes.push(`${name}${missing} cell${missing === 1 ? '' : 's'} without data left blank.`);
    }
  });
  for (const n of spec.notes ?? []) if (typeof n === 'string' && n.trim() !== '') notes.push(n);
  return notes;
}

/** Notes wrapped to the figure's width (`widthPt`), in the note size (0.8 × the base font size). */
export function wrapNotes(notes: readonly string[], widthPt: number, fs: number, family: string): string[] {
  return notes.flatMap((n) => wrapText(n, widthPt - 2 * fs * 0.6, fs * 0.8, family));
}

/** Height in points of `lines` note lines under the panels. */
export function notesHeight(lines: number, fs: number): number {
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
