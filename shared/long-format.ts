/**
 * Metrics in long format: one row per run, epoch, layer and metric, as CSV or JSON. The CLI
 * (`relu-lab export --format csv|json`) and the app's "Download CSV" write exactly this. Pure TypeScript.
 *
 * Every run has a row for every metric at every measured epoch (and every hidden layer for layer
 * metrics), so each run has the same rows. One convention for values:
 * - a measured number at full precision; measured NaN and ±Infinity as `NaN`, `Infinity`, `-Infinity`
 *   (strings in JSON, which has no such numbers);
 * - no value (a metric that does not exist for the run: accuracy of a regression, validation metrics
 *   without a validation split, PReLU slopes of another activation, a gradient norm not measured):
 *   an empty field in CSV, `null` in JSON.
 */
import type { RunSummary } from './metrics.js';
import { csvField, csvNumber } from './csv.js';

export interface LongRow {
  experimentId: number;
  /** The run's id: the one `relu-lab show`, `export --format model` and the app use. */
  runId: number;
  seed: number;
  status: string;
  sweep: Record<string, unknown>;
  epoch: number;
  /** Hidden layer index, or null for metrics of the whole network (losses, accuracy, timing). */
  layer: number | null;
  metric: string;
  /** The measurement (NaN and ±Infinity included), or null where the metric has no value for this run. */
  value: number | null;
}

export const EPOCH_METRICS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'elapsedSeconds', 'probeMs'] as const;
export const LAYER_METRICS = ['deadFraction', 'activeProbability', 'dormantFraction', 'gradNorm', 'preActMean', 'preActStd', 'preluAlphaMean'] as const;

/** The part of an epoch's metrics the long format reads (stored `EpochMetrics` and API DTOs both fit). */
export interface LongFormatEpoch {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  seconds: number;
  elapsedSeconds: number;
  probeMs: number;
  layers: readonly {
    layer: number;
    deadFraction: number;
    activeProbability: number;
    dormantFraction: number;
    gradNorm: number | null;
    preActMean: number;
    preActStd: number;
    preluAlphas: ArrayLike<number> | null;
  }[];
}

export interface LongFormatRun {
  run: Pick<RunSummary, 'id' | 'experimentId' | 'seed' | 'status' | 'sweep'>;
  epochs: readonly LongFormatEpoch[];
}

/** Mean learned PReLU slope of a layer, null when the layer has none. */
function preluAlphaMean(alphas: ArrayLike<number> | null): number | null {
  if (!alphas || alphas.length === 0) return null;
  let s = 0;
  for (let i = 0; i < alphas.length; i++) s += alphas[i];
  return s / alphas.length;
}

/** All metrics of the runs, long format, in run / epoch / layer order. */
export function longRows(runs: readonly LongFormatRun[]): LongRow[] {
  const rows: LongRow[] = [];
  for (const { run, epochs } of runs) {
    const base = { experimentId: run.experimentId, runId: run.id, seed: run.seed, status: run.status, sweep: run.sweep };
    for (const epoch of epochs) {
      for (const metric of EPOCH_METRICS) rows.push({ ...base, epoch: epoch.epoch, layer: null, metric, value: epoch[metric] });
      for (const layer of epoch.layers) {
        for (const metric of LAYER_METRICS) {
          const value = metric === 'preluAlphaMean' ? preluAlphaMean(layer.preluAlphas) : layer[metric];
          rows.push({ ...base, epoch: epoch.epoch, layer: layer.layer, metric, value });
        }
      }
    }
  }
  return rows;
}

/** CSV: the columns above with one column per sweep key (after `status`), in first-seen order. */
export function longRowsToCsv(rows: readonly LongRow[]): string {
  const sweepKeys = [...new Set(rows.flatMap((r) => Object.keys(r.sweep)))];
  const header = ['experiment_id', 'run_id', 'seed', 'status', ...sweepKeys, 'epoch', 'layer', 'metric', 'value'];
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    lines.push(
      [r.experimentId, r.runId, r.seed, r.status, ...sweepKeys.map((k) => r.sweep[k]), r.epoch, r.layer, r.metric, r.value]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** JSON: a list of the rows; non-finite values as the strings "NaN", "Infinity", "-Infinity", no value as null. */
export function longRowsToJson(rows: readonly LongRow[]): string {
  return JSON.stringify(rows, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? csvNumber(value) : value), 2);
}
