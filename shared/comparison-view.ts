/**
 * What the Compare view shows, computed in one place from the compared runs and a spec: the groups
 * (without their runs), every chart's data (`chartData`), the summary table, the choices of the
 * controls and the counts behind the note on run statuses. The lab computes it next to the database
 * and sends only this, so the page never receives every run's measurements; the figure export draws
 * the same `chartData`. Every number keeps the n it rests on. Pure TypeScript.
 */
import { layerLabel } from './architecture.js';
import type { ChartKind, ComparisonSpec } from './compare.js';
import { CHART_KINDS } from './compare.js';
import { CHART_SPEC_FIELDS, chartData, divergenceLabel, MODEL_SPEC_FIELDS, specFieldsKey, type ChartData, type ComparedGroup, type ComparisonModel, type SeriesRun } from './charts.js';
import { configDiff, differingFields, hasTasks, metricSeries, summarizeGroup, type BandValue, type DiffCell, type EpochValue, type SeriesMetric } from './analysis/index.js';
import { VARIANT_KEY } from './config.js';
import { FINAL_STATUSES } from './metrics.js';
import { CHARTED_LAYER_FIELDS, type LayerSeriesKey } from './metric-fields.js';

/** A group as the page sees it: everything but its runs (their counts stay). */
export type GroupView = Omit<ComparedGroup, 'runs' | 'allRuns'>;

export type SummaryMetricId = 'dead' | 'loss' | 'accuracy';
export type SummaryStat = 'final' | 'min' | 'max' | 'atEpoch';

export interface SummaryMetric {
  id: SummaryMetricId;
  label: string;
  /** Series metric read from each run. */
  metric: SeriesMetric;
  percent: boolean;
}

export interface SummaryRow {
  key: string;
  name: string;
  color: string;
  dash: string;
  /** Every run of the group. */
  runCount: number;
  /** The runs its numbers rest on (diverged runs left out when they are excluded; runs without measurements never count). */
  countedRuns: number;
  /** Diverged runs of the group (counted or not). */
  divergedCount: number;
  /** "2/3 diverged", null when none did. */
  divergence: string | null;
  divergedExcluded: boolean;
  /** Hidden from the charts (still listed here). */
  hidden: boolean;
  /** The epoch "final" is read at: the last epoch all counted runs reached. */
  finalEpoch: number | null;
  /** Config diff cells, in the order of `SummaryTable.fields`. */
  cells: DiffCell[];
  /** By `statColumnId(metric, stat)`. */
  stats: Record<string, BandValue>;
}

export interface SummaryTable {
  /** Config fields that differ between the groups (the diff's rows, shown as columns). */
  fields: string[];
  metrics: SummaryMetric[];
  stats: SummaryStat[];
  rows: SummaryRow[];
}

export function statColumnId(metric: SummaryMetricId, stat: SummaryStat): string {
  return `${metric}.${stat}`;
}

/**
 * Per group (hidden ones too, marked): the config fields that differ between the groups (`configDiff`),
 * its runs, diverged runs and final epoch, and final / min / max / value-at-epoch of the dead fraction
 * (the spec's layer, mean over layers for 'mean' and 'all'), the loss and the accuracy (validation when
 * measured, else training), each as mean and band over the runs with its n. "Final" is one epoch per
 * group, the last all its counted runs reached; min and max stop there too.
 */
