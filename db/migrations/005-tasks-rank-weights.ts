/**
 * Schema version 5: the task of an epoch, and each layer's effective rank and weight magnitude.
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * - `epoch_metrics.task`: the 0-based task an epoch trained on in a task sequence
 *   (`training.tasks`); NULL for runs without one and for rows stored before this version.
 * - `layer_metrics.effective_rank` and `layer_metrics.weight_magnitude`: NULL for rows stored
 *   before this version (no value, not NaN: their bits are never set for them).
 * - Their nan_mask bits follow migration 001's. Bit layout, in column order:
 *     epoch_metrics: 7 task
 *     layer_metrics: 8 effective_rank, 9 weight_magnitude
 * - The covering index of the layer series is rebuilt with the new columns, so the charts' series
 *   query still never reads the table rows and their blobs.
 */
import type { Database } from 'better-sqlite3';

export function updateToSchemaVersion5(db: Database): void {
  db.exec(`
    ALTER TABLE epoch_metrics ADD COLUMN task REAL CHECK (task IS NULL OR task >= 0);
    ALTER TABLE layer_metrics ADD COLUMN effective_rank REAL;
    ALTER TABLE layer_metrics ADD COLUMN weight_magnitude REAL;

    DROP INDEX layer_metrics_series;
    CREATE INDEX layer_metrics_series ON layer_metrics (
      run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
      grad_norm, pre_act_mean, pre_act_std, effective_rank, weight_magnitude, nan_mask
    );
  `);
}
