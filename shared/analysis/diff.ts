/**
 * The comparison's tables: the config diff (only the fields that differ between groups), per-metric
 * summaries (final, min, max, value at an epoch) and a sortable row model. Pure TypeScript (no Node, no DOM).
 */
import type { BandKind } from '../compare.js';
import { VARIANT_KEY } from '../config.js';
import { canonicalValue, compareFieldValues, formatFieldValue, IGNORED_FIELDS, runFields, type RunLike } from './fields.js';
import { band, type BandValue } from './stats.js';

// ---------- Config diff ----------

/** A group as the diff needs it (a `RunGroup` fits): its runs' configs and sweep values. */
export interface DiffGroupInput {
  key: string;
  label: string;
  runs: readonly Pick<RunLike, 'sweep' | 'config'>[];
}

/** One group's value of a field: the distinct values among its runs (more than one: `mixed`). */
export interface DiffCell {
  values: unknown[];
  mixed: boolean;
  /** Display text: the value, or `mixed: a, b` when the group's runs disagree; `—` when absent. */
  text: string;
}

export interface ConfigDiffRow {
  /** Dotted config path or sweep key, e.g. `model.activation`, `training.learningRate`, `variant`. */
  field: string;
  /** One cell per group, in the order of `ConfigDiff.groups`. */
  cells: DiffCell[];
}

export interface ConfigDiff {
  groups: { key: string; label: string }[];
  rows: ConfigDiffRow[];
}

/** Cell of one field for one group: its runs' distinct values, sorted. */
function diffCell(fieldsOfRuns: readonly Record<string, unknown>[], field: string): DiffCell & { signature: string } {
  const distinct = new Map<string, unknown>();
  for (const f of fieldsOfRuns) distinct.set(canonicalValue(f[field]), f[field]);
  const values = [...distinct.values()].sort(compareFieldValues);
  const mixed = values.length > 1;
  const text = mixed ? `mixed: ${values.map(formatFieldValue).join(', ')}` : formatFieldValue(values[0]);
  return { values, mixed, text, signature: values.map(canonicalValue).join('\u0000') };
}

/**
 * The config diff table: only the fields (flattened dotted paths and sweep keys such as `variant`)
 * whose values differ between the groups, with each group's value (all of its runs are read, so a
 * group whose runs disagree shows `mixed`). Seed, name and description are left out. Rows: `variant`
 * first, then sweep keys, then the other paths, alphabetically.
 */