export function summaryTable(model: ComparisonModel, spec: ComparisonSpec): SummaryTable {
  const diff = configDiff(model.groups.map((g) => ({ key: g.key, label: g.label, runs: g.allRuns })));
  const fields = diff.rows.map((r) => r.field);
  const layer = typeof spec.layer === 'number' ? spec.layer : 'mean';
  const allRuns = model.groups.flatMap((g) => g.runs);
  const any = (pick: (e: SeriesRun['epochs'][number]) => number | null) => allRuns.some((r) => r.epochs.some((e) => pick(e) !== null));
  const metrics: SummaryMetric[] = [
    { id: 'dead', label: layer === 'mean' ? 'Dead fraction (mean over layers)' : `Dead fraction (${layerLabel(layer, model.layerModel)})`, metric: 'deadFraction', percent: true },
    any((e) => e.valLoss) ? { id: 'loss', label: 'Validation loss', metric: 'valLoss', percent: false } : { id: 'loss', label: 'Training loss', metric: 'trainLoss', percent: false },
  ];
  if (any((e) => e.valAccuracy)) metrics.push({ id: 'accuracy', label: 'Validation accuracy', metric: 'valAccuracy', percent: true });
  else if (any((e) => e.trainAccuracy)) metrics.push({ id: 'accuracy', label: 'Training accuracy', metric: 'trainAccuracy', percent: true });
  const stats: SummaryStat[] = spec.atEpoch === null ? ['final', 'min', 'max'] : ['final', 'min', 'max', 'atEpoch'];

  const rows: SummaryRow[] = model.groups.map((g, gi) => {
    const values: Record<string, BandValue> = {};
    for (const m of metrics) {
      const perRun: EpochValue[][] = g.runs.map((r) => metricSeries(r.epochs, m.metric, { layer }).map((p) => ({ epoch: p.epoch ?? p.x, value: p.y })));
      const s = summarizeGroup(perRun, spec.atEpoch, spec.band, g.finalEpoch);
      // Bands clipped to the range the metric can take, as the charts do (a fraction's band stays in [0, 1]).
      const [min, max] = m.percent ? [0, 1] : [m.metric === 'trainLoss' || m.metric === 'valLoss' ? 0 : -Infinity, Infinity];
      for (const stat of stats) {
        const v = s[stat];
        values[statColumnId(m.id, stat)] = { ...v, lo: Math.min(max, Math.max(min, v.lo)), hi: Math.min(max, Math.max(min, v.hi)) };
      }
    }
    return {
      key: g.key,
      name: g.name,
      color: g.color,
      dash: g.dash,
      runCount: g.runCount,
      countedRuns: g.countedRuns,
      divergedCount: g.diverged.length,
      divergence: divergenceLabel(g),
      divergedExcluded: g.divergedExcluded,
      hidden: g.hidden,
      finalEpoch: g.finalEpoch,
      cells: diff.rows.map((r) => r.cells[gi]),
      stats: values,
    };
  });
  return { fields, metrics, stats, rows };
}

/** Fields the runs can be grouped by: those that differ between them (seed excluded), `variant` always when runs have one. */
export function groupByChoices(runs: readonly Pick<SeriesRun, 'sweep' | 'config'>[], current: readonly string[] = []): string[] {
  const fields = differingFields(runs);
  const hasVariant = runs.some((r) => Object.prototype.hasOwnProperty.call(r.sweep, VARIANT_KEY));
  const out = hasVariant && !fields.includes(VARIANT_KEY) ? [VARIANT_KEY, ...fields] : [...fields];
  // Keep a field of the spec shown even if it no longer differs, so it can be unticked.
  for (const f of current) if (!out.includes(f)) out.push(f);
  return out;
}

/** How many compared runs are not plain completed ones, by kind (the note above the charts). */
export interface RunStatusCounts {
  /** Queued or training. */
  active: number;
  diverged: number;
  /** Failed, cancelled or interrupted. */
  failed: number;
  /** Finished without any measurement. */
  empty: number;
}

