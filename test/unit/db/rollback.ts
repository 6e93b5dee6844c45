/**
 * Undoing later migrations on a file the store created at the latest schema, so a migration's test can
 * start from the schema version before it with real rows in it (SQLite drops a column only when no
 * index uses it, hence the index rebuilt as migration 001 had it).
 */
import type Database from 'better-sqlite3';

/** Schema 6 → 5: the units-reset column. */
export function undoMigration6(db: Database.Database): void {
  db.exec(`
    DROP INDEX layer_metrics_series;
    ALTER TABLE layer_metrics DROP COLUMN units_reset;
    CREATE INDEX layer_metrics_series ON layer_metrics (
      run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
      grad_norm, pre_act_mean, pre_act_std, effective_rank, weight_magnitude, nan_mask
    );
    PRAGMA user_version = 5;
  `);
}

/** Schema 5 → 4: the task, effective rank and weight magnitude columns (after undoMigration6). */
export function undoMigration5(db: Database.Database): void {
  db.exec(`
    DROP INDEX layer_metrics_series;
    ALTER TABLE layer_metrics DROP COLUMN effective_rank;
    ALTER TABLE layer_metrics DROP COLUMN weight_magnitude;
    ALTER TABLE epoch_metrics DROP COLUMN task;
    CREATE INDEX layer_metrics_series ON layer_metrics (
      run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
      grad_norm, pre_act_mean, pre_act_std, nan_mask
    );
    PRAGMA user_version = 4;
  `);
}
