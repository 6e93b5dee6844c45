/**
 * Metric exports: every run of an experiment in long format (one row per run, epoch, layer and metric),
 * as CSV or JSON. Shared by the CLI and the app.
 */
import type { LabStore } from '../../db/store.js';
import type { EpochMetrics } from '../../shared/metrics.js';
import { csvField, csvNumber } from '../../shared/csv.js';

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

const EPOCH_METRICS: (keyof EpochMetrics)[] = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'elapsedSeconds', 'probeMs'];
const LAYER_METRICS = ['deadFraction', 'activeProbability', 'dormantFraction', 'gradNorm', 'preActMean', 'preActStd'] as const;

/** All metrics of all runs of an experiment, long format, in run / epoch / layer order. */
export function experimentLongRows(store: LabStore, experimentId: number): LongRow[] {
  const rows: LongRow[] = [];
  for (const run of store.listRuns({ experimentId })) {
    const base = { experimentId, runId: run.id, runIndex: run.index, seed: run.seed, status: run.status, sweep: run.sweep };
    for (const epoch of store.getRunMetrics(run.id)) {
      for (const metric of EPOCH_METRICS) {
        const value = epoch[metric] as number | null;
        if (value === null) continue;
        rows.push({ ...base, epoch: epoch.epoch, layer: null, metric, value });
      }
      for (const layer of epoch.layers) {
        for (const metric of LAYER_METRICS) {
          rows.push({ ...base, epoch: epoch.epoch, layer: layer.layer, metric, value: layer[metric] });
        }
        if (layer.preluAlphas) {
          let s = 0;
          for (const a of layer.preluAlphas) s += a;
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
