/**
 * The comparison's charts as data: one function turns compared runs and a ComparisonSpec into what
 * each chart plots. The app draws it (recharts), the figure export renders it (SVG/PDF/PNG) and the
 * CSV export writes it, so what is exported is exactly what is on screen. Bands are clipped to the
 * range the metric can take (fractions to [0, 1], counts and losses to ≥ 0), in the data itself, so
 * the CSV holds what is drawn. Pure TypeScript. Long (~780 lines) because the grouped model and every
 * chart's data are one pipeline over the same runs; the figure and CSV export is in chart-export.ts.
 */
import type { EpochMetricsDto, LayerMetricsDto } from './api.js';
import { CHARTED_LAYER_FIELDS, type ChartedLayerField, type LayerChartKind, type LayerSeriesKey } from './metric-fields.js';
import type { ChartKind, ComparisonSpec } from './compare.js';
import { slotStyle } from './figure/palette.js';
import type { RunStatus } from './metrics.js';
import { commonLayerModel, layerLabel } from './architecture.js';
import type { ModelConfig } from './config.js';
import {
  band,
  commonFinalEpoch,
  downsample,
  groupDeadFractionHeatmap,
  groupDisplayName,
  groupRuns,
  groupingFields,
  groupSeries,
  metricSeries,
  fullyDeadShare,
  revivalByLayer,
  smoothSeries,
  taskAccuracySeries,
  taskBoundaries,
  type FullyDeadShare,
  type BandPoint,
  type SeriesPoint,
  type TaskBoundary,
  type RevivalStats,
  type LayerMetric,
  type RunLike,
  type SeriesMetric,
} from './analysis/index.js';

/** A layer's numbers at one epoch, without its per-unit lists and histogram (what the charts' series read). */
export type SeriesLayer = Pick<LayerMetricsDto, 'layer' | 'units' | LayerSeriesKey>;

/** An epoch's numbers with its layers' numbers. */
export interface SeriesEpoch extends Omit<EpochMetricsDto, 'layers'> {
  layers: SeriesLayer[];
}

/**
 * A run as the comparison groups it: identity, config and its numbers per epoch and layer. Dead masks
 * and histograms are read through the model's `ComparisonSources`, so thousands of runs can be
 * compared without loading them.
 */
export interface SeriesRun extends RunLike {
  experimentId: number;
  status: RunStatus;
  name: string | null;
  epochs: SeriesEpoch[];
}

/** A run with all its measurements (dead masks and histograms included). */
export interface ComparedRun extends SeriesRun {
  epochs: EpochMetricsDto[];
}

/** A diverged run of a group: which one, and the last epoch it measured (null: none). */
export interface DivergedRun {
  runId: number;
  seed: number;
  lastEpoch: number | null;
}

export interface ComparedGroup {
  key: string;
  /** Legend name: the user's rename, else the derived label. */
  name: string;
  label: string;
  color: string;
  dash: string;
  /** Style slot (shared/figure/palette.ts), from the group's identity. */
  slot: number;
  values: Record<string, unknown>;
  /** The runs the group's numbers rest on: its runs with measurements, minus diverged runs when they are excluded. */
  runs: SeriesRun[];
  /** Every run of the group. */
  allRuns: SeriesRun[];
  /** How many runs the group has (allRuns.length). */
  runCount: number;
  /** How many runs its numbers rest on (runs.length). */
  countedRuns: number;
  /** The group's diverged runs (counted or not, see `divergedExcluded`). */
  diverged: DivergedRun[];
  /** Whether the diverged runs are left out of `runs` (spec.divergedRuns 'exclude'). */
  divergedExcluded: boolean;
  /** Runs that have no measurement at all (queued, or failed before epoch 0): never counted. */
  unmeasured: number;
  /** Runs that stopped early without diverging (failed, cancelled, interrupted) or are still training: counted up to their last epoch. */
  stoppedEarly: number;
  /** The last epoch every counted run reached: where "final" is read (null: no counted run has a measurement). */
  finalEpoch: number | null;
  /** Left out of the charts (spec.hiddenGroups); still in legends, tables and notes. */
  hidden: boolean;
}

export interface ComparisonModel {
  /** Every group, in declared order, hidden ones included. */
  groups: ComparedGroup[];
  /** The groups the charts draw (not hidden), in the same order. */
  visible: ComparedGroup[];
  /** Fields the runs are grouped by (explicit, or every field that differs). */
  fields: string[];
  /** Most hidden layers any run has. */
  layerCount: number;
  /** The model whose layers every run shares (labels "conv 1 (16 channels)"), or null ("layer 1"). */
  layerModel: ModelConfig | null;
  /** The group single-run charts (heatmap, histograms) show: the chosen one, else the first shown. */
  focus: ComparedGroup | null;
  /** Where the charts read what a run's series do not carry (dead masks, histograms). */
  sources: ComparisonSources;
}

/**
 * What the charts need beyond a run's per-epoch numbers: revival (from the per-unit dead masks) and
 * the pre-activation histograms. By default both are read from the runs' own epochs; the lab passes
 * sources that load them from the database only for the runs a chart needs (and keeps them), so the
 * series of thousands of runs can be loaded without their masks and histograms.
 */
