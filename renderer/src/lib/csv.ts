/**
 * Long-format metrics CSV of an experiment, built in the renderer from `getRunMetrics` (the API has
 * no export operation). Same columns and spellings as `relu-lab export --format csv`:
 * experiment_id, run_id, seed, status, <sweep keys…>, epoch, layer, metric, value.
 */
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import { longRows, longRowsToCsv } from '../../../shared/long-format.js';

export { csvField, csvNumber } from '../../../shared/csv.js';
export { slug } from '../../../shared/slug.js';

export interface RunMetrics {
  run: Pick<RunRow, 'id' | 'experimentId' | 'seed' | 'status' | 'sweep'>;
  metrics: EpochMetricsDto[];
}

export function metricsToCsv(runs: readonly RunMetrics[]): string {
  return longRowsToCsv(longRows(runs.map((r) => ({ run: r.run, epochs: r.metrics }))));
}
