/**
 * Schema version 3: run ownership by lease.
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * A process id alone cannot tell a live run from an orphan (PID 1 in a container is always alive,
 * a process in another PID namespace sees live runs as dead, pids are reused). Instead every lab
 * process that owns queued or running runs holds a lease: a row in `run_leases` with a random owner
 * id, renewed on a timer while it owns runs, and an expiry. Runs name their owner in
 * `runs.owner_id`. Another process marks a queued or running run interrupted only when its owner's
 * lease has expired (or is gone). `runs.owner_pid` stays, for people reading the table.
 *
 * - `run_leases.expires_at`, `renewed_at`, `started_at`: ISO-8601 UTC text like every timestamp of
 *   the schema (`Date.prototype.toISOString`, which compares correctly as text). Each lease carries
 *   its own expiry, so processes may use different lease durations.
 * - `runs.owner_id` has no foreign key: a lease row is deleted when its process closes the database
 *   or when another process finds it expired, and a missing lease counts as expired.
 * Existing queued and running runs get no owner: the next open finds them without a live lease.
 */
import type { Database } from 'better-sqlite3';

export function updateToSchemaVersion3(db: Database): void {
  db.exec(`
    CREATE TABLE run_leases (
      owner_id   TEXT PRIMARY KEY CHECK (length(owner_id) BETWEEN 1 AND 100),
      -- Informative only (shown to people): never used to decide whether the owner is alive.
      pid        INTEGER NOT NULL,
      host       TEXT NOT NULL,
      started_at TEXT NOT NULL,
      renewed_at TEXT NOT NULL,
      expires_at TEXT NOT NULL CHECK (expires_at >= renewed_at)
    ) STRICT, WITHOUT ROWID;

    ALTER TABLE runs ADD COLUMN owner_id TEXT;

    -- Serves the owner's heartbeat (its runs) and the orphan check.
    CREATE INDEX runs_owner ON runs (owner_id) WHERE owner_id IS NOT NULL;
  `);
}