export interface ComparisonSources {
  /** Revival counts per hidden layer (index: layer) of a run, over its epochs up to `upTo`. */
  revival(run: SeriesRun, upTo: number): RevivalStats[];
  /** The run's epochs with their layers' histograms. */
  histogramEpochs(run: SeriesRun): EpochMetricsDto[];
}

/** Sources read from runs loaded with all their measurements. */
export function runSources(runs: readonly ComparedRun[]): ComparisonSources {
  const byId = new Map(runs.map((r) => [r.id, r.epochs]));
  const epochsOf = (run: SeriesRun): EpochMetricsDto[] => byId.get(run.id) ?? [];
  return {
    revival: (run, upTo) => revivalByLayer(epochsOf(run).filter((e) => e.epoch <= upTo)),
    histogramEpochs: epochsOf,
  };
}

/** Points drawn per line at most (extremes are kept when thinning). */
export const MAX_CHART_POINTS = 400;

/** Individual runs drawn per panel at most (`showRuns`): beyond it each group draws an even spread of its runs, and the notes say so. */
export const MAX_RUN_LINES = 200;

function lastEpoch(run: SeriesRun): number | null {
  return run.epochs.length === 0 ? null : run.epochs.reduce((m, e) => Math.max(m, e.epoch), -Infinity);
}

/** Groups the runs under a spec. Runs loaded with all their measurements need no sources; runs of series only read masks and histograms from `sources`. */
export function buildComparison(runs: readonly ComparedRun[], spec: ComparisonSpec): ComparisonModel;
export function buildComparison(runs: readonly SeriesRun[], spec: ComparisonSpec, sources: ComparisonSources): ComparisonModel;
export function buildComparison(runs: readonly SeriesRun[], spec: ComparisonSpec, given?: ComparisonSources): ComparisonModel {
  const sources = given ?? runSources(runs as readonly ComparedRun[]);
  const grouped = groupRuns(runs, spec.groupBy);
  const hidden = new Set(spec.hiddenGroups);
  const exclude = spec.divergedRuns === 'exclude';
  const groups = grouped.map((g): ComparedGroup => {
    const style = slotStyle(g.slot);
    const measured = g.runs.filter((r) => r.epochs.length > 0);
    const counted = measured.filter((r) => !(exclude && r.status === 'diverged'));
    return {
      key: g.key,
      label: g.label,
      name: groupDisplayName(g, spec.groupNames),
      color: style.color,
      dash: style.dash,
      slot: g.slot,
      values: g.values,
      runs: counted,
      allRuns: g.runs,
      runCount: g.runs.length,
      countedRuns: counted.length,
      diverged: g.runs.filter((r) => r.status === 'diverged').map((r) => ({ runId: r.id, seed: r.seed, lastEpoch: lastEpoch(r) })),
      divergedExcluded: exclude,
      unmeasured: g.runs.length - measured.length,
      stoppedEarly: measured.filter((r) => r.status !== 'completed' && r.status !== 'diverged').length,
      finalEpoch: commonFinalEpoch(counted.map((r) => r.epochs)),
      hidden: hidden.has(g.key),
    };
  });
  const visible = groups.filter((g) => !g.hidden);
  const layerCount = runs.reduce((m, r) => Math.max(m, ...r.epochs.map((e) => e.layers.length), 0), 0);
  const focus = groups.find((g) => g.key === spec.focusGroup) ?? visible[0] ?? groups[0] ?? null;
  const layerModel = commonLayerModel(runs.map((r) => r.config));
  return { groups, visible, fields: groupingFields(runs, spec.groupBy), layerCount, layerModel, focus, sources };
}

/** "2/3 diverged" (null when none of the group's runs diverged). */
export function divergenceLabel(group: Pick<ComparedGroup, 'diverged' | 'runCount'>): string | null {
  return group.diverged.length === 0 ? null : `${group.diverged.length}/${group.runCount} diverged`;
}

/** The name a group carries in an exported figure's legend: its name, and its divergence count when runs diverged. */
export function legendName(group: Pick<ComparedGroup, 'name' | 'diverged' | 'runCount'>): string {
  const d = divergenceLabel(group);
  return d === null ? group.name : `${group.name} (${d})`;
}

// ---------- Chart data ----------

export interface LineGroupSeries {
  groupKey: string;
  name: string;
  /** The name in an exported legend (with the divergence count, see `legendName`). */
  legendName: string;
  color: string;
  dash: string;
  /** Mean and band per x, with n, the runs each point rests on (lo = hi = NaN where there is no band: band 'none' or n < 2). */
  points: BandPoint[];
  /** The individual runs (when `showRuns`), smoothed like the mean. */
  runs: { runId: number; seed: number; points: { x: number; y: number }[] }[];
}

export interface LinePanelData {
  title: string;
  yLabel: string;
  series: LineGroupSeries[];
}

interface ChartBase {
  chart: ChartKind;
  title: string;
  /** What a reader must know to read the numbers: n, diverged and hidden groups, the band, the epoch of "final" values. */
  notes: string[];
}

