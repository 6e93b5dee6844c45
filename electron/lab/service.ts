/**
 * The lab behind the API: every `LabApi` operation over a `LabStore` and a `TrainingPool`, shared by both
 * carriers (Electron IPC and HTTP in web mode). `handle(operation, args)` is the one entry point a
 * carrier calls: it validates the operation and its arguments, runs it and always resolves to an
 * `ApiResult` (it never throws). Live events (run status, epochs, progress, changes) go to the
 * subscribers as `LabEvent`s. A little over 500 lines: one method per API operation, each a few lines
 * over the front door (operations.ts); splitting them by operation would scatter one table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import {
  ApiError,
  isApiOperation,
  type ApiResult,
  type AppInfo,
  type CreateExperimentResult,
  type EpochMetricsDto,
  type ExperimentDetail,
  type ExperimentPatch,
  type ExperimentRow,
  type LabApi,
  type QueueEntry,
  type QueueState,
  type RunFilter,
  type RunPatch,
  type RunRow,
  type Settings,
  type FigureFormat,
  type FigureRequestOptions,
  type FileData,
  type BundleImportSummary,
  type DivergenceCheck,
} from '../../shared/api.js';
import { describeValue } from '../../shared/config.js';
import { PRESETS, type Preset } from '../../shared/presets.js';
import { LabStore, isBusyError } from '../../db/store.js';
import { DEFAULT_WORKER_ENTRY, TrainingPool, workerCountProblem } from './pool.js';
import { LiveEvents, type LabEventListener } from './live.js';
import { DesignCheckCancelled, DesignWorker, quickCheckSetups } from './design-worker.js';
import { cancelExperimentRuns, deleteStoppedExperiment, describeRunTable, exportExperimentsBundle, prepareExperiment, queryRunTable, renderSweepFile, requireExperiment, requireRun, runsStopped, startExperiment, sweepChartOf, type PreparedExperiment } from './operations.js';
import type { SweepChart, SweepRequestInput } from '../../shared/sweep.js';
import type { RunTableInfo, RunTablePage, RunTableQueryInput } from '../../shared/run-table.js';
import { apiErrorOf } from './api-errors.js';
import { DatasetError } from '../engine/datasets/index.js';
import type { QuickCheckOptions } from '../engine/quick-check.js';
import { checkArgs, withArgument } from './api-args.js';
import { epochToDto, experimentRow, experimentRows, runRows } from './dto.js';
import { SettingsFile } from './settings.js';
import { appPackage } from '../app-root.js';
import { parseComparisonSpec, type ChartKind, type ComparisonSpecInput, type SavedComparison } from '../../shared/compare.js';
import type { ComparedRun } from '../../shared/charts.js';
import type { ComparisonView } from '../../shared/comparison-view.js';
import { ComparisonViews } from './comparison-views.js';
import { importBundle } from '../../db/bundle.js';
import { ConflictError, InvalidConfigError, ValidationError, firstLine } from '../../shared/errors.js';
import { loadComparedRuns, renderChartData } from '../figure/comparison.js';

const require = createRequire(import.meta.url);

export interface LabServiceOptions {
  /** Which carrier serves this lab (reported by getAppInfo). */
  transport: 'ipc' | 'http';
  /** Settings file (default: `<appData>/ReLU Lab/settings.json`, or `$RELU_LAB_SETTINGS`). */
  settingsFile?: string;
  /** Settings for this session only, never persisted (command-line flags such as `--db`). */
  overrides?: Partial<Settings>;
  /** Environment read for `$RELU_LAB_DB`, `$RELU_LAB_SETTINGS` and the default paths (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** The training worker's entry module (a bundled app points at its bundled worker). */
  workerEntry?: URL;
  /** better_sqlite3.node to load instead of the default (one built for Electron's ABI). */
  nativeBinding?: string;
  /** Folder relative csv dataset paths are resolved against (default: the working directory). */
  baseDir?: string;
  /** Default: the version in the app's package.json. */
  appVersion?: string;
  /** Where problems nobody asked about are reported (default: stderr). */
  log?: (message: string) => void;
  /** Run lease duration (default: `$RELU_LAB_LEASE_SECONDS`, else 30 s; see db/store.ts). */
  leaseMs?: number;
  /** How long a run's database write waits for another process' lock before the run fails (default 120 s). */
  lockWaitMs?: number;
  /** Trials, steps, samples and time budget of the divergence quick check (default: QUICK_CHECK_DEFAULTS). */
  quickCheck?: Partial<Omit<QuickCheckOptions, 'shouldStop' | 'baseDir'>>;
}

