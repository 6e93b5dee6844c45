/**
 * The metric tables' columns, as the metric field table (shared/metric-fields.ts) declares them:
 * which columns a row of `epoch_metrics` / `layer_metrics` has, and how a field's value becomes a
 * column value and back. Used by the store and by bundles, so both read and write rows alike.
 *
 * SQLite turns a NaN REAL into NULL, so a REAL field that is NaN is stored as NULL with its bit set in
 * the row's `nan_mask` (bit i: the scope's i-th REAL field, the layout migrations/001-initial.ts
 * documents); ±Infinity is stored as is. Per-bin and per-unit lists are little-endian BLOBs.
 */
import { listFields, readField, realFields, writeField, type MetricScope, type RealField } from '../shared/metric-fields.js';
import type { SqlRow } from './sql.js';
import { blobToFloat32, blobToNumbers, float32ToBlob, float64ToBlob, packMask, unpackMask } from './blobs.js';

/** The keys of a row of each metric table, before its metric columns. */
export const KEY_COLUMNS: Record<MetricScope, readonly string[]> = {
  epoch: ['run_id', 'epoch'],
  layer: ['run_id', 'epoch', 'layer', 'units'],
};

const NAN_BITS = new Map<RealField, number>();
for (const scope of ['epoch', 'layer'] as const) realFields(scope).forEach((field, bit) => NAN_BITS.set(field, bit));

/** The field's bit in its table's `nan_mask`. */
export function nanBit(field: RealField): number {
  const bit = NAN_BITS.get(field);
  if (bit === undefined) throw new Error(`${field.key} is not a REAL metric field`);
  return bit;
}

/** The REAL columns of a scope, in NaN-mask bit order. */
export function realColumns(scope: MetricScope, fields: readonly RealField[] = realFields(scope)): string[] {
  return fields.map((f) => f.column);
}

/** The BLOB columns of a scope (per-bin and per-unit lists), after `nan_mask`. */
export function listColumns(scope: MetricScope): string[] {
  return listFields(scope).map((f) => f.column);
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

/** Writes the REAL columns of `source`'s fields and its `nan_mask` into `row`. */
export function encodeReals(scope: MetricScope, source: object, row: SqlRow): SqlRow {
  let nanMask = 0;
  for (const field of realFields(scope)) {
    const value = readField(source, field.key);
    if (typeof value === 'number' && Number.isNaN(value)) {
      nanMask |= 1 << nanBit(field);
      row[field.column] = null;
    } else {
      // undefined becomes NULL: the table's CHECK constraints reject it for required fields.
      row[field.column] = (value as number | null | undefined) ?? null;
    }
  }
  row.nan_mask = nanMask;
  return row;
}

/**
 * Sets `fields` (default: every REAL field of the scope) from a row into `target`. NULL is NaN when
 * its bit is set, and "no value" (null) for a nullable field; a required field is never NULL
 * otherwise (the schema's CHECK ensures it), so it reads as NaN.
 */
export function decodeReals<T extends object>(row: Record<string, unknown>, target: T, fields: readonly RealField[]): T {
  const nanMask = row.nan_mask as number;
  for (const field of fields) {
    const value = row[field.column] as number | null;
    const isNaN = (nanMask & (1 << nanBit(field))) !== 0;
    writeField(target as Record<string, unknown>, field.key, value !== null ? value : isNaN || !field.nullable ? NaN : null);
  }
  return target;
}

/** Writes the list columns of a layer's fields into `row`; `where` names the layer in errors. */
export function encodeLists(scope: MetricScope, source: object, units: number, where: string, row: SqlRow): SqlRow {
  for (const field of listFields(scope)) {
    const value = readField(source, field.key);
    switch (field.kind) {
      case 'bin-counts':
        row[field.column] = float64ToBlob(value as number[]);
        break;
      case 'unit-mask':
        row[field.column] = packMask(value as ArrayLike<number>, units, where, field.key);
        break;
      case 'unit-values':
        row[field.column] = value ? float32ToBlob(value as Float32Array) : null;
        break;
    }
  }
  return row;
}

/** Sets the list fields of a layer from a row into `target`; `where` names the layer in errors. */
export function decodeLists<T extends object>(scope: MetricScope, row: Record<string, unknown>, units: number, where: string, target: T): T {
  for (const field of listFields(scope)) {
    const blob = row[field.column] as Buffer | null;
    let value: unknown;
    switch (field.kind) {
      case 'bin-counts':
        value = blobToNumbers(blob as Buffer, `${where} ${field.key}`);
        break;
      case 'unit-mask':
        value = unpackMask(blob as Buffer, units, where);
        break;
      case 'unit-values':
        value = blob === null ? null : blobToFloat32(blob, `${where} ${field.key}`);
        break;
    }
    writeField(target as Record<string, unknown>, field.key, value);
  }
  return target;
}