export interface LineChartData extends ChartBase {
  kind: 'lines';
  /** What x is: the epoch, the mean wall time in seconds (spec.xAxis), or the task (online accuracy per task). */
  xAxis: 'epoch' | 'time' | 'task';
  xLabel: string;
  panels: LinePanelData[];
  /** Values are fractions in [0, 1] (read as percentages). */
  fraction: boolean;
  /** The y axis starts at 0 (fractions, counts, ranks), on screen and in the exported figure. */
  fromZero: boolean;
  /** Where the runs' task changes, drawn as vertical lines (epoch axis only; empty without a task sequence). */
  taskBoundaries: TaskBoundary[];
}

export interface BarValue {
  category: string;
  mean: number;
  lo: number;
  hi: number;
  /** Runs the value rests on. */
  n: number;
  /** The epoch the value is read at (bars of "final" values), null when it spans the run (revival up to `epoch`). */
  epoch: number | null;
  /** Bars of a share of runs: how many of the n runs have the property (mean = count / n). */
  count?: number;
}

export interface BarPanelData {
  title: string;
  yLabel: string;
  categories: string[];
  groups: { groupKey: string; name: string; legendName: string; color: string; dash: string; values: BarValue[] }[];
}

export interface BarChartData extends ChartBase {
  kind: 'bars';
  xLabel: string;
  panels: BarPanelData[];
  /**
   * What the error bars are when not the spec's band: 'wilson95', the Wilson score 95 % interval of a
   * share of runs, drawn whatever the band setting (it is the share's own uncertainty, not a spread).
   */
  interval?: 'wilson95';
}

export interface HeatmapChartData extends ChartBase {
  kind: 'heatmap';
  groupKey: string | null;
  groupName: string;
  layers: number[];
  epochs: number[];
  /** values[layer][epoch] dead fraction, mean over the group's runs (NaN where no run has data). */
  values: number[][];
  /** counts[layer][epoch]: the runs each value averages. */
  counts: number[][];
  /** The colour scale's ends: the data's range (a degenerate range widens to [0, 1]). */
  domain: [number, number];
  /** Smallest and largest value drawn (null: no data). */
  range: [number, number] | null;
}

export interface RidgesChartData extends ChartBase {
  kind: 'ridges';
  groupKey: string | null;
  groupName: string;
  runId: number | null;
  layer: number;
  ridges: { epoch: number; lo: number; hi: number; counts: number[] }[];
}

export type ChartData = LineChartData | BarChartData | HeatmapChartData | RidgesChartData;

/** A value for each layer field's chart, by chart kind. */
function perLayerChart<V>(value: (field: ChartedLayerField) => V): Record<LayerChartKind, V> {
  return Object.fromEntries(CHARTED_LAYER_FIELDS.map((f) => [f.chart.kind, value(f)])) as Record<LayerChartKind, V>;
}

export const CHART_TITLES: Record<ChartKind, string> = {
  ...perLayerChart((f) => f.label),
  'final-dead-bars': 'Final dead fraction per layer',
  'dead-heatmap': 'Dead fraction by layer and epoch',
  loss: 'Loss',
  accuracy: 'Accuracy',
  histograms: 'Pre-activation distribution',
  revival: 'Revival: units that died, came back, stayed dead',
  'born-dead': 'Born dead: share of runs with a fully dead layer',
  'task-accuracy': 'Online accuracy per task',
};

/** A chart's title under a spec: the charts of values at one epoch say which ("value at epoch" changes them). */
export function chartTitle(kind: ChartKind, spec: Pick<ComparisonSpec, 'atEpoch'>): string {
  if (spec.atEpoch === null) return CHART_TITLES[kind];
  if (kind === 'final-dead-bars') return `Dead fraction per layer at epoch ${spec.atEpoch}`;
  if (kind === 'revival') return `Revival up to epoch ${spec.atEpoch}: units that died, came back, stayed dead`;
  if (kind === 'born-dead' && spec.atEpoch > 0) return `Share of runs with a fully dead layer at epoch ${spec.atEpoch}`;
  return CHART_TITLES[kind];
}

function layerTitle(layer: number | 'mean', model: Pick<ComparisonModel, 'layerModel'>): string {
  return layer === 'mean' ? 'mean over layers' : layerLabel(layer, model.layerModel);
}

function bandLabel(spec: ComparisonSpec): string {
  return { none: 'mean', std: 'mean ± std', se: 'mean ± SE', ci95: 'mean, 95 % CI' }[spec.band];
}

/** The range a metric can take: bands are clipped to it (a dead fraction's band never goes below 0). */
type Range = readonly [number, number];
const FRACTION: Range = [0, 1];
const NON_NEGATIVE: Range = [0, Infinity];
const ANY: Range = [-Infinity, Infinity];

/** The line charts of layer fields, from the metric field table: what each plots, its y label and the range its bands are clipped to. */
const LAYER_CHART_METRIC: ReadonlyMap<ChartKind, { metric: LayerMetric; yLabel: string; range: Range; fraction: boolean }> = new Map(
  CHARTED_LAYER_FIELDS.map((f) => [
    f.chart.kind as ChartKind,
    { metric: f.key as LayerMetric, yLabel: f.chart.yLabel, range: f.range ?? ANY, fraction: f.unit === 'fraction' },
  ]),
);

