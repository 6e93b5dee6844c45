import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../../db/migrations/index.js';
import { LATEST_SCHEMA_VERSION, LabStore, ORPHANED_QUEUED_ERROR, ORPHANED_RUN_ERROR } from '../../../db/store.js';
import { sqlValue } from './connection.js';
import { tempDir } from './helpers.js';

const TABLES = ['experiments', 'runs', 'epoch_metrics', 'layer_metrics', 'run_artifacts', 'comparisons'] as const;
const AT = '2025-03-01T10:00:00.000Z';

/** A schema-version-2 file with rows in every table, as version 2 of the app wrote them. */
function versionTwoFile(): string {
  const file = path.join(tempDir(), 'v2.sqlite');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, 2);
    const experiment = db.prepare(
      `INSERT INTO experiments (uid, name, config_json, notes, tags_json, created_at, updated_at) VALUES (?, ?, '{}', '', '[]', ?, ?)`,
    );
    experiment.run('e-1', 'first', AT, AT);
    experiment.run('e-2', 'second', AT, AT);
    const run = db.prepare(
      `INSERT INTO runs (uid, experiment_id, run_index, seed, sweep_json, config_json, status, backend, owner_pid, error,
         epochs_done, epochs_total, created_at, started_at, finished_at)
       VALUES (?, ?, ?, ?, '{}', '{}', ?, ?, ?, ?, ?, 3, ?, ?, ?)`,
    );
    run.run('r-1', 1, 0, 1, 'completed', 'cpu', null, null, 3, AT, AT, AT);
    run.run('r-2', 1, 1, 2, 'running', 'wasm', 1, null, 1, AT, AT, null);
    run.run('r-3', 1, 2, 3, 'queued', null, null, null, 0, AT, null, null);
    run.run('r-4', 2, 0, 1, 'failed', null, null, 'boom', 0, AT, null, AT);
    db.prepare(
      `INSERT INTO epoch_metrics (run_id, epoch, train_loss, seconds, elapsed_seconds, probe_ms, nan_mask) VALUES (?, ?, ?, 0.5, 1, 2, ?)`,
    ).run(2, 1, null, 1);
    db.prepare(
      `INSERT INTO layer_metrics (run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
         pre_act_mean, pre_act_std, hist_lo, hist_hi, hist_counts, dead_mask)
       VALUES (2, 1, 0, 3, 0.25, 0.5, 0, -1, 1, -2, 2, ?, x'05')`,
    ).run(Buffer.alloc(16));
    db.prepare(
      `INSERT INTO run_artifacts (run_id, model_topology_json, weight_specs_json, weight_data, probe_indices_json, probe_inputs, input_size)
       VALUES (1, '{}', '[]', x'00', '[0]', x'0000803f', 1)`,
    ).run();
    db.prepare(`INSERT INTO comparisons (uid, name, spec_json, created_at, updated_at) VALUES ('c-1', 'c', '{}', ?, ?)`).run(AT, AT);
  } finally {
    db.close();
  }
  return file;
}

function rows(db: Database.Database, table: string): Record<string, unknown>[] {
  const order = table === 'epoch_metrics' ? 'run_id, epoch' : table === 'layer_metrics' ? 'run_id, epoch, layer' : table === 'run_leases' ? 'owner_id' : 'rowid';
  return db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[];
}

describe('migration 3 (run leases)', () => {
  it('adds the lease table and runs.owner_id, and changes no existing row', () => {
    const file = versionTwoFile();
    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      const before = Object.fromEntries(TABLES.map((t) => [t, rows(db, t)]));
      expect(before.runs).toHaveLength(4);

      expect(migrate(db)).toBe(2);
      expect(db.pragma('user_version', { simple: true })).toBe(3);
      expect(LATEST_SCHEMA_VERSION).toBe(3);

      for (const table of TABLES) {
        const after = rows(db, table);
        if (table === 'runs') {
          expect(after.map(({ owner_id, ...rest }) => [owner_id, rest])).toEqual(before.runs.map((r) => [null, r]));
        } else {
          expect(after).toEqual(before[table]);
        }
      }
      expect(db.prepare(`SELECT strict, wr FROM pragma_table_list WHERE name = 'run_leases'`).get()).toEqual({ strict: 1, wr: 1 });
      expect(db.prepare(`SELECT name FROM pragma_table_info('run_leases') ORDER BY cid`).pluck().all()).toEqual([
        'owner_id',
        'pid',
        'host',
        'started_at',
        'renewed_at',
        'expires_at',
      ]);
      expect(rows(db, 'run_leases')).toEqual([]);
      expect(db.prepare(`SELECT name FROM pragma_index_list('runs') WHERE name = 'runs_owner'`).pluck().get()).toBe('runs_owner');
      // STRICT and its checks hold for new rows.
      const insert = db.prepare(`INSERT INTO run_leases VALUES (?, ?, 'h', ?, ?, ?)`);
      expect(() => insert.run('o', 'x', AT, AT, AT)).toThrow(/cannot store TEXT value in INTEGER column/);
      expect(() => insert.run('o', 1, AT, AT, '2000-01-01T00:00:00.000Z')).toThrow(/CHECK constraint failed/);
      expect(db.prepare(`PRAGMA foreign_key_check`).all()).toEqual([]);
      expect(db.prepare(`PRAGMA integrity_check`).pluck().get()).toBe('ok');
      expect(migrate(db)).toBe(3);
    } finally {
      db.close();
    }
  });

  it('opened by LabStore: runs left queued or running without a lease become interrupted, the rest stays', () => {
    const file = versionTwoFile();
    const store = LabStore.open(file);
    try {
      expect(sqlValue(store, 'PRAGMA user_version')).toBe(3);
      expect(store.listRuns().map((r) => [r.status, r.error])).toEqual([
        ['completed', null],
        ['interrupted', ORPHANED_RUN_ERROR],
        ['interrupted', ORPHANED_QUEUED_ERROR],
        ['failed', 'boom'],
      ]);
      expect(store.getRunMetrics(2)).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
