/** Axes drawn from the shared axis model (shared/figure/axis.ts): recharts gets explicit domains, ticks and these labels. */
import type { AxisModel } from '../../../shared/figure/axis.js';
import type { Tick, TickLabel } from '../../../shared/figure/ticks.js';
import type { ChartColors } from './colors.js';

export function tickLabelMap(axis: AxisModel): Map<number, TickLabel | null> {
  return new Map(axis.ticks.map((t) => [t.value, t.label]));
}

/** recharts tick renderer that writes the shared tick labels (superscript exponents on log axes, minor ticks unlabelled). */
export function tickRenderer(labels: Map<number, TickLabel | null>, colors: ChartColors, axis: 'x' | 'y') {
  return function AxisTick(props: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
    const value = Number(props.payload?.value);
    const label = labels.get(value);
    if (!label) return <g />;
    const x = Number(props.x ?? 0);
    const y = Number(props.y ?? 0);
    return (
      <text x={x} y={y} dy={axis === 'x' ? '0.9em' : '0.34em'} dx={axis === 'y' ? -2 : 0} textAnchor={axis === 'x' ? 'middle' : 'end'} fill={colors.text} fontSize={11.5}>
        {label.text}
        {label.sup !== undefined && (
          <tspan dy="-0.45em" fontSize={9}>
            {label.sup}
          </tspan>
        )}
      </text>
    );
  };
}

/** The labelled ticks' values: where grid lines go. */
export function majorValues(ticks: readonly Tick[]): number[] {
  return ticks.filter((t) => t.label !== null).map((t) => t.value);
}
