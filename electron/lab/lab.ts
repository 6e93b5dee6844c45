/**
 * The lab: a queue of runs trained by a pool of worker threads, with every measurement written to
 * the store as it arrives (one transaction per epoch). One run crashing or diverging never stops the
 * others; a crashed worker is replaced.
 */
import { Worker } from 'node:worker_threads';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { BackendChoice } from '../../shared/config.js';
import type { EpochMetrics, RunStatus } from '../../shared/metrics.js';
import type { LabStore } from '../../db/store.js';
import type { FromWorker, ToWorker } from './messages.js';

/** The worker thread's entry point when running from source (it loads worker.ts through tsx). */
export const DEFAULT_WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export interface LabOptions {
  /** Concurrent training workers (default: cores − 1, at least 1). */
  workers?: number;
  backend?: BackendChoice;
  /** Folder that relative dataset paths (csv) are resolved against. */
  baseDir?: string;
  /** The worker thread's entry module (default: worker-entry.mjs next to this file; a bundled app points at its bundled worker). */
  workerEntry?: URL;
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

export interface LabEvents {
  'run-status': [RunStatusEvent];
  epoch: [EpochEvent];
  progress: [ProgressEvent];
  idle: [];
}

interface QueuedRun {
  runId: number;
  experimentId: number;
}

interface ActiveRun extends QueuedRun {
  cancel: Int32Array;
  startedAt: number;
  status: RunStatus;
}

interface Slot {
  worker: Worker;
  run: ActiveRun | null;
}

export function defaultWorkerCount(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, cores - 1);
}

export class Lab extends EventEmitter<LabEvents> {
  private workers: number;
  private backendChoice: BackendChoice;
  private readonly baseDir: string;
  private readonly workerEntry: URL;
  private readonly queue: QueuedRun[] = [];
  private readonly slots: Slot[] = [];
  private closed = false;

