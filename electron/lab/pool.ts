/**
 * The training pool: a queue of runs trained by a pool of worker threads, with every measurement written to
 * the store as it arrives (one transaction per epoch). One run crashing or diverging never stops the
 * others; a crashed worker is replaced. A little over 500 lines: the workers' life cycle and their
 * message handling are one state machine (the queue is run-queue.ts, the limits worker-count.ts).
 *
 * Queued runs of small networks that share an architecture (engine/batching.ts) go to one worker
 * together and train batched; each still has its own messages, writes, cancel flag and status.
 *
 * Database faults never escape a worker's message handler: each run's writes go through one queue,
 * in message order. A write that finds the database locked by another process is retried with
 * backoff (the event loop stays free meanwhile) for up to `lockWaitMs`; a write that still fails
 * (lock held too long, disk full, damaged file) fails that run with the reason stored, and its
 * training is stopped; the other runs and the process go on. A run cancelled or deleted by another
 * process meanwhile is dropped without writing anything more. Problems that are not one run's
 * (a full disk, a status that could not be stored) are reported once as `problem` events.
 */
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import type { BackendChoice } from '../../shared/config.js';
import { NotFoundError } from '../../shared/errors.js';
import type { EpochMetrics, RunArtifacts, RunStatus, RunSummary } from '../../shared/metrics.js';
import { isBusyError, isFullError, type LabStore } from '../../db/store.js';
import type { FromWorker, ToWorker } from './messages.js';
import { RunQueue, type QueuedRun } from './run-queue.js';
import { clampWorkers, defaultWorkerCount } from './worker-count.js';
import { retryWhileLocked } from './locked-retry.js';

export { defaultWorkerCount, maxWorkerCount, workerCountProblem } from './worker-count.js';

/** The worker thread's entry point when running from source (it loads worker.ts through tsx). */
export const DEFAULT_WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Default of TrainingPoolOptions.lockWaitMs. */
export const DEFAULT_LOCK_WAIT_MS = 120_000;
/** While closing, writes wait at most this long for a lock (a stop must not hang for minutes). */
const CLOSING_LOCK_WAIT_MS = 5_000;

export interface TrainingPoolOptions {
  /** Concurrent training workers (default: cores − 1, at least 1; capped at maxWorkerCount()). */
  workers?: number;
  backend?: BackendChoice;
  /** Folder that relative dataset paths (csv) are resolved against. */
  baseDir?: string;
  /** The worker thread's entry module (default: worker-entry.mjs next to this file; a bundled app points at its bundled worker). */
  workerEntry?: URL;
  /** How long a run's database write keeps retrying while another process holds the lock (default 120 s). */
  lockWaitMs?: number;
  /**
   * Hand runs that share a small network's architecture to one worker together, to train batched
   * (engine/batching.ts); default true. False trains every run on its own.
   */
  batchRuns?: boolean;
}

export interface RunStatusEvent {
  runId: number;
  experimentId: number;
  status: RunStatus;
  error: string | null;
  backend: string | null;
}

export interface EpochEvent {
  runId: number;
  experimentId: number;
  metrics: EpochMetrics;
}

export interface ProgressEvent {
  runId: number;
  experimentId: number;
  /** Fraction of the run's epochs done, 0..1. */
  fraction: number;
  /** Estimated seconds until the run ends, null until it can be estimated. */
  etaSeconds: number | null;
}

/** A problem that is not one run's result: reported once, e.g. the disk is full. */
export interface ProblemEvent {
  message: string;
  /** The run it showed up in, if any. */
  runId: number | null;
}

export interface TrainingPoolEvents {
  'run-status': [RunStatusEvent];
  epoch: [EpochEvent];
  progress: [ProgressEvent];
  problem: [ProblemEvent];
  idle: [];
}

interface ActiveRun extends QueuedRun {
  cancel: Int32Array;
  startedAt: number;
  /** This run's store writes, one after another in message order. */
  writes: Promise<void>;
  /** Why the run fails: one of its writes failed for good (its training is being stopped). */
  failure: string | null;
  /** Cancelled or deleted by another process: nothing more is written for it; its final event. */
  dropped: { status: RunStatus; error: string | null } | null;
}

interface Slot {
  worker: Worker;
  /** The runs it was handed (one, or a batch) that have not settled yet; empty when it is free. */
  runs: ActiveRun[];
}

