/**
 * The runs waiting for a worker, in queue order, and how they are handed out: alone, or together with
 * the queued runs that can train batched with them (engine/batching.ts).
 */
import type { RunConfig } from '../../shared/config.js';
import { batchKey, maxBatchRuns } from '../engine/batching.js';

export interface QueuedRun {
  runId: number;
  experimentId: number;
  /** Runs with the same key may train batched, at most `max` together; null: alone. */
  batch: { key: string; max: number } | null;
}

export class RunQueue {
  private readonly runs: QueuedRun[] = [];

  /** `batching` false: every run is handed out alone. */
  constructor(readonly batching: boolean) {}

  get length(): number {
    return this.runs.length;
  }

  /** Run ids in queue order (of one experiment, when given). */
  ids(experimentId?: number): number[] {
    return this.runs.filter((q) => experimentId === undefined || q.experimentId === experimentId).map((q) => q.runId);
  }

  /** Queues runs at the end; `config` (stored for the run) decides what it may train batched with. */
  add(runs: { runId: number; experimentId: number; config: RunConfig | null }[]): void {
    for (const { runId, experimentId, config } of runs) {
      const key = this.batching && config ? batchKey(config) : null;
      this.runs.push({ runId, experimentId, batch: key === null ? null : { key, max: maxBatchRuns(config!) } });
    }
  }

  /** Takes a run out of the queue; null when it is not queued. */
  remove(runId: number): QueuedRun | null {
    const i = this.runs.findIndex((q) => q.runId === runId);
    return i >= 0 ? this.runs.splice(i, 1)[0] : null;
  }

  /**
   * The next queued run, with the queued runs that can train batched with it: as many as one batch
   * may hold, but split evenly among the `freeWorkers` that can take runs now, so that none of them
   * idles.
   */
  takeNext(freeWorkers: number): QueuedRun[] {
    const first = this.runs.shift();
    if (!first) return [];
    const batch = first.batch;
    if (!batch) return [first];
    const same = (q: QueuedRun) => q.batch?.key === batch.key;
    const waiting = 1 + this.runs.filter(same).length;
    const size = Math.min(batch.max, Math.ceil(waiting / Math.max(1, freeWorkers)));
    const taken = [first];
    for (let i = 0; i < this.runs.length && taken.length < size; ) {
      if (same(this.runs[i])) taken.push(...this.runs.splice(i, 1));
      else i++;
    }
    return taken;
  }
}
