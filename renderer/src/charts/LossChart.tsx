/** Live chart of one run: training and validation loss (or accuracy) vs epoch. */
import { memo, useMemo, useState } from 'react';
import { Line } from 'recharts';
import { slotStyle } from '../../../shared/figure/palette.js';
import { useResolvedTheme } from '../app/theme.js';
import { formatNumber } from '../ui/format.js';
import { Segmented } from '../ui/Segmented.js';
import { groupStroke, seriesStyle } from './colors.js';
import { epochAxis, lossAxis, lossRows, type ChartProps } from './live.js';
import { LiveChartCard } from './LiveChartCard.js';
import { LiveLineChart } from './LiveLineChart.js';

export const LossChart = memo(function LossChart({ points, classification, epochsTotal, divergedAt }: ChartProps & { classification: boolean }) {
  const dark = useResolvedTheme() === 'dark';
  const [mode, setMode] = useState<'loss' | 'accuracy'>('loss');
  const [log, setLog] = useState(false);
  const data = useMemo(() => lossRows(points, mode), [points, mode]);
  const hasVal = data.some((d) => d.val !== null);
  const canLog = mode === 'loss' && data.every((d) => (d.train === null || d.train > 0) && (d.val === null || d.val > 0));
  const useLog = log && canLog;
  const x = useMemo(() => epochAxis(epochsTotal, points), [epochsTotal, points]);
  const y = useMemo(() => lossAxis(data, mode, useLog), [data, mode, useLog]);
  const nonFinite = points.find((p) => !Number.isFinite(p.trainLoss) || (p.valLoss !== null && !Number.isFinite(p.valLoss)));
  return (
    <LiveChartCard
      title={`${mode === 'loss' ? 'Loss' : 'Accuracy'} vs epoch`}
      controls={
        <>
          {classification && (
            <Segmented
              label="Metric"
              value={mode}
              onChange={setMode}
              options={[
                { value: 'loss', label: 'Loss' },
                { value: 'accuracy', label: 'Accuracy' },
              ]}
            />
          )}
          {mode === 'loss' && (
            <label className="check-inline">
              <input type="checkbox" checked={useLog} disabled={!canLog} onChange={(e) => setLog(e.target.checked)} /> log scale
            </label>
          )}
        </>
      }
    >
      <LiveLineChart
        data={data}
        x={x}
        y={y}
        yLabel={mode === 'loss' ? 'loss' : 'accuracy'}
        formatValue={(v) => (mode === 'accuracy' ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 5))}
        divergedAt={divergedAt}
      >
        <Line type="linear" dataKey="train" name={`train ${mode}`} {...seriesStyle(0, dark)} strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} connectNulls={false} />
        {hasVal && <Line type="linear" dataKey="val" name={`validation ${mode}`} {...groupStroke(slotStyle(1), dark)} strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} connectNulls={false} />}
      </LiveLineChart>
      {nonFinite && (
        <p className="chart-note">
          The loss became {formatNumber(Number.isFinite(nonFinite.trainLoss) ? (nonFinite.valLoss ?? NaN) : nonFinite.trainLoss)} at epoch {nonFinite.epoch}; non-finite values are not drawn.
        </p>
      )}
    </LiveChartCard>
  );
});
