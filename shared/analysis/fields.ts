/**
 * Run fields as the comparison sees them: a field is a sweep key (e.g. `variant`, `model.activation`)
 * or a dotted path into the run's config. Helpers to read, flatten, compare and print their values,
 * shared by grouping and the config diff. Pure TypeScript (no Node, no DOM).
 */
import { getAtPath, VARIANT_KEY } from '../config.js';

/** The part of a run the analysis reads: `RunSummary` and `RunRow` satisfy it. */
export interface RunLike {
  id: number;
  seed: number;
  /** Sweep values (dotted path → value), plus `variant` for variant experiments. */
  sweep: Readonly<Record<string, unknown>>;
  /** The resolved run config (`RunConfig`). */
  config: object;
  /**
   * Where the run's values stand in its experiment's declared order (see `declaredPositions`): field →
   * position. Groups are listed, and keep their colour, by it; absent: no declared order is known.
   */
  declared?: Readonly<Record<string, DeclaredPosition>>;
}

/** A value's place in a declared list: the `index`-th of `of` values (e.g. the 3rd of 6 variants). */
export interface DeclaredPosition {
  index: number;
  of: number;
}

/**
 * Fields never used to tell runs apart: the seed (runs differing only by seed form one group) and the
 * experiment's free-text `name` and `description`, which belong to the experiment, not to the run's setup.
 */
export const IGNORED_FIELDS: ReadonlySet<string> = new Set(['seed', 'name', 'description']);

/** Value of one field of a run: its sweep value when the field is a sweep key, `seed`, else the config path. */
export function fieldValue(run: Pick<RunLike, 'seed' | 'sweep' | 'config'>, field: string): unknown {
  if (Object.prototype.hasOwnProperty.call(run.sweep, field)) return run.sweep[field];
  if (field === 'seed') return run.seed;
  return getAtPath(run.config, field);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

/** Flattens a config into dotted leaf paths (arrays are leaves: `model.widths` → [64, 32]), so configs can be compared field by field. */
export function flattenConfig(config: unknown, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (value: unknown, path: string): void => {
    if (isPlainObject(value) && (Object.keys(value).length > 0 || path === '')) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
    } else if (path !== '') {
      out[path] = value;
    }
  };
  walk(config, prefix);
  return out;
}

/** Every field of a run: its flattened config plus its sweep keys (e.g. `variant`) that are not config paths. */
export function runFields(run: Pick<RunLike, 'sweep' | 'config'>): Record<string, unknown> {
  const fields = flattenConfig(run.config);
  for (const [k, v] of Object.entries(run.sweep)) fields[k] = v;
  return fields;
}

/** A canonical text of a value (JSON with sorted object keys; `undefined` for absent), to test equality. */
export function canonicalValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return `[${Array.from(value as ArrayLike<unknown>, canonicalValue).join(',')}]`;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalValue(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** Rank of a value's type in orderings: numbers, strings, booleans, arrays, other objects, then absent. */
function typeRank(value: unknown): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'string') return 1;
  if (typeof value === 'boolean') return 2;
  if (Array.isArray(value)) return 3;
  if (value === undefined) return 6;
  if (value === null) return 5;
  return 4;
}

/** Plain code-unit comparison: the same order in Node and in every browser, whatever the locale. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order of field values: numbers numerically (0.01 < 0.1 < 1), strings by code unit, arrays element-wise, absent last. */
export function compareFieldValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareFieldValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  return compareStrings(canonicalValue(a), canonicalValue(b));
}

/** How a value reads in a label or a table cell: strings bare, numbers as written, arrays `[64, 32]`, absent `—`. */
export function formatFieldValue(value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(formatFieldValue).join(', ')}]`;
  return canonicalValue(value);
}

/** Short name of a field for labels: its last path segment (`model.activation` → `activation`); `variant` stays. */
export function shortFieldName(field: string): string {
  if (field === VARIANT_KEY) return field;
  const i = field.lastIndexOf('.');
  return i < 0 ? field : field.slice(i + 1);
}

/**
 * Fields whose values differ between the runs (flattened configs and sweep values compared), except
 * the seed, `name` and `description`; a field absent from some runs and present in others differs.
 * Sorted: `variant` first, then sweep keys, then the other paths, alphabetically within each.
 */
export function differingFields(runs: readonly Pick<RunLike, 'sweep' | 'config'>[]): string[] {
  if (runs.length < 2) return [];
  const flat = runs.map(runFields);
  const all = new Set<string>();
  for (const f of flat) for (const k of Object.keys(f)) all.add(k);
  const sweepKeys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.sweep)) sweepKeys.add(k);
  const out: string[] = [];
  for (const field of all) {
    if (IGNORED_FIELDS.has(field)) continue;
    const first = canonicalValue(flat[0][field]);
    if (flat.some((f) => canonicalValue(f[field]) !== first)) out.push(field);
  }
  const rank = (f: string) => (f === VARIANT_KEY ? 0 : sweepKeys.has(f) ? 1 : 2);
  return out.sort((a, b) => rank(a) - rank(b) || compareStrings(a, b));
}
