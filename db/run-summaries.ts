/**
 * Per-run summaries (tables of migration 004) and the runs table's queries over them: one page of runs
 * matching a filter, sorted by any column, and the values of some columns for every matching run (the
 * sweep views). A summary is kept current by the transaction that records an epoch: a new last epoch
 * folds into it, a rewritten or earlier epoch recomputes it from the run's rows.
 */
import type Database from 'better-sqlite3';
import { IGNORED_FIELDS, runFields } from '../shared/analysis/fields.js';
import type { EpochMetrics } from '../shared/metrics.js';
import { realFields } from '../shared/metric-fields.js';
import type { FilterClause } from '../shared/run-filter.js';
import { columnId, type ColumnRef, type RunCell, type RunTableField, type RunTableRow } from '../shared/run-table.js';
import { decodeReals } from './metric-columns.js';
import { prepare, type SqlValue } from './sql.js';

/** One measured epoch, as a summary reads it. */
export interface SummaryPoint {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  trainAccuracy: number | null;
  valAccuracy: number | null;
  /** Dead fraction per hidden layer (NaN where the layer's pre-activations were not finite). */
  dead: number[];
}

/** A run's summary: see migrations/004-run-summaries.ts for what each value means. */
export interface RunMetricSummary {
  epoch: number;
  layers: number;
  finalTrainLoss: number | null;
  finalValLoss: number | null;
  finalTrainAccuracy: number | null;
  finalValAccuracy: number | null;
  minTrainLoss: number | null;
  finalDead: number | null;
  minDead: number | null;
  maxDead: number | null;
  layer: { finalDead: number | null; minDead: number | null; maxDead: number | null }[];
}

const RUN_REALS = ['final_train_loss', 'final_val_loss', 'final_train_accuracy', 'final_val_accuracy', 'min_train_loss', 'final_dead', 'min_dead', 'max_dead'] as const;
const LAYER_REALS = ['final_dead', 'min_dead', 'max_dead'] as const;

/** Mean over layers: NaN when any layer is NaN, null when there are none. */
function meanDead(dead: readonly number[]): number | null {
  if (dead.length === 0) return null;
  let sum = 0;
  for (const d of dead) sum += d;
  return sum / dead.length;
}

function lower(a: number | null, b: number | null): number | null {
  if (b === null || !Number.isFinite(b)) return a;
  return a === null || b < a ? b : a;
}

function higher(a: number | null, b: number | null): number | null {
  if (b === null || !Number.isFinite(b)) return a;
  return a === null || b > a ? b : a;
}

/** The summary after one more epoch, later than every epoch `prev` holds (null: the first). */
export function foldSummary(prev: RunMetricSummary | null, p: SummaryPoint): RunMetricSummary {
  const dead = meanDead(p.dead);
  return {
    epoch: p.epoch,
    layers: p.dead.length,
    finalTrainLoss: p.trainLoss,
    finalValLoss: p.valLoss,
    finalTrainAccuracy: p.trainAccuracy,
    finalValAccuracy: p.valAccuracy,
    minTrainLoss: lower(prev?.minTrainLoss ?? null, p.trainLoss),
    finalDead: dead,
    minDead: lower(prev?.minDead ?? null, dead),
    maxDead: higher(prev?.maxDead ?? null, dead),
    layer: p.dead.map((d, i) => ({
      finalDead: d,
      minDead: lower(prev?.layer[i]?.minDead ?? null, d),
      maxDead: higher(prev?.layer[i]?.maxDead ?? null, d),
    })),
  };
}

/** REAL values with NaN as NULL plus its bit (the metric tables' convention). */
function encodeReals(values: readonly (number | null)[]): SqlValue[] {
  let mask = 0;
  const out: SqlValue[] = values.map((v, i) => {
    if (v !== null && Number.isNaN(v)) {
      mask |= 1 << i;
      return null;
    }
    return v;
  });
  out.push(mask);
  return out;
}