  constructor(
    private readonly store: LabStore,
    options: LabOptions = {},
  ) {
    super();
    this.workers = Math.max(1, options.workers ?? defaultWorkerCount());
    this.backendChoice = options.backend ?? 'auto';
    this.baseDir = options.baseDir ?? process.cwd();
    this.workerEntry = options.workerEntry ?? DEFAULT_WORKER_ENTRY;
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
   * Changes the worker count and/or backend for runs started from now on. Runs already training keep
   * their worker and backend; surplus workers stop when their run ends.
   */
  configure(options: { workers?: number; backend?: BackendChoice }): void {
    if (options.workers !== undefined) this.workers = Math.max(1, Math.floor(options.workers));
    if (options.backend !== undefined) this.backendChoice = options.backend;
    for (const slot of [...this.slots]) {
      if (this.slots.length <= this.workers) break;
      if (!slot.run) this.retire(slot);
    }
    this.pump();
  }

  /** Run ids waiting for a worker, in queue order. */
  queuedRunIds(): number[] {
    return this.queue.map((q) => q.runId);
  }

  /** Queues every `queued` run of an experiment (in run order). */
  enqueueExperiment(experimentId: number): number[] {
    const runs = this.store.listRuns({ experimentId, statuses: ['queued'] });
    for (const run of runs) this.queue.push({ runId: run.id, experimentId });
    this.pump();
    return runs.map((r) => r.id);
  }

  /** Runs waiting or training. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.run).length;
  }

  /** Active run ids with their progress start time, for ETAs. */
  activeRunIds(): number[] {
    return this.slots.flatMap((s) => (s.run ? [s.run.runId] : []));
  }

  /** Cancels one run: dropped from the queue, or stopped between batches if training. */
  cancelRun(runId: number): boolean {
    const i = this.queue.findIndex((q) => q.runId === runId);
    if (i >= 0) {
      const [q] = this.queue.splice(i, 1);
      this.store.cancelQueuedRuns([runId]);
      this.emit('run-status', { runId, experimentId: q.experimentId, status: 'cancelled', error: null, backend: null });
      this.maybeIdle();
      return true;
    }
    const slot = this.slots.find((s) => s.run?.runId === runId);
    if (slot?.run) {
      Atomics.store(slot.run.cancel, 0, 1);
      return true;
    }
    return false;
  }

  cancelExperiment(experimentId: number): number {
    const ids = [
      ...this.queue.filter((q) => q.experimentId === experimentId).map((q) => q.runId),
      ...this.slots.flatMap((s) => (s.run && s.run.experimentId === experimentId ? [s.run.runId] : [])),
    ];
    for (const id of ids) this.cancelRun(id);
    return ids.length;
  }

  cancelAll(): number {
    const ids = [...this.queue.map((q) => q.runId), ...this.activeRunIds()];
    for (const id of ids) this.cancelRun(id);
    return ids.length;
  }

  /** Resolves when nothing is queued or training. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.once('idle', () => resolve()));
  }

  /** Stops the workers. Runs still training are cancelled first and awaited. */
  async close(): Promise<void> {
    this.cancelAll();
    await this.idle();
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.run);
      if (!slot) {
        if (this.slots.length >= this.workerCount) return;
        slot = this.spawn();
      }
      const next = this.queue.shift()!;
      this.start(slot, next);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.workerEntry);
    const slot: Slot = { worker, run: null };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (err) => this.onWorkerDeath(slot, `the training worker crashed: ${err.message}`));
    worker.on('exit', (code) => {
      if (slot.run) this.onWorkerDeath(slot, `the training worker exited with code ${code}`);
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }

  private start(slot: Slot, next: QueuedRun): void {
    const run = this.store.getRun(next.runId);
    if (!run || run.status !== 'queued') {
      this.pump();
      return;
    }
    const cancel = new SharedArrayBuffer(4);
    slot.run = { ...next, cancel: new Int32Array(cancel), startedAt: Date.now(), status: 'running' };
    const message: ToWorker = { type: 'run', runId: run.id, seed: run.seed, config: run.config, backend: this.backend, baseDir: this.baseDir, cancel };
    slot.worker.postMessage(message);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    const active = slot.run;
    if (!active || active.runId !== message.runId) return;
    const { runId, experimentId } = active;
    switch (message.type) {
      case 'started':
        this.store.markRunStarted(runId, { backend: message.backend, versions: message.versions, ownerPid: process.pid });
        this.emit('run-status', { runId, experimentId, status: 'running', error: null, backend: message.backend });
        break;
      case 'epoch':
        this.store.recordEpoch(runId, message.metrics);
        this.emit('epoch', { runId, experimentId, metrics: message.metrics });
        break;
      case 'progress': {
        const elapsed = (Date.now() - active.startedAt) / 1000;
        const eta = message.fraction > 0.02 ? (elapsed * (1 - message.fraction)) / message.fraction : null;
        this.emit('progress', { runId, experimentId, fraction: message.fraction, etaSeconds: eta });
        break;
      }
      case 'done': {
        try {
          if (message.artifacts) this.store.saveArtifacts(runId, message.artifacts);
          this.store.finishRun(runId, message.status, message.error);
        } catch (err) {
          this.store.finishRun(runId, 'failed', `could not store the run's results: ${(err as Error).message}`);
        }
        slot.run = null;
        // Fewer workers were asked for meanwhile (configure): this one stops.
        if (this.slots.length > this.workers) this.retire(slot);
        this.emit('run-status', { runId, experimentId, status: message.status, error: message.error, backend: null });
        this.pump();
        this.maybeIdle();
        break;
      }
    }
  }

  private onWorkerDeath(slot: Slot, reason: string): void {
    const active = slot.run;
    slot.run = null;
    if (active) {
      const wasCancelled = Atomics.load(active.cancel, 0) === 1;
      const status: RunStatus = wasCancelled ? 'cancelled' : 'failed';
      this.store.finishRun(active.runId, status, wasCancelled ? null : reason);
      this.emit('run-status', { runId: active.runId, experimentId: active.experimentId, status, error: reason, backend: null });
    }
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate();
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

  private maybeIdle(): void {
    if (this.pending === 0) this.emit('idle');
  }
}
