/** Live chart of one run: dead (or dormant) fraction per hidden layer vs epoch. */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useResolvedTheme } from '../app/theme.js';
import { Segmented } from '../ui/Segmented.js';
import { chartColors, seriesStyle } from './colors.js';
import { DivergedLine } from './DivergedLine.js';
import { CHART_HEIGHT, downsample, epochAxisProps, finiteOrNull, type ChartProps } from './live.js';

export const DeadChart = memo(function DeadChart({ points, layers, epochsTotal, divergedAt }: ChartProps & { layers: number }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const [metric, setMetric] = useState<'dead' | 'dormant'>('dead');
  const data = useMemo(
    () =>
      downsample(points).map((p) => {
        const row: Record<string, number | null> = { epoch: p.epoch };
        const values = metric === 'dead' ? p.dead : p.dormant;
        for (let i = 0; i < layers; i++) row[`l${i}`] = finiteOrNull(values[i]);
        return row;
      }),
    [points, layers, metric],
  );
  return (
    <figure className="chart-card">
      <figcaption className="chart-head">
        <h3>{metric === 'dead' ? 'Dead' : 'Dormant'} fraction per layer</h3>
        <div className="chart-controls">
          <Segmented
            label="Unit metric"
            value={metric}
            onChange={setMetric}
            options={[
              { value: 'dead', label: 'Dead' },
              { value: 'dormant', label: 'Dormant' },
            ]}
          />
        </div>
      </figcaption>
      <div className="chart-body" style={{ height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 22, left: 8 }}>
            <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" />
            <XAxis {...epochAxisProps(colors, epochsTotal, points[points.length - 1]?.epoch ?? 0)} />
            <YAxis
              stroke={colors.axis}
              tick={{ fill: colors.text, fontSize: 12 }}
              width={64}
              domain={[0, 1]}
              ticks={[0, 0.25, 0.5, 0.75, 1]}
              tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
              label={{ value: `${metric} units`, angle: -90, position: 'insideLeft', offset: 4, fill: colors.text, fontSize: 12, style: { textAnchor: 'middle' } }}
            />
            <Tooltip
              contentStyle={{ background: colors.tooltipBg, border: `1px solid ${colors.tooltipBorder}`, borderRadius: 6, color: colors.text }}
              labelFormatter={(v) => `epoch ${v}`}
              formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : String(v))}
            />
            <Legend verticalAlign="top" height={24} wrapperStyle={{ color: colors.text, fontSize: 12 }} />
            <DivergedLine at={divergedAt} color={dark ? '#ffc375' : '#8f4a00'} />
            {Array.from({ length: layers }, (_, i) => (
              <Line key={i} type="linear" dataKey={`l${i}`} name={`layer ${i + 1}`} {...seriesStyle(i, dark)} strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
});
