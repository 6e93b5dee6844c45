/**
 * recharts axes drawn from the shared axis model (shared/figure/axis.ts): explicit scale, domain and
 * ticks, so recharts adds nothing of its own, and the model's labels (superscript exponents on log
 * axes, minor ticks unlabelled), as in the exported figures.
 */
import type { AxisModel } from '../../../shared/figure/axis.js';
import type { Tick, TickLabel } from '../../../shared/figure/ticks.js';
import type { ChartColors } from './colors.js';

/** recharts tick renderer that writes the model's tick labels. */
function tickRenderer(labels: Map<number, TickLabel | null>, colors: ChartColors, axis: 'x' | 'y', fontSize: number) {
  return function AxisTick(props: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
    const value = Number(props.payload?.value);
    const label = labels.get(value);
    if (!label) return <g />;
    const x = Number(props.x ?? 0);
    const y = Number(props.y ?? 0);
    return (
      <text x={x} y={y} dy={axis === 'x' ? '0.9em' : '0.34em'} dx={axis === 'y' ? -2 : 0} textAnchor={axis === 'x' ? 'middle' : 'end'} fill={colors.text} fontSize={fontSize}>
        {label.text}
        {label.sup !== undefined && (
          <tspan dy="-0.45em" fontSize={(fontSize * 9) / 11.5}>
            {label.sup}
          </tspan>
        )}
      </text>
    );
  };
}

/** Props of a numeric recharts XAxis or YAxis drawing `axis` (spread them: recharts wants the axis itself as a direct child). */
export function numericAxisProps(axis: AxisModel, colors: ChartColors, which: 'x' | 'y', fontSize = 11.5) {
  return {
    type: 'number' as const,
    scale: axis.scale,
    domain: axis.domain,
    ticks: axis.ticks.map((t) => t.value),
    interval: 0 as const,
    allowDataOverflow: true,
    stroke: colors.axis,
    tick: tickRenderer(new Map(axis.ticks.map((t) => [t.value, t.label])), colors, which, fontSize),
  };
}

/** The labelled ticks' values: where grid lines go. */
export function majorValues(ticks: readonly Tick[]): number[] {
  return ticks.filter((t) => t.label !== null).map((t) => t.value);
}
