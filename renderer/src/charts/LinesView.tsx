/** The Compare view's line charts, drawn from `chartData` output so the screen shows what the figure and the CSV hold. */
import { useMemo } from 'react';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { LineChartData } from '../../../shared/charts.js';
import { AxisNotes } from './AxisNotes.js';
import { LinePanel } from './LinePanel.js';
import { lineRows } from './rows.js';

/** The spec fields a line chart is drawn with (its data holds the rest). */
export type LineDrawSpec = Pick<ComparisonSpec, 'logX' | 'logY' | 'xAxis' | 'band'>;

export interface LinesViewProps {
  chart: LineChartData;
  spec: LineDrawSpec;
  /** Height of each panel's plot, px. */
  height?: number;
}

/** Line panels (one per layer for small multiples): mean line over a translucent band, individual runs thin. */
export function LinesView({ chart, spec, height = 260 }: LinesViewProps) {
  const { fraction, fromZero } = chart;
  const integerX = chart.xAxis !== 'time';
  const notes = useMemo(() => {
    let droppedX = 0;
    let droppedY = 0;
    let nonFinite = 0;
    for (const p of chart.panels) {
      const r = lineRows(p, { logX: spec.logX, logY: spec.logY, integerX, fromZero });
      droppedX += r.droppedX;
      droppedY += r.droppedY;
      nonFinite += r.nonFinite;
    }
    return { droppedX, droppedY, nonFinite };
  }, [chart, spec.logX, spec.logY, integerX, fromZero]);
  if (chart.panels.length === 0) return <p className="chart-empty">Nothing measured for this chart.</p>;
  const many = chart.panels.length > 1;
  return (
    <>
      <div className={`panel-grid panels-${Math.min(chart.panels.length, 4)}`}>
        {chart.panels.map((panel, i) => (
          <LinePanel key={`${panel.title}-${i}`} panelTitle={panel.title} yLabel={panel.yLabel} xLabel={chart.xLabel} xAxis={chart.xAxis} taskBoundaries={chart.taskBoundaries} series={panel.series} spec={spec} fraction={fraction} fromZero={fromZero} height={many ? Math.max(190, height - 50) : height} panelIndex={i} />
        ))}
      </div>
      <AxisNotes droppedX={notes.droppedX} droppedY={notes.droppedY} nonFinite={notes.nonFinite} what="value" />
    </>
  );
}
