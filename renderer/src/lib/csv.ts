/**
 * Long-format metrics CSV of an experiment, built in the renderer from `getRunMetrics` (the API has
 * no export operation). Same columns and spellings as `relu-lab export --format csv`:
 * experiment_id, run_id, seed, status, <sweep keys…>, epoch, layer, metric, value.
 */
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import { longRows, longRowsToCsv } from '../../../shared/long-format.js';

export { csvField, csvNumber } from '../../../shared/csv.js';

export interface RunMetrics {
  run: Pick<RunRow, 'id' | 'experimentId' | 'seed' | 'status' | 'sweep'>;
  metrics: EpochMetricsDto[];
}

export function metricsToCsv(runs: readonly RunMetrics[]): string {
  return longRowsToCsv(longRows(runs.map((r) => ({ run: r.run, epochs: r.metrics }))));
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
