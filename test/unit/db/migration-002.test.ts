import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from '../../../db/migrations/001-initial.js';
import { LATEST_SCHEMA_VERSION, migrate } from '../../../db/migrations/index.js';
import { LabStore } from '../../../db/store.js';
import { sqlValue, withConnection } from './connection.js';
import { openStore, sampleRuns, tempDir } from './helpers.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TABLES = ['experiments', 'runs', 'epoch_metrics', 'layer_metrics', 'run_artifacts'] as const;

/** A schema-version-1 file with a few rows in every table, written as version 1 of the app did. */
function versionOneFile(): string {
  const file = path.join(tempDir(), 'v1.sqlite');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    updateToSchemaVersion1(db);
    db.pragma('user_version = 1');
    const at = '2024-05-01T10:00:00.000Z';
    const experiment = db.prepare(
      `INSERT INTO experiments (name, config_json, notes, tags_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    experiment.run('first', '{"seeds":[1]}', 'n', '["a"]', at, at);
    experiment.run('second', '{}', '', '[]', at, '2024-05-02T00:00:00.000Z');
    experiment.run('third', '{"x":null}', '', '[]', at, at);
    db.prepare(`DELETE FROM experiments WHERE id = 3`).run(); // a gap in the ids
    const run = db.prepare(
      `INSERT INTO runs (experiment_id, run_index, name, seed, sweep_json, config_json, status, backend, owner_pid, error,
         epochs_done, epochs_total, created_at, started_at, finished_at)
       VALUES (?, ?, ?, ?, '{}', '{}', ?, ?, ?, ?, ?, 3, ?, ?, ?)`,
    );
    run.run(1, 0, 'lucky', 1, 'completed', 'cpu', null, null, 1, at, at, at);
    run.run(1, 1, null, 2, 'running', 'wasm', 4242, null, 0, at, at, null);
    run.run(2, 0, null, 1, 'failed', null, null, 'boom', 0, at, null, at);
    db.prepare(
      `INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_accuracy, seconds, elapsed_seconds, probe_ms, nan_mask)
       VALUES (1, ?, ?, NULL, 0.5, 1, 2, ?)`,
    ).run(0, null, 1);
    db.prepare(
      `INSERT INTO epoch_metrics (run_id, epoch, train_loss, seconds, elapsed_seconds, probe_ms) VALUES (1, 1, ?, 0.5, 1.5, 2)`,
    ).run(Infinity);
    db.prepare(
      `INSERT INTO layer_metrics (run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
         pre_act_mean, pre_act_std, hist_lo, hist_hi, hist_counts, dead_mask, prelu_alphas)
       VALUES (1, 1, 0, 3, 0.25, 0.5, 0, -1, 1, ?, 2, ?, x'05', ?)`,
    ).run(-Infinity, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), Buffer.from([0, 0, 128, 62]));
    db.prepare(
      `INSERT INTO run_artifacts (run_id, model_topology_json, weight_specs_json, weight_data, probe_indices_json, probe_inputs, input_size)
       VALUES (1, '{}', '[]', ?, '[0]', x'0000803f', 1)`,
    ).run(Buffer.from([9, 8, 7]));
  } finally {
    db.close();
  }
  return file;
}

function allRows(db: Database.Database, table: string): Record<string, unknown>[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all() as Record<string, unknown>[];
}

function allRowsWithoutRowid(db: Database.Database, table: string): Record<string, unknown>[] {
  // epoch_metrics is WITHOUT ROWID: order by its primary key instead.
  const order = table === 'epoch_metrics' ? 'run_id, epoch' : 'rowid';
  return db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[];
}

describe('migration 2 (uids, saved comparisons)', () => {
  it('gives every existing experiment and run its own uid and changes nothing else', () => {
    const file = versionOneFile();
    const before = new Database(file, { readonly: true });
    const snapshot = Object.fromEntries(TABLES.map((t) => [t, allRowsWithoutRowid(before, t)]));
    const sequence = before.prepare(`SELECT * FROM sqlite_sequence ORDER BY name`).all();
    before.close();
    expect(snapshot.experiments).toHaveLength(2);
    expect(snapshot.runs).toHaveLength(3);

    // Opening through LabStore migrates (and marks the orphaned running run as interrupted, as for
    // any file): check the migration itself on a raw connection first.
    const db = new Database(file);
    try {
      db.pragma('foreign_keys = ON');
      expect(migrate(db, 2)).toBe(1);
      expect(db.pragma('user_version', { simple: true })).toBe(2);

      const uids: string[] = [];
      for (const table of ['experiments', 'runs']) {
        const rows = allRows(db, table);
        expect(rows.map(({ uid: _uid, ...rest }) => rest)).toEqual(snapshot[table]);
        for (const row of rows) {
          expect(row.uid).toMatch(UUID_V4);
          uids.push(row.uid as string);
        }
      }
      expect(new Set(uids).size).toBe(5);
      for (const table of ['epoch_metrics', 'layer_metrics', 'run_artifacts']) {
        expect(allRowsWithoutRowid(db, table)).toEqual(snapshot[table]);
      }
      expect(db.prepare(`SELECT * FROM sqlite_sequence WHERE name != 'comparisons' ORDER BY name`).all()).toEqual(sequence);

      // The new table, STRICT and empty.
      expect(db.prepare(`SELECT strict FROM pragma_table_list WHERE name = 'comparisons'`).pluck().get()).toBe(1);
      expect(db.prepare(`SELECT name FROM pragma_table_info('comparisons') ORDER BY cid`).pluck().all()).toEqual([
        'id',
        'uid',
        'name',
        'spec_json',
        'created_at',
        'updated_at',
      ]);
      expect(allRows(db, 'comparisons')).toEqual([]);
      expect(db.prepare(`PRAGMA foreign_key_check`).all()).toEqual([]);
      expect(db.prepare(`PRAGMA integrity_check`).pluck().get()).toBe('ok');
      expect(migrate(db, 2)).toBe(2);
    } finally {
      db.close();
    }

    // The uids are kept as they are across reopening.
    const store = openStore(file);
    const uidsAfter = withConnection(store, (db) => db.prepare(`SELECT uid FROM experiments UNION ALL SELECT uid FROM runs`).pluck().all());
    expect(uidsAfter).toHaveLength(5);
    expect(new Set(uidsAfter).size).toBe(5);
  });

  it('requires a uid, keeps it unique and stable', () => {
    const store = openStore();
    withConnection(store, (db) => {
      const at = '2024-01-01T00:00:00.000Z';
      const insert = db.prepare(`INSERT INTO experiments (uid, name, config_json, created_at, updated_at) VALUES (?, 'e', '{}', ?, ?)`);
      expect(() => insert.run(null, at, at)).toThrow(/NOT NULL constraint failed: experiments.uid/);
      expect(() => insert.run('', at, at)).toThrow(/NOT NULL constraint failed: experiments.uid/);
      expect(() => insert.run(Buffer.from('u'), at, at)).toThrow(/cannot store BLOB value in TEXT column experiments.uid/);
      insert.run('u-1', at, at);
      expect(() => insert.run('u-1', at, at)).toThrow(/UNIQUE constraint failed: experiments.uid/);
      expect(() => db.prepare(`UPDATE experiments SET uid = 'u-2'`).run()).toThrow(/experiments.uid cannot change/);
      expect(() => db.prepare(`UPDATE experiments SET uid = NULL`).run()).toThrow(/experiments.uid cannot change/);
      // Other updates still work.
      db.prepare(`UPDATE experiments SET name = 'renamed', uid = uid`).run();

      const insertRun = db.prepare(
        `INSERT INTO runs (uid, experiment_id, run_index, seed, sweep_json, config_json, status, epochs_total, created_at)
         VALUES (?, 1, ?, 1, '{}', '{}', 'queued', 1, ?)`,
      );
      expect(() => insertRun.run(null, 0, at)).toThrow(/NOT NULL constraint failed: runs.uid/);
      insertRun.run('r-1', 0, at);
      expect(() => insertRun.run('r-1', 1, at)).toThrow(/UNIQUE constraint failed: runs.uid/);
      expect(() => db.prepare(`UPDATE runs SET uid = 'r-2'`).run()).toThrow(/runs.uid cannot change/);
    });
  });

  it('gives new experiments and runs a fresh UUID v4 each', () => {
    const store = openStore();
    const a = store.createExperiment({ name: 'a', config: {}, runs: sampleRuns() });
    const b = store.createExperiment({ name: 'b', config: {}, runs: sampleRuns() });
    const uids = withConnection(store, (db) => db.prepare(`SELECT uid FROM experiments UNION ALL SELECT uid FROM runs`).pluck().all() as string[]);
    expect(uids).toHaveLength(2 + a.runIds.length + b.runIds.length);
    for (const uid of uids) expect(uid).toMatch(UUID_V4);
    expect(new Set(uids).size).toBe(uids.length);
    // Updates keep them.
    store.updateExperiment(a.experimentId, { name: 'renamed', tags: ['x'] });
    store.updateRun(a.runIds[0], { name: 'r', notes: 'n' });
    store.finishRun(a.runIds[0], 'completed');
    expect(withConnection(store, (db) => db.prepare(`SELECT uid FROM experiments UNION ALL SELECT uid FROM runs`).pluck().all())).toEqual(uids);
  });

  it('migrates a version-1 file opened by LabStore', () => {
    const file = versionOneFile();
    const store = LabStore.open(file);
    try {
      expect(sqlValue(store, 'PRAGMA user_version')).toBe(LATEST_SCHEMA_VERSION);
      expect(store.listExperiments().map((e) => e.name).sort()).toEqual(['first', 'second']);
      expect(sqlValue(store, `SELECT COUNT(*) FROM runs WHERE uid IS NULL`)).toBe(0);
    } finally {
      store.close();
    }
  });
});
