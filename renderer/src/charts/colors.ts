/** Colours of the screen charts: strokes from the group palette (shared/figure/palette.ts), and the theme's ink, grid and tooltip colours. */
import { GROUP_COLORS, slotStyle, themeColor } from '../../../shared/figure/palette.js';

export interface Stroke {
  stroke: string;
  strokeDasharray?: string;
}

/** A group's colour and dash as drawn on a theme (the export's colour on light, lightened on dark). */
export function groupStroke(style: { color: string; dash: string }, dark: boolean): Stroke {
  return { stroke: themeColor(style.color, dark), strokeDasharray: style.dash || undefined };
}

/**
 * The i-th line of a live chart: palette slot i, solid while the colours last (layers differ by colour
 * alone), then dashed.
 */
export function seriesStyle(index: number, dark: boolean): Stroke {
  const style = slotStyle(index);
  return groupStroke({ color: style.color, dash: index < GROUP_COLORS.length ? '' : style.dash }, dark);
}

export interface ChartColors {
  grid: string;
  axis: string;
  text: string;
  tooltipBg: string;
  tooltipBorder: string;
  /** The line marking where a run diverged. */
  diverged: string;
}

export function chartColors(dark: boolean): ChartColors {
  return dark
    ? { grid: '#2f3947', axis: '#5b6778', text: '#aab4c3', tooltipBg: '#1b2330', tooltipBorder: '#3a4556', diverged: '#ffc375' }
    : { grid: '#e3e7ee', axis: '#9aa4b2', text: '#566171', tooltipBg: '#ffffff', tooltipBorder: '#d5dbe4', diverged: '#8f4a00' };
}

/** recharts' built-in tooltip in the theme's colours. */
export function tooltipStyle(colors: ChartColors) {
  return { background: colors.tooltipBg, border: `1px solid ${colors.tooltipBorder}`, borderRadius: 6, color: colors.text };
}
