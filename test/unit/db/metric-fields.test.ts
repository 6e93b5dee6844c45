/**
 * The metric field table (shared/metric-fields.ts) against the database: the NaN-mask bit layout
 * migration 001 documents, the columns a freshly migrated file has, and every field's NaN (and
 * ±Infinity) surviving the store and a bundle's export and import.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportBundle, importBundle } from '../../../db/bundle.js';
import { migrate } from '../../../db/migrations/index.js';
import { LabStore } from '../../../db/store.js';
import { METRIC_FIELDS, realFields, writeField, type MetricField, type MetricScope, type RealField } from '../../../shared/metric-fields.js';
import type { EpochMetrics } from '../../../shared/metrics.js';
import { withConnection } from './connection.js';
import { RAW_CONFIG, openStore, sampleEpoch, sampleRuns, tempDir } from './helpers.js';

const TABLE: Record<MetricScope, string> = { epoch: 'epoch_metrics', layer: 'layer_metrics' };
/** Columns of the metric tables that are not metric fields: keys, shape and the NaN mask. */
const STRUCTURE: Record<MetricScope, string[]> = { epoch: ['run_id', 'epoch', 'nan_mask'], layer: ['run_id', 'epoch', 'layer', 'units', 'nan_mask'] };
const SCOPES: MetricScope[] = ['epoch', 'layer'];

function storedFields(scope: MetricScope): MetricField[] {
  return METRIC_FIELDS.filter((f) => f.scope === scope && f.column !== null);
}

/**
 * The bit layout written in the migrations' headers: migration 001's, then the bits later migrations
 * append (`NaN-mask bits appended`): table → column names, bit i at index i.
 */
function documentedLayout(): Record<string, string[]> {
  const folder = path.resolve(import.meta.dirname, '../../../db/migrations');
  const layout: Record<string, string[]> = {};
  for (const file of fs.readdirSync(folder).filter((f) => /^\d{3}-.*\.ts$/.test(f)).sort()) {
    const source = fs.readFileSync(path.join(folder, file), 'utf8');
    const start = Math.max(source.indexOf('Bit layout, in column order:'), source.indexOf('NaN-mask bits appended, in column order:'));
    if (start < 0) continue;
    const text = source.slice(start, source.indexOf('*/')).replace(/^\s*\*\s?/gm, ' ');
    for (const [, table, list] of text.matchAll(/(\w+_metrics):((?:\s*\d+ \w+,?)+)/g)) {
      layout[table] ??= [];
      for (const [, bit, column] of list.matchAll(/(\d+) (\w+)/g)) layout[table][Number(bit)] = column;
    }
  }
  return layout;
}

function freshDatabase(): Database.Database {
  const db = new Database(path.join(tempDir(), 'fresh.sqlite'));
  migrate(db);
  return db;
}

describe('the metric field table', () => {
  it('reproduces the NaN-mask bit layout documented in the migrations', () => {
    const layout = documentedLayout();
    expect(Object.keys(layout).sort()).toEqual(['epoch_metrics', 'layer_metrics']);
    for (const scope of SCOPES) expect(realFields(scope).map((f) => f.column)).toEqual(layout[TABLE[scope]]);
  });

  it('names exactly the metric columns of a freshly migrated database, with their types and NULL rules', () => {
    const db = freshDatabase();
    try {
      for (const scope of SCOPES) {
        const table = TABLE[scope];
        const columns = db.prepare(`SELECT name, type, "notnull" FROM pragma_table_info(?) ORDER BY cid`).all(table) as {
          name: string;
          type: string;
          notnull: number;
        }[];
        const createSql = db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(table) as string;
        // Every column is a field of the table or part of the row's structure, and every stored field has its column.
        expect(columns.map((c) => c.name).filter((name) => !STRUCTURE[scope].includes(name))).toEqual(storedFields(scope).map((f) => f.column));
        // REAL columns, in bit order, are the real fields; NaN is NULL with the bit set, so only that CHECK guards a required one.
        expect(columns.filter((c) => c.type === 'REAL').map((c) => c.name)).toEqual(realFields(scope).map((f) => f.column));
        realFields(scope).forEach((field, bit) => {
          const check = `CHECK (${field.column} IS NOT NULL OR nan_mask & ${2 ** bit})`;
          expect(createSql.includes(check), `${table}.${field.column}: ${check}`).toBe(!field.nullable);
          expect(columns.find((c) => c.name === field.column)?.notnull).toBe(0);
        });
        for (const field of storedFields(scope).filter((f) => f.kind !== 'real')) {
          const column = columns.find((c) => c.name === field.column);
          expect([field.key, column?.type, column?.notnull]).toEqual([field.key, 'BLOB', field.nullable ? 0 : 1]);
        }
      }
    } finally {
      db.close();
    }
  });
});

