/**
 * Schema version 6: the layer metric `unitsReset`, the number of a hidden layer's units that ReDo or
 * continual backprop re-initialized during the epoch (NULL for runs without such an intervention, and
 * for every row written before it existed).
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * `units_reset` is a REAL metric column, so it takes the next `nan_mask` bit of `layer_metrics` (the
 * bit of a field is its place among the scope's REAL fields in shared/metric-fields.ts). Existing rows
 * keep NULL with the bit clear: no value, not NaN. It is a series field, so the covering index the
 * layer series are read from (layer_metrics_series, migrations 001 and 005) is rebuilt with it.
 *
 * NaN-mask bits appended, in column order:
 *     layer_metrics: 10 units_reset
 */
import type { Database } from 'better-sqlite3';

export function updateToSchemaVersion6(db: Database): void {
  db.exec(`
    ALTER TABLE layer_metrics ADD COLUMN units_reset REAL;

    DROP INDEX layer_metrics_series;
    CREATE INDEX layer_metrics_series ON layer_metrics (
      run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
      grad_norm, pre_act_mean, pre_act_std, effective_rank, weight_magnitude, units_reset, nan_mask
    );
  `);
}
