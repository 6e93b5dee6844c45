/**
 * A saved (or ad-hoc) comparison resolved against the database: its runs with their measurements,
 * and any of its charts rendered as SVG, PDF, PNG or CSV. Used by `relu-lab figure` and the app's
 * export, so a figure can be rebuilt by script exactly as the app draws it.
 */
import type { LabStore } from '../../db/store.js';
import type { FigureFormat } from '../../shared/api.js';
import { ValidationError } from '../../shared/errors.js';
import { parseComparisonSpec, type ChartKind, type ComparisonSpec, type ComparisonSpecInput } from '../../shared/compare.js';
import { buildComparison, chartData, type ChartData, type ComparedRun } from '../../shared/charts.js';
import { chartToCsv, chartToFigure, type FigureOptions } from '../../shared/chart-export.js';
import { declaredPositionsOf } from '../../shared/analysis/grouping.js';
import { epochToDto } from '../lab/dto.js';
import { figureFile, type RenderedChart } from './file.js';

/**
 * The runs a comparison holds: its explicit runs plus every run of its experiments, each once, with
 * their positions in their experiment's declared order (variants, sweep lists), which give groups their
 * order and their colour.
 */
export function loadComparedRuns(store: LabStore, spec: ComparisonSpec): ComparedRun[] {
  const ids = new Set(spec.runIds);
  for (const experimentId of spec.experimentIds) for (const run of store.listRuns({ experimentId })) ids.add(run.id);
  const runs = store.listRuns({ ids: [...ids] });
  const declaredOf = declaredPositionsOf((experimentId) => store.getExperiment(experimentId)?.config);
  return runs.map((run) => ({
    id: run.id,
    experimentId: run.experimentId,
    seed: run.seed,
    sweep: run.sweep,
    config: run.config,
    declared: declaredOf(run),
    status: run.status,
    name: run.name,
    epochs: store.getRunMetrics(run.id).map(epochToDto),
  }));
}

export { MIME_TYPES, type RenderedChart } from './file.js';

/** Renders one chart of a comparison in one format. */
export function renderComparisonChart(
  store: LabStore,
  specInput: ComparisonSpecInput,
  chart: ChartKind,
  format: FigureFormat,
  options: FigureOptions & { dpi?: number },
): RenderedChart {
  const spec = parseComparisonSpec(specInput);
  const runs = loadComparedRuns(store, spec);
  if (runs.length === 0) throw new ValidationError('the comparison holds no runs');
  return renderChartData(chartData(buildComparison(runs, spec), chart, spec), spec, format, options);
}

/** Renders a chart's data (as `chartData` computed it for `spec`) in one format. */
export function renderChartData(data: ChartData, spec: ComparisonSpec, format: FigureFormat, options: FigureOptions & { dpi?: number }): RenderedChart {
  return figureFile(format, () => chartToFigure(data, spec, options), () => chartToCsv(data), options.dpi);
}
