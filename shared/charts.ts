/**
 * The comparison's charts as data: one function turns compared runs and a ComparisonSpec into what
 * each chart plots. The app draws it (recharts), the figure export renders it (SVG/PDF/PNG) and the
 * CSV export writes it, so what is exported is exactly what is on screen. Bands are clipped to the
 * range the metric can take (fractions to [0, 1], counts and losses to ≥ 0), in the data itself, so
 * the CSV holds what is drawn. Pure TypeScript.
 */
import type { EpochMetricsDto } from './api.js';
import type { ChartKind, ComparisonSpec } from './compare.js';
import { slotStyle } from './figure/palette.js';
import type { RunStatus } from './metrics.js';
import type { FigurePanel, FigurePresetName, FigureSpec, LineSeries } from './figure/types.js';
import {
  band,
  downsample,
  groupDeadFractionHeatmap,
  groupDisplayName,
  groupRuns,
  groupingFields,
  groupSeries,
  metricSeries,
  revivalByLayer,
  smoothSeries,
  type BandPoint,
  type LayerMetric,
  type RunLike,
  type SeriesMetric,
} from './analysis/index.js';
import { csvField, csvNumber } from './csv.js';

/** A run as the comparison sees it: identity, config and all its measurements. */
export interface ComparedRun extends RunLike {
  experimentId: number;
  status: RunStatus;
  name: string | null;
  epochs: EpochMetricsDto[];
}

export interface ComparedGroup {
  key: string;
  /** Legend name: the user's rename, else the derived label. */
  name: string;
  label: string;
  color: string;
  dash: string;
  values: Record<string, unknown>;
  runs: ComparedRun[];
}

export interface ComparisonModel {
  groups: ComparedGroup[];
  /** Fields the runs are grouped by (explicit, or every field that differs). */
  fields: string[];
  /** Most hidden layers any run has. */
  layerCount: number;
  /** The group single-run charts (heatmap, histograms) show. */
  focus: ComparedGroup | null;
}

/** Points drawn per line at most (extremes are kept when thinning). */
export const MAX_CHART_POINTS = 400;

export function buildComparison(runs: readonly ComparedRun[], spec: ComparisonSpec): ComparisonModel {
  const grouped = groupRuns(runs, spec.groupBy);
  const groups = grouped.map((g) => {
    const style = slotStyle(g.slot);
    return { key: g.key, label: g.label, name: groupDisplayName(g, spec.groupNames), color: style.color, dash: style.dash, values: g.values, runs: g.runs };
  });
  const layerCount = runs.reduce((m, r) => Math.max(m, ...r.epochs.map((e) => e.layers.length), 0), 0);
  const focus = groups.find((g) => g.key === spec.focusGroup) ?? groups[0] ?? null;
  return { groups, fields: groupingFields(runs, spec.groupBy), layerCount, focus };
}

// ---------- Chart data ----------

export interface LineGroupSeries {
  groupKey: string;
  name: string;
  color: string;
  dash: string;
  /** Mean and band per x (lo = hi = mean when the band is 'none'). */
  points: BandPoint[];
  /** The individual runs (when `showRuns`), smoothed like the mean. */
  runs: { runId: number; seed: number; points: { x: number; y: number }[] }[];
}

export interface LinePanelData {
  title: string;
  yLabel: string;
  series: LineGroupSeries[];
}

export interface LineChartData {
  kind: 'lines';
  chart: ChartKind;
  title: string;
  xLabel: string;
  panels: LinePanelData[];
}

