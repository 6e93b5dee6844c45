/**
 * How far a run and an experiment are, computed one way for every view (the experiments list, an
 * experiment's page, the queue, the CLI's progress line). A run that ended (completed, diverged,
 * failed, cancelled, interrupted) is done, whatever epoch it stopped at: a run that diverged in
 * epoch 3 of 10 is finished, not 30 % done. A run still training counts its epochs, or the finer
 * fraction its worker reports. An experiment is the mean over its runs. Pure TypeScript.
 */
import { FINAL_STATUSES, type RunStatus } from './metrics.js';

export interface RunProgressInput {
  status: RunStatus;
  epochsDone: number;
  epochsTotal: number;
  /** The fraction the worker reported while training (batches included), 0..1. */
  fraction?: number | null;
}

export function isFinished(status: RunStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** A run's share of its work done, 0..1: 1 once it ended, however early. */
export function runFraction(run: RunProgressInput): number {
  if (isFinished(run.status)) return 1;
  if (run.status === 'queued') return 0;
  const byEpochs = run.epochsTotal > 0 ? run.epochsDone / run.epochsTotal : 0;
  const reported = typeof run.fraction === 'number' && Number.isFinite(run.fraction) ? run.fraction : 0;
  return Math.min(1, Math.max(0, byEpochs, reported));
}

export interface ExperimentProgress {
  runs: number;
  /** Runs by status. */
  counts: Partial<Record<RunStatus, number>>;
  /** Runs that ended (any final status). */
  finished: number;
  /** Runs queued or training. */
  pending: number;
  /** Mean of the runs' fractions, 0..1 (1 once every run ended, 0 without runs). */
  fraction: number;
  /** Epochs trained / planned over all runs (a run that stopped early keeps the epochs it reached). */
  epochsDone: number;
  epochsTotal: number;
  /** `active` while a run is queued or training, `finished` once every run ended. */
  state: 'empty' | 'active' | 'finished';
  /** The status an experiment's bar is drawn in: running, all completed, else its most notable outcome. */
  status: RunStatus | undefined;
}

const OUTCOME_ORDER = ['failed', 'diverged', 'interrupted', 'cancelled'] as const;

export function experimentProgress(runs: readonly RunProgressInput[]): ExperimentProgress {
  const counts: Partial<Record<RunStatus, number>> = {};
  let fractions = 0;
  let epochsDone = 0;
  let epochsTotal = 0;
  for (const run of runs) {
    counts[run.status] = (counts[run.status] ?? 0) + 1;
    fractions += runFraction(run);
    epochsDone += Math.min(run.epochsDone, run.epochsTotal);
    epochsTotal += run.epochsTotal;
  }
  const pending = (counts.queued ?? 0) + (counts.running ?? 0);
  const finished = runs.length - pending;
  let status: RunStatus | undefined;
  if (pending > 0) status = 'running';
  else if (runs.length > 0 && counts.completed === runs.length) status = 'completed';
  else status = OUTCOME_ORDER.find((s) => (counts[s] ?? 0) > 0);
  return {
    runs: runs.length,
    counts,
    finished,
    pending,
    fraction: runs.length > 0 ? fractions / runs.length : 0,
    epochsDone,
    epochsTotal,
    state: runs.length === 0 ? 'empty' : pending > 0 ? 'active' : 'finished',
    status,
  };
}

/**
 * One line for an experiment's progress: "3/12 runs done · 340/1,200 epochs" while it trains,
 * "12 runs done · 2 diverged" once every run ended. `compact` (narrow table cells) leaves out the
 * epochs and says "done · 2 diverged".
 */
export function experimentProgressText(p: ExperimentProgress, options: { compact?: boolean } = {}): string {
  const n = (v: number) => v.toLocaleString('en-US');
  if (p.state === 'empty') return 'no runs';
  const outcomes = OUTCOME_ORDER.filter((s) => (p.counts[s] ?? 0) > 0).map((s) => `${n(p.counts[s]!)} ${s}`);
  const runs = `${n(p.runs)} run${p.runs === 1 ? '' : 's'}`;
  if (p.state === 'finished') {
    if (outcomes.length === 0) return options.compact ? 'completed' : `${runs} completed`;
    return [options.compact ? 'done' : `${runs} done`, ...outcomes].join(' · ');
  }
  if (options.compact) return [`${n(p.finished)}/${n(p.runs)} runs done`, ...outcomes].join(' · ');
  return [`${n(p.finished)}/${n(p.runs)} runs done`, `${n(p.epochsDone)}/${n(p.epochsTotal)} epochs`, ...outcomes].join(' · ');
}

/** One line for a run's progress: "4/10 epochs", or where it stopped: "diverged at epoch 3/10". */
export function runProgressText(run: RunProgressInput): string {
  const epochs = `${Math.min(run.epochsDone, run.epochsTotal).toLocaleString('en-US')}/${run.epochsTotal.toLocaleString('en-US')}`;
  if (isFinished(run.status) && run.status !== 'completed') return `${run.status} at epoch ${epochs}`;
  return `${epochs} epochs`;
}