export function configDiff(groups: readonly DiffGroupInput[]): ConfigDiff {
  const flat = groups.map((g) => g.runs.map(runFields));
  const all = new Set<string>();
  const sweepKeys = new Set<string>();
  for (const g of groups) for (const r of g.runs) for (const k of Object.keys(r.sweep)) sweepKeys.add(k);
  for (const runs of flat) for (const f of runs) for (const k of Object.keys(f)) all.add(k);
  const rows: ConfigDiffRow[] = [];
  for (const field of all) {
    if (IGNORED_FIELDS.has(field)) continue;
    const cells = flat.map((runs) => diffCell(runs, field));
    if (cells.every((c) => c.signature === cells[0].signature)) continue;
    rows.push({ field, cells: cells.map(({ values, mixed, text }) => ({ values, mixed, text })) });
  }
  const rank = (f: string) => (f === VARIANT_KEY ? 0 : sweepKeys.has(f) ? 1 : 2);
  rows.sort((a, b) => rank(a.field) - rank(b.field) || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return { groups: groups.map((g) => ({ key: g.key, label: g.label })), rows };
}

// ---------- Metric summaries ----------

/** A metric's value at one epoch (null: not measured). */
export interface EpochValue {
  epoch: number;
  value: number | null;
}

/** Summary of one metric of one run. */
export interface MetricSummary {
  /** Value at the final epoch (the last measured one, or the one asked for); null when not measured there. */
  final: number | null;
  /** Smallest and largest finite value up to the final epoch; null when none is finite. */
  min: number | null;
  max: number | null;
  /** Value at the requested epoch (the final epoch when none was requested); null if not measured there. */
  atEpoch: number | null;
}

/**
 * Final, min, max and value-at-epoch of one run's metric. `finalEpoch` (default: the run's last
 * measured epoch) is where "final" is read and where min and max stop, so a group's runs can all be
 * summarized at one epoch.
 */
export function summaryMetrics(epochs: readonly EpochValue[], atEpoch: number | null, finalEpoch?: number): MetricSummary {
  const measured = epochs.filter((e): e is { epoch: number; value: number } => e.value !== null).sort((a, b) => a.epoch - b.epoch);
  const upTo = finalEpoch ?? (measured.length > 0 ? measured[measured.length - 1].epoch : -Infinity);
  const final = measured.find((e) => e.epoch === upTo)?.value ?? null;
  let min: number | null = null;
  let max: number | null = null;
  for (const e of measured) {
    if (e.epoch > upTo || !Number.isFinite(e.value)) continue;
    if (min === null || e.value < min) min = e.value;
    if (max === null || e.value > max) max = e.value;
  }
  const at = atEpoch === null ? final : (measured.find((e) => e.epoch === atEpoch)?.value ?? null);
  return { final, min, max, atEpoch: at };
}

/** A group's summary of one metric: each statistic as mean and band over the group's runs. */
export interface GroupMetricSummary {
  /** The epoch "final" means for this group: the last epoch all its runs reached (null: no run measured). */
  finalEpoch: number | null;
  final: BandValue;
  min: BandValue;
  max: BandValue;
  atEpoch: BandValue;
}

/** The last epoch every run reached: the smallest of the runs' last measured epochs (runs without any measurement are not counted). */
export function commonFinalEpoch(runs: readonly (readonly { epoch: number }[])[]): number | null {
  let common: number | null = null;
  for (const run of runs) {
    if (run.length === 0) continue;
    const last = run.reduce((m, e) => Math.max(m, e.epoch), -Infinity);
    common = common === null ? last : Math.min(common, last);
  }
  return common;
}

/**
 * Summarizes a group's runs at ONE epoch for all of them: "final" is the value at `finalEpoch` (default:
 * the last epoch all runs measured, `commonFinalEpoch`), min and max look at epochs up to it, never a
 * mix of each run's own last epoch. Then each statistic over the runs (missing and NaN values left
 * out; `n` counts the rest).
 */
export function summarizeGroup(runs: readonly (readonly EpochValue[])[], atEpoch: number | null, kind: BandKind, finalEpoch?: number | null): GroupMetricSummary {
  const measured = runs.map((r) => r.filter((e) => e.value !== null));
  const common = finalEpoch === undefined ? commonFinalEpoch(measured) : finalEpoch;
  const summaries = runs.map((r) => (common === null ? { final: null, min: null, max: null, atEpoch: summaryMetrics(r, atEpoch).atEpoch } : summaryMetrics(r, atEpoch, common)));
  const over = (pick: (s: MetricSummary) => number | null): BandValue =>
    band(
      summaries.map(pick).filter((v): v is number => v !== null),
      kind,
    );
  return { finalEpoch: common, final: over((s) => s.final), min: over((s) => s.min), max: over((s) => s.max), atEpoch: over((s) => s.atEpoch) };
}

// ---------- Sortable rows ----------

/** What a table cell sorts by. null, undefined and NaN are "no value". */
export type CellValue = number | string | boolean | null | undefined;
export type SortDirection = 'asc' | 'desc';

/** A column of a sortable table: an id, a header, and how to read a row's value. */
export interface TableColumn<R> {
  id: string;
  label: string;
  value: (row: R) => CellValue;
}

export interface SortState {
  columnId: string;
  direction: SortDirection;
}

const COLLATOR = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function isEmpty(v: CellValue): v is null | undefined {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function typeRank(v: number | string | boolean): number {
  return typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2;
}

/**
 * Compares two cells for sorting: numbers numerically, booleans false < true, strings naturally
 * ("run 2" < "run 10", case-insensitive, then by code unit), numbers before strings; empty cells
 * (null, undefined, NaN) last in either direction.
 */
export function compareCells(a: CellValue, b: CellValue, direction: SortDirection = 'asc'): number {
  const ea = isEmpty(a);
  const eb = isEmpty(b);
  if (ea || eb) return ea && eb ? 0 : ea ? 1 : -1;
  let c: number;
  if (typeRank(a) !== typeRank(b)) c = typeRank(a) - typeRank(b);
  else if (typeof a === 'number' && typeof b === 'number') c = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'boolean' && typeof b === 'boolean') c = Number(a) - Number(b);
  else {
    const sa = String(a);
    const sb = String(b);
    c = COLLATOR.compare(sa, sb) || (sa < sb ? -1 : sa > sb ? 1 : 0);
  }
  return direction === 'asc' ? c : -c;
}

/** Rows sorted (stably, in a copy) by the value one accessor reads, empty cells last. */
export function sortRows<R>(rows: readonly R[], value: (row: R) => CellValue, direction: SortDirection = 'asc'): R[] {
  const keyed = rows.map((row) => ({ row, v: value(row) }));
  keyed.sort((x, y) => compareCells(x.v, y.v, direction));
  return keyed.map((k) => k.row);
}

/** Rows sorted by a table column (unknown column or no sort: the rows as given). */
export function sortByColumn<R>(rows: readonly R[], columns: readonly TableColumn<R>[], sort: SortState | null): R[] {
  const column = sort ? columns.find((c) => c.id === sort.columnId) : undefined;
  if (!sort || !column) return [...rows];
  return sortRows(rows, column.value, sort.direction);
}

/** The sort after a click on a column header: ascending first, then toggled on the same column. */
export function nextSort(current: SortState | null, columnId: string): SortState {
  if (current && current.columnId === columnId) return { columnId, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { columnId, direction: 'asc' };
}
