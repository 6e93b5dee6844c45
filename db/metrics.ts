/**
 * Per-epoch and per-layer metrics: recording a measurement point in one transaction, and reading a
 * run's metrics, the series the charts draw and every run's last epoch.
 */
import Database from 'better-sqlite3';
import type { EpochMetrics, LayerMetrics } from '../shared/metrics.js';
import { blobToFloat32, blobToNumbers, float32ToBlob, float64ToBlob, packMask, unpackMask } from './blobs.js';
import type { RunRepository } from './runs.js';
import { prepare } from './sql.js';

/** One hidden layer of one run at one epoch, without the per-unit data (for charts). */
export interface LayerSeriesRow
  extends Pick<LayerMetrics, 'layer' | 'units' | 'deadFraction' | 'activeProbability' | 'dormantFraction' | 'gradNorm' | 'preActMean' | 'preActStd'> {
  runId: number;
  epoch: number;
}

/** The scalar metrics of one run at one epoch (for charts). */
export interface EpochSeriesRow extends Omit<EpochMetrics, 'layers'> {
  runId: number;
}

/** A run's last recorded epoch, with the dead fraction of each hidden layer at that epoch. */
export interface LastEpochRow extends EpochSeriesRow {
  /** Indexed by layer. */
  deadFractions: number[];
}

interface EpochRow {
  run_id: number;
  epoch: number;
  train_loss: number | null;
  train_accuracy: number | null;
  val_loss: number | null;
  val_accuracy: number | null;
  seconds: number | null;
  elapsed_seconds: number | null;
  probe_ms: number | null;
  nan_mask: number;
}

interface LayerSeriesDbRow {
  run_id: number;
  epoch: number;
  layer: number;
  units: number;
  dead_fraction: number | null;
  active_probability: number | null;
  dormant_fraction: number | null;
  grad_norm: number | null;
  pre_act_mean: number | null;
  pre_act_std: number | null;
  nan_mask: number;
}

interface LayerRow extends LayerSeriesDbRow {
  hist_lo: number | null;
  hist_hi: number | null;
  hist_counts: Buffer;
  dead_mask: Buffer;
  prelu_alphas: Buffer | null;
}

interface LastLayerDbRow {
  run_id: number;
  layer: number;
  dead_fraction: number | null;
  nan_mask: number;
}

// SQLite turns a NaN REAL into NULL, so NaN fields are stored as NULL with their bit set in the
// row's nan_mask (bit layout in migrations/001-initial.ts); ±Infinity is stored as is.

function encodeReals(values: readonly (number | null | undefined)[]): { reals: (number | null)[]; nanMask: number } {
  let nanMask = 0;
  const reals = values.map((value, bit) => {
    if (typeof value === 'number' && Number.isNaN(value)) {
      nanMask |= 1 << bit;
      return null;
    }
    // undefined becomes NULL: the table's CHECK constraints reject it for required fields.
    return value ?? null;
  });
  return { reals, nanMask };
}

function decodeReal(value: number | null, nanMask: number, bit: number): number | null {
  if (value !== null) return value;
  return nanMask & (1 << bit) ? NaN : null;
}

/** For NOT NULL fields: NULL can only mean NaN here (the schema's CHECK ensures it). */
function decodeRequired(value: number | null, nanMask: number, bit: number): number {
  return decodeReal(value, nanMask, bit) ?? NaN;
}

function epochFromRow(row: EpochRow): Omit<EpochMetrics, 'layers'> {
  const m = row.nan_mask;
  return {
    epoch: row.epoch,
    trainLoss: decodeRequired(row.train_loss, m, 0),
    trainAccuracy: decodeReal(row.train_accuracy, m, 1),
    valLoss: decodeReal(row.val_loss, m, 2),
    valAccuracy: decodeReal(row.val_accuracy, m, 3),
    seconds: decodeRequired(row.seconds, m, 4),
    elapsedSeconds: decodeRequired(row.elapsed_seconds, m, 5),
    probeMs: decodeRequired(row.probe_ms, m, 6),
  };
}

