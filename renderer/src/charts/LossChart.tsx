/** Live chart of one run: training and validation loss (or accuracy) vs epoch. */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useResolvedTheme } from '../app/theme.js';
import { formatNumber } from '../lib/format.js';
import { Segmented } from '../ui/Segmented.js';
import { chartColors, seriesStyle } from './colors.js';
import { DivergedLine } from './DivergedLine.js';
import { CHART_HEIGHT, downsample, epochAxisProps, finiteOrNull, type ChartProps } from './live.js';

export const LossChart = memo(function LossChart({ points, classification, epochsTotal, divergedAt }: ChartProps & { classification: boolean }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const [mode, setMode] = useState<'loss' | 'accuracy'>('loss');
  const [log, setLog] = useState(false);
  const data = useMemo(
    () =>
      downsample(points).map((p) => ({
        epoch: p.epoch,
        train: mode === 'loss' ? finiteOrNull(p.trainLoss) : finiteOrNull(p.trainAccuracy),
        val: mode === 'loss' ? finiteOrNull(p.valLoss) : finiteOrNull(p.valAccuracy),
      })),
    [points, mode],
  );
  const hasVal = data.some((d) => d.val !== null);
  const canLog = mode === 'loss' && data.every((d) => (d.train === null || d.train > 0) && (d.val === null || d.val > 0));
  const useLog = log && canLog;
  const nonFinite = points.find((p) => !Number.isFinite(p.trainLoss) || (p.valLoss !== null && !Number.isFinite(p.valLoss)));
  return (
    <figure className="chart-card">
      <figcaption className="chart-head">
        <h3>{mode === 'loss' ? 'Loss' : 'Accuracy'} vs epoch</h3>
        <div className="chart-controls">
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
              scale={useLog ? 'log' : 'auto'}
              domain={mode === 'accuracy' ? [0, 1] : useLog ? ['auto', 'auto'] : [0, 'auto']}
              allowDataOverflow={false}
              tickFormatter={(v: number) => (mode === 'accuracy' ? `${Math.round(v * 100)}%` : formatNumber(v, 3))}
              label={{ value: mode === 'loss' ? 'loss' : 'accuracy', angle: -90, position: 'insideLeft', offset: 4, fill: colors.text, fontSize: 12, style: { textAnchor: 'middle' } }}
            />
            <Tooltip
              contentStyle={{ background: colors.tooltipBg, border: `1px solid ${colors.tooltipBorder}`, borderRadius: 6, color: colors.text }}
              labelFormatter={(v) => `epoch ${v}`}
              formatter={(v) => (typeof v === 'number' ? (mode === 'accuracy' ? `${(v * 100).toFixed(1)}%` : formatNumber(v, 5)) : String(v))}
            />
            <Legend verticalAlign="top" height={24} wrapperStyle={{ color: colors.text, fontSize: 12 }} />
            <DivergedLine at={divergedAt} color={dark ? '#ffc375' : '#8f4a00'} />
            <Line type="linear" dataKey="train" name={`train ${mode}`} {...seriesStyle(0, dark)} strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} connectNulls={false} />
            {hasVal && <Line type="linear" dataKey="val" name={`validation ${mode}`} stroke={seriesStyle(1, dark).stroke} strokeDasharray="6 3" strokeWidth={2} dot={data.length <= 30} isAnimationActive={false} connectNulls={false} />}
          </LineChart>
        </ResponsiveContainer>
      </div>
      {nonFinite && (
        <p className="chart-note">
          The loss became {formatNumber(Number.isFinite(nonFinite.trainLoss) ? (nonFinite.valLoss ?? NaN) : nonFinite.trainLoss)} at epoch {nonFinite.epoch}; non-finite values are not drawn.
        </p>
      )}
    </figure>
  );
});
