/**
 * What the queue says (pure, no DOM): its summary line, which experiments are in progress, and each
 * training run's progress and ETA. A run whose row has arrived is shown through `mergeRun`, exactly as
 * on its experiment's page; until then the queue's own numbers (newer live ones first) stand in.
 */
import type { ExperimentRow, QueueEntry, QueueState, RunRow } from '../../../shared/api.js';
import type { RunStatus } from '../../../shared/metrics.js';
import { experimentProgressText, runProgressText } from '../../../shared/progress.js';
import type { RunLive } from '../app/live.js';
import { mergeRun } from '../experiments/shown-run.js';
import { formatDuration, formatNumber, plural } from '../ui/format.js';

/** "1 run training on 2 workers, 3 runs waiting." */
export function queueSummary(queue: QueueState): string {
  return `${plural(queue.active.length, 'run')} training on ${plural(queue.workers, 'worker')}, ${plural(queue.queuedRunIds.length, 'run')} waiting.`;
}

/** Experiments with runs training or waiting (by the queue, the runs fetched, or their own counts). */
export function experimentsInProgress(experiments: readonly ExperimentRow[], queue: QueueState, runs: readonly Pick<RunRow, 'experimentId'>[]): ExperimentRow[] {
  const ids = new Set([...queue.active.map((a) => a.experimentId), ...runs.map((r) => r.experimentId)]);
  return experiments.filter((e) => ids.has(e.id) || (e.statusCounts.running ?? 0) > 0 || (e.statusCounts.queued ?? 0) > 0);
}

/** An experiment card's line: its progress, and how many of its runs wait. */
export function experimentCardText(e: Pick<ExperimentRow, 'progress'>): string {
  return `${experimentProgressText(e.progress)}${e.progress.counts.queued ? ` · ${e.progress.counts.queued.toLocaleString('en-US')} waiting` : ''}`;
}

export interface ActiveRunCells {
  status: RunStatus;
  fraction: number;
  /** "6/30 epochs" once the run's row is known, else the percentage. */
  progressText: string;
  /** The time left, "—" without an estimate. */
  eta: string;
  lastLoss: string;
}

export function activeRunCells(entry: QueueEntry, row: RunRow | undefined, live: RunLive | undefined, now = Date.now()): ActiveRunCells {
  const shown = row ? mergeRun(row, live, now) : null;
  const fraction = shown?.fraction ?? live?.fraction ?? entry.fraction;
  const eta = shown?.etaSeconds ?? live?.etaSeconds ?? entry.etaSeconds;
  const status = shown?.status ?? live?.status ?? entry.status;
  return {
    status,
    fraction,
    progressText: shown ? runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: shown.run.epochsTotal }) : `${Math.round(fraction * 100)}%`,
    eta: eta === null || eta === undefined ? '—' : formatDuration(eta),
    lastLoss: formatNumber(shown?.lastTrainLoss ?? null),
  };
}
