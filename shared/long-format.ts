/**
 * Metrics in long format: one row per run, epoch, layer and metric, as CSV or JSON. The CLI
 * (`relu-lab export --format csv|json`) and the app's "Download CSV" write exactly this. Pure TypeScript.
 */
import type { RunSummary } from './metrics.js';
import { csvField, csvNumber } from './csv.js';

export interface LongRow {
  experimentId: number;
  runId: number;
  runIndex: number;
  seed: number;
  status: string;
  sweep: Record<string, unknown>;
  epoch: number;
  /** Hidden layer index, or null for metrics of the whole network (losses, accuracy, timing). */
  layer: number | null;
  metric: string;
  value: number | null;
}

const EPOCH_METRICS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'elapsedSeconds', 'probeMs'] as const;
const LAYER_METRICS = ['deadFraction', 'activeProbability', 'dormantFraction', 'gradNorm', 'preActMean', 'preActStd'] as const;

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
  run: Pick<RunSummary, 'id' | 'experimentId' | 'index' | 'seed' | 'status' | 'sweep'>;
  epochs: readonly LongFormatEpoch[];
}

/** All metrics of the runs, long format, in run / epoch / layer order. */
export function longRows(runs: readonly LongFormatRun[]): LongRow[] {
  const rows: LongRow[] = [];
  for (const { run, epochs } of runs) {
    const base = { experimentId: run.experimentId, runId: run.id, runIndex: run.index, seed: run.seed, status: run.status, sweep: run.sweep };
    for (const epoch of epochs) {
      for (const metric of EPOCH_METRICS) {
        const value = epoch[metric];
        if (value === null) continue;
        rows.push({ ...base, epoch: epoch.epoch, layer: null, metric, value });
      }
      for (const layer of epoch.layers) {
        for (const metric of LAYER_METRICS) {
          rows.push({ ...base, epoch: epoch.epoch, layer: layer.layer, metric, value: layer[metric] });
        }
        if (layer.preluAlphas && layer.preluAlphas.length > 0) {
          let s = 0;
          for (let i = 0; i < layer.preluAlphas.length; i++) s += layer.preluAlphas[i];
          rows.push({ ...base, epoch: epoch.epoch, layer: layer.layer, metric: 'preluAlphaMean', value: s / layer.preluAlphas.length });
        }
      }
    }
  }
  return rows;
}

export function longRowsToCsv(rows: LongRow[]): string {
  const sweepKeys = [...new Set(rows.flatMap((r) => Object.keys(r.sweep)))];
  const header = ['experiment_id', 'run_id', 'run_index', 'seed', 'status', ...sweepKeys, 'epoch', 'layer', 'metric', 'value'];
  const lines = [header.map(csvField).join(',')];
  for (const r of rows) {
    lines.push(
      [r.experimentId, r.runId, r.runIndex, r.seed, r.status, ...sweepKeys.map((k) => r.sweep[k]), r.epoch, r.layer, r.metric, r.value]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function longRowsToJson(rows: LongRow[]): string {
  // JSON has no NaN/Infinity: write them as strings so nothing is silently lost.
  return JSON.stringify(rows, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? csvNumber(value) : value), 2);
}