function layerSeriesFromRow(row: LayerSeriesDbRow): LayerSeriesRow {
  const m = row.nan_mask;
  return {
    runId: row.run_id,
    epoch: row.epoch,
    layer: row.layer,
    units: row.units,
    deadFraction: decodeRequired(row.dead_fraction, m, 0),
    activeProbability: decodeRequired(row.active_probability, m, 1),
    dormantFraction: decodeRequired(row.dormant_fraction, m, 2),
    gradNorm: decodeReal(row.grad_norm, m, 3),
    preActMean: decodeRequired(row.pre_act_mean, m, 4),
    preActStd: decodeRequired(row.pre_act_std, m, 5),
  };
}

function layerFromRow(row: LayerRow): LayerMetrics {
  const where = `run ${row.run_id}, epoch ${row.epoch}, layer ${row.layer}`;
  const { runId: _r, epoch: _e, ...scalars } = layerSeriesFromRow(row);
  return {
    ...scalars,
    histogram: {
      lo: decodeRequired(row.hist_lo, row.nan_mask, 6),
      hi: decodeRequired(row.hist_hi, row.nan_mask, 7),
      counts: blobToNumbers(row.hist_counts, `${where} histogram`),
    },
    deadMask: unpackMask(row.dead_mask, row.units, where),
    preluAlphas: row.prelu_alphas === null ? null : blobToFloat32(row.prelu_alphas, `${where} PReLU alphas`),
  };
}

// json_each lets one prepared statement take any number of run ids; the covering index
// layer_metrics_series serves both the filter and the order (no sort, no table lookups).
export const LAYER_SERIES_SQL = `SELECT run_id, epoch, layer, units, dead_fraction, active_probability, dormant_fraction,
         grad_norm, pre_act_mean, pre_act_std, nan_mask
       FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?))
       ORDER BY run_id, epoch, layer`;
export const EPOCH_SERIES_SQL = `SELECT * FROM epoch_metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, epoch`;