function decodeReal(row: Record<string, unknown>, column: string, bit: number): number | null {
  const v = row[column] as number | null;
  if (v !== null) return v;
  return ((row.nan_mask as number) & (1 << bit)) !== 0 ? NaN : null;
}

type Row = Record<string, SqlValue>;

function summaryFromRows(run: Row, layers: Row[]): RunMetricSummary {
  const r = (c: (typeof RUN_REALS)[number]) => decodeReal(run, c, RUN_REALS.indexOf(c));
  return {
    epoch: run.epoch as number,
    layers: run.layers as number,
    finalTrainLoss: r('final_train_loss'),
    finalValLoss: r('final_val_loss'),
    finalTrainAccuracy: r('final_train_accuracy'),
    finalValAccuracy: r('final_val_accuracy'),
    minTrainLoss: r('min_train_loss'),
    finalDead: r('final_dead'),
    minDead: r('min_dead'),
    maxDead: r('max_dead'),
    layer: layers.map((l) => ({ finalDead: decodeReal(l, 'final_dead', 0), minDead: decodeReal(l, 'min_dead', 1), maxDead: decodeReal(l, 'max_dead', 2) })),
  };
}

const EPOCH_READS = new Set(realFields('epoch').filter((f) => ['trainLoss', 'valLoss', 'trainAccuracy', 'valAccuracy'].includes(f.key)));
const DEAD_READ = new Set(realFields('layer').filter((f) => f.key === 'deadFraction'));

function prepareStatements(db: Database.Database) {
  return {
    summary: prepare<[number], Row>(db, `SELECT * FROM run_summaries WHERE run_id = ?`),
    layerSummaries: prepare<[number], Row>(db, `SELECT * FROM run_layer_summaries WHERE run_id = ? ORDER BY layer`),
    writeSummary: prepare<SqlValue[]>(
      db,
      `INSERT OR REPLACE INTO run_summaries (run_id, epoch, layers, ${RUN_REALS.join(', ')}, nan_mask) VALUES (${Array(RUN_REALS.length + 4).fill('?').join(', ')})`,
    ),
    deleteLayerSummaries: prepare<[number]>(db, `DELETE FROM run_layer_summaries WHERE run_id = ?`),
    deleteSummary: prepare<[number]>(db, `DELETE FROM run_summaries WHERE run_id = ?`),
    writeLayerSummary: prepare<SqlValue[]>(db, `INSERT INTO run_layer_summaries (run_id, layer, ${LAYER_REALS.join(', ')}, nan_mask) VALUES (?, ?, ?, ?, ?, ?)`),
    runEpochs: prepare<[number], Row>(db, `SELECT * FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`),
    runDead: prepare<[number], Row>(db, `SELECT epoch, layer, dead_fraction, nan_mask FROM layer_metrics WHERE run_id = ? ORDER BY epoch, layer`),
    // Runs whose summary is missing or behind their last epoch (an older file, a bundle import):
    // runs.epochs_done is the last epoch, so only runs without a summary look at their epochs.
    stale: prepare<[], number>(
      db,
      `SELECT r.id FROM runs r LEFT JOIN run_summaries s ON s.run_id = r.id
       WHERE (s.run_id IS NULL AND EXISTS (SELECT 1 FROM epoch_metrics e WHERE e.run_id = r.id)) OR s.epoch != r.epochs_done`,
    ).pluck(),
    runCount: prepare<[], { n: number; maxId: number | null }>(db, `SELECT COUNT(*) AS n, MAX(id) AS maxId FROM runs`),
    // One run per setup: runs of an experiment with the same sweep values differ only by seed.
    distinctSetups: prepare<[], { sweep_json: string; config_json: string }>(
      db,
      `SELECT sweep_json, config_json FROM runs WHERE id IN (SELECT MIN(id) FROM runs GROUP BY experiment_id, sweep_json)`,
    ),
    // The summary's dead fractions computed from the metric tables, reading every epoch of every run
    // (what a page would cost without stored summaries); NaN layers make an epoch's mean NULL.
    recomputed: prepare<[number], { run_id: number; final_dead: number | null; min_dead: number | null; max_dead: number | null }>(
      db,
      `WITH per_epoch AS (SELECT run_id, epoch, CASE WHEN COUNT(dead_fraction) = COUNT(*) THEN AVG(dead_fraction) END AS dead
                          FROM layer_metrics GROUP BY run_id, epoch),
            last AS (SELECT run_id, MAX(epoch) AS epoch, MIN(dead) AS min_dead, MAX(dead) AS max_dead FROM per_epoch GROUP BY run_id)
       SELECT l.run_id, p.dead AS final_dead, l.min_dead, l.max_dead FROM last l JOIN per_epoch p ON p.run_id = l.run_id AND p.epoch = l.epoch
       ORDER BY p.dead IS NULL, p.dead DESC, l.run_id LIMIT ?`,
    ),
    extent: prepare<[], { layers: number | null; epoch: number | null }>(db, `SELECT MAX(layers) AS layers, MAX(epoch) AS epoch FROM run_summaries`),
  };
}

