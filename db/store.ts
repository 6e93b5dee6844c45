/**
 * The lab database: one LabStore per open file, the facade the rest of the lab uses; its connection
 * stays private. Its jobs live in their own modules, each preparing its statements once: opening and
 * safety (open.ts), run leases (leases.ts), experiments, runs, metrics, artifacts, saved comparisons
 * and bundles. The db/ folder is the only code that speaks SQL.
 */
import fs from 'node:fs';
import type Database from 'better-sqlite3';
import type { BundleImportResult } from '../shared/bundle.js';
import type { ComparisonSpecInput, SavedComparison } from '../shared/compare.js';
import type {
  EpochMetrics,
  ExperimentSummary,
  LibraryVersions,
  RunArtifacts,
  RunStatus,
  RunSummary,
} from '../shared/metrics.js';
import { ArtifactRepository } from './artifacts.js';
import { readBundle, readBundles, writeBundle, type BundleSource, type ExportOptions, type ImportOptions } from './bundle.js';
import { ComparisonRepository } from './comparisons.js';
import { ExperimentRepository, type NewExperiment } from './experiments.js';
import { RunLeases, leaseDurationMs, type StoreProblemListener } from './leases.js';
import { MetricsRepository, type DeadMaskHistory, type EpochSeriesRow, type LastEpochRow, type LayerSeriesRow } from './metrics.js';
import { openLabDatabase, type OpenOptions } from './open.js';
import { RunRepository } from './runs.js';
import { RunSummaryRepository, type RunMetricSummary } from './run-summaries.js';
import type { RunTableField, RunTableRow } from '../shared/run-table.js';
import { isBusyError, withBusyTimeout } from './sql.js';

export { DatabaseTooNewError, LATEST_SCHEMA_VERSION } from './migrations/index.js';
export { ExperimentBusyError, type NewExperiment } from './experiments.js';
export {
  CLOSED_RUN_ERROR,
  DEFAULT_LEASE_MS,
  LEASE_ENV_VAR,
  ORPHANED_QUEUED_ERROR,
  ORPHANED_RUN_ERROR,
  leaseDurationMs,
  type StoreProblemListener,
} from './leases.js';
export type { DeadMaskHistory, EpochSeriesRow, LastEpochRow, LayerSeriesRow } from './metrics.js';
export type { RunMetricSummary } from './run-summaries.js';
export { DatabaseRefusedError, type DatabaseRefusal, type OpenOptions } from './open.js';
export { isBusyError, isDatabaseError, isFullError } from './sql.js';

