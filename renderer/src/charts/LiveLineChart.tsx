/**
 * The plot both live charts of a run share: the epoch x axis and a y axis from the shared axis model,
 * grid lines at their labelled ticks, tooltip, legend and the divergence marker, around the chart's lines.
 */
import type { ReactNode } from 'react';
import { CartesianGrid, Legend, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AxisModel } from '../../../shared/figure/axis.js';
import { useResolvedTheme } from '../app/theme.js';
import { majorValues, numericAxisProps } from './AxisTick.js';
import { chartColors, tooltipStyle } from './colors.js';
import { DivergedLine } from './DivergedLine.js';
import { CHART_HEIGHT, type LiveRow } from './live.js';

export function LiveLineChart({
  data,
  x,
  y,
  yLabel,
  formatValue,
  divergedAt,
  children,
}: {
  data: readonly LiveRow[];
  x: AxisModel;
  y: AxisModel;
  yLabel: string;
  /** A value as the tooltip shows it. */
  formatValue: (v: number) => string;
  divergedAt: number | null;
  /** The recharts <Line>s. */
  children: ReactNode;
}) {
  const colors = chartColors(useResolvedTheme() === 'dark');
  return (
    <div className="chart-body" style={{ height: CHART_HEIGHT }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data as LiveRow[]} margin={{ top: 8, right: 16, bottom: 22, left: 8 }}>
          <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" horizontalValues={majorValues(y.ticks)} verticalValues={majorValues(x.ticks)} />
          <XAxis dataKey="epoch" {...numericAxisProps(x, colors, 'x')} label={{ value: 'epoch', position: 'insideBottom', offset: -12, fill: colors.text, fontSize: 12 }} />
          <YAxis {...numericAxisProps(y, colors, 'y')} width={64} label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 4, fill: colors.text, fontSize: 12, style: { textAnchor: 'middle' } }} />
          <Tooltip contentStyle={tooltipStyle(colors)} labelFormatter={(v) => `epoch ${v}`} formatter={(v) => (typeof v === 'number' ? formatValue(v) : String(v))} />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ color: colors.text, fontSize: 12 }} />
          <DivergedLine at={divergedAt} color={colors.diverged} />
          {children}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