export function runStatusCounts(runs: readonly Pick<SeriesRun, 'status' | 'epochs'>[]): RunStatusCounts {
  return {
    active: runs.filter((r) => r.status === 'running' || r.status === 'queued').length,
    diverged: runs.filter((r) => r.status === 'diverged').length,
    failed: runs.filter((r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted').length,
    empty: runs.filter((r) => r.epochs.length === 0 && FINAL_STATUSES.includes(r.status)).length,
  };
}

export interface ComparisonView {
  /** Every compared run (with or without measurements). */
  runCount: number;
  /** Their ids (the page follows their live events). */
  runIds: number[];
  /** The experiments the runs belong to. */
  experimentIds: number[];
  /** Every group, in declared order, hidden ones included. */
  groups: GroupView[];
  /** Fields the runs are grouped by (explicit, or every field that differs). */
  fields: string[];
  /** Most hidden layers any run has. */
  layerCount: number;
  /** The architecture every run shares (layers named "conv 1 (8 channels)"), null when they differ. */
  layerModel: ComparisonModel['layerModel'];
  /** The group single-run charts show (see ComparisonModel.focus). */
  focusKey: string | null;
  /** What "Group by" offers. */
  groupByChoices: string[];
  /** The last epoch any run measured (the range of "value at epoch"); 0 when none did. */
  maxEpoch: number;
  runStatus: RunStatusCounts;
  /** Whether some compared run has a hidden layer with every unit dead at some measured epoch (the page then offers the born-dead chart). */
  anyFullyDeadLayer: boolean;
  /** The charted layer fields (`CHARTED_LAYER_FIELDS`) some compared run has a value of (units reset: only runs with an intervention that resets units). */
  measuredLayerFields: string[];
  /** Whether some compared run trains on a task sequence (its epochs know their task): the page then offers online accuracy per task. */
  hasTasks: boolean;
  charts: Record<ChartKind, ChartData>;
  /**
   * Per chart, a key that changes whenever its data does (the runs' measurements, the grouping or a
   * spec field the chart reads): the page redraws a chart only when its key changed.
   */
  chartKeys: Record<ChartKind, string>;
  summary: SummaryTable;
}

/** A short hash of a string (cyrb53: 53 bits, as base-36 text), for keys compared for equality. */
export function hashText(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Where the runs' measurements stand: changes when a run gains an epoch or changes status. */
export function runsStamp(runs: readonly Pick<SeriesRun, 'id' | 'status' | 'epochs'>[]): string {
  return hashText(runs.map((r) => `${r.id}:${r.status}:${r.epochs.length}:${r.epochs.length > 0 ? r.epochs[r.epochs.length - 1].epoch : -1}`).join(','));
}

/** The key of one chart's data (see ComparisonView.chartKeys): the runs' stamp, the grouping and the chart's own spec fields. */
export function chartKey(stamp: string, spec: ComparisonSpec, kind: ChartKind): string {
  return hashText(`${stamp}|${kind}|${specFieldsKey(spec, MODEL_SPEC_FIELDS)}|${specFieldsKey(spec, CHART_SPEC_FIELDS[kind])}`);
}

/** The spec fields the summary table reads besides the model's (see CHART_SPEC_FIELDS). */
export const SUMMARY_SPEC_FIELDS = ['layer', 'atEpoch', 'band'] as const satisfies readonly (keyof ComparisonSpec)[];

/** How the parts of a view are computed: directly (the default), or through the lab's kept results. */
export interface ViewParts {
  chart(kind: ChartKind): ChartData;
  summary(): SummaryTable;
}

/** Everything the Compare view shows for `spec`, from the runs and their model. */
export function comparisonView(
  runs: readonly SeriesRun[],
  model: ComparisonModel,
  spec: ComparisonSpec,
  parts: ViewParts = { chart: (kind) => chartData(model, kind, spec), summary: () => summaryTable(model, spec) },
): ComparisonView {
  const charts = {} as Record<ChartKind, ChartData>;
  const chartKeys = {} as Record<ChartKind, string>;
  const stamp = runsStamp(runs);
  for (const kind of CHART_KINDS) {
    charts[kind] = parts.chart(kind);
    chartKeys[kind] = chartKey(stamp, spec, kind);
  }
  let maxEpoch = 0;
  let anyFullyDeadLayer = false;
  const tasks = runs.some((r) => hasTasks(r.epochs));
  const unmeasured = new Set(CHARTED_LAYER_FIELDS.map((f) => f.key as LayerSeriesKey));
  for (const r of runs) {
    for (const e of r.epochs) {
      maxEpoch = Math.max(maxEpoch, e.epoch);
      for (const l of e.layers) {
        if (l.deadFraction === 1) anyFullyDeadLayer = true;
        for (const key of unmeasured) if (l[key] !== null && l[key] !== undefined) unmeasured.delete(key);
      }
    }
  }
  return {
    runCount: runs.length,
    runIds: runs.map((r) => r.id),
    experimentIds: [...new Set(runs.map((r) => r.experimentId))],
    groups: model.groups.map(({ runs: _runs, allRuns: _allRuns, ...group }) => group),
    fields: model.fields,
    layerCount: model.layerCount,
    layerModel: model.layerModel,
    focusKey: model.focus?.key ?? null,
    groupByChoices: groupByChoices(runs, spec.groupBy),
    maxEpoch,
    runStatus: runStatusCounts(runs),
    anyFullyDeadLayer,
    measuredLayerFields: CHARTED_LAYER_FIELDS.map((f) => f.key).filter((k) => !unmeasured.has(k as LayerSeriesKey)),
    hasTasks: tasks,
    charts,
    chartKeys,
    summary: parts.summary(),
  };
}
