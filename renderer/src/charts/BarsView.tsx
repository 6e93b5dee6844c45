/** Bar panels of the Compare view (one per measure): a bar per group and layer with error bars over the runs. */
import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparisonSpec } from '../../../shared/compare.js';
import { barErrorBars, type BarChartData } from '../../../shared/charts.js';
import { themeColor } from '../../../shared/figure/palette.js';
import { useResolvedTheme } from '../app/theme.js';
import { AxisNotes } from './AxisNotes.js';
import { majorValues, numericAxisProps } from './AxisTick.js';
import { BandTooltip } from './BandTooltip.js';
import { chartColors } from './colors.js';
import { barRows, type BarRow } from './rows.js';

export function BarsView({ chart, spec, fractionPanels, height = 250 }: { chart: BarChartData; spec: Pick<ComparisonSpec, 'logY' | 'band'>; fractionPanels: (title: string) => boolean; height?: number }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const errorBars = barErrorBars(chart, spec);
  const shaped = useMemo(() => chart.panels.map((p) => ({ panel: p, fraction: fractionPanels(p.yLabel), ...barRows(p, { logY: spec.logY, errorBars, fraction: fractionPanels(p.yLabel) }) })), [chart, spec.logY, errorBars, fractionPanels]);
  const dropped = shaped.reduce((s, p) => s + p.droppedY, 0);
  if (chart.panels.length === 0 || chart.panels.every((p) => p.categories.length === 0)) return <p className="chart-empty">No layers measured yet.</p>;
  return (
    <>
      <div className={`panel-grid panels-${Math.min(chart.panels.length, 4)}`}>
        {shaped.map(({ panel, rows, y, empty, fraction }, pi) => {
          return (
            <div className="compare-panel" key={`${panel.title}-${pi}`} data-panel={pi}>
              <div className="panel-head">
                <h4 className="panel-title">{panel.title}</h4>
                <span className="axis-label-y">↑ {panel.yLabel}</span>
              </div>
              {empty ? (
                <div className="panel-empty" style={{ height }}>
                  {spec.logY ? 'No positive values to place on the log axis.' : 'No measurements yet.'}
                </div>
              ) : (
                <div className="chart-body" style={{ height }}>
                  <ResponsiveContainer width="100%" height="100%">
                    <BarChart key={panel.groups.map((g) => g.groupKey).join('\n')} data={rows} margin={{ top: 6, right: 10, bottom: 26, left: 4 }} barCategoryGap="16%" barGap={1}>
                      <CartesianGrid stroke={colors.grid} strokeDasharray="3 3" vertical={false} horizontalValues={majorValues(y.ticks)} />
                      <XAxis dataKey="category" type="category" stroke={colors.axis} tick={{ fill: colors.text, fontSize: 11.5 }} interval={0} label={{ value: chart.xLabel, position: 'insideBottom', offset: -18, fill: colors.text, fontSize: 12 }} />
                      <YAxis {...numericAxisProps(y, colors, 'y')} width={50} />
                      <Tooltip
                        isAnimationActive={false}
                        cursor={{ fill: colors.grid, fillOpacity: 0.45 }}
                        content={(props) => {
                          const row = props.payload?.[0]?.payload as BarRow | undefined;
                          return <BandTooltip active={props.active} head={String(row?.category ?? '')} row={row} groups={panel.groups} valuePrefix="v" fraction={fraction} colors={colors} band={errorBars} />;
                        }}
                      />
                      {panel.groups.map((g, i) => (
                        <Bar
                          key={g.groupKey}
                          dataKey={`v${i}`}
                          name={g.name}
                          fill={themeColor(g.color, dark)}
                          fillOpacity={0.82}
                          stroke={colors.text}
                          strokeOpacity={0.75}
                          strokeWidth={g.dash ? 1.2 : 0.6}
                          strokeDasharray={g.dash || undefined}
                          isAnimationActive={false}
                          className="group-bar"
                          // A value of 0 still draws (a sliver on the axis) with its error bar: recharts draws neither for a bar of no height.
                          minPointSize={(value) => (value === 0 ? 2 : 0)}
                        >
                          {errorBars && <ErrorBar dataKey={`e${i}`} width={4} stroke={colors.text} strokeWidth={1.2} direction="y" isAnimationActive={false} />}
                        </Bar>
                      ))}
                    </BarChart>
                  </ResponsiveContainer>
                </div>
              )}
            </div>
          );
        })}
      </div>
      <AxisNotes droppedX={0} droppedY={dropped} nonFinite={0} what="bar" />
    </>
  );
}
