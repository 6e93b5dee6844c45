/**
 * The Compare view's single-run charts (the layer × epoch heatmap, the pre-activation histograms) for
 * one run: the run as a comparison of one, through the same `chartData` the Compare view, the figures
 * and their CSV use. Pure logic (no DOM, no React).
 */
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import { buildComparison, chartData, type ComparedRun, type HeatmapChartData, type RidgesChartData } from '../../../shared/charts.js';
import { comparisonSpecSchema } from '../../../shared/compare.js';

function comparedRun(run: RunRow, epochs: readonly EpochMetricsDto[]): ComparedRun {
  return { id: run.id, experimentId: run.experimentId, seed: run.seed, sweep: run.sweep, config: run.config, status: run.status, name: run.name, epochs: [...epochs] };
}

/** The run's dead fraction per layer and epoch. */
export function runDeadHeatmap(run: RunRow, epochs: readonly EpochMetricsDto[]): HeatmapChartData {
  const spec = comparisonSpecSchema.parse({ runIds: [run.id] });
  return chartData(buildComparison([comparedRun(run, epochs)], spec), 'dead-heatmap', spec) as HeatmapChartData;
}

/** The run's pre-activation histograms of one hidden layer (0-based) at up to six epochs, first and last included. */
export function runHistograms(run: RunRow, epochs: readonly EpochMetricsDto[], layer: number): RidgesChartData {
  const spec = comparisonSpecSchema.parse({ runIds: [run.id], layer });
  return chartData(buildComparison([comparedRun(run, epochs)], spec), 'histograms', spec) as RidgesChartData;
}
