/**
 * Run ownership by lease (schema version 3, see migrations/003-run-leases.ts): every process that
 * queues or trains runs holds a lease row it renews on a timer while it owns queued or running runs.
 * Another process takes a run for orphaned only once its owner's lease has expired, never by process
 * id. One RunLeases per open database, so one owner per LabStore.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type Database from 'better-sqlite3';
import { errorMessage, isBusyError, now, prepare, withBusyTimeout } from './sql.js';

/** Error of a run left `running` by a process whose lease expired (it crashed, was killed or lost power). */
export const ORPHANED_RUN_ERROR = 'the process training this run stopped before it finished';
/** Error of a run left `queued` by a process whose lease expired. */
export const ORPHANED_QUEUED_ERROR = 'the process that queued this run stopped before it started';
/** Error of a run its own process gave up on when closing the database (e.g. a forced quit). */
export const CLOSED_RUN_ERROR = 'the lab was closed before this run finished';

/** Environment variable: the run lease duration in seconds (see leaseDurationMs). */
export const LEASE_ENV_VAR = 'RELU_LAB_LEASE_SECONDS';
/** Default run lease: a process that stops renewing for this long is taken for dead. */
export const DEFAULT_LEASE_MS = 30_000;
const MIN_LEASE_MS = 200;
const MAX_LEASE_MS = 24 * 3600 * 1000;

/**
 * The run lease duration: `$RELU_LAB_LEASE_SECONDS` when set (0.2 s to 24 h), else 30 s. A lab
 * process renews its lease every third of it while it owns queued or running runs, so a process
 * that is killed is recognized as gone at most this long after its last renewal.
 */
export function leaseDurationMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[LEASE_ENV_VAR];
  if (text === undefined || text.trim() === '') return DEFAULT_LEASE_MS;
  const seconds = Number(text);
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(seconds) || ms < MIN_LEASE_MS || ms > MAX_LEASE_MS) {
    throw new Error(`${LEASE_ENV_VAR}: must be a number of seconds from ${MIN_LEASE_MS / 1000} to ${MAX_LEASE_MS / 1000}, got ${JSON.stringify(text)}`);
  }
  return ms;
}

/** A problem the store met on its own (renewing its lease), for whoever listens (the lab). */
export type StoreProblemListener = (message: string, error: unknown) => void;

function prepareStatements(db: Database.Database) {
  return {
    // Timestamps are ISO text, which compares chronologically.
    renewLease: prepare(
      db,
      `INSERT INTO run_leases (owner_id, pid, host, started_at, renewed_at, expires_at)
       VALUES (@owner, @pid, @host, @now, @now, @expires)
       ON CONFLICT (owner_id) DO UPDATE SET renewed_at = excluded.renewed_at, expires_at = excluded.expires_at`,
    ),
    deleteLease: prepare<[string]>(db, `DELETE FROM run_leases WHERE owner_id = ?`),
    ownedActiveRuns: prepare<[string], number>(
      db,
      `SELECT COUNT(*) FROM runs WHERE owner_id = ? AND status IN ('queued', 'running')`,
    ).pluck(),
    // Queued or running runs whose owner has no live lease (expired, removed, or none at all: runs
    // from before leases existed). This process' own runs are never orphans.
    markOrphans: prepare(
      db,
      `UPDATE runs SET status = 'interrupted', finished_at = @now, owner_pid = NULL,
         error = CASE status WHEN 'running' THEN @orphaned ELSE @orphanedQueued END
       WHERE status IN ('queued', 'running') AND owner_id IS NOT @owner
         AND (owner_id IS NULL OR owner_id NOT IN (SELECT owner_id FROM run_leases WHERE expires_at >= @now))`,
    ),
    // The same condition, read only: most opens find nothing to mark and need no write lock.
    anyOrphans: prepare<[{ now: string; owner: string }], number>(
      db,
      `SELECT EXISTS (SELECT 1 FROM runs
         WHERE status IN ('queued', 'running') AND owner_id IS NOT @owner
           AND (owner_id IS NULL OR owner_id NOT IN (SELECT owner_id FROM run_leases WHERE expires_at >= @now)))
       OR EXISTS (SELECT 1 FROM run_leases WHERE expires_at < @now AND owner_id <> @owner)`,
    ).pluck(),
    deleteExpiredLeases: prepare(db, `DELETE FROM run_leases WHERE expires_at < @now AND owner_id <> @owner`),
    // Runs of this (live) process another one marked orphaned while this process could not renew
    // its lease (event loop or database blocked for a whole lease period): they are taken back.
    reclaimRuns: prepare(
      db,
      `UPDATE runs SET status = CASE WHEN started_at IS NULL THEN 'queued' ELSE 'running' END,
         error = NULL, finished_at = NULL
       WHERE owner_id = @owner AND status = 'interrupted' AND error IN (@orphaned, @orphanedQueued)`,
    ),
    interruptOwned: prepare(
      db,
      `UPDATE runs SET status = 'interrupted', error = @error, finished_at = @now, owner_pid = NULL
       WHERE owner_id = @owner AND status IN ('queued', 'running')`,
    ),
  };
}

