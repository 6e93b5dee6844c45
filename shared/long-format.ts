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
import { EPOCH_SERIES_KEYS, LAYER_SERIES_KEYS, seriesFields, seriesValue, type SeriesEpoch } from './metric-fields.js';

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

/** The metrics of each epoch and of each layer, in the order they are written: the series fields of the metric table. */
export const EPOCH_METRICS = EPOCH_SERIES_KEYS;
export const LAYER_METRICS = LAYER_SERIES_KEYS;

/** The part of an epoch's metrics the long format reads (stored `EpochMetrics` and API DTOs both fit). */
export type LongFormatEpoch = SeriesEpoch;

export interface LongFormatRun {
  run: Pick<RunSummary, 'id' | 'experimentId' | 'seed' | 'status' | 'sweep'>;
  epochs: readonly LongFormatEpoch[];
}

/** All metrics of the runs, long format, in run / epoch / layer order. */
export function longRows(runs: readonly LongFormatRun[]): LongRow[] {
  const rows: LongRow[] = [];
  const epochFields = seriesFields('epoch');
  const layerFields = seriesFields('layer');
  for (const { run, epochs } of runs) {
    const base = { experimentId: run.experimentId, runId: run.id, seed: run.seed, status: run.status, sweep: run.sweep };
    for (const epoch of epochs) {
      for (const field of epochFields) rows.push({ ...base, epoch: epoch.epoch, layer: null, metric: field.key, value: seriesValue(epoch, field) });
      for (const layer of epoch.layers) {
        for (const field of layerFields) rows.push({ ...base, epoch: epoch.epoch, layer: layer.layer, metric: field.key, value: seriesValue(layer, field) });
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
