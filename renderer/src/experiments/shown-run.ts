/**
 * A run as every page shows it: its fetched row brought up to date with the live events, and its
 * progress by the one rule of `shared/progress.ts`. The experiment page, its run view and the queue
 * all read runs through `mergeRun`, so a run's status, epochs, progress and last loss agree between
 * them; an experiment's progress is `experimentProgress` over the same merged runs (the history
 * and the queue's cards get the same computation from the main process). Pure (no DOM).
 */
import type { RunRow } from '../../../shared/api.js';
import type { RunStatus } from '../../../shared/metrics.js';
import { experimentProgress, isFinished, runFraction, type ExperimentProgress } from '../../../shared/progress.js';
import type { RunLive } from '../app/live.js';

/** A run as shown: the fetched row updated with what the event stream said since. */
export interface ShownRun {
  run: RunRow;
  status: RunStatus;
  error: string | null;
  /** The last measured epoch (0 = initialization). */
  epochsDone: number;
  /** Share of the run done, 0..1 (1 once it ended, however early). */
  fraction: number;
  etaSeconds: number | null;
  /** Measurements of the last epoch known (from the row or a newer live event). */
  lastEpoch: number | null;
  lastTrainLoss: number | null;
  lastValAccuracy: number | null;
  lastDead: number[];
}

/** Seconds left from the pace so far (the lab's own ETA appears only after 2% of a run). */
function paceEta(run: RunRow, epochsDone: number, elapsedSeconds: number | null, now: number): number | null {
  const left = run.epochsTotal - epochsDone;
  if (epochsDone <= 0 || left <= 0) return null;
  const elapsed = elapsedSeconds ?? (run.startedAt ? (now - Date.parse(run.startedAt)) / 1000 : NaN);
  if (!Number.isFinite(elapsed) || elapsed <= 0) return null;
  return (elapsed / epochsDone) * left;
}

export function mergeRun(run: RunRow, live: RunLive | undefined, now = Date.now()): ShownRun {
  const status = isFinished(run.status) ? run.status : (live?.status ?? run.status);
  // The newest measurement wins, wherever it came from.
  const liveLast = live?.last && live.last.epoch >= (run.lastEpoch ?? -1) ? live.last : undefined;
  const epochsDone = Math.max(run.epochsDone, liveLast?.epoch ?? 0);
  return {
    run,
    status,
    error: run.error ?? live?.error ?? null,
    epochsDone,
    fraction: runFraction({ status, epochsDone, epochsTotal: run.epochsTotal, fraction: live?.fraction }),
    etaSeconds: status === 'running' ? (live?.etaSeconds ?? paceEta(run, epochsDone, liveLast?.elapsedSeconds ?? null, now)) : null,
    lastEpoch: liveLast ? liveLast.epoch : run.lastEpoch,
    lastTrainLoss: liveLast ? liveLast.trainLoss : run.lastTrainLoss,
    lastValAccuracy: liveLast ? liveLast.valAccuracy : run.lastValAccuracy,
    lastDead: liveLast ? liveLast.dead : run.lastDeadFractions,
  };
}

/** An experiment's progress over its shown runs. */
export function shownExperimentProgress(runs: readonly ShownRun[]): ExperimentProgress {
  return experimentProgress(runs.map((r) => ({ status: r.status, epochsDone: r.epochsDone, epochsTotal: r.run.epochsTotal, fraction: r.fraction })));
}

/** Rough time left: remaining epochs at the observed seconds per epoch, spread over the runs training now. */
export function experimentEta(runs: readonly ShownRun[]): number | null {
  const running = runs.filter((r) => r.status === 'running');
  const pending = runs.filter((r) => r.status === 'running' || r.status === 'queued');
  if (pending.length === 0 || running.length === 0) return null;
  const etas = running.map((r) => r.etaSeconds).filter((e): e is number => e !== null && Number.isFinite(e));
  if (etas.length === 0) return null;
  // Seconds per epoch from the running runs' ETAs.
  let perEpoch = 0;
  let n = 0;
  for (const r of running) {
    const left = r.run.epochsTotal - r.epochsDone;
    if (r.etaSeconds !== null && left > 0) {
      perEpoch += r.etaSeconds / left;
      n += 1;
    }
  }
  if (n === 0) return Math.max(...etas);
  perEpoch /= n;
  const remaining = pending.reduce((s, r) => s + Math.max(0, r.run.epochsTotal - r.epochsDone), 0);
  return (remaining * perEpoch) / running.length;
}