/** The summaries of the runs and the runs table's queries over them. */
export class RunSummaryRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private fieldsCache: { key: string; fields: RunTableField[] } | null = null;

  constructor(private readonly db: Database.Database) {
    this.stmt = prepareStatements(db);
  }

  /** Folds a just-recorded epoch into the run's summary (call inside the recording transaction). */
  record(runId: number, metrics: EpochMetrics): void {
    const prev = this.get(runId);
    if (prev !== null && metrics.epoch <= prev.epoch) {
      this.refresh(runId);
      return;
    }
    const point: SummaryPoint = {
      epoch: metrics.epoch,
      trainLoss: metrics.trainLoss,
      valLoss: metrics.valLoss,
      trainAccuracy: metrics.trainAccuracy,
      valAccuracy: metrics.valAccuracy,
      dead: [...metrics.layers].sort((a, b) => a.layer - b.layer).map((l) => l.deadFraction),
    };
    this.write(runId, foldSummary(prev, point));
  }

  /** The run's summary, or null when it has none (no epoch measured). */
  get(runId: number): RunMetricSummary | null {
    const row = this.stmt.summary.get(runId);
    return row ? summaryFromRows(row, this.stmt.layerSummaries.all(runId)) : null;
  }

  /** Recomputes a run's summary from its stored epochs. */
  refresh(runId: number): void {
    const points = new Map<number, SummaryPoint>();
    for (const row of this.stmt.runEpochs.all(runId)) {
      const e = decodeReals('epoch', row, {} as Record<string, number | null>, EPOCH_READS);
      points.set(row.epoch as number, { epoch: row.epoch as number, trainLoss: e.trainLoss as number, valLoss: e.valLoss, trainAccuracy: e.trainAccuracy, valAccuracy: e.valAccuracy, dead: [] });
    }
    for (const row of this.stmt.runDead.all(runId)) {
      const point = points.get(row.epoch as number);
      if (point) point.dead[row.layer as number] = decodeReals('layer', row, { deadFraction: NaN }, DEAD_READ).deadFraction;
    }
    let summary: RunMetricSummary | null = null;
    for (const point of [...points.values()].sort((a, b) => a.epoch - b.epoch)) summary = foldSummary(summary, point);
    if (summary === null) this.stmt.deleteSummary.run(runId);
    else this.write(runId, summary);
  }

  /** Summarizes every run whose summary is missing or behind its last epoch; returns how many. */
  refreshStale(): number {
    return this.db.transaction(() => {
      const ids = this.stmt.stale.all();
      for (const id of ids) this.refresh(id);
      return ids.length;
    }).immediate();
  }

  private write(runId: number, s: RunMetricSummary): void {
    const reals = [s.finalTrainLoss, s.finalValLoss, s.finalTrainAccuracy, s.finalValAccuracy, s.minTrainLoss, s.finalDead, s.minDead, s.maxDead];
    this.stmt.writeSummary.run(runId, s.epoch, s.layers, ...encodeReals(reals));
    this.stmt.deleteLayerSummaries.run(runId);
    s.layer.forEach((l, i) => this.stmt.writeLayerSummary.run(runId, i, ...encodeReals([l.finalDead, l.minDead, l.maxDead])));
  }

  /**
   * The config fields whose values differ between runs, with their distinct values (cached until a
   * run is added or deleted: a run's config never changes).
   */
  varyingFields(): RunTableField[] {
    const { n, maxId } = this.stmt.runCount.get() as { n: number; maxId: number | null };
    const key = `${n}:${maxId}`;
    if (this.fieldsCache?.key === key) return this.fieldsCache.fields;
    const setups = this.stmt.distinctSetups.all().map((r) => ({ sweep: JSON.parse(r.sweep_json) as Record<string, unknown>, config: JSON.parse(r.config_json) as object }));
    const fields = varyingFieldsOf(setups);
    this.fieldsCache = { key, fields };
    return fields;
  }

  /**
   * The runs with the largest final mean dead fraction, computed from the metric tables instead of the
   * summaries (every epoch of every run is read): the check that the summaries agree, and the
   * benchmark's measure of what sorting a page would cost without them.
   */
  recomputeTopFinalDead(limit: number): { runId: number; finalDead: number | null; minDead: number | null; maxDead: number | null }[] {
    return this.stmt.recomputed.all(limit).map((r) => ({ runId: r.run_id, finalDead: r.final_dead, minDead: r.min_dead, maxDead: r.max_dead }));
  }

  /** The most hidden layers and the latest epoch of any summarized run. */
  extent(): { layers: number; maxEpoch: number; runs: number } {
    const e = this.stmt.extent.get() as { layers: number | null; epoch: number | null };
    return { layers: e.layers ?? 0, maxEpoch: e.epoch ?? 0, runs: (this.stmt.runCount.get() as { n: number }).n };
  }

  /**
   * Runs matching every clause, sorted (no value last in either direction, then by run id), `limit`
   * from `offset`, with the cells of `columns`; and how many match. `limit` null: every match.
   */
  page(q: { clauses: readonly FilterClause[]; sort: { column: ColumnRef; direction: 'asc' | 'desc' } | null; columns: readonly ColumnRef[]; atEpoch: number | null; offset: number; limit: number | null }): { rows: RunTableRow[]; total: number } {
    return this.db.transaction(() => {
      const where: string[] = [];
      const params: SqlValue[] = [];
      for (const c of q.clauses) {
        const e = sqlOf(c.column, q.atEpoch);
        // A run without a value (NULL, also NaN) meets no comparison, `!=` included.
        where.push(`${e.sql} ${c.op} ?`);
        params.push(...e.params, typeof c.value === 'boolean' ? Number(c.value) : c.value);
      }
      const from = `FROM runs r LEFT JOIN run_summaries s ON s.run_id = r.id ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
      const total = (prepare<SqlValue[], number>(this.db, `SELECT COUNT(*) ${from}`).pluck().get(...params) ?? 0) as number;
      let order = 'r.id';
      const orderParams: SqlValue[] = [];
      if (q.sort) {
        const e = sqlOf(q.sort.column, q.atEpoch);
        order = `(${e.sql}) IS NULL, ${e.sql} ${q.sort.direction === 'asc' ? 'ASC' : 'DESC'}, r.id`;
        orderParams.push(...e.params, ...e.params);
      }
      const limit = q.limit === null ? '' : ` LIMIT ${Math.floor(q.limit)} OFFSET ${Math.floor(q.offset)}`;
      // Ids first, so sorting never carries the runs' configs; then the page's rows by id.
      const ids = prepare<SqlValue[], number>(this.db, `SELECT r.id ${from} ORDER BY ${order}${limit}`).pluck().all(...params, ...orderParams);
      const fields = q.columns.filter((c): c is Extract<ColumnRef, { kind: 'field' }> => c.kind === 'field');
      const fieldSql = fields.map((_, i) => `, COALESCE(r.sweep_json -> ?, r.config_json -> ?) AS field_${i}`).join('');
      const sql = `SELECT r.id, r.experiment_id, x.name AS experiment_name, r.status, r.seed${fieldSql}, s.*
                   FROM runs r JOIN experiments x ON x.id = r.experiment_id LEFT JOIN run_summaries s ON s.run_id = r.id
                   WHERE r.id IN (SELECT value FROM json_each(?))`;
      const byId = new Map<number, Row>();
      for (const row of prepare<SqlValue[], Row>(this.db, sql).all(...fields.flatMap((f) => [sweepPath(f.path), configPath(f.path)]), JSON.stringify(ids))) {
        byId.set(row.id as number, row);
      }
      const rows = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
      return { rows: this.cells(rows, q.columns, fields, q.atEpoch), total };
    }).deferred();
  }

  /** The rows' cells for `columns`, reading per-layer values only for these rows. */
  private cells(rows: Row[], columns: readonly ColumnRef[], fields: readonly Extract<ColumnRef, { kind: 'field' }>[], atEpoch: number | null): RunTableRow[] {
    const ids = JSON.stringify(rows.map((r) => r.id));
    const needLayers = columns.some((c) => c.kind === 'dead' && c.layer !== null && c.metric !== 'dead at epoch');
    const needAt = atEpoch !== null && columns.some((c) => c.kind === 'dead' && c.metric === 'dead at epoch');
    const layers = new Map<number, Row[]>();
    if (needLayers) {
      for (const l of prepare<[string], Row>(this.db, `SELECT * FROM run_layer_summaries WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, layer`).all(ids)) {
        const list = layers.get(l.run_id as number) ?? [];
        list[l.layer as number] = l;
        layers.set(l.run_id as number, list);
      }
    }
    const at = new Map<number, number[]>();
    if (needAt) {
      const sql = `SELECT run_id, layer, dead_fraction, nan_mask FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?)) AND epoch = ? ORDER BY run_id, layer`;
      for (const l of prepare<[string, number], Row>(this.db, sql).all(ids, atEpoch as number)) {
        const list = at.get(l.run_id as number) ?? [];
        list[l.layer as number] = decodeReals('layer', l, { deadFraction: NaN }, DEAD_READ).deadFraction;
        at.set(l.run_id as number, list);
      }
    }
    return rows.map((row) => {
      const id = row.id as number;
      const summary = row.epoch === null ? null : summaryFromRows(row, (layers.get(id) ?? []).filter(Boolean));
      const cells: Record<string, RunCell> = {};
      for (const c of columns) cells[columnId(c)] = cellOf(c, row, summary, at.get(id) ?? null);
      // A field's value comes as its JSON text (absent: NULL).
      fields.forEach((f, i) => (cells[columnId(f)] = row[`field_${i}`] === null ? null : cellValue(JSON.parse(row[`field_${i}`] as string))));
      return { id, experimentId: row.experiment_id as number, experimentName: row.experiment_name as string, cells };
    });
  }
}

function cellOf(c: ColumnRef, row: Row, s: RunMetricSummary | null, at: number[] | null): RunCell {
  switch (c.kind) {
    case 'run':
      if (c.id === 'run') return row.id as number;
      if (c.id === 'experiment') return row.experiment_id as number;
      if (c.id === 'status') return row.status as string;
      if (c.id === 'seed') return row.seed as number;
      if (c.id === 'diverged') return row.status === 'diverged';
      return s?.epoch ?? null;
    case 'metric': {
      const key = ({ 'final loss': 'finalTrainLoss', 'min loss': 'minTrainLoss', 'final val loss': 'finalValLoss', 'final accuracy': 'finalTrainAccuracy', 'final val accuracy': 'finalValAccuracy' } as const)[c.id];
      return s?.[key] ?? null;
    }
    case 'dead': {
      if (c.metric === 'dead at epoch') {
        if (at === null || at.length === 0) return null;
        if (c.layer !== null) return at[c.layer] ?? null;
        return meanDead(at);
      }
      const key = ({ 'final dead': 'finalDead', 'min dead': 'minDead', 'max dead': 'maxDead' } as const)[c.metric];
      if (c.layer === null) return s?.[key] ?? null;
      return s?.layer[c.layer]?.[key] ?? null;
    }
    case 'field':
      // Read by the query itself (its JSON text), see page().
      return null;
  }
}

/** A field's value as a table cell: numbers, text and flags as they are, lists and objects as JSON text. */
export function cellValue(v: unknown): RunCell {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

const DEAD_COLUMN = { 'final dead': 'final_dead', 'min dead': 'min_dead', 'max dead': 'max_dead' } as const;
const METRIC_COLUMN = {
  'final loss': 'final_train_loss',
  'min loss': 'min_train_loss',
  'final val loss': 'final_val_loss',
  'final accuracy': 'final_train_accuracy',
  'final val accuracy': 'final_val_accuracy',
} as const;

/** JSON path of a dotted config path (each segment quoted) and of a sweep key (the whole key is one member). */
const configPath = (path: string) => `$${path.split('.').map((s) => `."${s}"`).join('')}`;
const sweepPath = (key: string) => `$."${key}"`;

/**
 * The SQL value of a column for sorting and filtering (NaN reads as NULL: it sorts last and meets no
 * comparison). Column names never reach the SQL text: layers are checked integers, paths are parameters.
 */
export function sqlOf(c: ColumnRef, atEpoch: number | null): { sql: string; params: SqlValue[] } {
  switch (c.kind) {
    case 'run':
      return {
        sql: { run: 'r.id', experiment: 'r.experiment_id', status: 'r.status', seed: 'r.seed', diverged: "(r.status = 'diverged')", epochs: 's.epoch' }[c.id],
        params: [],
      };
    case 'metric':
      return { sql: `s.${METRIC_COLUMN[c.id]}`, params: [] };
    case 'dead': {
      const layer = c.layer === null ? null : Math.floor(c.layer);
      if (c.metric === 'dead at epoch') {
        if (atEpoch === null) throw new RangeError(`${columnId(c)}: choose the epoch (atEpoch) it is read at`);
        if (layer !== null) return { sql: `(SELECT dead_fraction FROM layer_metrics WHERE run_id = r.id AND epoch = ? AND layer = ${layer})`, params: [atEpoch] };
        return { sql: `(SELECT CASE WHEN COUNT(*) = COUNT(dead_fraction) THEN AVG(dead_fraction) END FROM layer_metrics WHERE run_id = r.id AND epoch = ?)`, params: [atEpoch] };
      }
      if (layer === null) return { sql: `s.${DEAD_COLUMN[c.metric]}`, params: [] };
      return { sql: `(SELECT ${DEAD_COLUMN[c.metric]} FROM run_layer_summaries WHERE run_id = r.id AND layer = ${layer})`, params: [] };
    }
    case 'field':
      return { sql: 'COALESCE(json_extract(r.sweep_json, ?), json_extract(r.config_json, ?))', params: [sweepPath(c.path), configPath(c.path)] };
  }
}

/** The fields that differ between these setups (flattened config and sweep keys), with their values. */
export function varyingFieldsOf(setups: readonly { sweep: Record<string, unknown>; config: object }[]): RunTableField[] {
  const values = new Map<string, Map<string, RunCell>>();
  const flat = setups.map(runFields);
  const paths = new Set(flat.flatMap((f) => Object.keys(f)));
  for (const path of paths) {
    if (IGNORED_FIELDS.has(path)) continue;
    const distinct = new Map<string, RunCell>();
    for (const f of flat) {
      const cell = cellValue(f[path]);
      distinct.set(JSON.stringify(cell), cell);
    }
    if (distinct.size > 1) values.set(path, distinct);
  }
  return [...values.entries()]
    .map(([path, distinct]) => {
      const list = [...distinct.values()];
      const numeric = list.every((v) => typeof v === 'number');
      const sorted = list.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
      return { path, numeric, values: sorted.slice(0, 50), distinct: list.length };
    })
    .sort((a, b) => (a.path === 'variant' ? -1 : b.path === 'variant' ? 1 : a.path.localeCompare(b.path)));
}
