/**
 * `node bin/run-ts.mjs bench/runs-table.ts`: the runs table at scale. Seeds a lab database with
 * 10,000 runs × 50 epochs × 3 hidden layers through the store's own write functions, then times the
 * lab operations the table and the sweep views call (median of 5, after one warm-up): the offered
 * fields, a page, a sort by a metric, by a per-layer metric and by a field, a filter, the last page,
 * `dead at epoch`, the sweep charts; and, for comparison, the same summary computed by one SQL
 * aggregate over the metric tables instead of the stored summaries. Prints JSON.
 *
 * Options: --runs N (10000), --epochs N (50), --layers N (3), --db FILE (keep the seeded file there;
 * an existing file is reused as it is, e.g. for the browser timing in test/e2e/runs-table.test.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabStore } from '../db/store.js';
import { describeRunTable, queryRunTable, sweepChartOf } from '../electron/lab/operations.js';
import { seedRunsTable } from './runs-table-seed.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => unknown, repeat = 5): { ms: number } {
  fn();
  const ms: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return { ms: Math.round(median(ms) * 10) / 10 };
}

const runs = Number(option('runs', '10000'));
const epochs = Number(option('epochs', '50'));
const layers = Number(option('layers', '3'));
const keep = option('db', '');
const dir = keep === '' ? fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-bench-table-')) : null;
const file = keep === '' ? path.join(dir as string, 'lab.sqlite') : path.resolve(keep);

const result: Record<string, unknown> = { runs, epochs, layers, file: keep === '' ? null : file };
try {
  if (!fs.existsSync(file)) {
    const store = LabStore.open(file);
    const t = performance.now();
    seedRunsTable(store, { runs, epochs, layers });
    result.seedSeconds = Math.round((performance.now() - t) / 100) / 10;
    store.close();
  }
  result.fileMB = Math.round(fs.statSync(file).size / 1e5) / 10;
  const store = LabStore.open(file);
  const columns = ['run', 'experiment', 'status', 'seed', 'model.activation', 'training.learningRate', 'final dead', 'max dead', 'final dead L3', 'final loss', 'final val accuracy', 'epochs'];
  const page = (q: Record<string, unknown>) => () => queryRunTable(store, { limit: 100, columns, ...q });
  result.timingsMs = {
    fields: time(() => describeRunTable(store)).ms,
    firstPage: time(page({})).ms,
    sortFinalDeadDesc: time(page({ sort: { column: 'final dead', direction: 'desc' } })).ms,
    sortFinalDeadLayer3: time(page({ sort: { column: 'final dead L3', direction: 'desc' } })).ms,
    sortLearningRate: time(page({ sort: { column: 'lr', direction: 'asc' } })).ms,
    filterFinalDead: time(page({ filter: 'final dead > 0.2' })).ms,
    filterAndSort: time(page({ filter: 'final dead > 0.2 and activation = relu and lr <= 0.1', sort: { column: 'max dead', direction: 'desc' } })).ms,
    lastPage: time(page({ offset: runs - 100, sort: { column: 'final loss', direction: 'asc' } })).ms,
    deadAtEpochSort: time(page({ atEpoch: Math.floor(epochs / 2), columns: [...columns, 'dead at epoch'], sort: { column: 'dead at epoch', direction: 'desc' } })).ms,
    sweepScatterAllRuns: time(() => sweepChartOf(store, { view: 'scatter', x: 'lr', colorBy: 'activation' })).ms,
    sweepParallelAllRuns: time(() => sweepChartOf(store, { view: 'parallel', colorBy: 'activation' })).ms,
  };
  result.filteredTotal = queryRunTable(store, { filter: 'final dead > 0.2', limit: 1 }).total;
  // The alternative: the same summary from the metric tables on every request, sorted for one page.
  result.sqlAggregateSortFinalDeadMs = time(() => store.recomputeTopFinalDead(100), 3).ms;
  store.close();
} finally {
  if (dir !== null) fs.rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