export class RunLeases {
  /**
   * This open database's owner id: the runs it queues or trains carry it (`runs.owner_id`), and its
   * lease (`run_leases`) says it is alive.
   */
  readonly ownerId: string = randomUUID();
  private readonly stmt: ReturnType<typeof prepareStatements>;
  private timer: NodeJS.Timeout | null = null;
  /** Whether this process ever took a lease (only then is there one to release on close). */
  private written = false;
  /** The last lease problem reported, so a lasting one (a full disk) is reported once. */
  private lastProblem: string | null = null;
  private readonly problemListeners = new Set<StoreProblemListener>();

  constructor(
    private readonly db: Database.Database,
    /** The lab file, for messages. */
    private readonly file: string,
    /** How long the lease lasts without renewal; renewed every third of it. */
    readonly leaseMs: number,
  ) {
    this.stmt = prepareStatements(db);
  }

  /** See LabStore.markOrphanedRunsInterrupted. */
  markOrphanedRunsInterrupted(): number {
    if (!this.stmt.anyOrphans.get({ now: now(), owner: this.ownerId })) return 0;
    return this.db.transaction(() => this.markOrphans()).immediate();
  }

  /** See LabStore.renewLease. */
  renewLease(): void {
    this.db.transaction(() => {
      this.writeLease();
      this.stmt.reclaimRuns.run({ owner: this.ownerId, orphaned: ORPHANED_RUN_ERROR, orphanedQueued: ORPHANED_QUEUED_ERROR });
      if (this.stmt.ownedActiveRuns.get(this.ownerId) === 0) {
        this.stmt.deleteLease.run(this.ownerId);
        this.stopTimer();
      }
    })();
  }

  /** See LabStore.releaseLease. */
  releaseLease(reason: string): number {
    this.stopTimer();
    return this.db.transaction(() => {
      const marked = this.stmt.interruptOwned.run({ owner: this.ownerId, error: reason, now: now() }).changes;
      this.stmt.deleteLease.run(this.ownerId);
      return marked;
    })();
  }

  /** On closing the database: what this process still owns becomes interrupted, and its lease is given up. */
  releaseOnClose(): void {
    this.stopTimer();
    if (!this.written) return;
    try {
      this.releaseLease(CLOSED_RUN_ERROR);
    } catch (error) {
      // Locked or full: the lease then expires by itself and the next open marks the runs.
      this.reportProblem(`could not release the run lease of ${this.file}: ${errorMessage(error)}`, error);
    }
  }

  onProblem(listener: StoreProblemListener): () => void {
    this.problemListeners.add(listener);
    return () => {
      this.problemListeners.delete(listener);
    };
  }

  /** Marks the runs of expired leases interrupted and removes those leases (inside the caller's write transaction). */
  markOrphans(): number {
    const at = now();
    const marked = this.stmt.markOrphans.run({
      now: at,
      owner: this.ownerId,
      orphaned: ORPHANED_RUN_ERROR,
      orphanedQueued: ORPHANED_QUEUED_ERROR,
    }).changes;
    this.stmt.deleteExpiredLeases.run({ now: at, owner: this.ownerId });
    return marked;
  }

  /** Writes (inserts or extends) this process' lease and makes sure the timer renews it. */
  writeLease(): void {
    const at = Date.now();
    this.stmt.renewLease.run({
      owner: this.ownerId,
      pid: process.pid,
      host: os.hostname(),
      now: new Date(at).toISOString(),
      expires: new Date(at + this.leaseMs).toISOString(),
    });
    this.written = true;
    this.startTimer();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.heartbeat(), Math.max(50, Math.floor(this.leaseMs / 3)));
    // The lease never keeps a process alive by itself.
    this.timer.unref();
  }

  private heartbeat(): void {
    if (!this.db.open) return this.stopTimer();
    try {
      // Short: a lock held by another process must not freeze this one; the next beat tries again.
      withBusyTimeout(this.db, Math.min(1000, this.leaseMs / 6), () => this.renewLease());
      this.lastProblem = null;
    } catch (error) {
      if (isBusyError(error)) return;
      const message = `could not renew the run lease in ${this.file}: ${errorMessage(error)}`;
      if (message !== this.lastProblem) {
        this.lastProblem = message;
        this.reportProblem(message, error);
      }
    }
  }

  private reportProblem(message: string, error: unknown): void {
    for (const listener of [...this.problemListeners]) {
      try {
        listener(message, error);
      } catch {
        // A listener's failure must not stop the others (nor the heartbeat).
      }
    }
  }
}
