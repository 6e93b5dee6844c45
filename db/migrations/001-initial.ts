/**
 * Schema version 1: experiments, their runs, per-epoch and per-layer metrics, and run artifacts.
 *
 * Frozen once released: later changes go in a new migration file, never here.
 *
 * Conventions:
 * - Every table is STRICT, so a wrong type is an error instead of being silently stored.
 * - Timestamps are ISO-8601 UTC text (`Date.prototype.toISOString`), which sorts chronologically.
 * - JSON columns end in `_json`, binary columns are little-endian typed-array bytes.
 * - SQLite stores a NaN REAL as NULL. Diverging runs produce NaN losses and statistics, so the metric
 *   tables carry a `nan_mask`: bit i set means field i was NaN (its column then holds NULL). ±Infinity
 *   is stored natively. Bit layout, in column order:
 *     epoch_metrics: 0 train_loss, 1 train_accuracy, 2 val_loss, 3 val_accuracy, 4 seconds,
 *                    5 elapsed_seconds, 6 probe_ms
 *     layer_metrics: 0 dead_fraction, 1 active_probability, 2 dormant_fraction, 3 grad_norm,
 *                    4 pre_act_mean, 5 pre_act_std, 6 hist_lo, 7 hist_hi
 */
import type { Database } from 'better-sqlite3';

export function updateToSchemaVersion1(db: Database): void {
  db.exec(`
    -- AUTOINCREMENT: ids are shown to users and used on the command line, so a deleted
    -- experiment's or run's id must never be handed out again.
    CREATE TABLE experiments (
      id          INTEGER PRIMARY KEY AUTOINCREMENT,
      name        TEXT NOT NULL,
      config_json TEXT NOT NULL,
      notes       TEXT NOT NULL DEFAULT '',
      tags_json   TEXT NOT NULL DEFAULT '[]',
      created_at  TEXT NOT NULL,
      updated_at  TEXT NOT NULL
    ) STRICT;

    CREATE INDEX experiments_created ON experiments (created_at);

    CREATE TABLE runs (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      experiment_id INTEGER NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
      run_index     INTEGER NOT NULL,
      name          TEXT,
      notes         TEXT NOT NULL DEFAULT '',
      tags_json     TEXT NOT NULL DEFAULT '[]',
      seed          INTEGER NOT NULL,
      sweep_json    TEXT NOT NULL,
      config_json   TEXT NOT NULL,
      status        TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted')),
      backend       TEXT,
      versions_json TEXT,
      -- Process training the run, so another process can tell a live run from an orphan.
      owner_pid     INTEGER,
      error         TEXT,
      epochs_done   INTEGER NOT NULL DEFAULT 0,
      epochs_total  INTEGER NOT NULL,
      created_at    TEXT NOT NULL,
      started_at    TEXT,
      finished_at   TEXT
    ) STRICT;

    -- Serves listing an experiment's runs in order and the cascade from experiments.
    CREATE UNIQUE INDEX runs_experiment_index ON runs (experiment_id, run_index);
    -- Serves the orphan check at open and cancelling queued runs.
    CREATE INDEX runs_status ON runs (status);

    -- Small rows read as a series: WITHOUT ROWID keeps them clustered by (run, epoch).
    CREATE TABLE epoch_metrics (
      run_id          INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      epoch           INTEGER NOT NULL CHECK (epoch >= 0),
      train_loss      REAL CHECK (train_loss IS NOT NULL OR nan_mask & 1),
      train_accuracy  REAL,
      val_loss        REAL,
      val_accuracy    REAL,
      seconds         REAL CHECK (seconds IS NOT NULL OR nan_mask & 16),
      elapsed_seconds REAL CHECK (elapsed_seconds IS NOT NULL OR nan_mask & 32),
      probe_ms        REAL CHECK (probe_ms IS NOT NULL OR nan_mask & 64),
      nan_mask        INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (run_id, epoch)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE layer_metrics (
      run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      epoch              INTEGER NOT NULL,
      layer              INTEGER NOT NULL CHECK (layer >= 0),
      units              INTEGER NOT NULL CHECK (units >= 0),
      dead_fraction      REAL CHECK (dead_fraction IS NOT NULL OR nan_mask & 1),
      active_probability REAL CHECK (active_probability IS NOT NULL OR nan_mask & 2),
      dormant_fraction   REAL CHECK (dormant_fraction IS NOT NULL OR nan_mask & 4),
      grad_norm          REAL,
      pre_act_mean       REAL CHECK (pre_act_mean IS NOT NULL OR nan_mask & 16),
      pre_act_std        REAL CHECK (pre_act_std IS NOT NULL OR nan_mask & 32),
      hist_lo            REAL CHECK (hist_lo IS NOT NULL OR nan_mask & 64),
      hist_hi            REAL CHECK (hist_hi IS NOT NULL OR nan_mask & 128),
      nan_mask           INTEGER NOT NULL DEFAULT 0,
      -- float64 per bin, so any count (even a fractional one) round-trips exactly.
      hist_counts        BLOB NOT NULL,
      -- One bit per unit, unit i in bit (i % 8) of byte floor(i / 8); 1 = dead.
      dead_mask          BLOB NOT NULL,
      -- float32 per unit; NULL for activations other than PReLU.
      prelu_alphas       BLOB,
      PRIMARY KEY (run_id, epoch, layer),
      -- Layer rows belong to their epoch row: replacing or deleting an epoch removes its layers.
      FOREIGN KEY (run_id, epoch) REFERENCES epoch_metrics (run_id, epoch) ON DELETE CASCADE
    ) STRICT;

    -- Covering index for the layer series (all layers of some runs over all epochs): the charts
    -- read only these columns, so the query never touches the table rows and their blobs.
    CREATE INDEX layer_metrics_series ON layer_metrics (
      run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
      grad_norm, pre_act_mean, pre_act_std, nan_mask
    );

    CREATE TABLE run_artifacts (
      run_id              INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
      model_topology_json TEXT NOT NULL,
      weight_specs_json   TEXT NOT NULL,
      weight_data         BLOB NOT NULL,
      probe_indices_json  TEXT NOT NULL,
      -- float32, row-major, probe count x input_size.
      probe_inputs        BLOB NOT NULL,
      input_size          INTEGER NOT NULL CHECK (input_size >= 0)
    ) STRICT;
  `);
}