/** The non-finite values a field can hold in a lab that imports bundles (their checks allow them). */
function specialValues(field: MetricField): number[] {
  const [lo, hi] = field.range ?? [-Infinity, Infinity];
  switch (field.kind) {
    case 'real':
      // NaN is always possible (a diverged measurement); infinities where the range reaches them.
      return [NaN, ...(hi === Infinity ? [Infinity] : []), ...(lo === -Infinity ? [-Infinity] : [])];
    case 'unit-values':
      return [NaN, Infinity, -Infinity];
    default:
      // Histogram counts are finite counts, a dead mask holds 0 and 1, derived fields are not stored.
      return [];
  }
}

interface Case {
  field: MetricField;
  value: number;
}

/** Epoch `epoch` with every field measured (PReLU slopes included), values a bundle import accepts. */
function baseEpoch(epoch: number): EpochMetrics {
  const m = { ...sampleEpoch(1, 2, 11), epoch };
  m.layers = m.layers.map((layer, l) => ({ ...layer, preluAlphas: new Float32Array(11).map((_, i) => 0.25 + i / 100 + l) }));
  return m;
}

/** Epoch `epoch` with the case's field (on layer 0 for layer fields; one unit for per-unit data) set to its value. */
function caseEpoch(epoch: number, { field, value }: Case): EpochMetrics {
  const m = baseEpoch(epoch);
  const target = (field.scope === 'epoch' ? m : m.layers[0]) as unknown as Record<string, unknown>;
  if (field.kind === 'unit-values') {
    const values = Float32Array.from(target[field.key] as Float32Array);
    values[3] = value;
    writeField(target, field.key, values);
  } else {
    writeField(target, field.key, value);
  }
  return m;
}

describe('NaN and ±Infinity of every metric field', () => {
  it('round-trip through the store and through bundle export → import, in the field’s own NaN bit, leaving every other field untouched', () => {
    const cases: Case[] = METRIC_FIELDS.flatMap((field) => specialValues(field).map((value) => ({ field, value })));
    // Every REAL field's NaN bit is exercised.
    for (const field of METRIC_FIELDS.filter((f) => f.kind === 'real')) expect(cases.some((c) => c.field === field && Number.isNaN(c.value))).toBe(true);

    // One epoch per case after an untouched epoch 0, in a run sized for them (2 layers of 11 units, 8 bins).
    const config = { ...RAW_CONFIG, model: { hiddenLayers: 2, width: 11, activation: 'prelu' }, training: { ...RAW_CONFIG.training, epochs: cases.length }, probe: { samples: 32, histogramBins: 8 }, seeds: [1], sweep: {} };
    const source = openStore();
    const { experimentId, runIds } = source.createExperiment({ name: 'non-finite fields', config, runs: sampleRuns(config) });
    const [runId] = runIds;
    source.markRunStarted(runId, { backend: 'cpu', versions: { tfjs: '4.22.0', backend: 'cpu', node: 'v20' }, ownerPid: process.pid });
    const expected = [baseEpoch(0), ...cases.map((c, i) => caseEpoch(i + 1, c))];
    for (const m of expected) source.recordEpoch(runId, m);
    source.finishRun(runId, 'completed');

    const target = openStore();
    const imported = importBundle(target, exportBundle(source, [experimentId]));
    const [targetRunId] = target.listRuns({ experimentId: imported.experimentIds[0] }).map((r) => r.id);

    for (const [store, id] of [[source, runId], [target, targetRunId]] as [LabStore, number][]) {
      const loaded = store.getRunMetrics(id);
      expect(loaded).toHaveLength(expected.length);
      expect(loaded[0]).toEqual(expected[0]);
      const masks = withConnection(store, (db) => ({
        epoch: db.prepare(`SELECT nan_mask FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`).pluck().all(id) as number[],
        layer: db.prepare(`SELECT nan_mask FROM layer_metrics WHERE run_id = ? AND layer = 0 ORDER BY epoch`).pluck().all(id) as number[],
        otherLayers: db.prepare(`SELECT COUNT(*) FROM layer_metrics WHERE run_id = ? AND layer <> 0 AND nan_mask <> 0`).pluck().get(id) as number,
      }));
      cases.forEach(({ field, value }, i) => {
        const what = `${store === source ? 'stored' : 'imported'}: ${field.key} = ${value}`;
        // The whole epoch compares equal: the field has its value, and every other field is untouched.
        expect(loaded[i + 1], what).toEqual(expected[i + 1]);
        const bit = realFields(field.scope).indexOf(field as RealField);
        const nanMask = Number.isNaN(value) && bit >= 0 ? 2 ** bit : 0;
        expect([masks.epoch[i + 1], masks.layer[i + 1]], what).toEqual(field.scope === 'epoch' ? [nanMask, 0] : [0, nanMask]);
      });
      expect(masks.epoch[0] + masks.layer[0] + masks.otherLayers).toBe(0);
    }
  });
});
