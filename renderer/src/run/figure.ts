/**
 * A run chart (series.ts) as a publication figure, drawn by the lab's figure renderer
 * (shared/figure/): the same lines, layer colours, band and axis scale as on screen, as SVG. Pure logic.
 */
import { GROUP_COLORS, slotStyle } from '../../../shared/figure/palette.js';
import type { FigureSpec, LineSeries } from '../../../shared/figure/types.js';
import type { RunChart } from './series.js';

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The figure of one run chart: `subtitle` names the run (e.g. "Run 41 · PReLU · seed 1"). */
export function runChartFigure(chart: RunChart, options: { subtitle: string; log: boolean }): FigureSpec {
  const series: LineSeries[] = chart.lines.map((line, i) => {
    // The screen's colours: palette slot i, solid while the colours last, then dashed.
    const style = slotStyle(i);
    return {
      name: line.label,
      color: style.color,
      dash: i < GROUP_COLORS.length ? '' : style.dash,
      points: line.points.map((p) => ({ x: p.epoch, y: finite(p.value) })),
      ...(chart.band ? { band: line.points.map((p) => ({ x: p.epoch, lo: finite(p.lo), hi: finite(p.hi) })) } : {}),
    };
  });
  return {
    title: chart.title,
    subtitle: options.subtitle,
    preset: 'single-column',
    panels: [
      {
        kind: 'lines',
        xLabel: 'Epoch',
        yLabel: chart.yLabel,
        yScale: options.log && !chart.fraction ? 'log' : 'linear',
        ...(chart.fraction || chart.nonNegative ? { yFromZero: true } : {}),
        series,
      },
    ],
  };
}
