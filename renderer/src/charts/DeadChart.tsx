/** Live chart of one run: dead (or dormant) fraction per hidden layer vs epoch. */
import { memo, useMemo, useState } from 'react';
import { Line } from 'recharts';
import { useResolvedTheme } from '../app/theme.js';
import { Segmented } from '../ui/Segmented.js';
import { seriesStyle } from './colors.js';
import { epochAxis, fractionAxis, unitRows, type ChartProps } from './live.js';
import { LiveChartCard } from './LiveChartCard.js';
import { LiveLineChart } from './LiveLineChart.js';
import { layerLabel } from '../../../shared/architecture.js';
import type { ModelConfig } from '../../../shared/config.js';

export const DeadChart = memo(function DeadChart({ points, layers, model, epochsTotal, divergedAt }: ChartProps & { layers: number; model?: ModelConfig }) {
  const dark = useResolvedTheme() === 'dark';
  const [metric, setMetric] = useState<'dead' | 'dormant'>('dead');
  const data = useMemo(() => unitRows(points, layers, metric), [points, layers, metric]);
  const x = useMemo(() => epochAxis(epochsTotal, points), [epochsTotal, points]);
  const y = fractionAxis();
  return (
    <LiveChartCard
      title={`${metric === 'dead' ? 'Dead' : 'Dormant'} fraction per layer`}
      controls={
        <Segmented
          label="Unit metric"
          value={metric}
          onChange={setMetric}
          options={[
            { value: 'dead', label: 'Dead' },
            { value: 'dormant', label: 'Dormant' },
          ]}
        />
      }
    >
      <LiveLineChart data={data} x={x} y={y} yLabel={`${metric} units`} formatValue={(v) => `${(v * 100).toFixed(1)}%`} divergedAt={divergedAt}>
        {Array.from({ length: layers }, (_, i) => (
          <Line key={i} type="linear" dataKey={`l${i}`} name={layerLabel(i, model)} {...seriesStyle(i, dark)} strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} />
        ))}
      </LiveLineChart>
    </LiveChartCard>
  );
});
