/** How runs are reported on stdout by `run`, `list` and `show`: JSON documents and the runs table. */
import type { RunSummary } from '../../shared/metrics.js';
import { epochSummary } from '../../shared/metric-fields.js';
import type { LabStore } from '../../db/store.js';
import { runRows } from '../lab/dto.js';
import { fraction, num, sweepLabel, table } from './format.js';

/** JSON can't hold NaN/Infinity: write them as strings rather than null so a diverged loss stays visible. */
export function nonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array || value instanceof Float32Array) return Array.from(value);
  return value;
}

export function runJson(store: LabStore, run: RunSummary) {
  return {
    runId: run.id,
    experimentId: run.experimentId,
    status: run.status,
    error: run.error,
    seed: run.seed,
    backend: run.backend,
    versions: run.versions,
    sweep: run.sweep,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    epochs: store.getRunMetrics(run.id).map(epochSummary),
  };
}

export function runReport(store: LabStore, experimentId: number, runs: RunSummary[]) {
  return { experimentId, db: store.file, runs: runs.map((r) => runJson(store, r)) };
}

/** One line per run, keyed by the run id; the last measurement is read as the app reads it (`runRows`). */
export function runsTable(store: LabStore, runs: RunSummary[]): string {
  const rows = runRows(store, runs).map((run) => [
    run.id,
    sweepLabel(run),
    run.seed,
    run.status,
    run.lastEpoch,
    num(run.lastTrainLoss),
    num(run.lastValAccuracy, 3),
    run.lastDeadFractions.length > 0 ? run.lastDeadFractions.map((f) => fraction(f)).join(' ') : '-',
  ]);
  return table(['run', 'sweep', 'seed', 'status', 'epoch', 'train loss', 'val acc', 'dead fraction per layer'], rows);
}
