import { useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MAX_LABELLED_TASKS, taskLabel, type TaskBoundary } from '../../../shared/analysis/tasks.js';
import type { LineChartData, LineGroupSeries } from '../../../shared/charts.js';
import { themeColor } from '../../../shared/figure/palette.js';
import { useResolvedTheme } from '../app/theme.js';
import { formatNumber } from '../ui/format.js';
import { majorValues, numericAxisProps } from './AxisTick.js';
import { BandTooltip } from './BandTooltip.js';
import { chartColors, groupStroke } from './colors.js';
import type { LineDrawSpec } from './LinesView.js';
import { lineRows, type LineRow } from './rows.js';
import { RunLines } from './RunLines.js';

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One line panel: group means over translucent bands, individual runs thin, on the shared axis model. */
export function LinePanel({
  panelTitle,
  yLabel,
  xLabel,
  xAxis,
  taskBoundaries,
  series,
  spec,
  fraction,
  fromZero,
  height,
  panelIndex,
}: {
  panelTitle: string | null;
  yLabel: string;
  xLabel: string;
  xAxis: LineChartData['xAxis'];
  /** Where the runs' task changes: dashed vertical lines, labelled when few. */
  taskBoundaries: readonly TaskBoundary[];
  series: LineGroupSeries[];
  spec: LineDrawSpec;
  /** Values are fractions in [0, 1] (shown as % in tooltips). */
  fraction: boolean;
  /** The y axis starts at 0. */
  fromZero: boolean;
  height: number;
  panelIndex: number;
}) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const shaped = useMemo(
    () => lineRows({ title: panelTitle ?? '', yLabel, series }, { logX: spec.logX, logY: spec.logY, integerX: xAxis !== 'time', fromZero }),
    [panelTitle, yLabel, series, spec.logX, spec.logY, xAxis, fromZero],
  );
  const timeAxis = xAxis === 'time';
  const labelTasks = taskBoundaries.length <= MAX_LABELLED_TASKS;
  const showBand = spec.band !== 'none';
  const dots = shaped.rows.length <= 24;
  return (
    <div className="compare-panel" data-panel={panelIndex}>
      <div className="panel-head">
        {panelTitle && <h4 className="panel-title">{panelTitle}</h4>}
        <span className="axis-label-y">↑ {yLabel}</span>
      </div>
      {shaped.empty ? (
        <div className="panel-empty" style={{ height }}>
          {spec.logY || spec.logX ? 'No positive values to place on the log axis.' : 'No measurements yet.'}
        </div>
      ) : (
        <div className="chart-body" style={{ height }}>
          <ResponsiveContainer width="100%" height="100%">
            {/* Keyed by the groups: recharts orders series by when they were first drawn, so a new set of groups gets a new chart. */}
            <ComposedChart key={series.map((s) => s.groupKey).join('\n')} data={shaped.rows} margin={{ top: 6, right: 14, bottom: 26, left: 4 }}>
              <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" horizontalValues={majorValues(shaped.y.ticks)} verticalValues={majorValues(shaped.x.ticks)} />
              <XAxis dataKey="x" {...numericAxisProps(shaped.x, colors, 'x')} label={{ value: xLabel, position: 'insideBottom', offset: -18, fill: colors.text, fontSize: 12 }} />
              <YAxis {...numericAxisProps(shaped.y, colors, 'y')} width={50} />
              <Tooltip
                isAnimationActive={false}
                cursor={{ stroke: colors.axis, strokeDasharray: '3 3' }}
                content={(props) => {
                  const row = props.payload?.[0]?.payload as LineRow | undefined;
                  const x = row?.x as number;
                  const head = xAxis === 'epoch' ? `Epoch ${x}` : xAxis === 'task' ? capitalized(taskLabel(x)) : `${formatNumber(x, 4)} s (mean wall time)`;
                  return <BandTooltip active={props.active} head={head} row={row} groups={series} valuePrefix="m" fraction={fraction} colors={colors} band={showBand} />;
                }}
              />
              {taskBoundaries.map((b) => (
                <ReferenceLine
                  key={`task-${b.x}`}
                  x={b.x}
                  stroke={colors.axis}
                  strokeDasharray="4 3"
                  strokeOpacity={0.8}
                  ifOverflow="hidden"
                  className="task-boundary"
                  label={labelTasks ? { value: taskLabel(b.task), position: 'insideTopRight', fill: colors.text, fontSize: 10 } : undefined}
                />
              ))}
              {showBand &&
                series.map((s, i) => (
                  <Area
                    key={`band-${s.groupKey}`}
                    dataKey={`b${i}`}
                    type="linear"
                    stroke="none"
                    fill={themeColor(s.color, dark)}
                    fillOpacity={dark ? 0.2 : 0.16}
                    isAnimationActive={false}
                    connectNulls={timeAxis}
                    activeDot={false}
                    legendType="none"
                    className="band-area"
                  />
                ))}
              <RunLines lines={shaped.runLines} groups={series} dark={dark} />
              {series.map((s, i) => (
                <Line
                  key={`mean-${s.groupKey}`}
                  dataKey={`m${i}`}
                  name={s.name}
                  type="linear"
                  {...groupStroke(s, dark)}
                  strokeWidth={2.2}
                  dot={dots ? { r: 2.4, strokeWidth: 0, fill: themeColor(s.color, dark) } : false}
                  activeDot={{ r: 4 }}
                  isAnimationActive={false}
                  connectNulls={timeAxis}
                  className="mean-line"
                />
              ))}
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      )}
    </div>
  );
}
