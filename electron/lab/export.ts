/** Every run of an experiment in long format, read from the store (the format is `shared/long-format.ts`). */
import type { LabStore } from '../../db/store.js';
import { longRows, type LongRow } from '../../shared/long-format.js';

export { longRowsToCsv, longRowsToJson, type LongRow } from '../../shared/long-format.js';

export function experimentLongRows(store: LabStore, experimentId: number): LongRow[] {
  return longRows(store.listRuns({ experimentId }).map((run) => ({ run, epochs: store.getRunMetrics(run.id) })));
}
