/**
 * The metric tables' columns, as the metric field table (shared/metric-fields.ts) declares them:
 * which columns a row of `epoch_metrics` / `layer_metrics` has, and how a field's value becomes a
 * column value and back. The store writes and reads rows with it, and bundles take their columns
 * from it, so both always agree with the table.
 *
 * SQLite turns a NaN REAL into NULL, so a REAL field that is NaN is stored as NULL with its bit set in
 * the row's `nan_mask` (bit i: the scope's i-th REAL field, the layout migrations/001-initial.ts
 * documents); ±Infinity is stored as is. Per-bin and per-unit lists are little-endian BLOBs.
 */
import { listFields, realFields, type MetricScope, type RealField } from '../shared/metric-fields.js';
import { blobToFloat32, blobToNumbers, float32ToBlob, float64ToBlob, packMask, unpackMask } from './blobs.js';
import type { SqlValue } from './sql.js';

/** The keys of a row of each metric table, before its metric columns. */
export const KEY_COLUMNS: Record<MetricScope, readonly string[]> = {
  epoch: ['run_id', 'epoch'],
  layer: ['run_id', 'epoch', 'layer', 'units'],
};

type ListField = ReturnType<typeof listFields>[number];

/**
 * A field ready for encoding and decoding, so writing or reading thousands of rows does no lookups:
 * its column, its NaN bit (REAL fields) and its place in the metrics object (`head`, and for a
 * dotted key such as `histogram.lo` the property inside it, `tail`).
 */
interface Codec<F> {
  field: F;
  column: string;
  /** 1 << the field's bit in `nan_mask` (REAL fields). */
  nanBit: number;
  head: string;
  tail: string | null;
}

function codec<F extends RealField | ListField>(field: F, bit: number): Codec<F> {
  const [head, tail] = field.key.split('.');
  return { field, column: field.column, nanBit: bit < 0 ? 0 : 1 << bit, head, tail: tail ?? null };
}

const SCOPES = ['epoch', 'layer'] as const;
const REALS = Object.fromEntries(SCOPES.map((s) => [s, realFields(s).map(codec)])) as Record<MetricScope, Codec<RealField>[]>;
const LISTS = Object.fromEntries(SCOPES.map((s) => [s, listFields(s).map((f) => codec(f, -1))])) as Record<MetricScope, Codec<ListField>[]>;

function read(source: object, c: Codec<unknown>): unknown {
  const value = (source as Record<string, unknown>)[c.head];
  return c.tail === null ? value : (value as Record<string, unknown> | undefined)?.[c.tail];
}

function write(target: object, c: Codec<unknown>, value: unknown): void {
  const out = target as Record<string, unknown>;
  if (c.tail === null) out[c.head] = value;
  else ((out[c.head] ??= {}) as Record<string, unknown>)[c.tail] = value;
}

/** The REAL columns of a scope, in NaN-mask bit order. */
export function realColumns(scope: MetricScope): string[] {
  return REALS[scope].map((c) => c.column);
}

/** The BLOB columns of a scope (per-bin and per-unit lists), after `nan_mask`. */
export function listColumns(scope: MetricScope): string[] {
  return LISTS[scope].map((c) => c.column);
}

/** Every column of a metric table's rows, in table order: keys, REAL fields, nan_mask, lists. */
export function metricColumns(scope: MetricScope): string[] {
  return [...KEY_COLUMNS[scope], ...realColumns(scope), 'nan_mask', ...listColumns(scope)];
}

/** How a metric table's column stores its values. */
export type ColumnClass = 'integer' | 'real' | 'blob';

/** Every column of a metric table's rows with its storage class, in table order (as metricColumns). */
export function metricColumnClasses(scope: MetricScope): [name: string, storage: ColumnClass][] {
  const reals = new Set(realColumns(scope));
  const lists = new Set(listColumns(scope));
  return metricColumns(scope).map((name) => [name, reals.has(name) ? 'real' : lists.has(name) ? 'blob' : 'integer']);
}