function prepareStatements(db: Database.Database) {
  return {
    deleteEpoch: prepare<[number, number]>(db, `DELETE FROM epoch_metrics WHERE run_id = ? AND epoch = ?`),
    insertEpoch: prepare(
      db,
      `INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy,
         seconds, elapsed_seconds, probe_ms, nan_mask)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertLayer: prepare(
      db,
      `INSERT INTO layer_metrics (run_id, epoch, layer, units, dead_fraction, active_probability,
         dormant_fraction, grad_norm, pre_act_mean, pre_act_std, hist_lo, hist_hi, nan_mask,
         hist_counts, dead_mask, prelu_alphas)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateEpochsDone: prepare<[number, number]>(
      db,
      `UPDATE runs SET epochs_done = (SELECT COALESCE(MAX(epoch), 0) FROM epoch_metrics WHERE run_id = ?)
       WHERE id = ?`,
    ),
    runEpochs: prepare<[number], EpochRow>(db, `SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`),
    runLayers: prepare<[number], LayerRow>(db, `SELECT * FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`),
    layerSeries: prepare<[string], LayerSeriesDbRow>(db, LAYER_SERIES_SQL),
    epochSeries: prepare<[string], EpochRow>(db, EPOCH_SERIES_SQL),
    // The last recorded epoch of each run and its layers' dead fractions (tables and history views).
    lastEpochsAll: prepare<[], EpochRow>(
      db,
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastEpochs: prepare<[string], EpochRow>(
      db,
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics
             WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastLayersAll: prepare<[], LastLayerDbRow>(
      db,
      `SELECT l.run_id, l.layer, l.dead_fraction, l.nan_mask FROM layer_metrics l
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON l.run_id = m.run_id AND l.epoch = m.epoch
       ORDER BY l.run_id, l.layer`,
    ),
    lastLayers: prepare<[string], LastLayerDbRow>(
      db,
      `SELECT l.run_id, l.layer, l.dead_fraction, l.nan_mask FROM layer_metrics l
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics
             WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id) m
         ON l.run_id = m.run_id AND l.epoch = m.epoch
       ORDER BY l.run_id, l.layer`,
    ),
  };
}

export class MetricsRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly recordTx: (runId: number, metrics: EpochMetrics) => void;

  constructor(
    private readonly db: Database.Database,
    private readonly runs: RunRepository,
  ) {
    this.stmt = prepareStatements(db);
    this.recordTx = db.transaction((runId: number, metrics: EpochMetrics) => {
      this.runs.require(runId);
      const where = `run ${runId}, epoch ${metrics.epoch}`;
      // Rewriting an epoch replaces it; its layer rows go with it (ON DELETE CASCADE).
      this.stmt.deleteEpoch.run(runId, metrics.epoch);
      const e = encodeReals([
        metrics.trainLoss,
        metrics.trainAccuracy,
        metrics.valLoss,
        metrics.valAccuracy,
        metrics.seconds,
        metrics.elapsedSeconds,
        metrics.probeMs,
      ]);
      this.stmt.insertEpoch.run(runId, metrics.epoch, ...e.reals, e.nanMask);
      for (const layer of metrics.layers) {
        const at = `${where}, layer ${layer.layer}`;
        const l = encodeReals([
          layer.deadFraction,
          layer.activeProbability,
          layer.dormantFraction,
          layer.gradNorm,
          layer.preActMean,
          layer.preActStd,
          layer.histogram.lo,
          layer.histogram.hi,
        ]);
        this.stmt.insertLayer.run(
          runId,
          metrics.epoch,
          layer.layer,
          layer.units,
          ...l.reals,
          l.nanMask,
          float64ToBlob(layer.histogram.counts),
          packMask(layer.deadMask, layer.units, at, 'deadMask'),
          layer.preluAlphas ? float32ToBlob(layer.preluAlphas) : null,
        );
      }
      this.stmt.updateEpochsDone.run(runId, runId);
    });
  }

  /**
   * Records one measurement point in a single transaction (epoch row, its layers, the run's
   * epochs_done), so a process killed mid-run loses at most the epoch in flight. Recording the same
   * epoch again replaces it.
   */
  record(runId: number, metrics: EpochMetrics): void {
    try {
      this.recordTx(runId, metrics);
    } catch (error) {
      // SQLite's own messages ("CHECK constraint failed: ...") do not say which run or epoch.
      if (error instanceof Database.SqliteError) {
        throw new Error(`run ${runId}, epoch ${metrics.epoch}: could not record the metrics: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  /** Every recorded epoch of a run, in epoch order, each with its layers in layer order. */
  runMetrics(runId: number): EpochMetrics[] {
    // One read transaction, so a concurrent record cannot slip between the two queries.
    return this.db.transaction(() => {
      this.runs.require(runId);
      const epochs = this.stmt.runEpochs.all(runId).map((row): EpochMetrics => ({ ...epochFromRow(row), layers: [] }));
      const byEpoch = new Map(epochs.map((e) => [e.epoch, e]));
      for (const row of this.stmt.runLayers.all(runId)) byEpoch.get(row.epoch)?.layers.push(layerFromRow(row));
      return epochs;
    }).deferred();
  }

  /**
   * All layers of these runs over all epochs, by run id, epoch, layer. Ids of runs that do not
   * exist (e.g. deleted meanwhile) are skipped.
   */
  layerSeries(runIds: number[]): LayerSeriesRow[] {
    if (runIds.length === 0) return [];
    return this.stmt.layerSeries.all(JSON.stringify(runIds)).map(layerSeriesFromRow);
  }

  /** The scalar metrics of these runs over all epochs, by run id then epoch. Unknown ids are skipped. */
  epochSeries(runIds: number[]): EpochSeriesRow[] {
    if (runIds.length === 0) return [];
    return this.stmt.epochSeries.all(JSON.stringify(runIds)).map((row) => ({ runId: row.run_id, ...epochFromRow(row) }));
  }

  /**
   * The last recorded epoch of each of these runs (of every run when `runIds` is left out), keyed by
   * run id; runs without any recorded epoch are absent.
   */
  lastEpochs(runIds?: number[]): Map<number, LastEpochRow> {
    const out = new Map<number, LastEpochRow>();
    if (runIds !== undefined && runIds.length === 0) return out;
    const ids = runIds === undefined ? null : JSON.stringify(runIds);
    this.db.transaction(() => {
      const epochs = ids === null ? this.stmt.lastEpochsAll.all() : this.stmt.lastEpochs.all(ids);
      for (const row of epochs) out.set(row.run_id, { runId: row.run_id, ...epochFromRow(row), deadFractions: [] });
      const layers = ids === null ? this.stmt.lastLayersAll.all() : this.stmt.lastLayers.all(ids);
      for (const row of layers) {
        const entry = out.get(row.run_id);
        if (entry) entry.deadFractions[row.layer] = decodeRequired(row.dead_fraction, row.nan_mask, 0);
      }
    }).deferred();
    return out;
  }
}
