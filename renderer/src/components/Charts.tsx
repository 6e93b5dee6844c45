/** Live charts of one run: losses (or accuracy) and per-layer dead (or dormant) fraction vs epoch. */
import { memo, useMemo, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SlimEpoch } from '../app/live.js';
import { useResolvedTheme } from '../app/theme.js';
import { GROUP_COLORS, slotStyle, themeColor } from '../../../shared/figure/palette.js';
import { formatNumber } from '../ui/format.js';

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

/** Keeps at most `max` points (always the first and the last) so long runs stay fast to draw. */
export function downsample<T>(points: readonly T[], max = 600): T[] {
  if (points.length <= max) return [...points];
  const step = (points.length - 1) / (max - 1);
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]);
  return out;
}

const finiteOrNull = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? null : v);

export function Segmented<T extends string>({ value, options, onChange, label }: { value: T; options: { value: T; label: string }[]; onChange: (v: T) => void; label: string }) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={o.value === value}
          className={o.value === value ? 'active' : ''}
          onClick={() => onChange(o.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              const i = options.findIndex((x) => x.value === value);
              const next = options[(i + (e.key === 'ArrowRight' ? 1 : options.length - 1)) % options.length];
              onChange(next.value);
            }
          }}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}

const CHART_HEIGHT = 280;

/**
 * The epoch axis spans the planned epochs (so a live chart does not rescale at every epoch and a run
 * that stopped early shows where it stopped), unless that range is too long to read the first epochs.
 */
function epochDomain(epochsTotal: number, lastEpoch: number): [number, number] | ['dataMin', 'dataMax'] {
  if (epochsTotal > 0 && epochsTotal <= 500) return [0, Math.max(epochsTotal, lastEpoch)];
  return ['dataMin', 'dataMax'];
}

/** The epoch x axis both live charts share (recharts wants XAxis itself as a direct child, so props, not a component). */
function epochAxisProps(colors: ChartColors, epochsTotal: number, lastEpoch: number) {
  return {
    dataKey: 'epoch',
    type: 'number' as const,
    domain: epochDomain(epochsTotal, lastEpoch),
    allowDecimals: false,
    stroke: colors.axis,
    tick: { fill: colors.text, fontSize: 12 },
    label: { value: 'epoch', position: 'insideBottom' as const, offset: -12, fill: colors.text, fontSize: 12 },
  };
}

function DivergedLine({ at, color }: { at: number | null; color: string }) {
  if (at === null) return null;
  return <ReferenceLine x={at} stroke={color} strokeDasharray="4 3" label={{ value: 'diverged', position: 'insideTopRight', fill: color, fontSize: 11 }} />;
}

interface ChartProps {
  points: readonly SlimEpoch[];
  /** Planned epochs of the run. */
  epochsTotal: number;
  /** Epoch at which the run diverged, if it did. */
  divergedAt: number | null;
}

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