function clip<P extends { lo: number; hi: number }>(p: P, range: Range): P {
  return { ...p, lo: Math.max(range[0], Math.min(range[1], p.lo)), hi: Math.max(range[0], Math.min(range[1], p.hi)) };
}

/** Individual runs each group may draw in one panel: MAX_RUN_LINES shared between the shown groups. */
export function runLinesPerGroup(model: Pick<ComparisonModel, 'visible'>): number {
  return Math.max(1, Math.floor(MAX_RUN_LINES / Math.max(1, model.visible.length)));
}

/** The runs of a group drawn as individual lines: all of them, or an even spread over its seeds when there are more than `cap`. */
export function drawnRuns<R extends Pick<SeriesRun, 'id' | 'seed'>>(runs: readonly R[], cap: number): R[] {
  if (runs.length <= cap) return [...runs];
  return pickEvenly([...runs].sort((a, b) => a.seed - b.seed || a.id - b.id), cap);
}

/** A metric's series of one run, x along the spec's axis. */
function metricOf(spec: ComparisonSpec, metric: SeriesMetric, layer: number | 'mean'): (run: SeriesRun) => SeriesPoint[] {
  return (r) => metricSeries(r.epochs, metric, { layer, xAxis: spec.xAxis });
}

/**
 * Every shown group's mean line and band of a per-run series (and its runs when `showRuns`). Series
 * whose x is not the spec's axis (tasks) pass `perSpec: false`: aligned by x, never smoothed.
 */
function lineSeries(model: ComparisonModel, spec: ComparisonSpec, seriesOf: (run: SeriesRun) => SeriesPoint[], range: Range, perSpec = true): LineGroupSeries[] {
  const cap = runLinesPerGroup(model);
  const smoothing = perSpec ? spec.smoothing : 0;
  const xAxis = perSpec ? spec.xAxis : 'epoch';
  return model.visible.map((g) => {
    const perRun = g.runs.map(seriesOf);
    const points = groupSeries(perRun, { band: spec.band, smoothing, xAxis, maxPoints: MAX_CHART_POINTS }).map((p) => clip(p, range));
    const index = new Map(g.runs.map((r, i) => [r.id, i]));
    const runs = spec.showRuns
      ? drawnRuns(g.runs, cap).map((r) => {
          const own = perRun[index.get(r.id)!];
          const series = smoothing > 0 ? smoothSeries(own, smoothing) : own;
          return { runId: r.id, seed: r.seed, points: downsample(series, MAX_CHART_POINTS).map((p) => ({ x: p.x, y: p.y })) };
        })
      : [];
    return { groupKey: g.key, name: g.name, legendName: legendName(g), color: g.color, dash: g.dash, points, runs };
  });
}

/** The task changes of the shown groups' runs on an epoch axis (none on a time axis). */
function boundariesOf(model: ComparisonModel, spec: ComparisonSpec): TaskBoundary[] {
  return spec.xAxis === 'epoch' ? taskBoundaries(model.visible.flatMap((g) => g.runs.map((r) => r.epochs))) : [];
}

function xLabel(spec: ComparisonSpec): string {
  return spec.xAxis === 'time' ? 'Wall time (s)' : 'Epoch';
}

function layersShown(model: ComparisonModel, spec: ComparisonSpec): (number | 'mean')[] {
  if (spec.layer === 'all') return Array.from({ length: model.layerCount }, (_, i) => i);
  if (spec.layer === 'mean') return ['mean'];
  return [Math.min(spec.layer, Math.max(0, model.layerCount - 1))];
}

/** The spec fields the groups depend on: `buildComparison` reads these and no others. */
export const MODEL_SPEC_FIELDS = ['experimentIds', 'runIds', 'groupBy', 'hiddenGroups', 'divergedRuns', 'focusGroup', 'groupNames'] as const satisfies readonly (keyof ComparisonSpec)[];

const LINE_FIELDS = ['band', 'smoothing', 'xAxis', 'showRuns', 'divergedRuns'] as const;
const EPOCH_VALUE_FIELDS = ['band', 'atEpoch', 'divergedRuns'] as const;

/**
 * The spec fields one chart's data reads besides the model's (`chartData` with a model changes only
 * when one of them does): a layer switch leaves the loss, the heatmap and the revival bars as they
 * are, a band switch the heatmap and the histograms. The lab keeps chart data by these.
 */
export const CHART_SPEC_FIELDS: Record<ChartKind, readonly (keyof ComparisonSpec)[]> = {
  ...perLayerChart((): readonly (keyof ComparisonSpec)[] => [...LINE_FIELDS, 'layer']),
  loss: LINE_FIELDS,
  accuracy: LINE_FIELDS,
  'final-dead-bars': EPOCH_VALUE_FIELDS,
  revival: EPOCH_VALUE_FIELDS,
  'dead-heatmap': ['divergedRuns'],
  histograms: ['layer', 'divergedRuns'],
  'born-dead': ['atEpoch', 'divergedRuns'],
  'task-accuracy': ['band', 'showRuns', 'divergedRuns'],
};

