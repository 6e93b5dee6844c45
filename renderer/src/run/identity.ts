/**
 * What the run page says about a run before its charts: who it is (experiment, variant and sweep
 * values, seed, status, backend, library versions), its timing, its configuration in one line, and
 * where to compare it with its siblings. Pure logic (no DOM, no React).
 */
import type { RunRow } from '../../../shared/api.js';
import { layerWidths, type RunConfig } from '../../../shared/config.js';
import type { RunStatus } from '../../../shared/metrics.js';
import { compareHref } from '../compare/url.js';
import { ordinal, sweepHeader } from '../experiments/rows.js';
import { formatDateTime, formatDuration, formatNumber, formatValue, plural, sweepLabel } from '../ui/format.js';

export interface RunFact {
  label: string;
  value: string;
  /** A longer explanation (tooltip), when there is one. */
  title?: string;
}

/** Wall seconds between two ISO times (`to` null: until `now`); null when unknown. */
function secondsBetween(from: string | null, to: string | null, now: number): number | null {
  if (!from) return null;
  const a = Date.parse(from);
  const b = to ? Date.parse(to) : now;
  return Number.isFinite(a) && Number.isFinite(b) ? Math.max(0, (b - a) / 1000) : null;
}

/** The library versions a run recorded, as "tfjs 4.22.0 · node v20.19.0 · …" (everything recorded, in its order). */
export function versionsText(versions: RunRow['versions']): string {
  if (!versions) return 'not recorded';
  return Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(' · ');
}

/**
 * The run's identity and timing, in reading order. `status` is the live one (mergeRun); `measured`
 * the seconds of training and probing its stored epochs add up to (null before any measurement).
 */
export function runFacts(
  run: RunRow,
  status: RunStatus,
  measured: { trainingSeconds: number; probeSeconds: number } | null,
  now = Date.now(),
): RunFact[] {
  const facts: RunFact[] = [{ label: 'Experiment', value: `${run.experimentName} (#${run.experimentId})`, title: `The ${ordinal(run.index + 1)} run of this experiment` }];
  if (run.name) facts.push({ label: 'Name', value: run.name });
  for (const [key, value] of Object.entries(run.sweep)) facts.push({ label: sweepHeader(key), value: formatValue(value), title: key });
  facts.push({ label: 'Seed', value: String(run.seed) });
  facts.push({ label: 'Status', value: status });
  facts.push({ label: 'Backend', value: run.backend ?? 'not chosen yet' });
  facts.push({ label: 'Versions', value: versionsText(run.versions) });
  facts.push({ label: 'Created', value: formatDateTime(run.createdAt) });
  if (run.startedAt) facts.push({ label: 'Started', value: formatDateTime(run.startedAt) });
  if (run.finishedAt) facts.push({ label: 'Finished', value: formatDateTime(run.finishedAt) });
  const wall = secondsBetween(run.startedAt, run.finishedAt, now);
  if (wall !== null) facts.push({ label: run.finishedAt ? 'Wall time' : 'Training for', value: formatDuration(wall) });
  if (measured) {
    facts.push({
      label: 'Measured time',
      value: `${formatDuration(measured.trainingSeconds)} training, ${formatDuration(measured.probeSeconds)} probing`,
      title: 'Sums of the stored epochs’ training time (seconds) and probe time (probeMs)',
    });
  }
  return facts;
}

/** The run in a few words, for a figure's subtitle: "Run 41 · PReLU, learningRate=0.1 · seed 7 · Mitigations". */
export function runSubtitle(run: Pick<RunRow, 'id' | 'sweep' | 'seed' | 'experimentName'>): string {
  const sweep = Object.keys(run.sweep).length > 0 ? ` · ${sweepLabel(run.sweep)}` : '';
  return `Run ${run.id}${sweep} · seed ${run.seed} · ${run.experimentName}`;
}

/** Sums of the training and probe time over a run's stored epochs. */
export function measuredTime(epochs: readonly { seconds: number; probeMs: number }[]): { trainingSeconds: number; probeSeconds: number } | null {
  if (epochs.length === 0) return null;
  let trainingSeconds = 0;
  let probeSeconds = 0;
  for (const e of epochs) {
    if (Number.isFinite(e.seconds)) trainingSeconds += e.seconds;
    if (Number.isFinite(e.probeMs)) probeSeconds += e.probeMs / 1000;
  }
  return { trainingSeconds, probeSeconds };
}

/** The configuration in one sentence: layers and widths, activation, init, optimizer, learning rate, batch, data. */
export function configSummary(config: RunConfig): string {
  const widths = layerWidths(config.model);
  const { model, training, dataset } = config;
  return (
    `${plural(widths.length, 'hidden layer')} (${widths.join(', ')} units), ${model.activation}, init ${model.init}, ` +
    `${training.optimizer} at learning rate ${formatNumber(training.learningRate, 6)}, batch ${training.batchSize}, ${plural(training.epochs, 'epoch')}` +
    `${model.batchNorm ? ', batch norm' : ''}; data ${dataset.kind}`
  );
}

function sameSweep(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  return true;
}

export interface SiblingLinks {
  /** The experiment's page with this run selected. */
  experiment: string;
  /** Compare view of the runs that differ from this one only by seed (null: it has no such sibling). */
  seeds: { href: string; runs: number } | null;
  /** Compare view of the whole experiment (null: the run is its only run). */
  all: { href: string; runs: number } | null;
}

/** Where to go from a run: its experiment, and the Compare view with its siblings. */
export function siblingLinks(run: Pick<RunRow, 'id' | 'experimentId' | 'sweep'>, experimentRuns: readonly Pick<RunRow, 'id' | 'sweep'>[]): SiblingLinks {
  const seeds = experimentRuns.filter((r) => sameSweep(r.sweep, run.sweep)).map((r) => r.id);
  if (!seeds.includes(run.id)) seeds.push(run.id);
  seeds.sort((a, b) => a - b);
  return {
    experiment: `#/experiments/${run.experimentId}/runs/${run.id}`,
    seeds: seeds.length > 1 ? { href: compareHref({ runIds: seeds }), runs: seeds.length } : null,
    all: experimentRuns.length > 1 ? { href: compareHref({ experimentIds: [run.experimentId] }), runs: experimentRuns.length } : null,
  };
}
