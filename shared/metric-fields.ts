/**
 * Every metric field a run measures, declared once. The store builds its column lists and NaN-mask
 * bits from this table, the bundle its columns and checks, and the long-format export, the CLI's
 * JSON, the API's DTOs and the live view their shapes. Adding a metric: a row here, its property in
 * `EpochMetrics` / `LayerMetrics` (the checks at the end of this file fail to compile until both
 * agree), a migration adding its column, its line in README.md's Metrics section, and the code that
 * measures it. Pure TypeScript.
 *
 * Order matters and only grows at the end of a scope: the `real` fields of each scope, in table
 * order, are the bits of their table's `nan_mask` (bit layout in db/migrations/001-initial.ts).
 */
import type { EpochMetrics, Histogram, LayerMetrics } from './metrics.js';

/** Measured once per epoch for the whole network, or once per epoch for each hidden layer. */
export type MetricScope = 'epoch' | 'layer';

/**
 * How a field's value is held:
 * - `real`: one number, a REAL column; NaN is stored as NULL with the field's `nan_mask` bit set
 *   (SQLite cannot store NaN), ±Infinity as is;
 * - `bin-counts`: one count (finite, ≥ 0) per histogram bin (`probe.histogramBins`), a float64 BLOB;
 * - `unit-mask`: a 0/1 flag per unit of the layer, a bit-packed BLOB;
 * - `unit-values`: one number per unit of the layer, a float32 BLOB;
 * - `derived`: not stored; computed from the field named by `from` when read.
 */
export type MetricKind = 'real' | 'bin-counts' | 'unit-mask' | 'unit-values' | 'derived';

export interface MetricField {
  /** The property in `EpochMetrics` / `LayerMetrics` (a dotted key is nested: `histogram.lo`), and the name in exports. */
  key: string;
  /** A short name for legends, axes and headings ("Gradient norm"). */
  label: string;
  /** The column in `epoch_metrics` / `layer_metrics`; null for derived fields. */
  column: string | null;
  scope: MetricScope;
  kind: MetricKind;
  /** Whether the field may have no value (null): e.g. accuracy of a regression. Not NaN: NaN is a measured value. */
  nullable: boolean;
  /** The unit of a value (`''` for a plain number). */
  unit: string;
  description: string;
  /** For `real` fields: the values a run can produce besides NaN; a bound of ±Infinity allows that infinity. */
  range?: readonly [number, number];
  /** One number per measurement point: charted, exported in long format and printed by the CLI's `--json`. */
  series?: boolean;
  /** Carried to the live view: `true` for epoch fields; for layer fields, the name of their per-layer list. */
  live?: true | string;
  /**
   * Layer fields charted in the Compare view (one line per group, mean over layers, one layer or one
   * panel per layer, in the page, the figure export and `relu-lab figure --chart KIND`): the chart's
   * kind, its y axis label and the help under its title. The chart's title is the field's label; its
   * y axis starts at 0 when the field's range does (a fraction reads as a percentage).
   */
  chart?: { kind: string; yLabel: string; help: string };
  /** For derived fields: the field they are computed from, and how. */
  from?: string;
  derive?: (values: ArrayLike<number> | null) => number | null;
}

