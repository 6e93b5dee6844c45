/**
 * The Compare view's charts, drawn with recharts from `chartData` output (shared/charts.ts) so the
 * screen shows exactly what the SVG/PDF/PNG figure and the CSV export hold: each group in its stable
 * colour and dash pattern, bands as translucent areas under the mean, log axes with positive domains.
 */
import { useEffect, useId, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { Area, Bar, BarChart, CartesianGrid, ComposedChart, ErrorBar, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { BarChartData, HeatmapChartData, LineChartData, LineGroupSeries, RidgesChartData } from '../../../shared/charts.js';
import { colorScale } from '../../../shared/figure/colormap.js';
import { themeColor } from '../../../shared/figure/palette.js';
import { linearTicks, type Tick, type TickLabel } from '../../../shared/figure/ticks.js';
import { useResolvedTheme } from '../app/theme.js';
import type { AxisModel } from '../../../shared/figure/axis.js';
import { barRows, lineRows, ridgePanels, type BarRow, type LineRow } from '../lib/compare.js';
import { formatNumber, formatPercent } from '../lib/format.js';
import { chartColors, type ChartColors } from './Charts.js';

/**
 * A group's colour on screen: the export's colour on the light theme; on the dark theme the same hue
 * lightened until it reads on the dark surface (shared/figure/palette.ts), so a group is recognisable
 * in the exported figure.
 */
export function screenColor(color: string, dark: boolean): string {
  return themeColor(color, dark);
}

export interface LegendGroup {
  key: string;
  name: string;
  color: string;
  dash: string;
  /** Hidden from the charts (drawn struck through; a click shows it again). */
  hidden?: boolean;
  /** "2/3 diverged", shown next to the name. */
  divergence?: string | null;
  /** Whether the diverged runs are excluded from the group's numbers. */
  excluded?: boolean;
}

/** A short line in the group's colour and dash pattern (over its band colour when bands are drawn). */
export function GroupSwatch({ color, dash, band = false, width = 30 }: { color: string; dash: string; band?: boolean; width?: number }) {
  const dark = useResolvedTheme() === 'dark';
  const c = screenColor(color, dark);
  return (
    <svg className="swatch" width={width} height={12} viewBox={`0 0 ${width} 12`} aria-hidden="true" focusable="false">
      {band && <rect x={0} y={1} width={width} height={10} fill={c} fillOpacity={0.18} rx={2} />}
      <line x1={1} y1={6} x2={width - 1} y2={6} stroke={c} strokeWidth={2.4} strokeDasharray={dash || undefined} />
    </svg>
  );
}

/** "2/3 diverged" (and whether they are left out), as a small badge after a group's name. */
export function DivergenceBadge({ divergence, excluded }: { divergence: string | null | undefined; excluded?: boolean }) {
  if (!divergence) return null;
  return (
    <span className="diverged-badge" title={excluded ? 'Diverged runs are excluded from this group' : 'Diverged runs count up to their last measured epoch'}>
      {divergence}
      {excluded ? ', excluded' : ''}
    </span>
  );
}

/**
 * The legend of every chart: all groups, each a button that hides the group from the charts (and from
 * what is exported from them) or shows it again. Hidden groups stay listed, struck through.
 */
export function ChartLegend({ groups, band, onToggle }: { groups: readonly LegendGroup[]; band: boolean; onToggle?: (key: string) => void }) {
  if (groups.length === 0) return null;
  return (
    <ul className="chart-legend" aria-label="Legend">
      {groups.map((g) => (
        <li key={g.key} className={g.hidden ? 'legend-hidden' : undefined}>
          {onToggle ? (
            <button type="button" className="legend-btn" aria-pressed={!g.hidden} title={g.hidden ? `Show ${g.name} in the charts` : `Hide ${g.name} from the charts`} onClick={() => onToggle(g.key)}>
              <GroupSwatch color={g.color} dash={g.dash} band={band} />
              <span className="legend-name">{g.name}</span>
            </button>
          ) : (
            <>
              <GroupSwatch color={g.color} dash={g.dash} band={band} />
              <span className="legend-name">{g.name}</span>
            </>
          )}
          <DivergenceBadge divergence={g.divergence} excluded={g.excluded} />
        </li>
      ))}
    </ul>
  );
}

/** What the chart's numbers rest on (the same lines as the exported figure's footnote). */
export function ChartNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="chart-notes" aria-label="Notes">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}

// ---------- Axes ----------

function tickLabelMap(axis: AxisModel): Map<number, TickLabel | null> {
  return new Map(axis.ticks.map((t) => [t.value, t.label]));
}

/** recharts tick renderer that writes the shared tick labels (superscript exponents on log axes, minor ticks unlabelled). */
function tickRenderer(labels: Map<number, TickLabel | null>, colors: ChartColors, axis: 'x' | 'y') {
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

function majorValues(ticks: readonly Tick[]): number[] {
  return ticks.filter((t) => t.label !== null).map((t) => t.value);
}

function formatValue(v: number | null | undefined, percent: boolean): string {
  if (v === null || v === undefined) return '—';
  return percent ? formatPercent(v, 1) : formatNumber(v, 4);
}

// ---------- Lines ----------

export interface LinesViewProps {
  chart: LineChartData;
  spec: ComparisonSpec;
  /** Values are fractions in [0, 1] (shown as % in tooltips). */
  fraction: boolean;
  /** Height of each panel's plot, px. */
  height?: number;
}

/** Line panels (one per layer for small multiples): mean line over a translucent band, individual runs thin. */
export function LinesView({ chart, spec, fraction, height = 260 }: LinesViewProps) {
  const notes = useMemo(() => {
    let droppedX = 0;
    let droppedY = 0;
    let nonFinite = 0;
    for (const p of chart.panels) {
      const r = lineRows(p, { logX: spec.logX, logY: spec.logY, integerX: spec.xAxis === 'epoch', fraction });
      droppedX += r.droppedX;
      droppedY += r.droppedY;
      nonFinite += r.nonFinite;
    }
    return { droppedX, droppedY, nonFinite };
  }, [chart, spec.logX, spec.logY, spec.xAxis, fraction]);
  if (chart.panels.length === 0) return <p className="chart-empty">Nothing measured for this chart.</p>;
  const many = chart.panels.length > 1;
  return (
    <>
      <div className={`panel-grid panels-${Math.min(chart.panels.length, 4)}`}>
        {chart.panels.map((panel, i) => (
          <LinePanel key={`${panel.title}-${i}`} panelTitle={panel.title} yLabel={panel.yLabel} xLabel={chart.xLabel} series={panel.series} spec={spec} fraction={fraction} height={many ? Math.max(190, height - 50) : height} panelIndex={i} />
        ))}
      </div>
      <AxisNotes droppedX={notes.droppedX} droppedY={notes.droppedY} nonFinite={notes.nonFinite} what="value" />
    </>
  );
}

export function AxisNotes({ droppedX, droppedY, nonFinite, what }: { droppedX: number; droppedY: number; nonFinite: number; what: string }) {
  const parts: string[] = [];
  const n = (count: number) => `${count.toLocaleString('en-US')} ${what}${count === 1 ? '' : 's'}`;
  if (droppedX > 0) parts.push(`Log x axis: ${n(droppedX)} at x ≤ 0 (e.g. epoch 0) left out.`);
  if (droppedY > 0) parts.push(`Log y axis: ${n(droppedY)} ≤ 0 left out; bands reaching 0 end at the bottom of the axis.`);
  if (nonFinite > 0) parts.push(`${n(nonFinite)} not finite (diverged runs), not drawn.`);
  if (parts.length === 0) return null;
  return (
    <p className="chart-axis-note" role="note">
      {parts.join(' ')}
    </p>
  );
}

function LinePanel({
  panelTitle,
  yLabel,
  xLabel,
  series,
  spec,
  fraction,
  height,
  panelIndex,
}: {
  panelTitle: string | null;
  yLabel: string;
  xLabel: string;
  series: LineGroupSeries[];
  spec: ComparisonSpec;
  fraction: boolean;
  height: number;
  panelIndex: number;
}) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const shaped = useMemo(
    () => lineRows({ title: panelTitle ?? '', yLabel, series }, { logX: spec.logX, logY: spec.logY, integerX: spec.xAxis === 'epoch', fraction }),
    [panelTitle, yLabel, series, spec.logX, spec.logY, spec.xAxis, fraction],
  );
  const timeAxis = spec.xAxis === 'time';
  const showBand = spec.band !== 'none';
  const xLabels = useMemo(() => tickLabelMap(shaped.x), [shaped.x]);
  const yLabels = useMemo(() => tickLabelMap(shaped.y), [shaped.y]);
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
              <XAxis
                dataKey="x"
                type="number"
                scale={shaped.x.scale}
                domain={shaped.x.domain}
                ticks={shaped.x.ticks.map((t) => t.value)}
                interval={0}
                allowDataOverflow
                stroke={colors.axis}
                tick={tickRenderer(xLabels, colors, 'x')}
                label={{ value: xLabel, position: 'insideBottom', offset: -18, fill: colors.text, fontSize: 12 }}
              />
              <YAxis
                type="number"
                scale={shaped.y.scale}
                domain={shaped.y.domain}
                ticks={shaped.y.ticks.map((t) => t.value)}
                interval={0}
                allowDataOverflow
                width={50}
                stroke={colors.axis}
                tick={tickRenderer(yLabels, colors, 'y')}
              />
              <Tooltip
                isAnimationActive={false}
                cursor={{ stroke: colors.axis, strokeDasharray: '3 3' }}
                content={(props) => {
                  const row = props.payload?.[0]?.payload as LineRow | undefined;
                  const x = row?.x as number;
                  const head = xLabel === 'Epoch' ? `Epoch ${x}` : `${formatNumber(x, 4)} s (mean wall time)`;
                  return <BandTooltip active={props.active} head={head} row={row} groups={series} valuePrefix="m" fraction={fraction} colors={colors} band={showBand} />;
                }}
              />
              {showBand &&
                series.map((s, i) => (
                  <Area
                    key={`band-${s.groupKey}`}
                    dataKey={`b${i}`}
                    type="linear"
                    stroke="none"
                    fill={screenColor(s.color, dark)}
                    fillOpacity={dark ? 0.2 : 0.16}
                    isAnimationActive={false}
                    connectNulls={timeAxis}
                    activeDot={false}
                    legendType="none"
                    className="band-area"
                  />
                ))}
              {series.flatMap((s, i) =>
                s.runs.map((run, j) => (
                  <Line
                    key={`run-${s.groupKey}-${run.runId}`}
                    dataKey={`r${i}_${j}`}
                    type="linear"
                    stroke={screenColor(s.color, dark)}
                    strokeOpacity={0.45}
                    strokeWidth={1}
                    strokeDasharray={s.dash || undefined}
                    dot={false}
                    activeDot={false}
                    isAnimationActive={false}
                    connectNulls={timeAxis}
                    legendType="none"
                    className="run-line"
                  />
                )),
              )}
              {series.map((s, i) => (
                <Line
                  key={`mean-${s.groupKey}`}
                  dataKey={`m${i}`}
                  name={s.name}
                  type="linear"
                  stroke={screenColor(s.color, dark)}
                  strokeWidth={2.2}
                  strokeDasharray={s.dash || undefined}
                  dot={dots ? { r: 2.4, strokeWidth: 0, fill: screenColor(s.color, dark) } : false}
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

/**
 * The tooltip of every band chart: one row per group with its swatch, mean (row key `<prefix><i>`),
 * band limits (`lo<i>`, `hi<i>`, or why there is no band), the number of runs (`n<i>`) and, for values
 * read at one epoch, that epoch (`epoch<i>`).
 */
function BandTooltip({
  active,
  head,
  row,
  groups,
  valuePrefix,
  fraction,
  colors,
  band,
}: {
  active?: boolean;
  head: string;
  row: Record<string, unknown> | undefined;
  groups: readonly { groupKey: string; name: string; color: string; dash: string }[];
  valuePrefix: string;
  fraction: boolean;
  colors: ChartColors;
  /** Whether the chart draws bands at all (band kind not 'none'). */
  band: boolean;
}) {
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip" style={{ background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
      <div className="tt-head">{head}</div>
      <table>
        <tbody>
          {groups.map((g, i) => {
            const m = row[`${valuePrefix}${i}`];
            if (typeof m !== 'number') return null;
            const lo = row[`lo${i}`];
            const hi = row[`hi${i}`];
            const n = row[`n${i}`];
            const epoch = row[`epoch${i}`];
            const hasBand = typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi);
            return (
              <tr key={g.groupKey}>
                <td>
                  <GroupSwatch color={g.color} dash={g.dash} width={20} />
                </td>
                <td className="tt-name">{g.name}</td>
                <td className="num">{formatValue(m, fraction)}</td>
                <td className="num tt-band">{hasBand ? `[${formatValue(lo, fraction)}, ${formatValue(hi, fraction)}]` : band ? <span className="tt-noband">no band: n &lt; 2</span> : ''}</td>
                <td className="num tt-n">n = {String(n ?? '')}</td>
                {typeof epoch === 'number' && <td className="num tt-epoch">epoch {epoch}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

// ---------- Bars ----------

export function BarsView({ chart, spec, fractionPanels, height = 250 }: { chart: BarChartData; spec: ComparisonSpec; fractionPanels: (title: string) => boolean; height?: number }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const shaped = useMemo(() => chart.panels.map((p) => ({ panel: p, fraction: fractionPanels(p.yLabel), ...barRows(p, { logY: spec.logY, band: spec.band, fraction: fractionPanels(p.yLabel) }) })), [chart, spec.logY, spec.band, fractionPanels]);
  const dropped = shaped.reduce((s, p) => s + p.droppedY, 0);
  if (chart.panels.length === 0 || chart.panels.every((p) => p.categories.length === 0)) return <p className="chart-empty">No layers measured yet.</p>;
  return (
    <>
      <div className={`panel-grid panels-${Math.min(chart.panels.length, 4)}`}>
        {shaped.map(({ panel, rows, y, empty, fraction }, pi) => {
          const yLabels = tickLabelMap(y);
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
                      <YAxis
                        type="number"
                        scale={y.scale}
                        domain={y.domain}
                        ticks={y.ticks.map((t) => t.value)}
                        interval={0}
                        allowDataOverflow
                        width={50}
                        stroke={colors.axis}
                        tick={tickRenderer(yLabels, colors, 'y')}
                      />
                      <Tooltip
                        isAnimationActive={false}
                        cursor={{ fill: colors.grid, fillOpacity: 0.45 }}
                        content={(props) => {
                          const row = props.payload?.[0]?.payload as BarRow | undefined;
                          return <BandTooltip active={props.active} head={String(row?.category ?? '')} row={row} groups={panel.groups} valuePrefix="v" fraction={fraction} colors={colors} band={spec.band !== 'none'} />;
                        }}
                      />
                      {panel.groups.map((g, i) => (
                        <Bar
                          key={g.groupKey}
                          dataKey={`v${i}`}
                          name={g.name}
                          fill={screenColor(g.color, dark)}
                          fillOpacity={0.82}
                          stroke={colors.text}
                          strokeOpacity={0.75}
                          strokeWidth={g.dash ? 1.2 : 0.6}
                          strokeDasharray={g.dash || undefined}
                          isAnimationActive={false}
                          className="group-bar"
                        >
                          {spec.band !== 'none' && <ErrorBar dataKey={`e${i}`} width={4} stroke={colors.text} strokeWidth={1.2} direction="y" isAnimationActive={false} />}
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


// ---------- Heatmap ----------

/** Width of an element, kept current (for the hand-drawn SVG charts). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      for (const e of entries) setWidth(Math.round(e.contentRect.width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

const HEAT_MARGIN = { left: 46, right: 88, top: 8, bottom: 40 };

/** Layer × epoch grid of the focus group's mean dead fraction, in viridis over the data's range (lowest dark purple, highest yellow). */
export function HeatmapView({ chart }: { chart: HeatmapChartData }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const [ref, width] = useWidth<HTMLDivElement>();
  const gradientId = useId().replace(/:/g, '');
  const [hover, setHover] = useState<{ layer: number; epoch: number; left: number; top: number } | null>(null);
  const rows = chart.layers.length;
  const cols = chart.epochs.length;
  if (rows === 0 || cols === 0) return <p className="chart-empty">No measurements for {chart.groupName || 'this group'} yet.</p>;
  const height = Math.max(230, Math.min(360, HEAT_MARGIN.top + HEAT_MARGIN.bottom + rows * 36));
  const plotW = Math.max(40, width - HEAT_MARGIN.left - HEAT_MARGIN.right);
  const plotH = height - HEAT_MARGIN.top - HEAT_MARGIN.bottom;
  const cw = plotW / cols;
  const ch = plotH / rows;
  const e0 = chart.epochs[0];
  const e1 = chart.epochs[cols - 1];
  const epochTicks = linearTicks(e0, Math.max(e1, e0 + 1), Math.max(2, Math.min(10, Math.floor(plotW / 60))))
    .map((t) => t.value)
    .filter((v) => Number.isInteger(v) && chart.epochs.includes(v));
  const cellX = (c: number) => HEAT_MARGIN.left + c * cw;
  const cellY = (r: number) => HEAT_MARGIN.top + (rows - 1 - r) * ch;
  const barX = HEAT_MARGIN.left + plotW + 16;
  const hovered = hover ? chart.values[hover.layer]?.[hover.epoch] : undefined;
  const hoveredN = hover ? chart.counts[hover.layer]?.[hover.epoch] : undefined;
  const [d0, d1] = chart.domain;
  const scaleT = (v: number) => (v - d0) / (d1 - d0 || 1);
  const barTicks = linearTicks(d0, d1, 5).filter((t) => t.label !== null && t.value >= d0 - 1e-12 && t.value <= d1 + 1e-12);
  return (
    <div className="heatmap" ref={ref} style={{ height }}>
      {width > 0 && (
        <svg width={width} height={height} role="img" aria-label={`${chart.title}: rows are hidden layers, columns epochs, colour the dead fraction`} onMouseLeave={() => setHover(null)}>
          <defs>
            <linearGradient id={gradientId} x1="0" y1="1" x2="0" y2="0">
              {Array.from({ length: 11 }, (_, i) => (
                <stop key={i} offset={`${i * 10}%`} stopColor={colorScale('viridis', i / 10)} />
              ))}
            </linearGradient>
          </defs>
          <rect x={HEAT_MARGIN.left} y={HEAT_MARGIN.top} width={plotW} height={plotH} fill={colors.grid} opacity={0.5} />
          {chart.values.map((row, r) =>
            row.map((v, c) =>
              Number.isFinite(v) ? (
                <rect
                  key={`${r}-${c}`}
                  className="heat-cell"
                  x={cellX(c)}
                  y={cellY(r)}
                  width={cw + 0.5}
                  height={ch + 0.5}
                  fill={colorScale('viridis', scaleT(v))}
                  onMouseEnter={() => setHover({ layer: r, epoch: c, left: cellX(c) + cw / 2, top: cellY(r) })}
                />
              ) : null,
            ),
          )}
          {hover && <rect x={cellX(hover.epoch)} y={cellY(hover.layer)} width={cw} height={ch} fill="none" stroke={colors.text} strokeWidth={1.5} pointerEvents="none" />}
          {chart.layers.map((l, r) => (
            <text key={l} x={HEAT_MARGIN.left - 8} y={cellY(r) + ch / 2} dy="0.34em" textAnchor="end" fill={colors.text} fontSize={11.5}>
              {l + 1}
            </text>
          ))}
          <text transform={`translate(12 ${HEAT_MARGIN.top + plotH / 2}) rotate(-90)`} textAnchor="middle" fill={colors.text} fontSize={12}>
            Hidden layer
          </text>
          {epochTicks.map((e) => {
            const c = chart.epochs.indexOf(e);
            const x = cellX(c) + cw / 2;
            return (
              <g key={e}>
                <line x1={x} x2={x} y1={HEAT_MARGIN.top + plotH} y2={HEAT_MARGIN.top + plotH + 4} stroke={colors.axis} />
                <text x={x} y={HEAT_MARGIN.top + plotH + 6} dy="0.9em" textAnchor="middle" fill={colors.text} fontSize={11.5}>
                  {e}
                </text>
              </g>
            );
          })}
          <text x={HEAT_MARGIN.left + plotW / 2} y={height - 4} textAnchor="middle" fill={colors.text} fontSize={12}>
            Epoch
          </text>
          <rect x={barX} y={HEAT_MARGIN.top} width={12} height={plotH} fill={`url(#${gradientId})`} stroke={colors.axis} strokeWidth={0.5} />
          {barTicks.map((t) => (
            <g key={t.value} className="colorbar-tick">
              <line x1={barX + 12} x2={barX + 16} y1={HEAT_MARGIN.top + plotH * (1 - scaleT(t.value))} y2={HEAT_MARGIN.top + plotH * (1 - scaleT(t.value))} stroke={colors.axis} />
              <text x={barX + 18} y={HEAT_MARGIN.top + plotH * (1 - scaleT(t.value))} dy="0.34em" fill={colors.text} fontSize={11}>
                {formatPercent(t.value, d1 - d0 < 0.1 ? 1 : 0)}
              </text>
            </g>
          ))}
          <text transform={`translate(${barX + 66} ${HEAT_MARGIN.top + plotH / 2}) rotate(-90)`} textAnchor="middle" fill={colors.text} fontSize={11.5}>
            Dead fraction
          </text>
        </svg>
      )}
      {hover && hovered !== undefined && (
        <div className="chart-tooltip heat-tooltip" style={{ left: Math.min(hover.left, width - 150), top: Math.max(0, hover.top - 44), background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
          <div className="tt-head">
            Layer {chart.layers[hover.layer] + 1}, epoch {chart.epochs[hover.epoch]}
          </div>
          <div>{Number.isFinite(hovered) ? `${formatPercent(hovered, 1)} dead, n = ${hoveredN ?? 0}` : 'no data'}</div>
        </div>
      )}
    </div>
  );
}

// ---------- Pre-activation histograms ----------

/** Small multiples of the focus run's pre-activation histograms at up to six epochs, z = 0 marked. */
export function RidgesView({ chart, color, dash }: { chart: RidgesChartData; color: string; dash: string }) {
  const dark = useResolvedTheme() === 'dark';
  const colors = chartColors(dark);
  const shaped = useMemo(() => ridgePanels(chart), [chart]);
  if (shaped.panels.length === 0) return <p className="chart-empty">No histograms measured for this layer yet.</p>;
  const c = screenColor(color, dark);
  const xTicks = linearTicks(shaped.domain[0], shaped.domain[1], 4).map((t) => t.value);
  return (
    <>
      <div className="ridge-grid">
        {shaped.panels.map((p) => (
          <div className="ridge-cell" key={p.epoch}>
            <div className="panel-head">
              <h4 className="panel-title">Epoch {p.epoch}</h4>
              <span className="axis-label-y">{formatPercent(p.negativeShare, 0)} at z ≤ 0</span>
            </div>
            <div className="chart-body" style={{ height: 132 }}>
              <ResponsiveContainer width="100%" height="100%">
                <ComposedChart data={p.steps} margin={{ top: 16, right: 8, bottom: 2, left: 4 }}>
                  <ReferenceArea x1={shaped.domain[0]} x2={0} fill={colors.axis} fillOpacity={0.12} stroke="none" ifOverflow="hidden" />
                  <XAxis
                    dataKey="z"
                    type="number"
                    domain={shaped.domain}
                    ticks={xTicks}
                    interval={0}
                    allowDataOverflow
                    stroke={colors.axis}
                    tick={{ fill: colors.text, fontSize: 10.5 }}
                    tickFormatter={(v: number) => formatNumber(v, 2)}
                    height={18}
                  />
                  <YAxis type="number" hide domain={[0, Math.max(p.peak * 1.08, 1e-9)]} />
                  <Area type="stepAfter" dataKey="share" stroke={c} strokeWidth={1.5} strokeDasharray={dash || undefined} fill={c} fillOpacity={0.3} isAnimationActive={false} activeDot={false} />
                  <ReferenceLine x={0} stroke={colors.text} strokeWidth={1.2} label={{ value: 'z = 0', position: 'top', fill: colors.text, fontSize: 10.5 }} />
                  <Tooltip
                    isAnimationActive={false}
                    content={(props) => {
                      const row = props.payload?.[0]?.payload as { z: number; share: number } | undefined;
                      if (!props.active || !row) return null;
                      return (
                        <div className="chart-tooltip" style={{ background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
                          <div className="tt-head">z from {formatNumber(row.z, 3)}</div>
                          <div>{formatPercent(row.share, 1)} of the pre-activations</div>
                        </div>
                      );
                    }}
                  />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          </div>
        ))}
      </div>
      <p className="chart-axis-caption">
        x: pre-activation z (shared range); height: share of the probe’s pre-activations per bin, each epoch scaled to its own peak. Shaded: z ≤ 0, where a ReLU unit is off.
      </p>
    </>
  );
}

export function ChartFrame({ title, legend, actions, children, className, id }: { title: string; legend?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <figure className={`chart-card compare-chart${className ? ` ${className}` : ''}`} data-chart={id} aria-label={title}>
      <figcaption className="chart-head">
        <h3>{title}</h3>
        <div className="chart-controls">{actions}</div>
      </figcaption>
      {legend}
      {children}
    </figure>
  );
}