function readTfjsVersion(): string {
  try {
    return (require('@tensorflow/tfjs/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export class LabService implements LabApi {
  private store: LabStore;
  private pool: TrainingPool;
  private readonly settings: SettingsFile;
  private readonly live: LiveEvents;
  /** Serializes settings changes (a database switch must not interleave with another). */
  private settingsLock: Promise<unknown> = Promise.resolve();
  /** Set while the database is being switched: operations wait for the new one. */
  private switching: Promise<void> | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly appVersion: string;
  private readonly tfjsVersion: string;
  private readonly log: (message: string) => void;
  /** Looks for runs of dead processes now and then (a crashed CLI's runs show as interrupted without a restart). */
  private readonly orphanTimer: NodeJS.Timeout;
  /** The worker of the design checks (csv preflight, divergence quick check). */
  private readonly design: DesignWorker;
  /** The compare view's data, kept between calls (see comparison-views.ts). */
  private readonly comparisons = new ComparisonViews();

  private constructor(
    private readonly options: LabServiceOptions,
    settings: SettingsFile,
    store: LabStore,
  ) {
    this.settings = settings;
    this.store = store;
    this.log = options.log ?? ((message) => process.stderr.write(`relu-lab: ${message}\n`));
    this.live = new LiveEvents(this.log);
    this.pool = this.createPool(store);
    this.design = new DesignWorker(options.workerEntry ?? DEFAULT_WORKER_ENTRY);
    this.appVersion = options.appVersion ?? appPackage().version;
    this.tfjsVersion = readTfjsVersion();
    if (settings.loadProblem) this.log(settings.loadProblem);
    this.orphanTimer = setInterval(() => this.markOrphans(), store.leaseMs);
    this.orphanTimer.unref();
  }

  /** Opens the database named by the settings (throws, with the reason, when it cannot be opened). */
  static open(options: LabServiceOptions): LabService {
    const settings = new SettingsFile({ file: options.settingsFile, overrides: options.overrides, env: options.env });
    const file = settings.get().databaseFile;
    let store: LabStore;
    try {
      store = LabStore.open(file, { nativeBinding: options.nativeBinding, leaseMs: options.leaseMs });
    } catch (err) {
      const message = firstLine(err);
      // The store's own messages name the file already.
      throw new Error(message.includes(file) ? `cannot open the lab database: ${message}` : `cannot open database ${file}: ${message}`, { cause: err });
    }
    return new LabService(options, settings, store);
  }

  /** The database file in use. */
  get databaseFile(): string {
    return this.store.file;
  }

  /** Where the settings are persisted. */
  get settingsFile(): string {
    return this.settings.file;
  }

  // ------------------------------------------------------------------------------------------
  // The carriers' entry point

  /** Validates and runs one operation. Always resolves to an ApiResult, never throws. */
  async handle(operation: string, args: unknown): Promise<ApiResult<unknown>> {
    try {
      if (typeof operation !== 'string' || !isApiOperation(operation)) throw new ValidationError(`unknown operation ${describeValue(operation)}`);
      const checked = checkArgs(operation, args);
      if (!checked.ok) throw new ValidationError(checked.message);
      while (this.switching) await this.switching;
      if (this.closed) throw new ConflictError('the lab is shutting down');
      const method = this[operation] as (...a: unknown[]) => Promise<unknown>;
      const value = await method.apply(this, checked.args);
      return { ok: true, value: value === undefined ? null : value };
    } catch (err) {
      const expected = apiErrorOf(err);
      if (expected) return { ok: false, error: expected };
      const message = firstLine(err);
      this.log(`${String(operation)} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      return { ok: false, error: { code: 'internal', message: `${String(operation)} failed: ${message}` } };
    }
  }

  /** Live events; returns the unsubscribe function. */
  subscribe(listener: LabEventListener): () => void {
    return this.live.subscribe(listener);
  }

  /**
   * For a process about to quit at once (a second Ctrl-C): the runs it still owns become
   * interrupted with `reason` now, instead of when their lease expires. Never throws.
   */
  abandonRuns(reason: string): void {
    try {
      this.store.releaseLease(reason);
    } catch (err) {
      this.log(`could not mark the unfinished runs interrupted: ${firstLine(err)}`);
    }
  }

  /** Cancels training runs (awaiting them), stops the workers and closes the database. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closed = true;
      clearInterval(this.orphanTimer);
      this.closing = (async () => {
        try {
          await Promise.all([this.pool.close(), this.design.close()]);
        } finally {
          this.pool.removeAllListeners();
          this.store.close();
          this.live.close();
        }
      })();
    }
    return this.closing;
  }

  // ------------------------------------------------------------------------------------------
  // Operations (arguments already validated by handle; callable directly too)

  async getAppInfo(): Promise<AppInfo> {
    const latest = this.store.latestRunBackend();
    return {
      appVersion: this.appVersion,
      electronVersion: process.versions.electron ?? null,
      tfjsVersion: this.tfjsVersion,
      trainingBackend: latest?.backend ?? null,
      versions: latest?.versions ?? null,
      nodeVersion: process.versions.node,
      platform: process.platform,
      transport: this.options.transport,
      databaseFile: this.store.file,
    };
  }

  async listPresets(): Promise<Preset[]> {
    return JSON.parse(JSON.stringify(PRESETS)) as Preset[];
  }

  async listExperiments(): Promise<ExperimentRow[]> {
    return experimentRows(this.store);
  }

  async getExperiment(id: number): Promise<ExperimentDetail> {
    const experiment = requireExperiment(this.store, id);
    const runs = this.store.listRuns({ experimentId: id });
    return { experiment: experimentRow(this.store, experiment, runs), runs: runRows(this.store, runs) };
  }

  async createExperiment(config: unknown): Promise<CreateExperimentResult> {
    const design = await this.prepare(config);
    const { experimentId, runIds } = startExperiment(this.store, this.pool, design);
    this.live.experimentsChanged();
    return { experimentId, runIds, ...(design.warnings.length > 0 ? { warnings: design.warnings } : {}) };
  }

  async checkDivergence(config: unknown): Promise<DivergenceCheck> {
    const design = await this.prepare(config);
    const { setups, skipped } = quickCheckSetups(design.runs);
    try {
      const result = await this.design.quickCheck(setups, this.pool.backend, this.baseDir, this.options.quickCheck);
      return { ...result, unchecked: result.unchecked + skipped };
    } catch (err) {
      if (err instanceof DesignCheckCancelled) throw new ConflictError(this.closed ? 'the lab is shutting down' : 'checkDivergence: replaced by a newer check');
      if (err instanceof DatasetError) throw new InvalidConfigError([{ path: err.field, message: err.problem }]);
      throw err;
    }
  }

  /** A design validated and checked against this machine (csv files are read in the design worker). */
  private async prepare(config: unknown): Promise<PreparedExperiment> {
    try {
      return await prepareExperiment(config, {
        baseDir: this.baseDir,
        workers: this.pool.workerCount,
        inspect: (dataset, seed) => this.design.inspect(dataset, seed, this.baseDir),
      });
    } catch (err) {
      if (err instanceof DesignCheckCancelled) throw new ConflictError('the lab is shutting down');
      throw err;
    }
  }

  private get baseDir(): string {
    return this.options.baseDir ?? process.cwd();
  }

  async updateExperiment(id: number, patch: ExperimentPatch): Promise<ExperimentRow> {
    requireExperiment(this.store, id);
    this.store.updateExperiment(id, patch);
    this.live.experimentsChanged();
    return experimentRow(this.store, requireExperiment(this.store, id));
  }

  async deleteExperiment(id: number): Promise<void> {
    const { store, pool } = this;
    requireExperiment(store, id);
    const runIds = store.listRuns({ experimentId: id }).map((r) => r.id);
    this.cancelExperimentRuns(id);
    await runsStopped(pool, runIds);
    if (this.store !== store) throw new ConflictError('the database was switched while the experiment was being deleted');
    deleteStoppedExperiment(store, id);
    this.live.experimentsChanged();
  }

  async cancelExperiment(id: number): Promise<number> {
    requireExperiment(this.store, id);
    return this.cancelExperimentRuns(id);
  }

  async listRuns(filter: RunFilter): Promise<RunRow[]> {
    return runRows(this.store, this.store.listRuns(filter));
  }

  async getRun(id: number): Promise<RunRow> {
    return runRows(this.store, [requireRun(this.store, id)])[0];
  }

  async getRunMetrics(id: number): Promise<EpochMetricsDto[]> {
    requireRun(this.store, id);
    return this.store.getRunMetrics(id).map(epochToDto);
  }

  async updateRun(id: number, patch: RunPatch): Promise<RunRow> {
    requireRun(this.store, id);
    this.store.updateRun(id, patch);
    this.live.experimentsChanged();
    return this.getRun(id);
  }

  async cancelRun(id: number): Promise<boolean> {
    const run = requireRun(this.store, id);
    if (this.pool.cancelRun(id)) return true;
    // Queued in the database but not in this process' training queue (e.g. by another process): cancel it there.
    if (run.status === 'queued' && this.store.cancelQueuedRuns([id]) > 0) {
      this.live.emit({ type: 'run-status', runId: id, experimentId: run.experimentId, status: 'cancelled', error: null });
      this.live.experimentsChanged();
      return true;
    }
    return false;
  }

  async getQueue(): Promise<QueueState> {
    const active: QueueEntry[] = this.pool.activeRunIds().map((runId) => {
      const report = this.live.lastReport(runId);
      if (report) return report;
      // Handed to a worker that has not reported back yet.
      const run = this.store.getRun(runId);
      return { runId, experimentId: run?.experimentId ?? 0, status: run?.status ?? 'queued', fraction: 0, etaSeconds: null };
    });
    return { active, queuedRunIds: this.pool.queuedRunIds(), workers: this.pool.workerCount };
  }

  async getSettings(): Promise<Settings> {
    return this.currentSettings();
  }

  async getComparedRuns(spec: ComparisonSpecInput): Promise<ComparedRun[]> {
    return loadComparedRuns(this.store, parseComparisonSpec(spec));
  }

  async getComparisonView(spec: ComparisonSpecInput): Promise<ComparisonView> {
    return await this.comparisons.view(this.store, parseComparisonSpec(spec));
  }

  async listComparisons(): Promise<SavedComparison[]> {
    return this.store.listComparisons();
  }

  async saveComparison(name: string, spec: ComparisonSpecInput): Promise<SavedComparison> {
    return this.store.saveComparison(name, spec);
  }

  async deleteComparison(id: number): Promise<void> {
    this.store.deleteComparison(id);
  }

  async renderChart(spec: ComparisonSpecInput, chart: ChartKind, format: FigureFormat, options: FigureRequestOptions): Promise<FileData> {
    // The chart as the compare view has it (computed and kept next to the database): what is exported is what is on screen.
    const parsed = parseComparisonSpec(spec);
    const view = await this.comparisons.view(this.store, parsed);
    if (view.runCount === 0) throw new ValidationError('the comparison holds no runs');
    const rendered = renderChartData(view.charts[chart], parsed, format, options);
    return { mimeType: rendered.mimeType, base64: rendered.data.toString('base64'), suggestedName: `${chart}.${format}`, size: rendered.size };
  }

  async exportBundle(experimentIds: number[]): Promise<FileData> {
    const { data, suggestedName } = exportExperimentsBundle(this.store, experimentIds, this.appVersion);
    return { mimeType: 'application/gzip', base64: data.toString('base64'), suggestedName, size: null };
  }

  async importBundle(base64: string): Promise<BundleImportSummary> {
    const data = Buffer.from(base64, 'base64');
    const result = importBundle(this.store, data);
    this.live.emit({ type: 'experiments-changed' });
    return result;
  }

  async describeRunTable(): Promise<RunTableInfo> {
    return describeRunTable(this.store);
  }

  async queryRunTable(query: RunTableQueryInput): Promise<RunTablePage> {
    return withArgument('queryRunTable', 1, () => queryRunTable(this.store, query));
  }

  async getSweepChart(request: SweepRequestInput): Promise<SweepChart> {
    return withArgument('getSweepChart', 1, () => sweepChartOf(this.store, request));
  }

  async renderSweep(request: SweepRequestInput, format: FigureFormat, options: FigureRequestOptions): Promise<FileData> {
    const { file, suggestedName } = withArgument('renderSweep', 1, () => renderSweepFile(this.store, request, format, options));
    return { mimeType: file.mimeType, base64: file.data.toString('base64'), suggestedName, size: file.size };
  }

  updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const run = this.settingsLock.then(() => this.applySettings(patch));
    this.settingsLock = run.catch(() => undefined);
    return run;
  }

  // ------------------------------------------------------------------------------------------

  private currentSettings(): Settings {
    return { ...this.settings.get(), databaseFile: this.store.file };
  }

  private async applySettings(patch: Partial<Settings>): Promise<Settings> {
    if (this.closed) throw new ConflictError('the lab is shutting down');
    const workersProblem = patch.workers === undefined ? null : workerCountProblem('argument 1 field workers', patch.workers);
    if (workersProblem) throw new ValidationError(`updateSettings: ${workersProblem}`);
    let newStore: LabStore | null = null;
    if (patch.databaseFile !== undefined) {
      const file = path.resolve(patch.databaseFile);
      if (file !== path.resolve(this.store.file)) {
        const training = this.pool.activeRunIds().length;
        const queued = this.pool.queuedRunIds().length;
        if (training + queued > 0) {
          throw new ConflictError(
            `cannot switch databases while runs are training (${training} training, ${queued} queued); cancel them or wait until they finish`,
          );
        }
        newStore = this.openOtherStore(file);
      }
    }
    let next: Settings;
    try {
      next = this.settings.update(newStore ? { ...patch, databaseFile: newStore.file } : patch);
    } catch (err) {
      newStore?.close();
      throw new ApiError('internal', `cannot save the settings to ${this.settings.file}: ${firstLine(err)}`);
    }
    if (newStore) {
      const oldPool = this.pool;
      const oldStore = this.store;
      let done!: () => void;
      this.switching = new Promise<void>((resolve) => (done = resolve));
      try {
        await oldPool.close();
      } finally {
        oldPool.removeAllListeners();
        oldStore.close();
        this.live.forgetRuns();
        this.store = newStore;
        this.comparisons.clear();
        this.pool = this.createPool(newStore);
        this.switching = null;
        done();
      }
    } else {
      this.pool.configure({ workers: next.workers, backend: next.defaultBackend });
    }
    const settings = this.currentSettings();
    this.live.emit({ type: 'settings-changed', settings });
    if (newStore) this.live.experimentsChanged();
    return settings;
  }

  /** Opens another database file, or explains (invalid_argument) why it cannot be used. */
  private openOtherStore(file: string): LabStore {
    let stat: fs.Stats | null = null;
    try {
      stat = fs.statSync(file);
    } catch {
      // Does not exist yet: it is created.
    }
    if (stat?.isDirectory()) throw new ValidationError(`updateSettings: databaseFile ${file} is a folder, not a database file`);
    try {
      return LabStore.open(file, { nativeBinding: this.options.nativeBinding, leaseMs: this.options.leaseMs });
    } catch (err) {
      throw new ValidationError(`updateSettings: cannot open ${file} as a lab database: ${firstLine(err)}`);
    }
  }

  private createPool(store: LabStore): TrainingPool {
    const settings = this.settings.get();
    const pool = new TrainingPool(store, {
      workers: settings.workers,
      backend: settings.defaultBackend,
      baseDir: this.options.baseDir,
      workerEntry: this.options.workerEntry,
      lockWaitMs: this.options.lockWaitMs,
    });
    this.live.follow(pool);
    return pool;
  }

  /** Runs of processes whose lease expired become interrupted, without waiting for a restart. */
  private markOrphans(): void {
    if (this.closed || this.switching) return;
    const store = this.store;
    try {
      // Short: never hold up requests behind another process' lock; the next round tries again.
      if (store.withBusyTimeout(100, () => store.markOrphanedRunsInterrupted()) > 0) this.live.experimentsChanged();
    } catch (err) {
      if (!isBusyError(err)) this.log(`could not check ${store.file} for runs of stopped processes: ${firstLine(err)}`);
    }
  }

  /** Cancels an experiment's runs in this process' pool, and its runs queued in the database by nobody here. */
  private cancelExperimentRuns(id: number): number {
    const { count, cancelledQueued } = cancelExperimentRuns(this.store, this.pool, id);
    // The pool announces its own runs; these were only queued in the database.
    for (const run of cancelledQueued) this.live.emit({ type: 'run-status', runId: run.id, experimentId: id, status: 'cancelled', error: null });
    if (cancelledQueued.length > 0) this.live.experimentsChanged();
    return count;
  }
}
