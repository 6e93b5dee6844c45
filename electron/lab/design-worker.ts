/**
 * The design checks' own worker thread (the training worker's code, outside the training pool so a
 * check never waits behind queued runs): reading csv data sets for the preflight, and the divergence
 * quick check. Started on first use, stopped after a minute without requests (and by `close`).
 * A worker that crashes fails the requests it held and is replaced on the next one.
 */
import { Worker } from 'node:worker_threads';
import { describeValue, VARIANT_KEY, type BackendChoice, type DatasetConfig, type RunSpec } from '../../shared/config.js';
import type { DivergenceCheck } from '../../shared/api.js';
import { ConflictError } from '../../shared/errors.js';
import type { DataShape } from '../../shared/resources.js';
import { DatasetError } from '../engine/datasets/index.js';
import { QUICK_CHECK_DEFAULTS, type QuickCheckOptions, type QuickCheckSetup } from '../engine/quick-check.js';
import type { DesignFailure, DesignReply, DesignRequest } from './messages.js';

/** Distinct setups the quick check trains at most (the rest are reported as unchecked). */
export const MAX_QUICK_CHECK_SETUPS = 6;
const IDLE_MS = 60_000;

/** A check that was stopped because a newer one replaced it, or the lab closed. */
export class DesignCheckCancelled extends ConflictError {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'DesignCheckCancelled';
  }
}

type Pending = { resolve: (reply: DesignReply) => void; reject: (err: Error) => void; cancel: Int32Array; type: DesignRequest['type'] };

export class DesignWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly entry: URL) {}

  /** The shape of a data set, read in the worker; throws the engine's DatasetError for a bad one. */
  async inspect(dataset: DatasetConfig, seed: number, baseDir: string): Promise<DataShape> {
    // A quick check still training would delay this: a design being started matters more.
    this.cancelAll('quick-check');
    const reply = await this.request((requestId, cancel) => ({ type: 'inspect', requestId, dataset, seed, baseDir, cancel }));
    if (reply.type !== 'inspected') throw new Error('the design worker answered another request');
    if (reply.failure) throw toError(reply.failure);
    return reply.shape!;
  }

  /** Runs the divergence quick check; a newer call cancels an older one still running. */
  async quickCheck(setups: QuickCheckSetup[], backend: BackendChoice, baseDir: string, options: Partial<Omit<QuickCheckOptions, 'shouldStop' | 'baseDir'>> = {}): Promise<DivergenceCheck> {
    this.cancelAll('quick-check');
    const all = { ...QUICK_CHECK_DEFAULTS, ...options };
    const reply = await this.request((requestId, cancel) => ({ type: 'quick-check', requestId, setups, options: all, backend, baseDir, cancel }));
    if (reply.type !== 'quick-checked') throw new Error('the design worker answered another request');
    if (reply.failure) throw toError(reply.failure);
    return reply.result!;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.cancelAll();
    for (const p of this.pending.values()) p.reject(new DesignCheckCancelled('the lab is shutting down'));
    this.pending.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }

  private cancelAll(type?: DesignRequest['type']): void {
    for (const p of this.pending.values()) if (!type || p.type === type) Atomics.store(p.cancel, 0, 1);
  }

  private request(build: (requestId: number, cancel: SharedArrayBuffer) => DesignRequest): Promise<DesignReply> {
    if (this.closed) return Promise.reject(new DesignCheckCancelled('the lab is shutting down'));
    const requestId = this.nextId++;
    const cancelBuffer = new SharedArrayBuffer(4);
    const message = build(requestId, cancelBuffer);
    const worker = this.ensureWorker();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return new Promise<DesignReply>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject, cancel: new Int32Array(cancelBuffer), type: message.type });
      worker.postMessage(message);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.entry);
    worker.unref();
    worker.on('message', (reply: DesignReply) => {
      const p = this.pending.get(reply.requestId);
      if (!p) return;
      this.pending.delete(reply.requestId);
      p.resolve(reply);
      this.scheduleIdle();
    });
    const fail = (reason: string) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pending.values()) p.reject(new Error(reason));
      this.pending.clear();
    };
    worker.on('error', (err) => fail(`the design check worker crashed: ${err.message}`));
    worker.on('exit', (code) => fail(`the design check worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private scheduleIdle(): void {
    if (this.pending.size > 0) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size > 0 || !this.worker) return;
      const worker = this.worker;
      this.worker = null;
      void worker.terminate();
    }, IDLE_MS);
    this.idleTimer.unref();
  }
}

function toError(failure: DesignFailure): Error {
  if (failure.cancelled) return new DesignCheckCancelled(failure.message);
  if (failure.field) return new DatasetError(failure.field, failure.message);
  return new Error(failure.message);
}

/**
 * The distinct setups of a design for the quick check: runs that differ only by seed, probe or
 * epochs are one setup (divergence within a few hundred steps does not depend on them). At most
 * MAX_QUICK_CHECK_SETUPS, in run order.
 */
export function quickCheckSetups(runs: readonly RunSpec[]): { setups: QuickCheckSetup[]; skipped: number } {
  const seen = new Map<string, QuickCheckSetup>();
  for (const run of runs) {
    const { training, ...rest } = run.config;
    const { epochs: _epochs, ...trainingRest } = training;
    void _epochs;
    const key = JSON.stringify({ dataset: rest.dataset, model: rest.model, training: trainingRest });
    if (seen.has(key)) continue;
    const label = Object.entries(run.sweep)
      .filter(([path]) => !path.startsWith('probe.') && path !== 'training.epochs')
      .map(([path, value]) => (path === VARIANT_KEY ? String(value) : `${path} = ${describeValue(value)}`))
      .join(', ');
    seen.set(key, { label, config: run.config });
  }
  const all = [...seen.values()];
  // One setup needs no label.
  if (all.length === 1) all[0] = { ...all[0], label: '' };
  return { setups: all.slice(0, MAX_QUICK_CHECK_SETUPS), skipped: Math.max(0, all.length - MAX_QUICK_CHECK_SETUPS) };
}
