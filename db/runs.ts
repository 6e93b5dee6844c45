/** Runs and their lifecycle: listing and editing them, starting, finishing and cancelling them. */
import { NotFoundError } from '../shared/errors.js';
import type Database from 'better-sqlite3';
import type { RunConfig } from '../shared/config.js';
import type { LibraryVersions, RunStatus, RunSummary } from '../shared/metrics.js';
import { ORPHANED_QUEUED_ERROR, ORPHANED_RUN_ERROR, type RunLeases } from './leases.js';
import { now, prepare, toJson, type Stmt } from './sql.js';

interface RunRow {
  id: number;
  experiment_id: number;
  run_index: number;
  name: string | null;
  notes: string;
  tags_json: string;
  seed: number;
  sweep_json: string;
  config_json: string;
  status: RunStatus;
  backend: string | null;
  versions_json: string | null;
  owner_pid: number | null;
  owner_id: string | null;
  error: string | null;
  epochs_done: number;
  epochs_total: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

function runFromRow(row: RunRow): RunSummary {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    index: row.run_index,
    name: row.name,
    seed: row.seed,
    sweep: JSON.parse(row.sweep_json) as Record<string, unknown>,
    config: JSON.parse(row.config_json) as RunConfig,
    status: row.status,
    backend: row.backend,
    versions: row.versions_json === null ? null : (JSON.parse(row.versions_json) as LibraryVersions),
    error: row.error,
    epochsDone: row.epochs_done,
    epochsTotal: row.epochs_total,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    notes: row.notes,
    tags: JSON.parse(row.tags_json) as string[],
  };
}

function prepareStatements(db: Database.Database) {
  return {
    run: prepare<[number], RunRow>(db, `SELECT * FROM runs WHERE id = ?`),
    runExists: prepare<[number], number>(db, `SELECT 1 FROM runs WHERE id = ?`).pluck(),
    updateRun: prepare(
      db,
      `UPDATE runs SET name = CASE WHEN @setName THEN @name ELSE name END,
         notes = COALESCE(@notes, notes), tags_json = COALESCE(@tags, tags_json)
       WHERE id = @id`,
    ),
    // Only a run this process owns and that is still waiting (not cancelled by another process
    // meanwhile), or one of its runs another process wrongly took for orphaned (see RunLeases).
    markStarted: prepare(
      db,
      `UPDATE runs SET status = 'running', started_at = @now, finished_at = NULL, error = NULL,
         backend = @backend, versions_json = @versions, owner_pid = @pid, owner_id = @owner
       WHERE id = @id AND owner_id IS @owner
         AND (status = 'queued' OR (status = 'interrupted' AND error IN (@orphaned, @orphanedQueued)))`,
    ),
    finishRun: prepare(
      db,
      `UPDATE runs SET status = @status, error = @error, finished_at = @now, owner_pid = NULL, owner_id = NULL WHERE id = @id`,
    ),
    cancelQueued: prepare<[string]>(
      db,
      `UPDATE runs SET status = 'cancelled', finished_at = ?, owner_id = NULL WHERE status = 'queued'`,
    ),
    cancelQueuedIds: prepare<[string, string]>(
      db,
      `UPDATE runs SET status = 'cancelled', finished_at = ?, owner_id = NULL
       WHERE status = 'queued' AND id IN (SELECT value FROM json_each(?))`,
    ),
    ownQueued: prepare<[number, string], number>(
      db,
      `SELECT id FROM runs WHERE experiment_id = ? AND owner_id = ? AND status = 'queued' ORDER BY run_index`,
    ).pluck(),
    latestBackend: prepare<[], { backend: string; versions_json: string | null }>(
      db,
      `SELECT backend, versions_json FROM runs WHERE backend IS NOT NULL AND started_at IS NOT NULL
       ORDER BY started_at DESC, id DESC LIMIT 1`,
    ),
  };
}

