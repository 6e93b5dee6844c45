/** Which units of a layer were dead at each epoch: a units × epochs image in viridis (alive dark, dead yellow), with the layer's revival counts. */
import { useMemo, useState } from 'react';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { axisTicks } from '../../../shared/figure/axis.js';
import { colorScaleRgb } from '../../../shared/figure/colormap.js';
import { useResolvedTheme } from '../app/theme.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { chartColors } from '../charts/colors.js';
import { useWidth } from '../charts/useWidth.js';
import { formatPercent } from '../ui/format.js';
import { ExportButton } from './ExportButton.js';
import { deadMaskCsv, deadMaskGrid, maskCaption, mostDeadLayer, spanIndex, type DeadMaskGrid } from './dead-mask.js';
import { LayerSelect } from './LayerSelect.js';

const MARGIN = { left: 52, right: 12, top: 6, bottom: 38 };

/** The grid as a PNG data URL, one pixel per cell (the browser scales it up without smoothing). */
function gridImage(grid: DeadMaskGrid): string | null {
  const rows = grid.rows.length;
  const cols = grid.columns.length;
  if (rows === 0 || cols === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const image = ctx.createImageData(cols, rows);
  grid.values.forEach((row, r) =>
    row.forEach((v, c) => {
      const at = (r * cols + c) * 4;
      const [red, green, blue] = colorScaleRgb('viridis', v);
      image.data[at] = red;
      image.data[at + 1] = green;
      image.data[at + 2] = blue;
      image.data[at + 3] = Number.isFinite(v) ? 255 : 0;
    }),
  );
  ctx.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

export function DeadMaskCard({ runId, epochs, layers }: { runId: number; epochs: readonly EpochMetricsDto[]; layers: number }) {
  const colors = chartColors(useResolvedTheme() === 'dark');
  // Until a layer is picked, the one whose units died most (it can change while the run trains).
  const [picked, setLayer] = useState<number | null>(null);
  const fallback = useMemo(() => mostDeadLayer(epochs), [epochs]);
  const shownLayer = Math.min(picked ?? fallback, Math.max(0, layers - 1));
  const grid = useMemo(() => deadMaskGrid(epochs, shownLayer), [epochs, shownLayer]);
  const image = useMemo(() => gridImage(grid), [grid]);
  const [ref, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<{ row: number; col: number; left: number; top: number } | null>(null);
  const rows = grid.rows.length;
  const cols = grid.columns.length;
  const plotH = Math.max(120, Math.min(300, rows * 4));
  const height = MARGIN.top + plotH + MARGIN.bottom;
  const plotW = Math.max(40, width - MARGIN.left - MARGIN.right);
  const cw = plotW / Math.max(1, cols);
  const ch = plotH / Math.max(1, rows);
  const first = grid.columns[0]?.from ?? 0;
  const lastEpoch = grid.columns[cols - 1]?.to ?? 0;
  const epochTicks = axisTicks('linear', [first, Math.max(lastEpoch, first + 1)], { integer: true, target: Math.max(2, Math.min(8, Math.floor(plotW / 70))) }).filter((t) => t.value <= lastEpoch);
  const unitTicks = axisTicks('linear', [1, Math.max(2, grid.units)], { integer: true, target: 4 }).filter((t) => t.value <= grid.units);
  const cell = hover ? grid.values[hover.row]?.[hover.col] : undefined;
  return (
    <ChartFrame
      title={`Dead units of layer ${shownLayer + 1} over epochs`}
      id="dead-mask"
      className="run-chart"
      actions={
        <>
          <LayerSelect layers={layers} value={shownLayer} onChange={setLayer} label="Layer of the dead units" />
          <ExportButton format="csv" fileName={`run-${runId}-dead-units-layer-${shownLayer + 1}.csv`} what="the dead units" contents={() => deadMaskCsv(runId, grid)} />
        </>
      }
    >
      <div className="heatmap dead-mask" ref={ref} style={{ height }}>
        {width > 0 && image !== null && (
          <svg width={width} height={height} role="img" aria-label={`Dead units of layer ${shownLayer + 1}: rows are units, columns epochs, yellow where a unit was dead`} onMouseLeave={() => setHover(null)}>
            <image
              href={image}
              x={MARGIN.left}
              y={MARGIN.top}
              width={plotW}
              height={plotH}
              preserveAspectRatio="none"
              style={{ imageRendering: 'pixelated' }}
              onMouseMove={(e) => {
                const box = (e.currentTarget as SVGImageElement).getBoundingClientRect();
                const col = Math.min(cols - 1, Math.max(0, Math.floor((e.clientX - box.left) / cw)));
                const row = Math.min(rows - 1, Math.max(0, Math.floor((e.clientY - box.top) / ch)));
                setHover({ row, col, left: MARGIN.left + (col + 0.5) * cw, top: MARGIN.top + row * ch });
              }}
            />
            <rect x={MARGIN.left} y={MARGIN.top} width={plotW} height={plotH} fill="none" stroke={colors.axis} strokeWidth={0.5} pointerEvents="none" />
            {unitTicks.map((t) => {
              const y = MARGIN.top + (spanIndex(grid.rows, t.value - 1) + 0.5) * ch;
              return (
                <text key={t.value} x={MARGIN.left - 6} y={y} dy="0.34em" textAnchor="end" fill={colors.text} fontSize={11}>
                  {t.value}
                </text>
              );
            })}
            <text transform={`translate(12 ${MARGIN.top + plotH / 2}) rotate(-90)`} textAnchor="middle" fill={colors.text} fontSize={12}>
              Unit
            </text>
            {epochTicks.map((t) => {
              const c = grid.columns.findIndex((s) => s.to >= t.value);
              if (c < 0) return null;
              const x = MARGIN.left + (c + 0.5) * cw;
              return (
                <g key={t.value}>
                  <line x1={x} x2={x} y1={MARGIN.top + plotH} y2={MARGIN.top + plotH + 4} stroke={colors.axis} />
                  <text x={x} y={MARGIN.top + plotH + 6} dy="0.9em" textAnchor="middle" fill={colors.text} fontSize={11}>
                    {t.value}
                  </text>
                </g>
              );
            })}
            <text x={MARGIN.left + plotW / 2} y={height - 3} textAnchor="middle" fill={colors.text} fontSize={12}>
              Epoch
            </text>
          </svg>
        )}
        {hover && cell !== undefined && (
          <div className="chart-tooltip heat-tooltip" style={{ left: Math.min(hover.left, width - 190), top: Math.max(0, hover.top - 46), background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
            <div className="tt-head">{rangeText('Unit', grid.rows[hover.row], 1)}, {rangeText('epoch', grid.columns[hover.col], 0)}</div>
            <div>{Number.isFinite(cell) ? (grid.rows[hover.row].from === grid.rows[hover.row].to && grid.columns[hover.col].from === grid.columns[hover.col].to ? (cell > 0 ? 'dead' : 'alive') : `${formatPercent(cell, 0)} dead`) : 'not measured'}</div>
          </div>
        )}
      </div>
      <p className="chart-axis-caption">
        {maskCaption(grid)} Dark: alive, yellow: dead.
      </p>
    </ChartFrame>
  );
}

function rangeText(what: string, span: { from: number; to: number }, offset: number): string {
  return span.from === span.to ? `${what} ${span.from + offset}` : `${what}s ${span.from + offset}–${span.to + offset}`;
}
