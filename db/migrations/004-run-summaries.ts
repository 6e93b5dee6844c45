/**
 * Schema version 4: per-run summaries for the runs table.
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * The runs table sorts and filters thousands of runs by summary metrics (final, smallest and largest
 * dead fraction, final loss …). Computing them from `layer_metrics` on every page request reads every
 * epoch of every run (10,000 runs × 50 epochs × 3 layers = 1.5 million rows), so they are kept per run,
 * updated by the store in the transaction that records an epoch (db/run-summaries.ts). Existing runs
 * are summarized when the file is next opened for writing (the store fills in every run whose summary
 * is missing or behind its last epoch), so this migration only creates the tables.
 *
 * - `run_summaries`: one row per run with at least one measured epoch. `epoch` is its last measured
 *   epoch, `layers` its hidden layers there. `final_*`: values at that epoch; `min_train_loss`: the
 *   smallest finite training loss; `final_dead`, `min_dead`, `max_dead`: the mean over hidden layers of
 *   the dead fraction at the last epoch, and its smallest and largest finite value over the epochs.
 * - `run_layer_summaries`: the same three dead-fraction values for each hidden layer.
 * - NaN is stored as NULL with its bit set in `nan_mask`, as in the metric tables, bit i for the i-th
 *   REAL column in table order: run_summaries 0 final_train_loss, 1 final_val_loss,
 *   2 final_train_accuracy, 3 final_val_accuracy, 4 min_train_loss, 5 final_dead, 6 min_dead,
 *   7 max_dead; run_layer_summaries 0 final_dead, 1 min_dead, 2 max_dead.
 */
import type { Database } from 'better-sqlite3';

export function updateToSchemaVersion4(db: Database): void {
  db.exec(`
    CREATE TABLE run_summaries (
      run_id               INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      epoch                INTEGER NOT NULL CHECK (epoch >= 0),
      layers               INTEGER NOT NULL CHECK (layers >= 0),
      final_train_loss     REAL,
      final_val_loss       REAL,
      final_train_accuracy REAL,
      final_val_accuracy   REAL,
      min_train_loss       REAL,
      final_dead           REAL,
      min_dead             REAL,
      max_dead             REAL,
      nan_mask             INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE run_layer_summaries (
      run_id     INTEGER NOT NULL REFERENCES run_summaries (run_id) ON DELETE CASCADE,
      layer      INTEGER NOT NULL CHECK (layer >= 0),
      final_dead REAL,
      min_dead   REAL,
      max_dead   REAL,
      nan_mask   INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (run_id, layer)
    ) STRICT, WITHOUT ROWID;
  `);
}
