/**
 * What each cell of the history and of an experiment's runs table says (pure, no DOM): the components
 * only lay these texts out. Progress texts come from `shared/progress.ts`, the run's state from
 * `mergeRun` (shown-run.ts), so every page words a run the same way.
 */
import type { ExperimentRow, RunRow, RunStatus } from '../../../shared/api.js';
import { hiddenLayers } from '../../../shared/architecture.js';
import { experimentProgressText, runProgressText } from '../../../shared/progress.js';
import { ACTIVATION_LABELS } from '../designer/fields.js';
import { formatDuration, formatNumber, formatPercent, formatValue, shortPath } from '../ui/format.js';
import type { SlimEpoch } from '../app/live.js';
import type { ShownRun } from './shown-run.js';

// ---------- The history ----------

export interface HistoryCells {
  activations: string;
  inits: string;
  learningRates: string;
  /** "on", "off", "both" or "—". */
  batchNorm: string;
  dataset: string;
  /** The notes' first 60 characters (… when cut), null without notes. */
  notesPreview: string | null;
  /** The final mean dead fraction and its bar's width in %, null before any run ended. */
  finalDead: { text: string; barPercent: number } | null;
  /** The progress column's short text, and the full one for its tooltip. */
  progressText: string;
  progressTitle: string;
}

function listText<T>(values: readonly T[], format: (v: T) => string = String): string {
  return values.length === 0 ? '—' : values.map(format).join(', ');
}

export function historyCells(row: ExperimentRow): HistoryCells {
  return {
    activations: listText(row.activations, (a) => ACTIVATION_LABELS[a] ?? a),
    inits: listText(row.inits),
    learningRates: listText(row.learningRates, (v) => formatNumber(v)),
    batchNorm: row.batchNorm.length === 0 ? '—' : row.batchNorm.includes(true) ? (row.batchNorm.includes(false) ? 'both' : 'on') : 'off',
    dataset: row.datasetKind || '—',
    notesPreview: row.notes ? (row.notes.length > 60 ? `${row.notes.slice(0, 60)}…` : row.notes) : null,
    finalDead:
      row.finalMeanDeadFraction === null ? null : { text: formatPercent(row.finalMeanDeadFraction, 1), barPercent: Math.min(100, row.finalMeanDeadFraction * 100) },
    progressText: experimentProgressText(row.progress, { compact: true }),
    progressTitle: experimentProgressText(row.progress),
  };
}

// ---------- An experiment's runs ----------

/** The sweep keys of an experiment's runs, in the order they first appear: one column each. */
export function sweepColumns(runs: readonly { sweep: Record<string, unknown> }[]): string[] {
  return [...new Set(runs.flatMap((r) => Object.keys(r.sweep)))];
}

/** A sweep column's header: "Variant", else the field's last name ("learningRate"). */
export function sweepHeader(key: string): string {
  return key === 'variant' ? 'Variant' : shortPath(key);
}

/** 1st, 2nd, 3rd, 4th … */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export interface RunCells {
  href: string;
  /** The run id's tooltip: its position in the experiment. */
  title: string;
  /** One text per sweep column ("—" where the run has no such key). */
  sweep: string[];
  /** "12/30 epochs", "diverged at epoch 3/5" … */
  progressText: string;
  /** "2 min 05 s left" while training with an estimate, else null. */
  timeLeft: string | null;
  lastLoss: string;
  valAccuracy: string;
  /** The reason shown under the status (failed, diverged, interrupted runs), else null. */
  reason: string | null;
  cancellable: boolean;
}

export function runCells(shown: ShownRun, sweepKeys: readonly string[]): RunCells {
  const { run, status } = shown;
  return {
    href: `#/experiments/${run.experimentId}/runs/${run.id}`,
    title: `Run ${run.id} (the ${ordinal(run.index + 1)} run of this experiment)`,
    sweep: sweepKeys.map((k) => (k in run.sweep ? formatValue(run.sweep[k]) : '—')),
    progressText: runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: run.epochsTotal }),
    timeLeft: shown.etaSeconds !== null && status === 'running' ? `${formatDuration(shown.etaSeconds)} left` : null,
    lastLoss: formatNumber(shown.lastTrainLoss),
    valAccuracy: shown.lastValAccuracy === null ? '—' : formatPercent(shown.lastValAccuracy, 1),
    reason: shown.error && (status === 'failed' || status === 'diverged' || status === 'interrupted') ? shown.error : null,
    cancellable: status === 'running' || status === 'queued',
  };
}

/** The run view's progress line: epochs, ETA, last loss and accuracy, time since the start. */
export function runViewProgressText(shown: ShownRun, elapsedSeconds: number | null): string {
  const { run, status } = shown;
  let text = runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: run.epochsTotal });
  if (shown.etaSeconds !== null && status === 'running') text += ` · ETA ${formatDuration(shown.etaSeconds)}`;
  if (shown.lastEpoch !== null) {
    text += ` · loss ${formatNumber(shown.lastTrainLoss)}`;
    if (shown.lastValAccuracy !== null) text += ` · val acc ${formatPercent(shown.lastValAccuracy, 1)}`;
  }
  if (elapsedSeconds !== null) text += ` · ${formatDuration(elapsedSeconds)} elapsed`;
  return text;
}

/** Ends a reason with a full stop. */
export function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * What the run view's charts need to know: how many layer lines, whether there is an accuracy (a
 * classification), and where a diverged run stopped (its first non-finite loss, else the epoch after its
 * last measurement).
 */
export function runChartFacts(
  run: Pick<RunRow, 'config' | 'epochsTotal'>,
  status: RunStatus,
  points: readonly Pick<SlimEpoch, 'epoch' | 'dead' | 'trainLoss' | 'valLoss' | 'trainAccuracy'>[],
): { layers: number; classification: boolean; divergedAt: number | null } {
  const last = points[points.length - 1];
  const layers = Math.max(last?.dead.length ?? 0, hiddenLayers(run.config.model).length);
  const dataset = run.config.dataset;
  const classification = points.some((p) => p.trainAccuracy !== null) || !(dataset.kind === 'abs1d' || (dataset.kind === 'csv' && dataset.task === 'regression'));
  const divergedAt =
    status === 'diverged'
      ? (points.find((p) => !Number.isFinite(p.trainLoss) || (p.valLoss !== null && !Number.isFinite(p.valLoss)))?.epoch ?? Math.min(run.epochsTotal, (last?.epoch ?? 0) + 1))
      : null;
  return { layers, classification, divergedAt };
}

/** The dead fraction per layer as "12% · 40%", with one line per layer for the tooltip. */
export function deadStripText(values: readonly number[]): { text: string; title: string } {
  return {
    text: values.map((v) => formatPercent(v)).join(' · '),
    title: values.map((v, i) => `layer ${i + 1}: ${formatPercent(v, 1)}`).join('\n'),
  };
}

/** The "Time left" tile: the estimate, "estimating…" while runs are pending without one, else "—". */
export function timeLeftText(etaSeconds: number | null, pendingRuns: number): string {
  return etaSeconds === null ? (pendingRuns > 0 ? 'estimating…' : '—') : formatDuration(etaSeconds);
}