export interface BarValue {
  category: string;
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

export interface BarPanelData {
  title: string;
  yLabel: string;
  categories: string[];
  groups: { groupKey: string; name: string; color: string; dash: string; values: BarValue[] }[];
}

export interface BarChartData {
  kind: 'bars';
  chart: ChartKind;
  title: string;
  xLabel: string;
  panels: BarPanelData[];
}

export interface HeatmapChartData {
  kind: 'heatmap';
  chart: ChartKind;
  title: string;
  groupKey: string | null;
  groupName: string;
  layers: number[];
  epochs: number[];
  /** values[layer][epoch] dead fraction, mean over the group's runs (NaN where no run has data). */
  values: number[][];
}

export interface RidgesChartData {
  kind: 'ridges';
  chart: ChartKind;
  title: string;
  groupKey: string | null;
  groupName: string;
  runId: number | null;
  layer: number;
  ridges: { epoch: number; lo: number; hi: number; counts: number[] }[];
}

export type ChartData = LineChartData | BarChartData | HeatmapChartData | RidgesChartData;

export const CHART_TITLES: Record<ChartKind, string> = {
  'dead-fraction': 'Dead fraction',
  'final-dead-bars': 'Final dead fraction per layer',
  'dead-heatmap': 'Dead fraction by layer and epoch',
  loss: 'Loss',
  accuracy: 'Accuracy',
  histograms: 'Pre-activation distribution',
  revival: 'Revival: units that died, came back, stayed dead',
  'active-probability': 'Active probability',
  'dormant-fraction': 'Dormant fraction',
};

const LAYER_CHART_METRIC: Partial<Record<ChartKind, { metric: LayerMetric; yLabel: string }>> = {
  'dead-fraction': { metric: 'deadFraction', yLabel: 'Dead fraction of units' },
  'active-probability': { metric: 'activeProbability', yLabel: 'P(z > 0) over units and probe inputs' },
  'dormant-fraction': { metric: 'dormantFraction', yLabel: 'Dormant fraction of units (τ)' },
};

function layerTitle(layer: number | 'mean'): string {
  return layer === 'mean' ? 'mean over layers' : `layer ${layer + 1}`;
}

function bandLabel(spec: ComparisonSpec): string {
  return { none: 'mean', std: 'mean ± std', se: 'mean ± SE', ci95: 'mean, 95 % CI' }[spec.band];
}

/** The range a metric can take: bands are clipped to it (a dead fraction's band never goes below 0). */
type Range = readonly [number, number];
const FRACTION: Range = [0, 1];
const NON_NEGATIVE: Range = [0, Infinity];

function clip<P extends { lo: number; hi: number }>(p: P, range: Range): P {
  return { ...p, lo: Math.max(range[0], Math.min(range[1], p.lo)), hi: Math.max(range[0], Math.min(range[1], p.hi)) };
}

function lineSeries(model: ComparisonModel, spec: ComparisonSpec, metric: SeriesMetric, layer: number | 'mean', range: Range): LineGroupSeries[] {
  return model.groups.map((g) => {
    const perRun = g.runs.map((r) => metricSeries(r.epochs, metric, { layer, xAxis: spec.xAxis }));
    const points = groupSeries(perRun, { band: spec.band, smoothing: spec.smoothing, xAxis: spec.xAxis, maxPoints: MAX_CHART_POINTS }).map((p) => clip(p, range));
    const runs = spec.showRuns
      ? g.runs.map((r, i) => {
          const series = spec.smoothing > 0 ? smoothSeries(perRun[i], spec.smoothing) : perRun[i];
          return { runId: r.id, seed: r.seed, points: downsample(series, MAX_CHART_POINTS).map((p) => ({ x: p.x, y: p.y })) };
        })
      : [];
    return { groupKey: g.key, name: g.name, color: g.color, dash: g.dash, points, runs };
  });
}

function xLabel(spec: ComparisonSpec): string {
  return spec.xAxis === 'time' ? 'Wall time (s)' : 'Epoch';
}

function layersShown(model: ComparisonModel, spec: ComparisonSpec): (number | 'mean')[] {
  if (spec.layer === 'all') return Array.from({ length: model.layerCount }, (_, i) => i);
  if (spec.layer === 'mean') return ['mean'];
  return [Math.min(spec.layer, Math.max(0, model.layerCount - 1))];
}

/** The data one chart of the comparison plots. */
export function chartData(model: ComparisonModel, kind: ChartKind, spec: ComparisonSpec): ChartData {
  const layerMetric = LAYER_CHART_METRIC[kind];
  if (layerMetric) {
    return {
      kind: 'lines',
      chart: kind,
      title: `${CHART_TITLES[kind]} (${bandLabel(spec)})`,
      xLabel: xLabel(spec),
      panels: layersShown(model, spec).map((layer) => ({
        title: layerTitle(layer),
        yLabel: layerMetric.yLabel,
        series: lineSeries(model, spec, layerMetric.metric, layer, FRACTION),
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
        title: `${CHART_TITLES[kind]} (${bandLabel(spec)})`,
        xLabel: xLabel(spec),
        panels: metrics
          .map(([metric, title, yLabel]) => ({ title, yLabel, series: lineSeries(model, spec, metric, 'mean', kind === 'loss' ? NON_NEGATIVE : FRACTION) }))
          .filter((p) => p.series.some((s) => s.points.length > 0)),
      };
    }
    case 'final-dead-bars':
      return finalDeadBars(model, spec);
    case 'revival':
      return revivalBars(model, spec);
    case 'dead-heatmap': {
      const g = model.focus;
      const heat = groupDeadFractionHeatmap(g ? g.runs.map((r) => r.epochs) : []);
      return {
        kind: 'heatmap',
        chart: kind,
        title: `${CHART_TITLES[kind]}: ${g?.name ?? 'no runs'}`,
        groupKey: g?.key ?? null,
        groupName: g?.name ?? '',
        layers: heat.layers,
        epochs: heat.epochs,
        values: heat.values,
      };
    }
    case 'histograms': {
      const g = model.focus;
      const run = g ? [...g.runs].sort((a, b) => a.seed - b.seed || a.id - b.id)[0] : undefined;
      const layer = typeof spec.layer === 'number' ? spec.layer : 0;
      const epochs = run ? [...run.epochs].sort((a, b) => a.epoch - b.epoch) : [];
      const picked = pickEvenly(epochs, 6);
      return {
        kind: 'ridges',
        chart: kind,
        title: `${CHART_TITLES[kind]}, ${layerTitle(layer)}: ${g?.name ?? 'no runs'}${run ? ` (run ${run.id}, seed ${run.seed})` : ''}`,
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
  return Array.from({ length: model.layerCount }, (_, i) => `Layer ${i + 1}`);
}

function finalDeadBars(model: ComparisonModel, spec: ComparisonSpec): BarChartData {
  const categories = layerCategories(model);
  return {
    kind: 'bars',
    chart: 'final-dead-bars',
    title: `${CHART_TITLES['final-dead-bars']} (${bandLabel(spec)})`,
    xLabel: 'Hidden layer',
    panels: [
      {
        title: spec.atEpoch === null ? 'at the last measured epoch' : `at epoch ${spec.atEpoch}`,
        yLabel: 'Dead fraction of units',
        categories,
        groups: model.groups.map((g) => ({
          groupKey: g.key,
          name: g.name,
          color: g.color,
          dash: g.dash,
          values: categories.map((category, layer) => {
            const perRun = g.runs.flatMap((r) => {
              const e = epochAt(r.epochs, spec.atEpoch);
              const l = e?.layers.find((x) => x.layer === layer);
              return l ? [l.deadFraction] : [];
            });
            return { category, ...clip(band(perRun, spec.band), FRACTION) };
          }),
        })),
      },
    ],
  };
}

/** The measurement at `epoch` (null: the last one). */
export function epochAt(epochs: readonly EpochMetricsDto[], epoch: number | null): EpochMetricsDto | undefined {
  if (epochs.length === 0) return undefined;
  if (epoch === null) return epochs.reduce((a, b) => (b.epoch > a.epoch ? b : a));
  return epochs.find((e) => e.epoch === epoch);
}

function revivalBars(model: ComparisonModel, spec: ComparisonSpec): BarChartData {
  const categories = layerCategories(model);
  const perGroup = model.groups.map((g) => ({ g, stats: g.runs.map((r) => revivalByLayer(r.epochs)) }));
  const panel = (title: string, yLabel: string, range: Range, pick: (s: ReturnType<typeof revivalByLayer>[number]) => number | null): BarPanelData => ({
    title,
    yLabel,
    categories,
    groups: perGroup.map(({ g, stats }) => ({
      groupKey: g.key,
      name: g.name,
      color: g.color,
      dash: g.dash,
      values: categories.map((category, layer) => {
        const values = stats.flatMap((layers) => {
          const s = layers[layer];
          const v = s ? pick(s) : null;
          return v === null ? [] : [v];
        });
        return { category, ...clip(band(values, spec.band), range) };
      }),
    })),
  });
  return {
    kind: 'bars',
    chart: 'revival',
    title: `${CHART_TITLES.revival} (${bandLabel(spec)} over runs)`,
    xLabel: 'Hidden layer',
    panels: [
      panel('units that died (at init or later)', 'Units per run', NON_NEGATIVE, (s) => s.everDied),
      panel('units that came back later', 'Units per run', NON_NEGATIVE, (s) => s.revived),
      panel('share of the dead that stayed dead', 'Stayed dead / died', FRACTION, (s) => (s.everDied > 0 ? s.stayedDead / s.everDied : null)),
    ],
  };
}

// ---------- Export: figure spec and CSV ----------

export interface FigureOptions {
  preset: FigurePresetName;
  fontFamily?: string;
  fontSize?: number;
  grayscaleSafe?: boolean;
  /** Overrides the chart's title. */
  title?: string;
}

/** The chart as a publication figure: same groups, colours, dashes, bands and axes as on screen. */
export function chartToFigure(chart: ChartData, spec: ComparisonSpec, options: FigureOptions): FigureSpec {
  const base = {
    title: options.title ?? chart.title,
    preset: options.preset,
    fontFamily: options.fontFamily,
    fontSize: options.fontSize,
    grayscaleSafe: options.grayscaleSafe,
  };
  const xScale = spec.logX ? ('log' as const) : ('linear' as const);
  const yScale = spec.logY ? ('log' as const) : ('linear' as const);
  let panels: FigurePanel[];
  switch (chart.kind) {
    case 'lines':
      panels = chart.panels.map((p) => ({
        kind: 'lines',
        title: chart.panels.length > 1 || p.title !== 'mean over layers' ? p.title : undefined,
        xLabel: chart.xLabel,
        yLabel: p.yLabel,
        xScale,
        yScale,
        series: p.series.flatMap((s): LineSeries[] => [
          ...s.runs.map((r) => ({ name: `${s.name} run ${r.runId}`, color: s.color, dash: s.dash, thin: true, points: r.points.map((q) => ({ x: q.x, y: q.y })) })),
          {
            name: s.name,
            color: s.color,
            dash: s.dash,
            points: s.points.map((q) => ({ x: q.x, y: q.mean })),
            ...(spec.band !== 'none' ? { band: s.points.map((q) => ({ x: q.x, lo: q.lo, hi: q.hi })) } : {}),
          },
        ]),
      }));
      break;
    case 'bars':
      panels = chart.panels.map((p) => ({
        kind: 'bars',
        title: p.title,
        xLabel: chart.xLabel,
        yLabel: p.yLabel,
        yScale,
        bars: p.categories.map((category, i) => ({
          category,
          groups: p.groups.map((g) => ({
            name: g.name,
            color: g.color,
            value: g.values[i]?.mean ?? null,
            ...(spec.band !== 'none' ? { lo: g.values[i]?.lo ?? null, hi: g.values[i]?.hi ?? null } : {}),
          })),
        })),
      }));
      break;
    case 'heatmap':
      panels = [
        {
          kind: 'heatmap',
          xLabel: 'Epoch',
          yLabel: 'Hidden layer',
          heatmap: {
            xs: chart.epochs,
            ys: chart.layers.map((l) => `${l + 1}`),
            values: chart.values,
            colorScale: { scheme: 'viridis', domain: [0, 1], label: 'Dead fraction' },
          },
        },
      ];
      break;
    case 'ridges':
      panels = [
        {
          kind: 'ridges',
          xLabel: 'Pre-activation z',
          yLabel: '',
          refLines: [{ axis: 'x', value: 0, label: 'z = 0' }],
          ridges: chart.ridges.map((r) => ({ label: `epoch ${r.epoch}`, lo: r.lo, hi: r.hi, counts: r.counts })),
        },
      ];
      break;
  }
  return { ...base, panels };
}

/** Exactly the plotted values, aggregates included, one row per point. */
export function chartToCsv(chart: ChartData): string {
  const lines: string[] = [];
  const row = (cells: unknown[]) => lines.push(cells.map((c) => (typeof c === 'number' ? csvNumber(c) : csvField(c))).join(','));
  switch (chart.kind) {
    case 'lines':
      row(['chart', 'panel', 'group', 'series', 'run_id', 'seed', chart.xLabel === 'Epoch' ? 'epoch' : 'seconds', 'mean', 'lo', 'hi', 'n', 'value']);
      for (const p of chart.panels) {
        for (const s of p.series) {
          for (const q of s.points) row([chart.chart, p.title, s.name, 'mean', '', '', q.x, q.mean, q.lo, q.hi, q.n, '']);
          for (const r of s.runs) for (const q of r.points) row([chart.chart, p.title, s.name, 'run', r.runId, r.seed, q.x, '', '', '', '', q.y]);
        }
      }
      break;
    case 'bars':
      row(['chart', 'panel', 'group', 'category', 'mean', 'lo', 'hi', 'n']);
      for (const p of chart.panels) for (const g of p.groups) for (const v of g.values) row([chart.chart, p.title, g.name, v.category, v.mean, v.lo, v.hi, v.n]);
      break;
    case 'heatmap':
      row(['chart', 'group', 'layer', 'epoch', 'dead_fraction']);
      chart.layers.forEach((layer, i) => chart.epochs.forEach((epoch, j) => row([chart.chart, chart.groupName, layer + 1, epoch, chart.values[i][j]])));
      break;
    case 'ridges':
      row(['chart', 'group', 'run_id', 'layer', 'epoch', 'bin_lo', 'bin_hi', 'count']);
      for (const r of chart.ridges) {
        const width = (r.hi - r.lo) / r.counts.length;
        r.counts.forEach((count, b) => row([chart.chart, chart.groupName, chart.runId, chart.layer + 1, r.epoch, r.lo + b * width, r.lo + (b + 1) * width, count]));
      }
      break;
  }
  return `${lines.join('\n')}\n`;
}
