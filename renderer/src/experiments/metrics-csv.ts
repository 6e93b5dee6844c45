/**
 * Long-format metrics CSV of an experiment, built in the renderer from `getRunMetrics` (the API has
 * no export operation). Same columns and spellings as `relu-lab export --format csv`:
 * experiment_id, run_id, seed, status, <sweep keys…>, epoch, layer, metric, value.
 */
import type { EpochMetricsDto, LabClient, RunRow, SaveFileRequest } from '../../../shared/api.js';
import { longRows, longRowsToCsv } from '../../../shared/long-format.js';
import { slug } from '../../../shared/slug.js';

export interface RunMetrics {
  run: Pick<RunRow, 'id' | 'experimentId' | 'seed' | 'status' | 'sweep'>;
  metrics: EpochMetricsDto[];
}

export function metricsToCsv(runs: readonly RunMetrics[]): string {
  return longRowsToCsv(longRows(runs.map((r) => ({ run: r.run, epochs: r.metrics }))));
}

/** Every run's metrics of an experiment as the file to save: "<experiment name>-metrics.csv". */
export async function experimentCsvFile(client: Pick<LabClient, 'getExperiment' | 'getRunMetrics'>, experimentId: number): Promise<SaveFileRequest> {
  const detail = await client.getExperiment(experimentId);
  const runs = [];
  for (const run of detail.runs) runs.push({ run, metrics: await client.getRunMetrics(run.id) });
  return { suggestedName: `${slug(detail.experiment.name)}-metrics.csv`, mimeType: 'text/csv', data: metricsToCsv(runs) };
}