export class LabStore {
  /**
   * This open database's owner id: the runs it queues or trains carry it (`runs.owner_id`), and its
   * lease (`run_leases`) says it is alive. One per LabStore, so one per process in practice.
   */
  readonly ownerId: string;
  /** How long the lease lasts without renewal; renewed every third of it. */
  readonly leaseMs: number;
  private readonly leases: RunLeases;
  private readonly experiments: ExperimentRepository;
  private readonly runs: RunRepository;
  private readonly metrics: MetricsRepository;
  private readonly summaries: RunSummaryRepository;
  private readonly artifacts: ArtifactRepository;
  private readonly comparisons: ComparisonRepository;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    /** Opened read-only: nothing is ever written. */
    readonly readOnly: boolean,
    leaseMs: number,
    /** The temporary folder holding the copy this store reads, when it reads one (removed on close). */
    private readonly copyDir: string | null,
  ) {
    this.leases = new RunLeases(db, file, leaseMs);
    this.ownerId = this.leases.ownerId;
    this.leaseMs = leaseMs;
    this.experiments = new ExperimentRepository(db, this.leases);
    this.runs = new RunRepository(db, this.leases);
    this.summaries = new RunSummaryRepository(db);
    this.metrics = new MetricsRepository(db, this.runs, this.summaries);
    this.artifacts = new ArtifactRepository(db, this.runs);
    this.comparisons = new ComparisonRepository(db);
  }

  /**
   * Opens (creating if needed) a lab database, brings its schema up to date and marks runs whose
   * process is gone (lease expired) as interrupted. Refused, with the file left byte-for-byte as it
   * was (no -wal/-shm files, no journal mode change), when it is: from a newer build
   * (DatabaseTooNewError); not a SQLite file, a SQLite database of some other program, or damaged
   * (`PRAGMA quick_check` fails) (DatabaseRefusedError). See OpenOptions for read-only opening.
   */
  static open(file: string, options: OpenOptions = {}): LabStore {
    const leaseMs = options.leaseMs ?? leaseDurationMs();
    return openLabDatabase(file, options, ({ db, readOnly, copyDir }) => {
      const store = new LabStore(file, db, readOnly, leaseMs, copyDir);
      if (!readOnly) {
        try {
          // Not worth waiting long for: the check runs again on the next open.
          store.withBusyTimeout(250, () => store.markOrphanedRunsInterrupted());
        } catch (error) {
          if (!isBusyError(error)) throw error;
        }
        try {
          // Runs of a file written before summaries existed (schema 3) get theirs now, once.
          store.withBusyTimeout(250, () => store.summaries.refreshStale());
        } catch (error) {
          if (!isBusyError(error)) throw error;
        }
      }
      return store;
    });
  }

  /**
   * Closes the database. Runs this process still owns (queued or running: nothing trains them any
   * more) become interrupted, and its lease is given up.
   */
  close(): void {
    if (!this.db.open) return;
    this.leases.stopTimer();
    if (!this.readOnly) {
      this.leases.releaseOnClose();
      try {
        // Keeps the query planner's statistics fresh, as SQLite recommends before closing.
        this.db.pragma('optimize');
      } catch {
        // Only an optimization (it can fail when another process holds the lock): close anyway.
      }
    }
    this.db.close();
    if (this.copyDir) fs.rmSync(this.copyDir, { recursive: true, force: true });
  }

  /**
   * Runs `fn` (synchronous store calls) in one transaction: all its writes, or none when it throws.
   * For bulk writers (the UI benchmark's seeding): one commit for many runs' epochs instead of one each.
   */
  inTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Runs `fn` (synchronous store calls) with another busy timeout: the lab writes with a short
   * one and retries later itself, so the event loop is never blocked for long by another process'
   * lock.
   */
  withBusyTimeout<T>(ms: number, fn: () => T): T {
    return withBusyTimeout(this.db, ms, fn);
  }

  // -------------------------------------------------------------------------------------------
  // Experiments (experiments.ts)

  createExperiment(input: NewExperiment): { experimentId: number; runIds: number[] } {
    return this.experiments.create(input);
  }

  /** Newest first. */
  listExperiments(): ExperimentSummary[] {
    return this.experiments.list();
  }

  getExperiment(id: number): ExperimentSummary | null {
    return this.experiments.get(id);
  }

  updateExperiment(id: number, patch: { name?: string; notes?: string; tags?: string[] }): void {
    this.experiments.update(id, patch);
  }

  /** Deletes an experiment with everything it holds; refused while its runs train (see ExperimentRepository.delete). */
  deleteExperiment(id: number): void {
    this.experiments.delete(id);
  }

  // -------------------------------------------------------------------------------------------
  // Runs and their lifecycle (runs.ts, leases.ts)

  /** Runs matching every given filter, by experiment then run index. An empty list matches nothing. */
  listRuns(filter: { experimentId?: number; ids?: number[]; statuses?: RunStatus[] } = {}): RunSummary[] {
    return this.runs.list(filter);
  }

  getRun(id: number): RunSummary | null {
    return this.runs.get(id);
  }

  /** `name: null` clears the name; fields left out are unchanged. */
  updateRun(id: number, patch: { name?: string | null; notes?: string; tags?: string[] }): void {
    this.runs.update(id, patch);
  }

  /** See RunRepository.markStarted. */
  markRunStarted(runId: number, info: { backend: string; versions: LibraryVersions; ownerPid: number }): boolean {
    return this.runs.markStarted(runId, info);
  }

  /** See RunRepository.isWaiting. */
  isRunWaiting(runId: number): boolean {
    return this.runs.isWaiting(runId);
  }

  /** Runs of an experiment queued by this process, in run order. */
  ownQueuedRunIds(experimentId: number): number[] {
    return this.runs.ownQueuedIds(experimentId);
  }

  finishRun(runId: number, status: RunStatus, error: string | null = null): void {
    this.runs.finish(runId, status, error);
  }

  /** Queued runs (all, or only those among `runIds`) become cancelled. Returns how many did. */
  cancelQueuedRuns(runIds?: number[]): number {
    return this.runs.cancelQueued(runIds);
  }

  /** The backend and library versions of the most recently started run, or null when none started. */
  latestRunBackend(): { backend: string; versions: LibraryVersions | null } | null {
    return this.runs.latestBackend();
  }

  /**
   * Runs left `queued` or `running` by a process whose lease has expired (it crashed, was killed,
   * lost power, or closed without releasing them) become interrupted; expired leases are removed.
   * Runs of live processes, e.g. the desktop app training while the CLI opens the same file, are
   * left alone, whatever their process ids. Returns how many runs were marked.
   */
  markOrphanedRunsInterrupted(): number {
    return this.leases.markOrphanedRunsInterrupted();
  }

  /**
   * Renews this process' lease now (the timer does it every third of the lease while the process
   * owns queued or running runs), takes back runs another process wrongly marked orphaned, and
   * gives the lease up once no run needs it. Throws what SQLite throws (e.g. SQLITE_BUSY).
   */
  renewLease(): void {
    this.leases.renewLease();
  }

  /**
   * Marks every run this process still owns (queued or running) as interrupted with `reason`, and
   * removes its lease: for a process about to quit without finishing them. Returns how many.
   */
  releaseLease(reason: string): number {
    return this.leases.releaseLease(reason);
  }

  /** Listens to problems the store meets on its own (lease renewal); returns the unsubscribe function. */
  onProblem(listener: StoreProblemListener): () => void {
    return this.leases.onProblem(listener);
  }

  // -------------------------------------------------------------------------------------------
  // Metrics (metrics.ts)

  /** See MetricsRepository.record: one measurement point, in one transaction. */
  recordEpoch(runId: number, metrics: EpochMetrics): void {
    this.metrics.record(runId, metrics);
  }

  /** Every recorded epoch of a run, in epoch order, each with its layers in layer order. */
  getRunMetrics(runId: number): EpochMetrics[] {
    return this.metrics.runMetrics(runId);
  }

  /** See MetricsRepository.deadMaskHistories. */
  getDeadMaskHistories(runId: number, upToEpoch?: number): DeadMaskHistory[] {
    return this.metrics.deadMaskHistories(runId, upToEpoch);
  }

  /** All layers of these runs over all epochs, by run id, epoch, layer (unknown ids skipped). */
  getLayerSeries(runIds: number[]): LayerSeriesRow[] {
    return this.metrics.layerSeries(runIds);
  }

  /** The scalar metrics of these runs over all epochs, by run id then epoch (unknown ids skipped). */
  getEpochSeries(runIds: number[]): EpochSeriesRow[] {
    return this.metrics.epochSeries(runIds);
  }

  /** The last recorded epoch of each of these runs (of every run when left out), keyed by run id. */
  getLastEpochs(runIds?: number[]): Map<number, LastEpochRow> {
    return this.metrics.lastEpochs(runIds);
  }

  // -------------------------------------------------------------------------------------------
  // Run summaries and the runs table (run-summaries.ts)

  /** A run's summary metrics (final, smallest, largest dead fraction, losses …), null before its first epoch. */
  getRunSummary(runId: number): RunMetricSummary | null {
    return this.summaries.get(runId);
  }

  /** See RunSummaryRepository.page: one page of the runs table (or every matching run when `limit` is null). */
  queryRunTable(query: Parameters<RunSummaryRepository['page']>[0]): { rows: RunTableRow[]; total: number } {
    return this.summaries.page(query);
  }

  /** The config fields whose values differ between the runs, with their values. */
  runTableFields(): RunTableField[] {
    return this.summaries.varyingFields();
  }

  /** See RunSummaryRepository.recomputeTopFinalDead (slow: reads every epoch of every run). */
  recomputeTopFinalDead(limit: number): ReturnType<RunSummaryRepository['recomputeTopFinalDead']> {
    return this.summaries.recomputeTopFinalDead(limit);
  }

  /** The most hidden layers and the latest epoch of any run, and how many runs there are. */
  runTableExtent(): { layers: number; maxEpoch: number; runs: number } {
    return this.summaries.extent();
  }

  // -------------------------------------------------------------------------------------------
  // Artifacts (artifacts.ts)

  saveArtifacts(runId: number, artifacts: RunArtifacts): void {
    this.artifacts.save(runId, artifacts);
  }

  /** The run's artifacts, or null when none were saved. */
  getArtifacts(runId: number): RunArtifacts | null {
    return this.artifacts.get(runId);
  }

  // -------------------------------------------------------------------------------------------
  // Bundles (bundle.ts)

  /** One bundle file of these experiments with everything they hold, from one consistent snapshot. */
  exportBundle(experimentIds: number[], options: ExportOptions = {}): Buffer {
    return writeBundle(this.db, experimentIds, options);
  }

  /** Imports a bundle in one transaction; a foreign, damaged or too new one is refused (BundleError), changing nothing. */
  importBundle(data: Uint8Array, options: ImportOptions = {}): BundleImportResult {
    const result = readBundle(this.db, data, options);
    // The bundle's epochs are written as rows: their runs are summarized from them.
    this.summaries.refreshStale();
    return result;
  }

  /** Imports several bundles in one transaction: all, or none when one is refused (its BundleError names it). */
  importBundles(sources: readonly BundleSource[], options: ImportOptions = {}): BundleImportResult[] {
    return readBundles(this.db, sources, options);
  }

  // -------------------------------------------------------------------------------------------
  // Saved comparisons (comparisons.ts)

  /** See ComparisonRepository.save: saves (or replaces) a validated comparison spec under a name. */
  saveComparison(name: string, spec: ComparisonSpecInput): SavedComparison {
    return this.comparisons.save(name, spec);
  }

  /** Every saved comparison, by name (case-insensitive). */
  listComparisons(): SavedComparison[] {
    return this.comparisons.list();
  }

  /** By id (a number) or by name (a string, trimmed); null when there is none. */
  getComparison(idOrName: number | string): SavedComparison | null {
    return this.comparisons.get(idOrName);
  }

  deleteComparison(id: number): void {
    this.comparisons.delete(id);
  }
}
