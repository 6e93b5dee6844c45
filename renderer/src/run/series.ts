/**
 * The run page's line charts as data, planned from the metric field table (shared/metric-fields.ts):
 * every series field becomes a chart with its label, unit and description, so a metric added to the
 * table appears on the page without page code. A few fields are drawn together: a training value with
 * its validation counterpart, the epoch fields sharing a unit, and a standard deviation as the band of
 * its mean. Pure logic (no DOM, no React).
 */
import type { EpochMetricsDto } from '../../../shared/api.js';
import { EPOCH_FIELDS, LAYER_FIELDS, seriesValue, type EpochSeriesKey, type LayerSeriesKey, type MetricField } from '../../../shared/metric-fields.js';

/** Epoch fields drawn in one chart: a training value and its validation counterpart. */
const EPOCH_PAIRS: readonly { id: string; title: string; keys: readonly EpochSeriesKey[] }[] = [
  { id: 'loss', title: 'Loss', keys: ['trainLoss', 'valLoss'] },
  { id: 'accuracy', title: 'Accuracy', keys: ['trainAccuracy', 'valAccuracy'] },
];

/** Layer fields drawn as the ± band around another field's line (mean → its standard deviation). */
const BAND_OF: Readonly<Partial<Record<string, LayerSeriesKey>>> = { preActMean: 'preActStd' } satisfies Partial<Record<LayerSeriesKey, LayerSeriesKey>>;

const UNIT_NAMES: Readonly<Record<string, string>> = { s: 'seconds', ms: 'milliseconds', count: 'count' };

/** One measurement of a line: `value` null where the field has no value, NaN/±∞ kept as measured. */
export interface RunPoint {
  epoch: number;
  value: number | null;
  /** The band's ends (value ∓ band field), where the chart has a band. */
  lo?: number | null;
  hi?: number | null;
}

export interface RunLine {
  /** Row key of the line: the field key (epoch charts) or `l<layer>` (layer charts). */
  key: string;
  label: string;
  /** 0-based hidden layer, null for whole-network fields. */
  layer: number | null;
  /** The metric field the line draws (its key in exports). */
  field: string;
  points: RunPoint[];
}

export interface RunChart {
  id: string;
  title: string;
  yLabel: string;
  scope: 'epoch' | 'layer';
  /** The metric fields drawn (the band's field last). */
  fields: string[];
  /** Values are fractions in [0, 1]: a 0–100 % axis. */
  fraction: boolean;
  /** The drawn fields cannot go below 0 (their declared range): the y axis starts at 0, a log axis is offered. */
  nonNegative: boolean;
  /** The field drawn as a ± band around each line, if any. */
  band: { field: string; label: string } | null;
  /** What the chart's fields measure (the table's descriptions), for its caption. */
  description: string;
  lines: RunLine[];
  /** Set when no line has any value: why (the fields' descriptions). */
  empty: string | null;
}

function withUnit(field: MetricField): string {
  return field.unit && field.unit !== 'fraction' ? `${field.label} (${field.unit})` : field.label;
}

function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function describe(fields: readonly MetricField[]): string {
  return fields.map((f) => `${f.label}: ${f.description}.`).join(' ');
}

function nonNegative(fields: readonly MetricField[]): boolean {
  return fields.every((f) => f.range !== undefined && f.range[0] >= 0);
}

function emptyReason(lines: readonly RunLine[], fields: readonly MetricField[]): string | null {
  if (lines.some((l) => l.points.some((p) => p.value !== null))) return null;
  return `No values for this run. ${describe(fields)}`;
}

/**
 * A measurement's series values, computed once per measurement object: the live page redraws as
 * epochs stream in, and the measurements already shown do not change (a derived mean over a wide
 * layer's slopes is not recomputed at every epoch).
 */
const valueCache = new WeakMap<object, Map<string, number | null>>();

function value(target: object, field: MetricField): number | null {
  let values = valueCache.get(target);
  if (!values) valueCache.set(target, (values = new Map()));
  let v = values.get(field.key);
  if (v === undefined) values.set(field.key, (v = seriesValue(target, field)));
  return v;
}

/** Layer `layer`'s measurements in an epoch (layers are stored in order, so usually at their index). */
function layerOf(epoch: EpochMetricsDto, layer: number): EpochMetricsDto['layers'][number] | undefined {
  const at = epoch.layers[layer];
  return at?.layer === layer ? at : epoch.layers.find((x) => x.layer === layer);
}

