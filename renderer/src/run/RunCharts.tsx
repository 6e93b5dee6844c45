/**
 * Every chart of a run, planned from the metric field table (series.ts): the line charts, with the
 * layer × epoch heatmap and the per-unit dead masks after the dead fraction, and the histograms after
 * the pre-activation mean.
 */
import { Fragment, useMemo, useState, type ReactNode } from 'react';
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import { chartToCsv } from '../../../shared/chart-export.js';
import { slotStyle } from '../../../shared/figure/palette.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { HeatmapView } from '../charts/HeatmapView.js';
import { RidgesView } from '../charts/RidgesView.js';
import { ExportButton } from './ExportButton.js';
import { DeadMaskCard } from './DeadMaskCard.js';
import { runDeadHeatmap, runHistograms } from './compare-charts.js';
import { LayerSelect } from './LayerSelect.js';
import { RunLineChart } from './RunLineChart.js';
import { runCharts } from './series.js';
import { runSubtitle } from './identity.js';

function DeadHeatmapCard({ run, epochs }: { run: RunRow; epochs: readonly EpochMetricsDto[] }) {
  const chart = useMemo(() => runDeadHeatmap(run, epochs), [run, epochs]);
  return (
    <ChartFrame title="Dead fraction by layer and epoch" id="dead-heatmap" className="run-chart" actions={<ExportButton format="csv" fileName={`run-${run.id}-dead-heatmap.csv`} what="the dead-fraction heatmap" contents={() => chartToCsv(chart)} />}>
      <HeatmapView chart={chart} />
      <p className="chart-axis-caption">{chart.notes.filter((n) => !n.startsWith('n = ')).join(' ')}</p>
    </ChartFrame>
  );
}

function HistogramsCard({ run, epochs, layers }: { run: RunRow; epochs: readonly EpochMetricsDto[]; layers: number }) {
  const [layer, setLayer] = useState(0);
  const chart = useMemo(() => runHistograms(run, epochs, Math.min(layer, layers - 1)), [run, epochs, layer, layers]);
  const style = slotStyle(0);
  return (
    <ChartFrame
      title={`Pre-activation distribution, layer ${chart.layer + 1}`}
      id="histograms"
      className="run-chart run-chart-wide"
      actions={
        <>
          <LayerSelect layers={layers} value={chart.layer} onChange={setLayer} label="Layer of the histograms" />
          <ExportButton format="csv" fileName={`run-${run.id}-histograms-layer-${chart.layer + 1}.csv`} what="the pre-activation histograms" contents={() => chartToCsv(chart)} />
        </>
      }
    >
      <RidgesView chart={chart} color={style.color} dash="" />
    </ChartFrame>
  );
}

export function RunCharts({ run, epochs, layers, divergedAt }: { run: RunRow; epochs: readonly EpochMetricsDto[]; layers: number; divergedAt: number | null }) {
  const charts = useMemo(() => runCharts(epochs, layers), [epochs, layers]);
  const after: Record<string, ReactNode> = {
    deadFraction: (
      <>
        <DeadHeatmapCard run={run} epochs={epochs} />
        <DeadMaskCard runId={run.id} epochs={epochs} layers={layers} />
      </>
    ),
    preActMean: <HistogramsCard run={run} epochs={epochs} layers={layers} />,
  };
  return (
    <div className="charts run-charts" data-epochs={epochs.length}>
      {charts.map((chart) => (
        <Fragment key={chart.id}>
          <RunLineChart runId={run.id} subtitle={runSubtitle(run)} chart={chart} epochsTotal={run.epochsTotal} divergedAt={divergedAt} />
          {after[chart.id]}
        </Fragment>
      ))}
    </div>
  );
}
