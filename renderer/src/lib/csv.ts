/**
 * Long-format metrics CSV of an experiment, built in the renderer from `getRunMetrics` (the API has
 * no export operation). Same columns and spellings as `relu-lab export --format csv`:
 * experiment_id, run_id, run_index, seed, status, <sweep keys…>, epoch, layer, metric, value.
 */
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';

const EPOCH_METRICS = ['trainLoss', 'trainAccuracy', 'valLoss', 'valAccuracy', 'seconds', 'elapsedSeconds', 'probeMs'] as const;
const LAYER_METRICS = ['deadFraction', 'activeProbability', 'dormantFraction', 'gradNorm', 'preActMean', 'preActStd'] as const;

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? csvNumber(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Full precision, and the spellings spreadsheets and pandas read for non-finite values. */
export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

export interface RunMetrics {
  run: Pick<RunRow, 'id' | 'experimentId' | 'index' | 'seed' | 'status' | 'sweep'>;
  metrics: EpochMetricsDto[];
}

export function metricsToCsv(runs: readonly RunMetrics[]): string {
  const sweepKeys = [...new Set(runs.flatMap((r) => Object.keys(r.run.sweep)))];
  const header = ['experiment_id', 'run_id', 'run_index', 'seed', 'status', ...sweepKeys, 'epoch', 'layer', 'metric', 'value'];
  const lines = [header.map(csvField).join(',')];
  for (const { run, metrics } of runs) {
    const prefix = [run.experimentId, run.id, run.index, run.seed, run.status, ...sweepKeys.map((k) => run.sweep[k])].map(csvField).join(',');
    const push = (epoch: number, layer: number | null, metric: string, value: number | null) => {
      lines.push(`${prefix},${csvField(epoch)},${csvField(layer)},${csvField(metric)},${csvField(value)}`);
    };
    for (const epoch of metrics) {
      for (const metric of EPOCH_METRICS) {
        const value = epoch[metric];
        if (value === null || value === undefined) continue;
        push(epoch.epoch, null, metric, value);
      }
      for (const layer of epoch.layers) {
        for (const metric of LAYER_METRICS) push(epoch.epoch, layer.layer, metric, layer[metric]);
        if (layer.preluAlphas && layer.preluAlphas.length > 0) {
          push(epoch.epoch, layer.layer, 'preluAlphaMean', layer.preluAlphas.reduce((s, a) => s + a, 0) / layer.preluAlphas.length);
        }
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A file name from an experiment name: "Large LR (copy)" → "large-lr-copy". */
export function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s.slice(0, 60) || 'experiment';
}