export class RunRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  /** list statements, one per combination of filters used (prepared on first use). */
  private readonly listStatements = new Map<string, Stmt<unknown[], RunRow>>();

  constructor(
    private readonly db: Database.Database,
    private readonly leases: RunLeases,
  ) {
    this.stmt = prepareStatements(db);
  }

  /** Runs matching every given filter, by experiment then run index. An empty list matches nothing. */
  list(filter: { experimentId?: number; ids?: number[]; statuses?: RunStatus[] } = {}): RunSummary[] {
    const where: string[] = [];
    const params: unknown[] = [];
    let key = '';
    if (filter.experimentId !== undefined) {
      where.push('experiment_id = ?');
      params.push(filter.experimentId);
      key += 'e';
    }
    if (filter.ids !== undefined) {
      where.push('id IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.ids));
      key += 'i';
    }
    if (filter.statuses !== undefined) {
      where.push('status IN (SELECT value FROM json_each(?))');
      params.push(JSON.stringify(filter.statuses));
      key += 's';
    }
    let stmt = this.listStatements.get(key);
    if (!stmt) {
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY experiment_id, run_index`;
      stmt = prepare<unknown[], RunRow>(this.db, sql);
      this.listStatements.set(key, stmt);
    }
    return stmt.all(...params).map(runFromRow);
  }

  get(id: number): RunSummary | null {
    const row = this.stmt.run.get(id);
    return row ? runFromRow(row) : null;
  }

  /** Throws when the run does not exist (e.g. its experiment was deleted). */
  require(runId: number): void {
    if (this.stmt.runExists.get(runId) === undefined) throw new NotFoundError('run', runId);
  }

  /** `name: null` clears the name; fields left out are unchanged. */
  update(id: number, patch: { name?: string | null; notes?: string; tags?: string[] }): void {
    const result = this.stmt.updateRun.run({
      id,
      setName: patch.name === undefined ? 0 : 1,
      name: patch.name ?? null,
      notes: patch.notes ?? null,
      tags: patch.tags === undefined ? null : toJson(patch.tags, 'the run tags'),
    });
    if (result.changes === 0) throw new NotFoundError('run', id);
  }

  /**
   * Marks a run this process queued as running (owned by this process, under its lease). Returns
   * false, changing nothing, when the run is no longer waiting for this process (another process
   * cancelled it meanwhile); throws when it does not exist (its experiment was deleted).
   */
  markStarted(runId: number, info: { backend: string; versions: LibraryVersions; ownerPid: number }): boolean {
    return this.db.transaction(() => {
      const result = this.stmt.markStarted.run({
        id: runId,
        now: now(),
        backend: info.backend,
        versions: toJson(info.versions, 'the library versions'),
        pid: info.ownerPid,
        owner: this.leases.ownerId,
        orphaned: ORPHANED_RUN_ERROR,
        orphanedQueued: ORPHANED_QUEUED_ERROR,
      });
      if (result.changes === 0) {
        this.require(runId);
        return false;
      }
      this.leases.writeLease();
      return true;
    })();
  }

  /**
   * Whether a run is waiting for this process to train it: queued by it (or taken back by it, see
   * markStarted). False for runs cancelled or finished meanwhile, and for missing runs.
   */
  isWaiting(runId: number): boolean {
    const row = this.stmt.run.get(runId);
    if (!row || row.owner_id !== this.leases.ownerId) return false;
    return row.status === 'queued' || (row.status === 'interrupted' && (row.error === ORPHANED_RUN_ERROR || row.error === ORPHANED_QUEUED_ERROR));
  }

  /** Runs of an experiment queued by this process, in run order. */
  ownQueuedIds(experimentId: number): number[] {
    return this.stmt.ownQueued.all(experimentId, this.leases.ownerId);
  }

  finish(runId: number, status: RunStatus, error: string | null = null): void {
    const result = this.stmt.finishRun.run({ id: runId, status, error, now: now() });
    if (result.changes === 0) throw new NotFoundError('run', runId);
  }

  /** Queued runs (all, or only those among `runIds`) become cancelled. Returns how many did. */
  cancelQueued(runIds?: number[]): number {
    const result =
      runIds === undefined
        ? this.stmt.cancelQueued.run(now())
        : this.stmt.cancelQueuedIds.run(now(), JSON.stringify(runIds));
    return result.changes;
  }

  /** The backend and library versions of the most recently started run, or null when none started. */
  latestBackend(): { backend: string; versions: LibraryVersions | null } | null {
    const row = this.stmt.latestBackend.get();
    if (!row) return null;
    return { backend: row.backend, versions: row.versions_json === null ? null : (JSON.parse(row.versions_json) as LibraryVersions) };
  }
}
