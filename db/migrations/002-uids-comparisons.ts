/**
 * Schema version 2: stable, globally unique ids for experiments and runs, and saved comparisons.
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * - `experiments.uid` and `runs.uid`: a UUID v4 (`crypto.randomUUID`, lower-case text), given on
 *   insert and never changed. Autoincrement ids are local to one database file; uids survive export
 *   and import (bundles), so importing the same bundle twice can recognize what is already there.
 *   Existing rows are backfilled here, each with its own fresh uid.
 *   SQLite's ALTER TABLE cannot add a NOT NULL or UNIQUE column, and rebuilding the tables would
 *   cascade-delete their children (foreign keys are on during migrations), so instead: a UNIQUE index,
 *   and triggers that reject a missing uid on insert and any change of a uid on update.
 * - `comparisons`: a comparison spec (shared/compare.ts) saved under a unique name.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';

/** Tables that get a uid. Fixed names, never user input. */
const UID_TABLES = ['experiments', 'runs'] as const;

export function updateToSchemaVersion2(db: Database): void {
  for (const table of UID_TABLES) {
    db.exec(`ALTER TABLE ${table} ADD COLUMN uid TEXT`);
    const ids = db.prepare(`SELECT id FROM ${table} WHERE uid IS NULL ORDER BY id`).pluck().all() as number[];
    const setUid = db.prepare(`UPDATE ${table} SET uid = ? WHERE id = ?`);
    for (const id of ids) setUid.run(randomUUID(), id);
    db.exec(`
      CREATE UNIQUE INDEX ${table}_uid ON ${table} (uid);

      CREATE TRIGGER ${table}_uid_required BEFORE INSERT ON ${table}
      WHEN NEW.uid IS NULL OR NEW.uid = ''
      BEGIN
        SELECT RAISE(ABORT, 'NOT NULL constraint failed: ${table}.uid');
      END;

      CREATE TRIGGER ${table}_uid_stable BEFORE UPDATE OF uid ON ${table}
      WHEN NEW.uid IS NOT OLD.uid
      BEGIN
        SELECT RAISE(ABORT, '${table}.uid cannot change');
      END;
    `);
  }

  db.exec(`
    CREATE TABLE comparisons (
      id         INTEGER PRIMARY KEY AUTOINCREMENT,
      uid        TEXT NOT NULL UNIQUE,
      name       TEXT NOT NULL UNIQUE,
      -- A ComparisonSpec as validated by comparisonSpecSchema (defaults filled in).
      spec_json  TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) STRICT;
  `);
}