/** The values of some spec fields, as one string (a key for what was computed from them). */
export function specFieldsKey(spec: ComparisonSpec, fields: readonly (keyof ComparisonSpec)[]): string {
  return JSON.stringify(fields.map((f) => spec[f]));
}

/** The data one chart of the comparison plots, with the notes that say what its numbers rest on. */
export function chartData(model: ComparisonModel, kind: ChartKind, spec: ComparisonSpec): ChartData {
  const data = chartBody(model, kind, spec);
  return { ...data, notes: chartNotes(model, data, spec) } as ChartData;
}

type ChartBody = DistributiveOmit<ChartData, 'notes'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function chartBody(model: ComparisonModel, kind: ChartKind, spec: ComparisonSpec): ChartBody {
  const layerMetric = LAYER_CHART_METRIC.get(kind);
  if (layerMetric) {
    return {
      kind: 'lines',
      chart: kind,
      title: `${chartTitle(kind, spec)} (${bandLabel(spec)})`,
      xAxis: spec.xAxis,
      xLabel: xLabel(spec),
      fraction: layerMetric.fraction,
      fromZero: layerMetric.range[0] === 0,
      taskBoundaries: boundariesOf(model, spec),
      panels: layersShown(model, spec).map((layer) => ({
        title: layerTitle(layer, model),
        yLabel: layerMetric.yLabel,
        series: lineSeries(model, spec, metricOf(spec, layerMetric.metric, layer), layerMetric.range),
      })),
    };
  }
  switch (kind) {
    case 'loss':
    case 'accuracy': {
      const metrics: [SeriesMetric, string, string][] =
        kind === 'loss'
          ? [
              ['trainLoss', 'training', 'Training loss'],
              ['valLoss', 'validation', 'Validation loss'],
            ]
          : [
              ['trainAccuracy', 'training', 'Training accuracy'],
              ['valAccuracy', 'validation', 'Validation accuracy'],
            ];
      return {
        kind: 'lines',
        chart: kind,
        title: `${chartTitle(kind, spec)} (${bandLabel(spec)})`,
        xAxis: spec.xAxis,
        xLabel: xLabel(spec),
        fraction: kind === 'accuracy',
        fromZero: kind === 'accuracy',
        taskBoundaries: boundariesOf(model, spec),
        panels: metrics
          .map(([metric, title, yLabel]) => ({ title, yLabel, series: lineSeries(model, spec, metricOf(spec, metric, 'mean'), kind === 'loss' ? NON_NEGATIVE : FRACTION) }))
          .filter((p) => p.series.some((s) => s.points.length > 0)),
      };
    }
    case 'task-accuracy':
      return {
        kind: 'lines',
        chart: kind,
        title: `${chartTitle(kind, spec)} (${bandLabel(spec)})`,
        xAxis: 'task',
        xLabel: 'Task',
        fraction: true,
        fromZero: true,
        taskBoundaries: [],
        panels: [
          {
            title: 'mean training accuracy over each task’s epochs',
            yLabel: 'Online accuracy',
            series: lineSeries(model, spec, (r) => taskAccuracySeries(r.epochs), FRACTION, false),
          },
        ],
      };
    case 'final-dead-bars':
      return finalDeadBars(model, spec);
    case 'revival':
      return revivalBars(model, spec);
    case 'born-dead':
      return bornDeadBars(model, spec);
    case 'dead-heatmap': {
      const g = model.focus;
      const heat = groupDeadFractionHeatmap(g ? g.runs.map((r) => r.epochs) : []);
      let lo = Infinity;
      let hi = -Infinity;
      for (const row of heat.values) {
        for (const v of row) {
          if (!Number.isFinite(v)) continue;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      const range: [number, number] | null = lo <= hi ? [lo, hi] : null;
      // The scale spans the data, so a group whose dead fractions stay below 10 % still shows where they are.
      const domain: [number, number] = range !== null && range[1] - range[0] > 1e-9 ? range : [Math.min(0, lo), Math.max(1, hi === -Infinity ? 1 : hi)];
      return {
        kind: 'heatmap',
        chart: kind,
        title: `${chartTitle(kind, spec)}: ${g?.name ?? 'no runs'}`,
        groupKey: g?.key ?? null,
        groupName: g?.name ?? '',
        layers: heat.layers,
        epochs: heat.epochs,
        values: heat.values,
        counts: heat.counts,
        domain,
        range,
      };
    }
    case 'histograms': {
      const g = model.focus;
      const run = g ? [...g.runs].sort((a, b) => a.seed - b.seed || a.id - b.id)[0] : undefined;
      const layer = typeof spec.layer === 'number' ? spec.layer : 0;
      const epochs = run ? [...model.sources.histogramEpochs(run)].sort((a, b) => a.epoch - b.epoch) : [];
      const picked = pickEvenly(epochs, 6);
      return {
        kind: 'ridges',
        chart: kind,
        title: `${chartTitle(kind, spec)}, ${layerTitle(layer, model)}: ${g?.name ?? 'no runs'}${run ? ` (run ${run.id}, seed ${run.seed})` : ''}`,
        groupKey: g?.key ?? null,
        groupName: g?.name ?? '',
        runId: run?.id ?? null,
        layer,
        ridges: picked.flatMap((e) => {
          const l = e.layers.find((x) => x.layer === layer);
          return l ? [{ epoch: e.epoch, lo: l.histogram.lo, hi: l.histogram.hi, counts: [...l.histogram.counts] }] : [];
        }),
      };
    }
  }
  throw new Error(`unknown chart ${String(kind)}`);
}

/** Up to `count` items spread evenly, always including the first and the last. */
export function pickEvenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  const out: T[] = [];
  for (let i = 0; i < count; i++) out.push(items[Math.round((i * (items.length - 1)) / (count - 1))]);
  return [...new Set(out)];
}

function layerCategories(model: ComparisonModel): string[] {
  return Array.from({ length: model.layerCount }, (_, i) => capitalized(layerLabel(i, model.layerModel)));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The epoch a group's "final" values are read at: the chosen epoch, else the last all its counted runs reached. */
export function groupEpoch(group: Pick<ComparedGroup, 'finalEpoch'>, spec: Pick<ComparisonSpec, 'atEpoch'>): number | null {
  return spec.atEpoch ?? group.finalEpoch;
}

/** Title of a panel of values at one epoch: "at epoch 15" when all shown groups share it. */
function epochPanelTitle(model: ComparisonModel, spec: ComparisonSpec): string {
  if (spec.atEpoch !== null) return `at epoch ${spec.atEpoch}`;
  const epochs = new Set(model.visible.map((g) => g.finalEpoch).filter((e) => e !== null));
  if (epochs.size === 1) return `at epoch ${[...epochs][0]}, the last all runs reached`;
  return 'at each group’s last common epoch';
}

function finalDeadBars(model: ComparisonModel, spec: ComparisonSpec): ChartBody {
  const categories = layerCategories(model);
  return {
    kind: 'bars',
    chart: 'final-dead-bars',
    title: `${chartTitle('final-dead-bars', spec)} (${bandLabel(spec)})`,
    xLabel: 'Hidden layer',
    panels: [
      {
        title: epochPanelTitle(model, spec),
        yLabel: 'Dead fraction of units',
        categories,
        groups: model.visible.map((g) => {
          const epoch = groupEpoch(g, spec);
          return {
            groupKey: g.key,
            name: g.name,
            legendName: legendName(g),
            color: g.color,
            dash: g.dash,
            values: categories.map((category, layer) => {
              const perRun = epoch === null ? [] : g.runs.flatMap((r) => {
                const l = r.epochs.find((e) => e.epoch === epoch)?.layers.find((x) => x.layer === layer);
                return l ? [l.deadFraction] : [];
              });
              return { category, ...clip(band(perRun, spec.band), FRACTION), epoch };
            }),
          };
        }),
      },
    ],
  };
}

function revivalBars(model: ComparisonModel, spec: ComparisonSpec): ChartBody {
  const categories = layerCategories(model);
  // Every run of a group is read up to the same epoch (the group's), so short runs do not count fewer chances to die.
  const perGroup = model.visible.map((g) => {
    const epoch = groupEpoch(g, spec);
    const runs = epoch === null ? [] : g.runs.filter((r) => r.epochs.some((e) => e.epoch === epoch));
    return { g, epoch, stats: runs.map((r) => model.sources.revival(r, epoch!)) };
  });
  const panel = (title: string, yLabel: string, range: Range, pick: (s: RevivalStats) => number | null): BarPanelData => ({
    title,
    yLabel,
    categories,
    groups: perGroup.map(({ g, epoch, stats }) => ({
      groupKey: g.key,
      name: g.name,
      legendName: legendName(g),
      color: g.color,
      dash: g.dash,
      values: categories.map((category, layer) => {
        const values = stats.flatMap((layers) => {
          const s = layers[layer];
          const v = s ? pick(s) : null;
          return v === null ? [] : [v];
        });
        return { category, ...clip(band(values, spec.band), range), epoch };
      }),
    })),
  });
  return {
    kind: 'bars',
    chart: 'revival',
    title: `${chartTitle('revival', spec)} (${bandLabel(spec)} over runs)`,
    xLabel: 'Hidden layer',
    panels: [
      panel('units that died (at init or later)', 'Units per run', NON_NEGATIVE, (s) => s.everDied),
      panel('units that came back later', 'Units per run', NON_NEGATIVE, (s) => s.revived),
      panel('share of the dead that stayed dead', 'Stayed dead / died', FRACTION, (s) => (s.everDied > 0 ? s.stayedDead / s.everDied : null)),
    ],
  };
}

/** The epoch the born-dead chart reads: the chosen one, else 0 (initialization, the first epoch every run measures). */
export function bornDeadEpoch(spec: Pick<ComparisonSpec, 'atEpoch'>): number {
  return spec.atEpoch ?? 0;
}

/** The born-dead chart's one category: each group is one bar. */
export const BORN_DEAD_CATEGORY = 'runs with a fully dead hidden layer';

function bornDeadShare(g: Pick<ComparedGroup, 'runs'>, spec: ComparisonSpec): FullyDeadShare {
  return fullyDeadShare(g.runs.map((r) => r.epochs), bornDeadEpoch(spec));
}

/** Per group, the share of its counted runs with a hidden layer whose dead fraction is 1 at the epoch, with the Wilson 95 % interval. */
function bornDeadBars(model: ComparisonModel, spec: ComparisonSpec): ChartBody {
  const epoch = bornDeadEpoch(spec);
  return {
    kind: 'bars',
    chart: 'born-dead',
    title: `${chartTitle('born-dead', spec)} (Wilson 95 % interval)`,
    // One category; the legend names the groups.
    xLabel: '',
    interval: 'wilson95',
    panels: [
      {
        title: epoch === 0 ? 'at epoch 0 (initialization)' : `at epoch ${epoch}`,
        yLabel: 'Share of runs',
        categories: [BORN_DEAD_CATEGORY],
        groups: model.visible.map((g) => {
          const share = bornDeadShare(g, spec);
          return {
            groupKey: g.key,
            name: g.name,
            legendName: legendName(g),
            color: g.color,
            dash: g.dash,
            values: [{ category: BORN_DEAD_CATEGORY, mean: share.p, lo: share.lo, hi: share.hi, n: share.n, epoch, count: share.count }],
          };
        }),
      },
    ],
  };
}

/** Whether a bar chart draws error bars: its own interval always, else the spec's band unless 'none'. */
export function barErrorBars(chart: Pick<BarChartData, 'interval'>, spec: Pick<ComparisonSpec, 'band'>): boolean {
  return chart.interval !== undefined || spec.band !== 'none';
}

// ---------- Notes: what the numbers rest on ----------

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const BAND_NOTES: Record<ComparisonSpec['band'], string> = {
  none: '',
  std: '± one standard deviation over the runs',
  se: '± one standard error (std / √n)',
  ci95: '95 % confidence interval of the mean (Student t)',
};

/**
 * The notes under a chart (and the footnote of its exported figure): how many runs each group's
 * numbers rest on, which runs diverged and how they count, runs without data, hidden groups, the band
 * rule, the epoch of "final" values and the heatmap's colour range. Nothing is left out silently.
 */
export function chartNotes(model: ComparisonModel, chart: ChartBody, spec: ComparisonSpec): string[] {
  const notes: string[] = [];
  const single = chart.kind === 'heatmap' || chart.kind === 'ridges';
  const groups = single ? (model.focus ? [model.focus] : []) : model.visible;
  if (chart.kind === 'ridges') {
    if (chart.runId !== null) notes.push(`One run: the group’s run with the lowest seed (run ${chart.runId}).`);
  } else if (chart.chart === 'born-dead') {
    notes.push(...bornDeadNotes(groups, spec));
  } else if (groups.length > 0) {
    const counts = groups.map((g) => g.runs.length);
    notes.push(
      counts.every((c) => c === counts[0])
        ? `n = ${plural(counts[0], 'run')}${single ? '' : ' per group'}.`
        : `n per group: ${groups.map((g) => `${g.name} ${g.runs.length}`).join('; ')}.`,
    );
  }
  if (chart.kind === 'lines') {
    // A group can have runs and still no value here (units reset without a unit-resetting intervention, a task chart without tasks).
    const empty = groups.filter((g) => g.runs.length > 0 && chart.panels.every((p) => p.series.find((s) => s.groupKey === g.key)?.points.length === 0));
    if (empty.length > 0 && empty.length < groups.length) notes.push(`No value measured for: ${list(empty.map((g) => g.name))}.`);
  }
  const diverged = groups.filter((g) => g.diverged.length > 0);
  if (diverged.length > 0) {
    const dv = diverged.map((g) => {
      const epochs = [...new Set(g.diverged.map((d) => d.lastEpoch).filter((e): e is number => e !== null))].sort((a, b) => a - b);
      const at = epochs.length === 0 ? '' : ` after epoch${epochs.length > 1 ? 's' : ''} ${list(epochs.map(String))}`;
      return `${g.name} ${g.diverged.length}/${g.runCount}${g.divergedExcluded ? (g.runs.length === 0 ? ' (none left)' : '') : at}`;
    });
    notes.push(
      spec.divergedRuns === 'exclude'
        ? `Diverged runs (loss NaN or ∞) are excluded: ${dv.join('; ')}.`
        : chart.chart === 'born-dead'
          ? `Diverged runs (loss NaN or ∞) count when they measured epoch ${bornDeadEpoch(spec)}, as every run: ${dv.join('; ')}.`
          : `Diverged runs (loss NaN or ∞) count up to their last measured epoch, so n drops after it: ${dv.join('; ')}.`,
    );
  }
  const stopped = groups.filter((g) => g.stoppedEarly > 0);
  if (stopped.length > 0) notes.push(`Runs that stopped early or are still training count up to their last measured epoch: ${stopped.map((g) => `${g.name} ${g.stoppedEarly}/${g.runCount}`).join('; ')}.`);
  const unmeasured = groups.filter((g) => g.unmeasured > 0);
  if (unmeasured.length > 0) notes.push(`Runs without any measurement are not counted: ${unmeasured.map((g) => `${g.name} ${g.unmeasured}/${g.runCount}`).join('; ')}.`);
  if (chart.kind === 'lines' && spec.showRuns) {
    const cap = runLinesPerGroup(model);
    const thinned = groups.filter((g) => g.runs.length > cap);
    if (thinned.length > 0) {
      notes.push(
        `Individual runs: at most ${plural(cap, 'run')} per group drawn, spread evenly over the seeds (${thinned.map((g) => `${g.name} ${cap} of ${g.runs.length}`).join('; ')}); the means and bands use every counted run.`,
      );
    }
  }
  const hidden = model.groups.filter((g) => g.hidden && !(single && g === model.focus));
  if (hidden.length > 0 && !single) notes.push(`Hidden: ${hidden.map((g) => `${g.name} (${plural(g.runCount, 'run')}${g.diverged.length > 0 ? `, ${divergenceLabel(g)}` : ''})`).join('; ')}.`);
  if ((chart.kind === 'lines' || (chart.kind === 'bars' && chart.interval === undefined)) && spec.band !== 'none') {
    notes.push(`Band: ${BAND_NOTES[spec.band]}, drawn only where n ≥ 2.`);
  }
  if (chart.kind === 'bars' && chart.interval === undefined) {
    const verb = chart.chart === 'revival' ? 'Counted up to' : 'Values at';
    if (spec.atEpoch !== null) notes.push(`${verb} epoch ${spec.atEpoch}; runs that did not reach it are not counted.`);
    else {
      const epochs = groups.map((g) => g.finalEpoch);
      const known = [...new Set(epochs.filter((e): e is number => e !== null))];
      if (known.length === 1 && epochs.every((e) => e !== null)) notes.push(`${verb} epoch ${known[0]}, the last epoch all runs reached.`);
      else if (groups.length > 0) notes.push(`${verb} the last epoch all runs of a group reached: ${groups.map((g) => `${g.name} ${g.finalEpoch === null ? '—' : `epoch ${g.finalEpoch}`}`).join('; ')}.`);
    }
  }
  if (chart.kind === 'lines' && chart.taskBoundaries.length > 0) {
    const starts = chart.taskBoundaries.map((b) => b.epoch);
    const shown = starts.length <= 8 ? list(starts.map(String)) : `${starts.slice(0, 6).join(', ')}, … ${starts[starts.length - 1]}`;
    notes.push(`Dashed vertical lines: a new task starts (${plural(starts.length, 'change')}, at epoch${starts.length > 1 ? 's' : ''} ${shown}).`);
  }
  if (chart.kind === 'lines' && chart.chart === 'task-accuracy') {
    notes.push('Online accuracy: each run’s mean training accuracy over the epochs that trained on the task (Dohare et al. 2024), then the mean over the runs.');
  }
  if (chart.kind === 'heatmap' && chart.range !== null) {
    const pct = (v: number) => `${(v * 100).toFixed(v === 0 || v === 1 ? 0 : 1)} %`;
    notes.push(`Colour scale: ${pct(chart.domain[0])} to ${pct(chart.domain[1])} dead (${chart.range[0] === chart.range[1] ? 'every cell the same' : 'the range of the data'}).`);
  }
  return notes;
}

/**
 * The born-dead chart's notes: the rule, each group's count of n, the interval, and the runs it could
 * not judge at the epoch (not measured there, or non-finite layers and none fully dead).
 */
function bornDeadNotes(groups: readonly ComparedGroup[], spec: ComparisonSpec): string[] {
  const epoch = bornDeadEpoch(spec);
  const shares = groups.map((g) => ({ g, s: bornDeadShare(g, spec) }));
  const notes = [
    `A run has a fully dead layer when at epoch ${epoch} some hidden layer has dead fraction 1 (every unit or channel dead on every probe input).`,
    `Runs with a fully dead layer / runs counted: ${shares.map(({ g, s }) => `${g.name} ${s.count}/${s.n}`).join('; ')}.`,
    'Error bars: Wilson score 95 % interval of the share (Wilson 1927), whatever the band setting.',
  ];
  const missing = shares.filter(({ s }) => s.notMeasured > 0);
  if (missing.length > 0) notes.push(`Runs without a measurement of epoch ${epoch} are not counted: ${missing.map(({ g, s }) => `${g.name} ${s.notMeasured}/${g.runCount}`).join('; ')}.`);
  const unjudged = shares.filter(({ s }) => s.notFinite > 0);
  if (unjudged.length > 0) {
    notes.push(`Runs whose pre-activations were NaN or ±∞ at epoch ${epoch} in a layer, none fully dead, cannot be judged and are not counted: ${unjudged.map(({ g, s }) => `${g.name} ${s.notFinite}/${g.runCount}`).join('; ')}.`);
  }
  return notes;
}
