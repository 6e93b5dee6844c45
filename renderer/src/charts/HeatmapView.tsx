/** The Compare view's heatmap: layer × epoch, the focus group's mean dead fraction in viridis, hand-drawn SVG. */
import { useId, useState } from 'react';
import type { HeatmapChartData } from '../../../shared/charts.js';
import { colorScale } from '../../../shared/figure/colormap.js';
import { axisTicks } from '../../../shared/figure/axis.js';
import { useResolvedTheme } from '../app/theme.js';
import { formatPercent } from '../ui/format.js';
import { chartColors } from './colors.js';
import { useWidth } from './useWidth.js';

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
  // Whole epochs that have a column (a column is an epoch, not a position on a number line).
  const epochTicks = axisTicks('linear', [e0, Math.max(e1, e0 + 1)], { integer: true, target: Math.max(2, Math.min(10, Math.floor(plotW / 60))) })
    .map((t) => t.value)
    .filter((v) => chart.epochs.includes(v));
  const cellX = (c: number) => HEAT_MARGIN.left + c * cw;
  const cellY = (r: number) => HEAT_MARGIN.top + (rows - 1 - r) * ch;
  const barX = HEAT_MARGIN.left + plotW + 16;
  const hovered = hover ? chart.values[hover.layer]?.[hover.epoch] : undefined;
  const hoveredN = hover ? chart.counts[hover.layer]?.[hover.epoch] : undefined;
  const [d0, d1] = chart.domain;
  const scaleT = (v: number) => (v - d0) / (d1 - d0 || 1);
  const barTicks = axisTicks('linear', chart.domain, { target: 5, percent: true });
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
                {t.label?.text}
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
