/** Colours of the screen charts: the group palette on the live charts, and the theme's ink, grid and tooltip colours. */
import { GROUP_COLORS, slotStyle, themeColor } from '../../../shared/figure/palette.js';

/**
 * The i-th line of a live chart: the group palette (shared with the Compare view and the exported
 * figures, lightened on the dark theme); solid while the colours last, then dashed.
 */
export function seriesStyle(index: number, dark: boolean): { stroke: string; strokeDasharray?: string } {
  const style = slotStyle(index);
  return { stroke: themeColor(style.color, dark), strokeDasharray: index < GROUP_COLORS.length || style.dash === '' ? undefined : style.dash };
}

export interface ChartColors {
  grid: string;
  axis: string;
  text: string;
  tooltipBg: string;
  tooltipBorder: string;
}

export function chartColors(dark: boolean): ChartColors {
  return dark
    ? { grid: '#2f3947', axis: '#5b6778', text: '#aab4c3', tooltipBg: '#1b2330', tooltipBorder: '#3a4556' }
    : { grid: '#e3e7ee', axis: '#9aa4b2', text: '#566171', tooltipBg: '#ffffff', tooltipBorder: '#d5dbe4' };
}
