/**
 * Per-epoch and per-layer metrics: recording a measurement point in one transaction, and reading a
 * run's metrics, the series the charts draw and every run's last epoch.
 */
import Database from 'better-sqlite3';
import type { EpochMetrics, LayerMetrics } from '../shared/metrics.js';
import type { PackedMaskHistory } from '../shared/analysis/revival.js';
import { realFields, type LayerSeriesKey } from '../shared/metric-fields.js';
import { KEY_COLUMNS, decodeLists, decodeReals, encodeRow, metricColumns, rawRealsReader } from './metric-columns.js';
import type { RunRepository } from './runs.js';
import type { RunSummaryRepository } from './run-summaries.js';
import { prepare, type SqlValue } from './sql.js';

/** One hidden layer of one run at one epoch, without the per-unit data (for charts). */
export interface LayerSeriesRow extends Pick<LayerMetrics, 'layer' | 'units' | LayerSeriesKey> {
  runId: number;
  epoch: number;
}

/** One hidden layer's dead masks over a run's epochs, bit-packed as stored (revival analysis). */
export interface DeadMaskHistory extends PackedMaskHistory {
  layer: number;
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

/** A row of epoch_metrics or layer_metrics (or some of its columns), as better-sqlite3 returns it. */
type MetricRow = Record<string, SqlValue> & { run_id: number; epoch: number; nan_mask: number };
type LayerDbRow = MetricRow & { layer: number; units: number };

/** The stored layer fields the series carry: the covering index layer_metrics_series holds their columns. */
const LAYER_SERIES_REALS = new Set(realFields('layer').filter((f) => f.series));
const DEAD_FRACTION = new Set(realFields('layer').filter((f) => f.key === 'deadFraction'));

function epochFromRow(row: MetricRow): Omit<EpochMetrics, 'layers'> {
  return decodeReals('epoch', row, { epoch: row.epoch } as Omit<EpochMetrics, 'layers'>);
}

const LAYER_SERIES_READER = rawRealsReader('layer', LAYER_SERIES_REALS);

/** A row of LAYER_SERIES_SQL, fetched raw: the layer's keys, then LAYER_SERIES_READER's columns. */
function layerSeriesFromRaw(row: unknown[]): LayerSeriesRow {
  const base = { runId: row[0], epoch: row[1], layer: row[2], units: row[3] } as LayerSeriesRow;
  return LAYER_SERIES_READER.read(row, 4, base);
}

function layerFromRow(row: LayerDbRow): LayerMetrics {
  const where = `run ${row.run_id}, epoch ${row.epoch}, layer ${row.layer}`;
  const layer = decodeReals('layer', row, { layer: row.layer, units: row.units } as LayerMetrics);
  return decodeLists('layer', row, row.units, where, layer);
}

const names = (columns: readonly string[]) => columns.join(', ');
const placeholders = (columns: readonly string[]) => columns.map(() => '?').join(', ');
const EPOCH_COLUMNS = metricColumns('epoch');
const LAYER_COLUMNS = metricColumns('layer');

// json_each lets one prepared statement take any number of run ids; the covering index
// layer_metrics_series serves both the filter and the order (no sort, no table lookups).
export const LAYER_SERIES_SQL = `SELECT ${names([...KEY_COLUMNS.layer, ...LAYER_SERIES_READER.columns])}
       FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?))
       ORDER BY run_id, epoch, layer`;
export const EPOCH_SERIES_SQL = `SELECT * FROM epoch_metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, epoch`;

function prepareStatements(db: Database.Database) {
  return {
    deleteEpoch: prepare<[number, number]>(db, `DELETE FROM epoch_metrics WHERE run_id = ? AND epoch = ?`),
    insertEpoch: prepare<SqlValue[]>(db, `INSERT INTO epoch_metrics (${names(EPOCH_COLUMNS)}) VALUES (${placeholders(EPOCH_COLUMNS)})`),
    insertLayer: prepare<SqlValue[]>(db, `INSERT INTO layer_metrics (${names(LAYER_COLUMNS)}) VALUES (${placeholders(LAYER_COLUMNS)})`),
    updateEpochsDone: prepare<[number, number]>(
      db,
      `UPDATE runs SET epochs_done = (SELECT COALESCE(MAX(epoch), 0) FROM epoch_metrics WHERE run_id = ?)
       WHERE id = ?`,
    ),
    runEpochs: prepare<[number], MetricRow>(db, `SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`),
    runLayers: prepare<[number], LayerDbRow>(db, `SELECT * FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`),
    // One row per layer with its masks joined in epoch order: a run's 808 masks (100 epochs × 8 layers) come as 8 values.
    runDeadMasks: prepare<[number, number], { layer: number; units: number; max_units: number; epochs: string; masks: Buffer | null }>(
      db,
      `SELECT layer, MIN(units) AS units, MAX(units) AS max_units, group_concat(epoch, ',' ORDER BY epoch) AS epochs,
              unhex(group_concat(hex(dead_mask), '' ORDER BY epoch)) AS masks
       FROM layer_metrics WHERE run_id = ? AND epoch <= ? GROUP BY layer ORDER BY layer`,
    ),
    // Raw rows (arrays): 160,000 layer rows for 200 runs are read faster without an object per row from the driver.
    layerSeries: prepare<[string], unknown[]>(db, LAYER_SERIES_SQL).raw(true),
    epochSeries: prepare<[string], MetricRow>(db, EPOCH_SERIES_SQL),
    // The last recorded epoch of each run and its layers' dead fractions (tables and history views).
    lastEpochsAll: prepare<[], MetricRow>(
      db,
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastEpochs: prepare<[string], MetricRow>(
      db,
      `SELECT e.* FROM epoch_metrics e
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics
             WHERE run_id IN (SELECT value FROM json_each(?)) GROUP BY run_id) m
         ON e.run_id = m.run_id AND e.epoch = m.epoch`,
    ),
    lastLayersAll: prepare<[], LayerDbRow>(
      db,
      `SELECT l.run_id, l.layer, l.dead_fraction, l.nan_mask FROM layer_metrics l
       JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epoch_metrics GROUP BY run_id) m
         ON l.run_id = m.run_id AND l.epoch = m.epoch
       ORDER BY l.run_id, l.layer`,
    ),
    lastLayers: prepare<[string], LayerDbRow>(
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
    private readonly summaries: RunSummaryRepository,
  ) {
    this.stmt = prepareStatements(db);
    this.recordTx = db.transaction((runId: number, metrics: EpochMetrics) => {
      this.runs.require(runId);
      const where = `run ${runId}, epoch ${metrics.epoch}`;
      // Rewriting an epoch replaces it; its layer rows go with it (ON DELETE CASCADE).
      this.stmt.deleteEpoch.run(runId, metrics.epoch);
      this.stmt.insertEpoch.run(...encodeRow('epoch', [runId, metrics.epoch], metrics, 0, where));
      for (const layer of metrics.layers) {
        const keys = [runId, metrics.epoch, layer.layer, layer.units];
        this.stmt.insertLayer.run(...encodeRow('layer', keys, layer, layer.units, `${where}, layer ${layer.layer}`));
      }
      this.stmt.updateEpochsDone.run(runId, runId);
      this.summaries.record(runId, metrics);
    });
  }

  /**
   * Records one measurement point in a single transaction (epoch row, its layers, the run's
   * epochs_done and summary), so a process killed mid-run loses at most the epoch in flight. Recording the same
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

  /** A run's dead masks up to an epoch (all of them when left out), per layer in layer order, each layer's in epoch order. */
  deadMaskHistories(runId: number, upToEpoch = Number.MAX_SAFE_INTEGER): DeadMaskHistory[] {
    return this.stmt.runDeadMasks.all(runId, upToEpoch).map((row) => {
      const epochs = row.epochs.split(',').map(Number);
      const masks = row.masks ?? Buffer.alloc(0);
      const bytes = epochs.length * Math.ceil(row.units / 8);
      // Checked here, so a damaged row fails naming its run and layer.
      if (row.units !== row.max_units || masks.byteLength !== bytes) {
        const sizes = row.units === row.max_units ? `${row.units} units` : `${row.units} to ${row.max_units} units`;
        throw new Error(`run ${runId}, layer ${row.layer}: stored dead masks have ${masks.byteLength} bytes, but ${epochs.length} epochs of ${sizes} need ${bytes}`);
      }
      return { layer: row.layer, units: row.units, epochs, masks: new Uint8Array(masks.buffer, masks.byteOffset, masks.byteLength) };
    });
  }

  /**
   * All layers of these runs over all epochs, by run id, epoch, layer. Ids of runs that do not
   * exist (e.g. deleted meanwhile) are skipped.
   */
  layerSeries(runIds: number[]): LayerSeriesRow[] {
    if (runIds.length === 0) return [];
    // Iterated: each raw row is dropped once read, which spares the collector 160,000 arrays alive at once (200 runs).
    const out: LayerSeriesRow[] = [];
    for (const row of this.stmt.layerSeries.iterate(JSON.stringify(runIds))) out.push(layerSeriesFromRaw(row));
    return out;
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
        if (entry) entry.deadFractions[row.layer] = decodeReals('layer', row, { deadFraction: NaN }, DEAD_FRACTION).deadFraction;
      }
    }).deferred();
    return out;
  }
}
