/** One line chart of the run page: a metric per layer (or training vs validation) over epochs, an optional ± band, log axis, CSV. */
import { memo, useMemo, useState } from 'react';
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { renderFigureSvg } from '../../../shared/figure/render.js';
import { useResolvedTheme } from '../app/theme.js';
import { AxisNotes } from '../charts/AxisNotes.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { majorValues, numericAxisProps } from '../charts/AxisTick.js';
import { chartColors, seriesStyle, tooltipStyle } from '../charts/colors.js';
import { DivergedLine } from '../charts/DivergedLine.js';
import { CHART_HEIGHT } from '../charts/live.js';
import { formatNumber, formatPercent } from '../ui/format.js';
import { ExportButton } from './ExportButton.js';
import { runChartFigure } from './figure.js';
import { bandKey, runChartCsv, runChartRows } from './rows.js';
import type { RunChart } from './series.js';

export const RunLineChart = memo(function RunLineChart({
  runId,
  subtitle,
  chart,
  epochsTotal,
  divergedAt,
}: {
  runId: number;
  /** Names the run in an exported figure. */
  subtitle: string;
  chart: RunChart;
  epochsTotal: number;
  divergedAt: number | null;
}) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const [log, setLog] = useState(false);
  const shaped = useMemo(() => runChartRows(chart, { log, epochsTotal }), [chart, log, epochsTotal]);
  const useLog = log && shaped.logOffered;
  const format = (v: number) => (chart.fraction ? formatPercent(v, 1) : formatNumber(v, 5));
  const dots = shaped.rows.length <= 30;
  return (
    <ChartFrame
      title={chart.title}
      id={chart.id}
      className="run-chart"
      actions={
        <>
          {shaped.logOffered && (
            <label className="check-inline">
              <input type="checkbox" checked={useLog} onChange={(e) => setLog(e.target.checked)} /> log scale
            </label>
          )}
          <ExportButton format="csv" fileName={`run-${runId}-${chart.id}.csv`} what={chart.title} contents={() => runChartCsv(runId, chart)} />
          {chart.empty === null && (
            <ExportButton format="svg" fileName={`run-${runId}-${chart.id}.svg`} what={chart.title} contents={() => renderFigureSvg(runChartFigure(chart, { subtitle, log: useLog }))} />
          )}
        </>
      }
    >
      {chart.empty !== null ? (
        <p className="chart-empty run-chart-empty">{chart.empty}</p>
      ) : (
        <>
          <div className="chart-body" data-scale={shaped.y.scale} style={{ height: CHART_HEIGHT }}>
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={shaped.rows} margin={{ top: 8, right: 16, bottom: 22, left: 8 }}>
                <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" horizontalValues={majorValues(shaped.y.ticks)} verticalValues={majorValues(shaped.x.ticks)} />
                <XAxis dataKey="epoch" {...numericAxisProps(shaped.x, colors, 'x')} label={{ value: 'epoch', position: 'insideBottom', offset: -12, fill: colors.text, fontSize: 12 }} />
                <YAxis
                  {...numericAxisProps(shaped.y, colors, 'y')}
                  width={64}
                  label={{ value: chart.yLabel, angle: -90, position: 'insideLeft', offset: 4, fill: colors.text, fontSize: 12, style: { textAnchor: 'middle' } }}
                />
                <Tooltip
                  contentStyle={tooltipStyle(colors)}
                  labelFormatter={(v) => `epoch ${v}`}
                  formatter={(v) => (Array.isArray(v) ? `${format(Number(v[0]))} to ${format(Number(v[1]))}` : typeof v === 'number' ? format(v) : String(v))}
                />
                <Legend verticalAlign="top" height={24} wrapperStyle={{ color: colors.text, fontSize: 12 }} />
                <DivergedLine at={divergedAt} color={colors.diverged} />
                {chart.band &&
                  chart.lines.map((line, i) => (
                    <Area
                      key={`band-${line.key}`}
                      dataKey={bandKey(line.key)}
                      name={`${line.label} ± ${chart.band!.label.toLowerCase()}`}
                      type="linear"
                      stroke="none"
                      fill={seriesStyle(i, dark).stroke}
                      fillOpacity={dark ? 0.2 : 0.14}
                      isAnimationActive={false}
                      activeDot={false}
                      legendType="none"
                      className="band-area"
                    />
                  ))}
                {chart.lines.map((line, i) => (
                  <Line key={line.key} type="linear" dataKey={line.key} name={line.label} {...seriesStyle(i, dark)} strokeWidth={2} dot={dots} isAnimationActive={false} connectNulls={false} className="run-line" />
                ))}
              </ComposedChart>
            </ResponsiveContainer>
          </div>
          <AxisNotes droppedX={0} droppedY={shaped.droppedY} nonFinite={shaped.nonFinite} what="value" />
        </>
      )}
      {chart.empty === null && <p className="chart-axis-caption">{chart.description}</p>}
    </ChartFrame>
  );
});
