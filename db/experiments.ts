/** Experiments: creating one with its queued runs, listing, editing and deleting them. */
import { ConflictError, NotFoundError } from '../shared/errors.js';
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RunSpec } from '../shared/config.js';
import type { ExperimentSummary, RunStatus } from '../shared/metrics.js';
import type { RunLeases } from './leases.js';
import { now, prepare, toJson } from './sql.js';

/** What createExperiment takes: `config` is stored exactly as given, `runs` as validated. */
export interface NewExperiment {
  name: string;
  config: unknown;
  runs: RunSpec[];
  tags?: string[];
  notes?: string;
}

/** deleteExperiment refused: some of the experiment's runs are training, or queued by another process. */
export class ExperimentBusyError extends ConflictError {
  constructor(
    readonly experimentId: number,
    readonly running: number,
    readonly queued: number,
  ) {
    const described = [running ? `${running} running` : '', queued ? `${queued} queued by another process` : ''].filter(Boolean).join(', ');
    super(`experiment ${experimentId} still has runs waiting or training (${described}); cancel them first`);
    this.name = 'ExperimentBusyError';
  }
}

interface ExperimentRow {
  id: number;
  name: string;
  config_json: string;
  notes: string;
  tags_json: string;
  created_at: string;
  updated_at: string;
}

type StatusCounts = Partial<Record<RunStatus, number>>;

function experimentFromRow(row: ExperimentRow, counts: StatusCounts | undefined): ExperimentSummary {
  const statusCounts = counts ?? {};
  return {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.config_json) as unknown,
    notes: row.notes,
    tags: JSON.parse(row.tags_json) as string[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: Object.values(statusCounts).reduce((sum, n) => sum + n, 0),
    statusCounts,
  };
}

function prepareStatements(db: Database.Database) {
  return {
    insertExperiment: prepare<[string, string, string, string, string, string, string]>(
      db,
      `INSERT INTO experiments (uid, name, config_json, notes, tags_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    insertRun: prepare(
      db,
      `INSERT INTO runs (uid, experiment_id, run_index, seed, sweep_json, config_json, status, epochs_total, created_at, owner_id)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
    ),
    experiments: prepare<[], ExperimentRow>(db, `SELECT * FROM experiments ORDER BY created_at DESC, id DESC`),
    experiment: prepare<[number], ExperimentRow>(db, `SELECT * FROM experiments WHERE id = ?`),
    statusCountsAll: prepare<[], { experiment_id: number; status: RunStatus; n: number }>(
      db,
      `SELECT experiment_id, status, COUNT(*) AS n FROM runs GROUP BY experiment_id, status`,
    ),
    statusCounts: prepare<[number], { status: RunStatus; n: number }>(
      db,
      `SELECT status, COUNT(*) AS n FROM runs WHERE experiment_id = ? GROUP BY status`,
    ),
    updateExperiment: prepare(
      db,
      `UPDATE experiments SET name = COALESCE(@name, name), notes = COALESCE(@notes, notes),
         tags_json = COALESCE(@tags, tags_json), updated_at = @now
       WHERE id = @id`,
    ),
    deleteExperiment: prepare<[number]>(db, `DELETE FROM experiments WHERE id = ?`),
    // What keeps an experiment from being deleted: runs training (here or elsewhere), and runs
    // another process queued. Runs this process queued and has not started are deleted with it.
    activeRunsOfExperiment: prepare<[number, string], { status: RunStatus; n: number }>(
      db,
      `SELECT status, COUNT(*) AS n FROM runs
       WHERE experiment_id = ? AND (status = 'running' OR (status = 'queued' AND owner_id IS NOT ?))
       GROUP BY status`,
    ),
  };
}

export class ExperimentRepository {
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private readonly createTx: (input: NewExperiment) => { experimentId: number; runIds: number[] };

  constructor(
    private readonly db: Database.Database,
    private readonly leases: RunLeases,
  ) {
    this.stmt = prepareStatements(db);
    this.createTx = db.transaction((input: NewExperiment) => {
      const at = now();
      const experimentId = Number(
        this.stmt.insertExperiment.run(
          randomUUID(),
          input.name,
          toJson(input.config, 'the experiment config'),
          input.notes ?? '',
          toJson(input.tags ?? [], 'the experiment tags'),
          at,
          at,
        ).lastInsertRowid,
      );
      const runIds = input.runs.map((spec) =>
        Number(
          this.stmt.insertRun.run(
            randomUUID(),
            experimentId,
            spec.index,
            spec.seed,
            toJson(spec.sweep ?? {}, `run ${spec.index} sweep values`),
            toJson(spec.config, `run ${spec.index} config`),
            spec.config.training.epochs,
            at,
            this.leases.ownerId,
          ).lastInsertRowid,
        ),
      );
      // The new runs are this process' until they finish: a crash before then leaves them to the
      // next open to mark interrupted, once the lease has expired.
      if (runIds.length > 0) this.leases.writeLease();
      return { experimentId, runIds };
    });
  }

  /** The experiment and its runs (queued, owned by this process) in one transaction. */
  create(input: NewExperiment): { experimentId: number; runIds: number[] } {
    return this.createTx(input);
  }

  /** Newest first. */
  list(): ExperimentSummary[] {
    const counts = new Map<number, StatusCounts>();
    for (const row of this.stmt.statusCountsAll.all()) {
      let c = counts.get(row.experiment_id);
      if (!c) counts.set(row.experiment_id, (c = {}));
      c[row.status] = row.n;
    }
    return this.stmt.experiments.all().map((row) => experimentFromRow(row, counts.get(row.id)));
  }

  get(id: number): ExperimentSummary | null {
    const row = this.stmt.experiment.get(id);
    if (!row) return null;
    const counts: StatusCounts = {};
    for (const c of this.stmt.statusCounts.all(id)) counts[c.status] = c.n;
    return experimentFromRow(row, counts);
  }

  update(id: number, patch: { name?: string; notes?: string; tags?: string[] }): void {
    const result = this.stmt.updateExperiment.run({
      id,
      name: patch.name ?? null,
      notes: patch.notes ?? null,
      tags: patch.tags === undefined ? null : toJson(patch.tags, 'the experiment tags'),
      now: now(),
    });
    if (result.changes === 0) throw new NotFoundError('experiment', id);
  }

  /**
   * Deletes an experiment with its runs, metrics and artifacts (ON DELETE CASCADE). Refused
   * (ExperimentBusyError) while any of its runs is training, or queued by another live process:
   * cancel them first. Checked in the same write transaction as the delete, after marking runs of
   * dead processes interrupted, so a run another process starts meanwhile is never deleted from
   * under it. Runs this process queued but has not started go with the experiment.
   */
  delete(id: number): void {
    this.db.transaction(() => {
      if (!this.stmt.experiment.get(id)) throw new NotFoundError('experiment', id);
      this.leases.markOrphans();
      const active = this.stmt.activeRunsOfExperiment.all(id, this.leases.ownerId);
      if (active.length > 0) {
        const count = (status: RunStatus) => active.find((a) => a.status === status)?.n ?? 0;
        throw new ExperimentBusyError(id, count('running'), count('queued'));
      }
      this.stmt.deleteExperiment.run(id);
    }).immediate();
  }
}