type DoneMessage = Extract<FromWorker, { type: 'done' }>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class TrainingPool extends EventEmitter<TrainingPoolEvents> {
  private workers: number;
  private backendChoice: BackendChoice;
  private readonly baseDir: string;
  private readonly workerEntry: URL;
  private readonly lockWaitMs: number;
  private readonly queue: RunQueue;
  private readonly slots: Slot[] = [];
  /** Runs handed to a worker and not yet settled (final status stored, or given up on). */
  private readonly running = new Set<ActiveRun>();
  private closing = false;
  private closed = false;
  /** Problems already reported (each once). */
  private readonly reported = new Set<string>();
  private readonly offStoreProblems: () => void;

  constructor(
    private readonly store: LabStore,
    options: TrainingPoolOptions = {},
  ) {
    super();
    this.workers = clampWorkers(options.workers ?? defaultWorkerCount());
    this.backendChoice = options.backend ?? 'auto';
    this.baseDir = options.baseDir ?? process.cwd();
    this.workerEntry = options.workerEntry ?? DEFAULT_WORKER_ENTRY;
    this.lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
    this.queue = new RunQueue(options.batchRuns ?? true);
    this.offStoreProblems = store.onProblem((message) => this.problem(message, null));
  }

  /** Concurrent training workers. */
  get workerCount(): number {
    return this.workers;
  }

  /** The backend runs started from now on train with. */
  get backend(): BackendChoice {
    return this.backendChoice;
  }

  /**
   * Changes the worker count (capped at maxWorkerCount()) and/or backend for runs started from now
   * on. Runs already training keep their worker and backend; surplus workers stop when their run ends.
   */
  configure(options: { workers?: number; backend?: BackendChoice }): void {
    if (options.workers !== undefined) this.workers = clampWorkers(options.workers);
    if (options.backend !== undefined) this.backendChoice = options.backend;
    for (const slot of [...this.slots]) {
      if (this.slots.length <= this.workers) break;
      if (slot.runs.length === 0) this.retire(slot);
    }
    this.pump();
  }

  /** Run ids waiting for a worker, in queue order. */
  queuedRunIds(): number[] {
    return this.queue.ids();
  }

  /** Queues every run of an experiment that this process queued and that is still waiting (in run order). */
  enqueueExperiment(experimentId: number): number[] {
    const known = new Set([...this.queuedRunIds(), ...this.activeRunIds()]);
    const runIds = this.store.ownQueuedRunIds(experimentId).filter((id) => !known.has(id));
    // The stored configs decide which runs may train batched.
    const configs = this.queue.batching ? new Map(this.store.listRuns({ experimentId }).map((r) => [r.id, r.config])) : null;
    this.queue.add(runIds.map((runId) => ({ runId, experimentId, config: configs?.get(runId) ?? null })));
    this.pump();
    return runIds;
  }

  /** Runs waiting or training (or storing their last results). */
  get pending(): number {
    return this.queue.length + this.running.size;
  }

  /** Run ids handed to a worker and not settled yet. */
  activeRunIds(): number[] {
    return [...this.running].map((run) => run.runId);
  }

  /**
   * Cancels one run: dropped from the queue (its status written first: when that fails, e.g.
   * locked, the run stays queued and the error is thrown), or stopped between batches if training.
   */
  cancelRun(runId: number): boolean {
    if (this.queue.ids().includes(runId)) {
      this.store.cancelQueuedRuns([runId]);
      const q = this.queue.remove(runId)!;
      this.emit('run-status', { runId, experimentId: q.experimentId, status: 'cancelled', error: null, backend: null });
      this.maybeIdle();
      return true;
    }
    const active = [...this.running].find((run) => run.runId === runId);
    if (active) {
      Atomics.store(active.cancel, 0, 1);
      return true;
    }
    return false;
  }

  cancelExperiment(experimentId: number): number {
    const ids = [
      ...this.queue.ids(experimentId),
      ...[...this.running].filter((run) => run.experimentId === experimentId).map((run) => run.runId),
    ];
    for (const id of ids) this.cancelRun(id);
    return ids.length;
  }

  cancelAll(): number {
    const ids = [...this.queue.ids(), ...this.activeRunIds()];
    for (const id of ids) {
      try {
        this.cancelRun(id);
      } catch (error) {
        // Could not write the cancellation (locked, full): the run stays queued under this
        // process' lease, which is released (or expires) when the process stops.
        this.queue.remove(id);
        this.problem(`run ${id} could not be marked cancelled: ${messageOf(error)}`, id);
        this.maybeIdle();
      }
    }
    return ids.length;
  }

  /** Resolves when nothing is queued or training. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', () => resolve()));
  }

  /** Stops the workers. Runs still training are cancelled first and awaited. */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelAll();
    await this.idle();
    this.closed = true;
    this.offStoreProblems();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.runs.length === 0);
      if (!slot) {
        if (this.slots.length >= this.workerCount) return;
        slot = this.spawn();
      }
      const free = this.slots.filter((s) => s.runs.length === 0).length + Math.max(0, this.workerCount - this.slots.length);
      this.start(slot, this.queue.takeNext(free));
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerEntry);
    const slot: Slot = { worker, runs: [] };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (err) => this.onWorkerDeath(slot, `the training worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (slot.runs.length > 0) this.onWorkerDeath(slot, `the training worker exited with code ${code}`);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, next: QueuedRun[]): void {
    const runs: { queued: QueuedRun; run: RunSummary }[] = [];
    for (const queued of next) {
      let run;
      try {
        run = this.store.isRunWaiting(queued.runId) ? this.store.getRun(queued.runId) : null;
      } catch (error) {
        this.problem(`run ${queued.runId} could not be read from the database, so it was not started: ${messageOf(error)}`, queued.runId);
        run = null;
      }
      if (run) {
        runs.push({ queued, run });
        continue;
      }
      // Cancelled or deleted by another process since it was queued.
      this.emit('run-status', { runId: queued.runId, experimentId: queued.experimentId, status: 'cancelled', error: null, backend: null });
    }
    if (runs.length === 0) {
      this.maybeIdle();
      return;
    }
    // One cancel flag per run.
    const cancel = new SharedArrayBuffer(4 * runs.length);
    slot.runs = runs.map(({ queued }, i) => ({
      ...queued,
      cancel: new Int32Array(cancel, 4 * i, 1),
      startedAt: Date.now(),
      writes: Promise.resolve(),
      failure: null,
      dropped: null,
    }));
    for (const active of slot.runs) this.running.add(active);
    const message: ToWorker = {
      type: 'train',
      runs: runs.map(({ run }) => ({ runId: run.id, seed: run.seed, config: run.config })),
      backend: this.backend,
      baseDir: this.baseDir,
      cancel,
    };
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const active = slot.runs.find((run) => run.runId === message.runId);
    if (!active) return;
    if (message.type === 'progress') {
      if (active.failure || active.dropped) return;
      const elapsed = (Date.now() - active.startedAt) / 1000;
      const eta = message.fraction > 0.02 ? (elapsed * (1 - message.fraction)) / message.fraction : null;
      this.emit('progress', { runId: active.runId, experimentId: active.experimentId, fraction: message.fraction, etaSeconds: eta });
      return;
    }
    if (message.type === 'done') {
      // The worker is free for the next runs as soon as all of its runs' writes are through.
      this.settle(active, () => this.finish(active, message), () => this.freeSlot(slot, active));
      return;
    }
    active.writes = active.writes.then(() => this.persist(active, message)).catch((error) => this.unexpected(active, error));
  }

  /** Stores one measurement or the start of a run (never throws: failures end the run). */
  private async persist(active: ActiveRun, message: Exclude<FromWorker, { type: 'progress' | 'done' }>): Promise<void> {
    if (active.failure || active.dropped) return;
    const { runId, experimentId } = active;
    if (message.type === 'started') {
      const started = await this.write(active, 'mark the run started', () =>
        this.store.markRunStarted(runId, { backend: message.backend, versions: message.versions, ownerPid: process.pid }),
      );
      if (started === false) this.drop(active, 'cancelled', 'cancelled by another process before it started');
      if (started) this.emit('run-status', { runId, experimentId, status: 'running', error: null, backend: message.backend });
      return;
    }
    const stored = await this.write(active, `store epoch ${message.metrics.epoch}`, () => {
      this.store.recordEpoch(runId, message.metrics);
      return true;
    });
    if (stored) this.emit('epoch', { runId, experimentId, metrics: message.metrics });
  }

  /** Stores a run's end (its weights and final status) and announces it. */
  private async finish(active: ActiveRun, message: Pick<DoneMessage, 'status' | 'error' | 'artifacts'>): Promise<void> {
    const { runId, experimentId } = active;
    let status: RunStatus = message.status;
    let error = message.error;
    if (!active.failure && !active.dropped && message.artifacts) {
      const artifacts: RunArtifacts = message.artifacts;
      await this.write(active, "store the run's final weights", () => {
        this.store.saveArtifacts(runId, artifacts);
        return true;
      });
    }
    if (active.dropped) {
      this.emit('run-status', { runId, experimentId, status: active.dropped.status, error: active.dropped.error, backend: null });
      return;
    }
    if (active.failure) {
      status = 'failed';
      error = active.failure;
    }
    const stored = await this.write(
      active,
      'store the run status',
      () => {
        this.store.finishRun(runId, status, error);
        return true;
      },
      true,
    );
    // The write may have found the run deleted meanwhile.
    const dropped = active.dropped as ActiveRun['dropped'];
    if (dropped) {
      this.emit('run-status', { runId, experimentId, status: dropped.status, error: dropped.error, backend: null });
      return;
    }
    if (!stored) {
      this.problem(
        `run ${runId} ${status}${error ? ` (${error})` : ''}, but that could not be stored in ${this.store.file}: ` +
          'it shows as running until this process stops, then as interrupted',
        runId,
      );
    }
    this.emit('run-status', { runId, experimentId, status, error, backend: null });
  }

  /**
   * Runs `fn` (store calls) now, retrying with backoff while another process holds the lock: for up
   * to lockWaitMs, or, for a run's final status (`untilClosed`), until the pool closes. On a failure
   * for good, the run fails (or is dropped when it no longer exists) and undefined is returned;
   * never throws.
   */
  private async write<T>(active: ActiveRun, what: string, fn: () => T, untilClosed = false): Promise<T | undefined> {
    const limit = () => (this.closing ? Math.min(this.lockWaitMs, CLOSING_LOCK_WAIT_MS) : untilClosed ? Infinity : this.lockWaitMs);
    const outcome = await retryWhileLocked(this.store, fn, limit);
    if (outcome.ok) return outcome.value;
    this.writeFailed(active, what, outcome.error, outcome.waitedMs);
    return undefined;
  }

  private writeFailed(active: ActiveRun, what: string, error: unknown, waitedMs: number): void {
    if (error instanceof NotFoundError && error.what === 'run' && error.id === active.runId) {
      this.drop(active, 'cancelled', 'deleted while it was training');
      return;
    }
    if (active.failure) return;
    let reason: string;
    if (isBusyError(error)) {
      reason = `could not ${what}: ${this.store.file} stayed locked by another process for ${(waitedMs / 1000).toFixed(1)} s`;
    } else if (isFullError(error)) {
      reason = `could not ${what}: the disk holding ${this.store.file} is full`;
      // Once for the pool's life: every run that fails for it says so itself.
      if (!this.reported.has('full')) {
        this.reported.add('full');
        this.emit('problem', {
          message: `the disk holding ${this.store.file} is full (SQLITE_FULL): runs that cannot store their measurements fail; free some space`,
          runId: active.runId,
        });
      }
    } else {
      reason = `could not ${what}: ${messageOf(error)}`;
    }
    active.failure = reason;
    // Stop the training: nothing it measures from now on could be stored.
    Atomics.store(active.cancel, 0, 1);
  }

  /** Another process cancelled or deleted the run: stop it and write nothing more for it. */
  private drop(active: ActiveRun, status: RunStatus, error: string | null): void {
    active.dropped ??= { status, error };
    Atomics.store(active.cancel, 0, 1);
  }

  /** A bug, not a database fault: the run fails with it rather than the process. */
  private unexpected(active: ActiveRun, error: unknown): void {
    active.failure ??= `internal error: ${messageOf(error)}`;
    Atomics.store(active.cancel, 0, 1);
    this.problem(`run ${active.runId}: ${error instanceof Error && error.stack ? error.stack : messageOf(error)}`, active.runId);
  }

  /** After this run's pending writes, `work` (its end), then `after`; the run is settled then. */
  private settle(active: ActiveRun, work: () => Promise<void>, after: () => void): void {
    active.writes = active.writes
      .then(work)
      .catch((error) => this.unexpected(active, error))
      .finally(() => {
        this.running.delete(active);
        after();
        this.pump();
        this.maybeIdle();
      });
  }

  private freeSlot(slot: Slot, active: ActiveRun): void {
    const i = slot.runs.indexOf(active);
    if (i < 0) return;
    slot.runs.splice(i, 1);
    // Fewer workers were asked for meanwhile (configure): this one stops once its runs are through.
    if (slot.runs.length === 0 && this.slots.length > this.workers) this.retire(slot);
  }

  private onWorkerDeath(slot: Slot, reason: string): void {
    const actives = slot.runs.filter((active) => this.running.has(active));
    slot.runs = [];
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
    for (const active of actives) {
      const wasCancelled = Atomics.load(active.cancel, 0) === 1 && !active.failure;
      this.settle(
        active,
        () => this.finish(active, { status: wasCancelled ? 'cancelled' : 'failed', error: wasCancelled ? null : reason, artifacts: null }),
        () => undefined,
      );
    }
    if (actives.length > 0) return;
    this.pump();
    this.maybeIdle();
  }

  /** Stops an idle worker for good. */
  private retire(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
  }

  /** Reports a problem once. */
  private problem(message: string, runId: number | null): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.emit('problem', { message, runId });
  }

  private maybeIdle(): void {
    if (this.pending === 0) this.emit('idle');
  }
}