function epochChart(id: string, title: string, fields: readonly MetricField[], epochs: readonly EpochMetricsDto[]): RunChart {
  const lines: RunLine[] = fields.map((f) => ({
    key: f.key,
    label: f.label,
    layer: null,
    field: f.key,
    points: epochs.map((e) => ({ epoch: e.epoch, value: value(e, f) })),
  }));
  const unit = fields[0].unit;
  return {
    id,
    title,
    yLabel: fields.length === 1 ? withUnit(fields[0]) : unit === 'fraction' || unit === '' ? title : sentenceCase(UNIT_NAMES[unit] ?? unit),
    scope: 'epoch',
    fields: fields.map((f) => f.key),
    fraction: fields.every((f) => f.unit === 'fraction'),
    nonNegative: nonNegative(fields),
    band: null,
    description: describe(fields),
    lines,
    empty: emptyReason(lines, fields),
  };
}

function layerChart(field: MetricField, bandField: MetricField | null, epochs: readonly EpochMetricsDto[], layerCount: number): RunChart {
  const lines: RunLine[] = Array.from({ length: layerCount }, (_, layer) => ({
    key: `l${layer}`,
    label: `layer ${layer + 1}`,
    layer,
    field: field.key,
    points: epochs.map((e) => {
      const l = layerOf(e, layer);
      const v = l ? value(l, field) : null;
      if (!bandField) return { epoch: e.epoch, value: v };
      const spread = l ? value(l, bandField) : null;
      const band = v !== null && spread !== null && Number.isFinite(v) && Number.isFinite(spread);
      return { epoch: e.epoch, value: v, lo: band ? v - spread : null, hi: band ? v + spread : null };
    }),
  }));
  const fields = bandField ? [field, bandField] : [field];
  return {
    id: field.key,
    title: bandField ? `${field.label} per layer, ± ${bandField.label.toLowerCase()}` : `${field.label} per layer`,
    yLabel: withUnit(field),
    scope: 'layer',
    fields: fields.map((f) => f.key),
    fraction: field.unit === 'fraction',
    nonNegative: nonNegative([field]),
    band: bandField ? { field: bandField.key, label: bandField.label } : null,
    description: describe(fields),
    lines,
    empty: emptyReason(lines, [field]),
  };
}

const isSeries = (f: MetricField): boolean => f.series === true;

/** The hidden layers a run's measurements have (the most any epoch has). */
export function layerCount(epochs: readonly Pick<EpochMetricsDto, 'layers'>[]): number {
  return epochs.reduce((m, e) => Math.max(m, ...e.layers.map((l) => l.layer + 1)), 0);
}

/**
 * Every line chart of a run, in the page's order: the training and validation pairs, one chart per
 * layer series field (a band field goes with its mean), then the other epoch fields grouped by unit.
 */
export function runCharts(epochs: readonly EpochMetricsDto[], layers = layerCount(epochs)): RunChart[] {
  const sorted = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const epochFields: readonly MetricField[] = EPOCH_FIELDS.filter(isSeries);
  const layerFields: readonly MetricField[] = LAYER_FIELDS.filter(isSeries);
  const byKey = new Map([...epochFields, ...layerFields].map((f) => [f.key, f]));
  const charts: RunChart[] = [];
  const paired = new Set<string>();
  for (const pair of EPOCH_PAIRS) {
    const fields = pair.keys.map((k) => byKey.get(k)).filter((f): f is MetricField => f !== undefined);
    if (fields.length === 0) continue;
    fields.forEach((f) => paired.add(f.key));
    charts.push(epochChart(pair.id, pair.title, fields, sorted));
  }
  const bands = new Set<string | undefined>(Object.values(BAND_OF));
  for (const field of layerFields) {
    if (bands.has(field.key)) continue;
    const bandKey = BAND_OF[field.key];
    charts.push(layerChart(field, bandKey === undefined ? null : (byKey.get(bandKey) ?? null), sorted, layers));
  }
  const byUnit = new Map<string, MetricField[]>();
  for (const field of epochFields) {
    if (paired.has(field.key)) continue;
    byUnit.set(field.unit, [...(byUnit.get(field.unit) ?? []), field]);
  }
  for (const [unit, fields] of byUnit) {
    const title = fields.length === 1 ? fields[0].label : sentenceCase(fields.map((f) => f.label.toLowerCase()).join(' and '));
    charts.push(epochChart(`unit-${unit || 'none'}`, title, fields, sorted));
  }
  return charts;
}