/** Mean of a list, null when there is none (or it is empty). */
function meanOrNull(values: ArrayLike<number> | null): number | null {
  if (!values || values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / values.length;
}

const FRACTION = [0, 1] as const;
const NON_NEGATIVE = [0, Infinity] as const;

export const METRIC_FIELDS = [
  // ---- per epoch (epoch_metrics): nan_mask bits 0–7
  {
    key: 'trainLoss', label: 'Training loss', column: 'train_loss', scope: 'epoch', kind: 'real', nullable: false, unit: '', series: true, live: true,
    description: 'mean training loss over the epoch\'s batches (epoch 0: the initial network on the training split)',
  },
  {
    key: 'trainAccuracy', label: 'Training accuracy', column: 'train_accuracy', scope: 'epoch', kind: 'real', nullable: true, unit: 'fraction', range: FRACTION, series: true, live: true,
    description: 'training accuracy over the same batches (classification only)',
  },
  {
    key: 'valLoss', label: 'Validation loss', column: 'val_loss', scope: 'epoch', kind: 'real', nullable: true, unit: '', series: true, live: true,
    description: 'loss on the validation split after the epoch, in inference mode (none without a validation split)',
  },
  {
    key: 'valAccuracy', label: 'Validation accuracy', column: 'val_accuracy', scope: 'epoch', kind: 'real', nullable: true, unit: 'fraction', range: FRACTION, series: true, live: true,
    description: 'accuracy on the validation split after the epoch (classification with a validation split only)',
  },
  {
    key: 'seconds', label: 'Epoch training time', column: 'seconds', scope: 'epoch', kind: 'real', nullable: false, unit: 's', range: NON_NEGATIVE, series: true,
    description: 'wall time of the epoch\'s training (0 at epoch 0)',
  },
  {
    key: 'elapsedSeconds', label: 'Time since the start', column: 'elapsed_seconds', scope: 'epoch', kind: 'real', nullable: false, unit: 's', range: NON_NEGATIVE, series: true, live: true,
    description: 'wall time since the run started, measurements included',
  },
  {
    key: 'probeMs', label: 'Probe time', column: 'probe_ms', scope: 'epoch', kind: 'real', nullable: false, unit: 'ms', range: NON_NEGATIVE, series: true,
    description: 'wall time of the probe measurement',
  },
  {
    key: 'task', label: 'Task', column: 'task', scope: 'epoch', kind: 'real', nullable: true, unit: '', range: NON_NEGATIVE, series: true, live: true,
    description: 'the 0-based task the epoch trained on, in a task sequence (training.tasks); none without one',
  },

  // ---- per hidden layer (layer_metrics): nan_mask bits 0–7, the per-unit and per-bin data, then bits 8–9
  {
    key: 'deadFraction', label: 'Dead fraction', column: 'dead_fraction', scope: 'layer', kind: 'real', nullable: false, unit: 'fraction', range: FRACTION, series: true, live: 'dead',
    description: 'units whose pre-activation is ≤ 0 on every probe input, divided by the layer\'s units',
    chart: { kind: 'dead-fraction', yLabel: 'Dead fraction of units', help: 'Share of units that are dead (pre-activation ≤ 0 on every probe input) per epoch.' },
  },
  {
    key: 'activeProbability', label: 'Active probability', column: 'active_probability', scope: 'layer', kind: 'real', nullable: false, unit: 'fraction', range: FRACTION, series: true,
    description: 'mean over units and probe inputs of [pre-activation > 0]',
    chart: { kind: 'active-probability', yLabel: 'P(z > 0) over units and probe inputs', help: 'Probability that a unit is active (z > 0), over units and probe inputs.' },
  },
  {
    key: 'dormantFraction', label: 'Dormant fraction', column: 'dormant_fraction', scope: 'layer', kind: 'real', nullable: false, unit: 'fraction', range: FRACTION, series: true, live: 'dormant',
    description: 'units whose normalized mean |activation| over the probe set is ≤ τ (ReDo), divided by the layer\'s units',
    chart: { kind: 'dormant-fraction', yLabel: 'Dormant fraction of units (τ)', help: 'Share of units whose activation is tiny compared to the layer’s (τ-dormant), a softer cousin of dead.' },
  },
  {
    key: 'gradNorm', label: 'Gradient norm', column: 'grad_norm', scope: 'layer', kind: 'real', nullable: true, unit: '', range: NON_NEGATIVE, series: true,
    description: 'L2 norm of the loss gradient with respect to the layer\'s kernel, on the probe set (null: no gradient at all)',
  },
  {
    key: 'preActMean', label: 'Pre-activation mean', column: 'pre_act_mean', scope: 'layer', kind: 'real', nullable: false, unit: '', series: true,
    description: 'mean of the pre-activations over units and probe inputs',
  },
  {
    key: 'preActStd', label: 'Pre-activation std', column: 'pre_act_std', scope: 'layer', kind: 'real', nullable: false, unit: '', range: NON_NEGATIVE, series: true,
    description: 'standard deviation of the pre-activations over units and probe inputs',
  },
  {
    key: 'histogram.lo', label: 'Histogram low end', column: 'hist_lo', scope: 'layer', kind: 'real', nullable: false, unit: '',
    description: 'lower end of the pre-activation histogram (the smallest finite pre-activation)',
  },
  {
    key: 'histogram.hi', label: 'Histogram high end', column: 'hist_hi', scope: 'layer', kind: 'real', nullable: false, unit: '',
    description: 'upper end of the pre-activation histogram (the largest finite pre-activation)',
  },
  {
    key: 'histogram.counts', label: 'Pre-activation histogram', column: 'hist_counts', scope: 'layer', kind: 'bin-counts', nullable: false, unit: 'count',
    description: 'pre-activations per bin, `probe.histogramBins` equal bins over [lo, hi]',
  },
  {
    key: 'deadMask', label: 'Dead units', column: 'dead_mask', scope: 'layer', kind: 'unit-mask', nullable: false, unit: '',
    description: 'per unit, 1 when the unit is dead (for revival analysis)',
  },
  {
    key: 'preluAlphas', label: 'PReLU slopes', column: 'prelu_alphas', scope: 'layer', kind: 'unit-values', nullable: true, unit: '',
    description: 'the learned PReLU slopes, per unit (PReLU only)',
  },
  {
    key: 'preluAlphaMean', label: 'Mean PReLU slope', column: null, scope: 'layer', kind: 'derived', nullable: true, unit: '', series: true, from: 'preluAlphas', derive: meanOrNull,
    description: 'mean learned PReLU slope of the layer (PReLU only)',
  },
  {
    key: 'effectiveRank', label: 'Effective rank', column: 'effective_rank', scope: 'layer', kind: 'real', nullable: true, unit: '', range: NON_NEGATIVE, series: true,
    description: 'effective rank (Roy & Vetterli 2007) of the layer\'s activations on the probe set (probe inputs × units); none for measurements stored before it existed',
    chart: { kind: 'effective-rank', yLabel: 'Effective rank (units)', help: 'Effective rank (Roy & Vetterli 2007) of each layer’s activations on the probe set: how many directions the representation uses; it falls as units die or collapse (Kumar et al., Dohare et al. 2024).' },
  },
  {
    key: 'weightMagnitude', label: 'Weight magnitude', column: 'weight_magnitude', scope: 'layer', kind: 'real', nullable: true, unit: '', range: NON_NEGATIVE, series: true,
    description: 'mean |w| of the layer\'s incoming kernel (not its bias); none for measurements stored before it existed',
    chart: { kind: 'weight-magnitude', yLabel: 'Mean |w| of the incoming kernel', help: 'Mean absolute weight of each layer’s incoming kernel; it grows under long non-stationary training unless weight decay, L2 toward the initial weights or shrink and perturb hold it (Dohare et al. 2024).' },
  },
  {
    key: 'unitsReset', label: 'Units reset', column: 'units_reset', scope: 'layer', kind: 'real', nullable: true, unit: 'count', range: NON_NEGATIVE, series: true,
    description: 'units of the layer re-initialized during the epoch by ReDo or continual backprop (null: the run has no unit-resetting intervention)',
    chart: { kind: 'units-reset', yLabel: 'Units reset (count)', help: 'Units re-initialized per layer and epoch by ReDo or continual backprop, mean over the runs. Shown when some run resets units.' },
  },
] as const satisfies readonly MetricField[];

type Field = (typeof METRIC_FIELDS)[number];
export type EpochField = Extract<Field, { scope: 'epoch' }>;
export type LayerField = Extract<Field, { scope: 'layer' }>;
/** Epoch fields with one number per epoch (all of them). */
export type EpochSeriesKey = Extract<EpochField, { series: true }>['key'];
/** Stored layer fields with one number per layer and epoch: what the store's layer series carries. */
export type LayerSeriesKey = Extract<LayerField, { series: true; kind: 'real' }>['key'];
/** Layer fields computed when read. */
export type DerivedLayerKey = Extract<LayerField, { kind: 'derived' }>['key'];
export type LiveEpochKey = Extract<EpochField, { live: true }>['key'];
/** The names of the live view's per-layer lists. */
export type LiveLayerList = Extract<LayerField, { live: string }>['live'];

function ofScope<S extends MetricScope>(scope: S): Extract<Field, { scope: S }>[] {
  return METRIC_FIELDS.filter((f): f is Extract<Field, { scope: S }> => f.scope === scope);
}

export const EPOCH_FIELDS: readonly EpochField[] = ofScope('epoch');
export const LAYER_FIELDS: readonly LayerField[] = ofScope('layer');

/** A stored field (one with a column). */
export type StoredField = Extract<Field, { column: string }>;
/** A field stored as one REAL column with a NaN-mask bit (every optional property of MetricField readable). */
export type RealField = Extract<Field, { kind: 'real' }> & MetricField;

/** The REAL fields of a scope, in NaN-mask bit order: field i is bit i of the table's `nan_mask`. */
export function realFields(scope: MetricScope): readonly RealField[] {
  return METRIC_FIELDS.filter((f): f is RealField => f.scope === scope && f.kind === 'real');
}

/** The stored fields of a scope that are not REAL columns (per-unit and per-bin data), in table order. */
export function listFields(scope: MetricScope): readonly Exclude<StoredField, RealField>[] {
  return METRIC_FIELDS.filter((f): f is Exclude<StoredField, RealField> => f.scope === scope && f.kind !== 'real' && f.kind !== 'derived');
}

/** The fields with one number per measurement point (long format, the CLI's JSON), in table order. */
export function seriesFields(scope: MetricScope): readonly Extract<Field, { series: true }>[] {
  return METRIC_FIELDS.filter((f): f is Extract<Field, { series: true }> => f.scope === scope && 'series' in f && f.series);
}

/** The fields the live view carries, in table order (see `live`). */
export function liveFields(scope: MetricScope): readonly (Extract<Field, { live: true | string }> & MetricField)[] {
  return METRIC_FIELDS.filter((f): f is Extract<Field, { live: true | string }> => f.scope === scope && 'live' in f);
}

/** A layer field with a Compare-view chart (see `MetricField.chart`). */
export type ChartedLayerField = Extract<LayerField, { chart: object }> & MetricField;
/** The kinds of the layer fields' Compare-view charts. */
export type LayerChartKind = Extract<LayerField, { chart: object }>['chart']['kind'];

/** The layer fields charted in the Compare view, in table order. */
export const CHARTED_LAYER_FIELDS: readonly ChartedLayerField[] = METRIC_FIELDS.filter((f): f is ChartedLayerField => f.scope === 'layer' && 'chart' in f);

export const EPOCH_SERIES_KEYS = seriesFields('epoch').map((f) => f.key) as readonly EpochSeriesKey[];
export const LAYER_SERIES_KEYS = seriesFields('layer').map((f) => f.key) as readonly (LayerSeriesKey | DerivedLayerKey)[];

/** A field's value in a metrics object (a dotted key reads a nested object). */
export function readField(target: object, key: string): unknown {
  const dot = key.indexOf('.');
  const record = target as Record<string, unknown>;
  if (dot < 0) return record[key];
  const inner = record[key.slice(0, dot)] as Record<string, unknown> | undefined;
  return inner?.[key.slice(dot + 1)];
}

/** Sets a field's value in a metrics object being built (a dotted key creates the nested object). */
export function writeField(target: Record<string, unknown>, key: string, value: unknown): void {
  const dot = key.indexOf('.');
  if (dot < 0) {
    target[key] = value;
    return;
  }
  const head = key.slice(0, dot);
  const inner = (target[head] ??= {}) as Record<string, unknown>;
  inner[key.slice(dot + 1)] = value;
}

/** A series field's value: read, or computed for a derived field. */
export function seriesValue(target: object, field: MetricField): number | null {
  if (field.derive) return field.derive(readField(target, field.from ?? '') as ArrayLike<number> | null);
  return readField(target, field.key) as number | null;
}

// ---------------------------------------------------------------------------------------------
// One epoch as the CLI's `--json` prints it: the series fields, per layer too; a derived field with
// no value (the PReLU slope mean of another activation) is left out.

export type EpochSummary = Pick<EpochMetrics, 'epoch' | EpochSeriesKey> & {
  layers: (Pick<LayerMetrics, 'layer' | 'units' | LayerSeriesKey> & Partial<Record<DerivedLayerKey, number>>)[];
};

/** What epochSummary and the long format read: stored `EpochMetrics` and API DTOs both fit. */
export type SeriesEpoch = Pick<EpochMetrics, 'epoch' | EpochSeriesKey> & {
  layers: readonly (Pick<LayerMetrics, 'layer' | 'units' | LayerSeriesKey> & { preluAlphas: ArrayLike<number> | null })[];
};

export function epochSummary(epoch: SeriesEpoch): EpochSummary {
  const out: Record<string, unknown> = { epoch: epoch.epoch };
  for (const field of seriesFields('epoch')) out[field.key] = seriesValue(epoch, field);
  out.layers = epoch.layers.map((layer) => {
    const entry: Record<string, unknown> = { layer: layer.layer, units: layer.units };
    for (const field of seriesFields('layer')) {
      const value = seriesValue(layer, field);
      if (field.kind !== 'derived' || value !== null) entry[field.key] = value;
    }
    return entry;
  });
  return out as EpochSummary;
}

// ---------------------------------------------------------------------------------------------
// Compile-time checks: the table and the metric types name the same fields, nullable alike.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type HistogramKeys = `histogram.${keyof Histogram & string}`;
type LayerKeys = Exclude<keyof LayerMetrics, 'layer' | 'units' | 'histogram'> | HistogramKeys;
type ValueAt<T, K extends string> = K extends `${infer Head}.${infer Rest}` ? (Head extends keyof T ? ValueAt<T[Head], Rest> : never) : K extends keyof T ? T[K] : never;
type NullableKeys<T, K extends string> = { [P in K]: null extends ValueAt<T, P> ? P : never }[K];

/** Every scalar of EpochMetrics is in the table, and nothing else. */
export type EpochFieldsMatchTypes = Assert<Same<EpochField['key'], Exclude<keyof EpochMetrics, 'epoch' | 'layers'>>>;
/** Every stored field of LayerMetrics is in the table (histogram parts by dotted key), and nothing else. */
export type LayerFieldsMatchTypes = Assert<Same<Exclude<LayerField, { kind: 'derived' }>['key'], LayerKeys>>;
/** The table's `nullable` says what the types say. */
export type EpochNullsMatchTypes = Assert<Same<Extract<EpochField, { nullable: true }>['key'], NullableKeys<EpochMetrics, EpochField['key']>>>;
export type LayerNullsMatchTypes = Assert<
  Same<Extract<Exclude<LayerField, { kind: 'derived' }>, { nullable: true }>['key'], NullableKeys<LayerMetrics, LayerKeys>>
>;
