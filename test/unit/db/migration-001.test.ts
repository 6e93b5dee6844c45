import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { updateToSchemaVersion1 } from '../../../db/migrations/001-initial.js';
import { LATEST_SCHEMA_VERSION, migrate } from '../../../db/migrations/index.js';
import { tempDir } from './helpers.js';

function freshDb(): Database.Database {
  const db = new Database(path.join(tempDir(), 'm1.sqlite'));
  db.pragma('foreign_keys = ON');
  return db;
}

describe('migration 1 (initial schema)', () => {
  it('creates the STRICT tables', () => {
    const db = freshDb();
    try {
      updateToSchemaVersion1(db);
      const tables = db
        .prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
        .all();
      expect(tables).toEqual([
        { name: 'epoch_metrics', strict: 1 },
        { name: 'experiments', strict: 1 },
        { name: 'layer_metrics', strict: 1 },
        { name: 'run_artifacts', strict: 1 },
        { name: 'runs', strict: 1 },
      ]);
      const indexes = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`).pluck().all();
      expect(indexes).toEqual(['experiments_created', 'layer_metrics_series', 'runs_experiment_index', 'runs_status']);
    } finally {
      db.close();
    }
  });

  it('migrate() takes a new file to the latest version, then does nothing', () => {
    const db = new Database(path.join(tempDir(), 'fresh.sqlite'));
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(0);
      expect(migrate(db)).toBe(0);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      // Applying again is a no-op.
      expect(migrate(db)).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      db.close();
    }
  });

  it('rejects values of the wrong type, unknown statuses and orphan rows', () => {
    const db = freshDb();
    try {
      updateToSchemaVersion1(db);
      const at = '2024-01-01T00:00:00.000Z';
      db.prepare(`INSERT INTO experiments (name, config_json, created_at, updated_at) VALUES ('e', '{}', ?, ?)`).run(at, at);
      const insertRun = db.prepare(
        `INSERT INTO runs (experiment_id, run_index, seed, sweep_json, config_json, status, epochs_total, created_at)
         VALUES (?, ?, ?, '{}', '{}', ?, 3, ?)`,
      );
      expect(() => insertRun.run(1, 0, 'not a number', 'queued', at)).toThrow(/cannot store TEXT value in INTEGER column runs.seed/);
      expect(() => insertRun.run(1, 0, 1.5, 'queued', at)).toThrow(/cannot store REAL value in INTEGER column/);
      expect(() => insertRun.run(1, 0, 1, 'paused', at)).toThrow(/CHECK constraint failed/);
      expect(() => insertRun.run(99, 0, 1, 'queued', at)).toThrow(/FOREIGN KEY constraint failed/);
      insertRun.run(1, 0, 1, 'queued', at);
      expect(() => insertRun.run(1, 0, 2, 'queued', at)).toThrow(/UNIQUE constraint failed/);
      expect(() =>
        db.prepare(`INSERT INTO epoch_metrics (run_id, epoch, train_loss, seconds, elapsed_seconds, probe_ms) VALUES (1, 0, 'x', 0, 0, 0)`).run(),
      ).toThrow(/cannot store TEXT value in REAL column/);
      // A NULL required metric is only allowed when its nan_mask bit says it was NaN.
      expect(() =>
        db.prepare(`INSERT INTO epoch_metrics (run_id, epoch, train_loss, seconds, elapsed_seconds, probe_ms) VALUES (1, 0, NULL, 0, 0, 0)`).run(),
      ).toThrow(/CHECK constraint failed/);
      db.prepare(`INSERT INTO epoch_metrics (run_id, epoch, train_loss, seconds, elapsed_seconds, probe_ms, nan_mask) VALUES (1, 0, NULL, 0, 0, 0, 1)`).run();
      // Layer rows need their epoch row.
      const insertLayer = db.prepare(
        `INSERT INTO layer_metrics (run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
           pre_act_mean, pre_act_std, hist_lo, hist_hi, hist_counts, dead_mask)
         VALUES (1, ?, 0, 4, 0, 0, 0, 0, 1, -1, 1, x'', x'00')`,
      );
      expect(() => insertLayer.run(5)).toThrow(/FOREIGN KEY constraint failed/);
      insertLayer.run(0);
    } finally {
      db.close();
    }
  });
});
