/**
 * Per-epoch series of runs and their aggregation over a group: the mean curve and its band.
 * Pipeline for a chart: `metricSeries` per run → `smoothSeries` on each FULL run series →
 * `aggregateSeries` over the group → `downsampleBand` for drawing (`groupSeries` does all of it).
 * Pure TypeScript (no Node, no DOM).
 */
import type { EpochMetricsDto, LayerMetricsDto } from '../api.js';
import type { BandKind } from '../compare.js';
import { realFields, type LayerSeriesKey } from '../metric-fields.js';
import { downsampleBand } from './downsample.js';
import { smoothSeries } from './smoothing.js';
import { band, mean, type BandValue } from './stats.js';

/** One measurement of a run: x is the epoch or the elapsed seconds; `epoch` aligns runs on a time axis. */
export interface SeriesPoint {
  x: number;
  y: number;
  epoch?: number;
}

/** A group's value at one x: mean, band and how many runs had a finite value there. */
export interface BandPoint extends BandValue {
  x: number;
}

/**
 * How runs are matched: 'x' pairs points with the same x (epochs); 'epoch' pairs points of the same
 * epoch (`point.epoch`, else the index in the series) and places them at the runs' mean x (time axis).
 */
export type SeriesAlign = 'x' | 'epoch';

/**
 * Aggregates the runs of a group point by point into mean and band (see `band`). Runs of different
 * lengths (diverged early) contribute only where they have data, and NaN values are left out, so `n`
 * says how many runs each point stands on; points no run has a finite value for have NaN mean and band.
 */
export function aggregateSeries(runs: readonly (readonly SeriesPoint[])[], kind: BandKind, align: SeriesAlign = 'x'): BandPoint[] {
  const slots = new Map<number, { xs: number[]; ys: number[] }>();
  for (const run of runs) {
    run.forEach((p, i) => {
      const at = align === 'x' ? p.x : (p.epoch ?? i);
      let slot = slots.get(at);
      if (!slot) {
        slot = { xs: [], ys: [] };
        slots.set(at, slot);
      }
      slot.xs.push(p.x);
      slot.ys.push(p.y);
    });
  }
  return [...slots.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([at, slot]) => ({ x: align === 'x' ? at : mean(slot.xs), ...band(slot.ys, kind) }));
}

/** Metrics with one value per layer and epoch. */
export type LayerMetric = LayerSeriesKey;
/** Every stored layer field with one number per layer and epoch (the metric field table's). */
export const LAYER_METRICS: readonly LayerMetric[] = realFields('layer')
  .filter((f) => f.series === true)
  .map((f) => f.key as LayerMetric);
/** Metrics with one value per epoch. */
export const RUN_METRICS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy'] as const;
export type RunMetric = (typeof RUN_METRICS)[number];
export type SeriesMetric = LayerMetric | RunMetric;

export interface MetricSeriesOptions {
  /** Hidden layer of a layer metric, or 'mean' over the layers (default). Ignored for run metrics. */
  layer?: number | 'mean';
  /** x is the epoch (default) or the elapsed seconds. */
  xAxis?: 'epoch' | 'time';
}

/** The part of an epoch's metrics a series reads (`EpochMetricsDto` fits, and so does a run loaded without its per-unit lists). */
export interface SeriesEpochInput extends Pick<EpochMetricsDto, 'epoch' | 'elapsedSeconds' | RunMetric> {
  layers: readonly Pick<LayerMetricsDto, 'layer' | LayerMetric>[];
}

function isLayerMetric(metric: SeriesMetric): metric is LayerMetric {
  return (LAYER_METRICS as readonly string[]).includes(metric);
}

/** Value of a layer metric at one epoch: one layer's (undefined when absent) or the unweighted mean over layers. */
function layerValue(layers: SeriesEpochInput['layers'], metric: LayerMetric, layer: number | 'mean'): number | undefined {
  if (layer === 'mean') {
    // `mean` of the measured layers, summed in place: this runs for every epoch of every compared run.
    let measured = 0;
    let sum = 0;
    let finite = 0;
    for (const l of layers) {
      const v = l[metric];
      if (v === null) continue;
      measured++;
      if (Number.isFinite(v)) {
        sum += v;
        finite++;
      }
    }
    return measured === 0 ? undefined : finite === 0 ? NaN : sum / finite;
  }
  // Layers are stored in layer order, so the index is usually the place.
  const found = layers[layer]?.layer === layer ? layers[layer] : layers.find((l) => l.layer === layer);
  const v = found ? found[metric] : null;
  return v === null ? undefined : v;
}

/**
 * A run's series of one metric, one point per measured epoch (tagged with its epoch). Epochs where the
 * metric was not measured (null, e.g. no validation split, or a missing layer) are left out; NaN is kept.
 */
export function metricSeries(epochs: readonly SeriesEpochInput[], metric: SeriesMetric, options: MetricSeriesOptions = {}): SeriesPoint[] {
  const { layer = 'mean', xAxis = 'epoch' } = options;
  const out: SeriesPoint[] = [];
  const sorted = epochs.every((e, i) => i === 0 || epochs[i - 1].epoch <= e.epoch) ? epochs : [...epochs].sort((a, b) => a.epoch - b.epoch);
  for (const e of sorted) {
    const y = isLayerMetric(metric) ? layerValue(e.layers, metric, layer) : (e[metric] ?? undefined);
    if (y === undefined) continue;
    out.push({ x: xAxis === 'time' ? e.elapsedSeconds : e.epoch, y, epoch: e.epoch });
  }
  return out;
}

export interface GroupSeriesOptions {
  band: BandKind;
  /** Debiased EMA weight in [0, 1), applied to each run's full series before aggregating (0: none). */
  smoothing?: number;
  /** Time axes align runs by epoch and place points at the mean time. */
  xAxis?: 'epoch' | 'time';
  /** Thin the aggregated series to about this many points for drawing (extremes kept); default: no thinning. */
  maxPoints?: number;
}

/** A group's chart series in one call: smooth each full run series, aggregate into mean ± band, then thin. */
export function groupSeries(runs: readonly (readonly SeriesPoint[])[], options: GroupSeriesOptions): BandPoint[] {
  const weight = options.smoothing ?? 0;
  const smoothed = weight > 0 ? runs.map((r) => smoothSeries(r, weight)) : runs;
  const aggregated = aggregateSeries(smoothed, options.band, options.xAxis === 'time' ? 'epoch' : 'x');
  return options.maxPoints !== undefined ? downsampleBand(aggregated, options.maxPoints) : aggregated;
}
