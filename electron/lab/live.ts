/**
 * The API's live side: LabEvents to their subscribers, and what each run in training last reported
 * (for the queue). A training pool's events are translated here; `experiments-changed` goes out at
 * most once per turn of the event loop (a cancelled queue ends many runs at once).
 */
import type { LabEvent, QueueEntry } from '../../shared/api.js';
import { firstLine } from '../../shared/errors.js';
import { FINAL_STATUSES } from '../../shared/metrics.js';
import { epochToDto } from './dto.js';
import type { RunStatusEvent, TrainingPool } from './pool.js';

export type LabEventListener = (event: LabEvent) => void;

export class LiveEvents {
  private readonly listeners = new Set<LabEventListener>();
  /** Runs in training as they last reported, by run id. */
  private readonly reports = new Map<number, QueueEntry>();
  private changePending = false;

  constructor(private readonly log: (message: string) => void) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: LabEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends an event to every subscriber; one that throws is logged and does not stop the others. */
  emit(event: LabEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.log(`an event listener failed: ${firstLine(err)}`);
      }
    }
  }

  /** `experiments-changed`, once for everything that changes in this turn of the event loop. */
  experimentsChanged(): void {
    if (this.changePending) return;
    this.changePending = true;
    setImmediate(() => {
      this.changePending = false;
      this.emit({ type: 'experiments-changed' });
    });
  }

  /** Translates the events of a training pool (each database gets its own pool). */
  follow(pool: TrainingPool): void {
    pool.on('problem', (e) => this.log(e.message));
    pool.on('run-status', (e) => this.onRunStatus(e));
    pool.on('epoch', (e) => this.emit({ type: 'epoch', runId: e.runId, experimentId: e.experimentId, metrics: epochToDto(e.metrics) }));
    pool.on('progress', (e) => {
      const report = this.reports.get(e.runId);
      if (report) Object.assign(report, { fraction: e.fraction, etaSeconds: e.etaSeconds });
      else this.reports.set(e.runId, { runId: e.runId, experimentId: e.experimentId, status: 'running', fraction: e.fraction, etaSeconds: e.etaSeconds });
      this.emit({ type: 'progress', runId: e.runId, experimentId: e.experimentId, fraction: e.fraction, etaSeconds: e.etaSeconds });
    });
  }

  /** What a run in training last reported; undefined before its first report. */
  lastReport(runId: number): QueueEntry | undefined {
    const report = this.reports.get(runId);
    return report && { ...report };
  }

  /** Forgets the runs in training (their pool was closed). */
  forgetRuns(): void {
    this.reports.clear();
  }

  close(): void {
    this.listeners.clear();
  }

  private onRunStatus(e: RunStatusEvent): void {
    if (FINAL_STATUSES.includes(e.status)) {
      this.reports.delete(e.runId);
      this.experimentsChanged();
    } else {
      const report = this.reports.get(e.runId);
      if (report) report.status = e.status;
      else this.reports.set(e.runId, { runId: e.runId, experimentId: e.experimentId, status: e.status, fraction: 0, etaSeconds: null });
    }
    this.emit({ type: 'run-status', runId: e.runId, experimentId: e.experimentId, status: e.status, error: e.error });
  }
}
