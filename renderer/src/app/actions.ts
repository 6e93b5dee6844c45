/** Multi-step actions used from several places (pages, menu). */
import type { LabClient } from '../../../shared/api.js';
import { metricsToCsv, slug } from '../lib/csv.js';

/** Exports every run's metrics of an experiment as a long-format CSV through `saveFile`. */
export async function exportExperimentCsv(client: LabClient, experimentId: number): Promise<{ saved: boolean; path: string | null; name: string }> {
  const detail = await client.getExperiment(experimentId);
  const runs = [];
  for (const run of detail.runs) runs.push({ run, metrics: await client.getRunMetrics(run.id) });
  const name = `${slug(detail.experiment.name)}-metrics.csv`;
  const result = await client.saveFile({ suggestedName: name, mimeType: 'text/csv', data: metricsToCsv(runs) });
  return { ...result, name };
}

/** Reads a user-chosen file as text. */
export function readFileText(file: Blob): Promise<string> {
  return file.text();
}