/**
 * One row of a metric table, as positional values in metricColumns(scope) order: `keys` (the row's
 * KEY_COLUMNS values), then the fields of `source` (an epoch's or a layer's metrics). `units` sizes
 * the per-unit lists; `where` names the layer in errors.
 */
export function encodeRow(scope: MetricScope, keys: readonly SqlValue[], source: object, units: number, where: string): SqlValue[] {
  const values: SqlValue[] = [...keys];
  let nanMask = 0;
  for (const c of REALS[scope]) {
    const value = read(source, c);
    if (typeof value === 'number' && Number.isNaN(value)) {
      nanMask |= c.nanBit;
      values.push(null);
    } else {
      // undefined becomes NULL: the table's CHECK constraints reject it for required fields.
      values.push((value as number | null | undefined) ?? null);
    }
  }
  values.push(nanMask);
  for (const c of LISTS[scope]) {
    const value = read(source, c);
    switch (c.field.kind) {
      case 'bin-counts':
        values.push(float64ToBlob(value as number[]));
        break;
      case 'unit-mask':
        values.push(packMask(value as ArrayLike<number>, units, where, c.field.key));
        break;
      case 'unit-values':
        values.push(value ? float32ToBlob(value as Float32Array) : null);
        break;
    }
  }
  return values;
}

/** A REAL field's value from its stored column: NULL is NaN when its bit is set, and "no value" (null) for a nullable field. */
function realValue(c: Codec<RealField>, stored: number | null, nanMask: number): number | null {
  return stored !== null ? stored : (nanMask & c.nanBit) !== 0 || !c.field.nullable ? NaN : null;
}

/**
 * Sets `fields` (default: every REAL field of the scope) from a row into `target`. NULL is NaN when
 * its bit is set, and "no value" (null) for a nullable field; a required field is never NULL
 * otherwise (the schema's CHECK ensures it), so it reads as NaN.
 */
export function decodeReals<T extends object>(scope: MetricScope, row: Record<string, unknown>, target: T, fields?: ReadonlySet<RealField>): T {
  const nanMask = row.nan_mask as number;
  for (const c of REALS[scope]) {
    if (fields && !fields.has(c.field)) continue;
    write(target, c, realValue(c, row[c.column] as number | null, nanMask));
  }
  return target;
}

/** Reads REAL fields from rows fetched as arrays (a statement in raw mode), see `rawRealsReader`. */
export interface RawRealsReader {
  /** The columns to select, in this order: the fields' columns, then `nan_mask`. */
  columns: string[];
  /** Sets the fields into `target` from `row`, whose values from `offset` on are `columns`. Same values as `decodeReals`. */
  read<T extends object>(row: readonly unknown[], offset: number, target: T): T;
}

/**
 * A reader of `fields` (default: every REAL field of the scope) for rows fetched as arrays: reading
 * a large series this way spares the driver building an object with a property per column for
 * every row.
 */
export function rawRealsReader(scope: MetricScope, fields?: ReadonlySet<RealField>): RawRealsReader {
  const codecs = REALS[scope].filter((c) => !fields || fields.has(c.field));
  const nanAt = codecs.length;
  return {
    columns: [...codecs.map((c) => c.column), 'nan_mask'],
    read(row, offset, target) {
      const nanMask = row[offset + nanAt] as number;
      for (let i = 0; i < nanAt; i++) write(target, codecs[i], realValue(codecs[i], row[offset + i] as number | null, nanMask));
      return target;
    },
  };
}

/** Sets the list fields of a layer from a row into `target`; `where` names the layer in errors. */
export function decodeLists<T extends object>(scope: MetricScope, row: Record<string, unknown>, units: number, where: string, target: T): T {
  for (const c of LISTS[scope]) {
    const blob = row[c.column] as Buffer | null;
    let value: unknown;
    switch (c.field.kind) {
      case 'bin-counts':
        value = blobToNumbers(blob as Buffer, `${where} ${c.field.key}`);
        break;
      case 'unit-mask':
        value = unpackMask(blob as Buffer, units, where);
        break;
      case 'unit-values':
        value = blob === null ? null : blobToFloat32(blob, `${where} ${c.field.key}`);
        break;
    }
    write(target, c, value);
  }
  return target;
}
