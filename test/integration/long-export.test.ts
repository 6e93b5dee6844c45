/**
 * The long-format metrics export (CLI `export --format csv|json`, the app's "Download CSV") with runs
 * that really diverged: measured NaN and ±Infinity survive storage and export as `NaN`, `Infinity`,
 * `-Infinity`; a metric that has no value for a run is an empty CSV field / JSON null; every run has
 * the same rows; the app's CSV and the CLI's are the same bytes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../shared/config.js';
import type { EpochMetrics, RunSummary } from '../../shared/metrics.js';
import { EPOCH_METRICS, LAYER_METRICS } from '../../shared/long-format.js';
import { LabStore } from '../../db/store.js';
import { TrainingPool } from '../../electron/lab/pool.js';
import { epochToDto, runRows } from '../../electron/lab/dto.js';
import { experimentLongRows, longRowsToCsv, longRowsToJson } from '../../electron/lab/export.js';
import { metricsToCsv } from '../../renderer/src/experiments/metrics-csv.js';

let dir: string;
let store: LabStore;
let classification: number;
let regression: number;

const common = { model: { hiddenLayers: 2, width: 4 }, training: { learningRate: 0.1, epochs: 2, batchSize: 16 }, probe: { samples: 16 } };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-export-'));
  store = LabStore.open(path.join(dir, 'lab.sqlite'));
  const pool = new TrainingPool(store, { workers: 1, backend: 'cpu' });
  const create = (config: Record<string, unknown>) => {
    const v = validateExperiment(config);
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const { experimentId } = store.createExperiment({ name: String(config.name), config, runs: v.runs });
    pool.enqueueExperiment(experimentId);
    return experimentId;
  };
  try {
    // Inputs scaled past float32's range make the network's output, and so the loss, NaN at initialization.
    classification = create({ name: 'blobs', dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2 }, ...common, sweep: { 'dataset.inputScale': [1, 1e300] } });
    // A regression whose outputs are ~1e25: the squared error overflows to Infinity. No validation split.
    regression = create({
      name: 'abs',
      dataset: { kind: 'abs1d', samples: 64, validationSplit: 0 },
      ...common,
      model: { ...common.model, activation: 'prelu' },
      sweep: { 'dataset.inputScale': [1, 1e25] },
    });
    await pool.idle();
  } finally {
    await pool.close();
  }
}, 120_000);

afterAll(() => {
  store?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A value as the export convention writes it. */
function spelled(value: number | null): string {
  if (value === null) return '';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** The stored value a long-format row stands for. */
function storedValue(metrics: EpochMetrics[], epoch: number, layer: string, metric: string): number | null {
  const e = metrics.find((m) => m.epoch === epoch)!;
  if (layer === '') return e[metric as keyof EpochMetrics] as number | null;
  const l = e.layers[Number(layer)];
  if (metric === 'preluAlphaMean') return l.preluAlphas ? l.preluAlphas.reduce((s, a) => s + a, 0) / l.preluAlphas.length : null;
  return l[metric as keyof typeof l] as number | null;
}

function csvRecords(experimentId: number): Record<string, string>[] {
  return parse(longRowsToCsv(experimentLongRows(store, experimentId)), { columns: true }) as Record<string, string>[];
}

describe('long-format export of diverged runs', () => {
  it('the runs diverged as intended (NaN at initialization; Infinity for the regression)', () => {
    const runs = store.listRuns();
    expect(runs.map((r) => [r.experimentId, r.sweep['dataset.inputScale'], r.status])).toEqual([
      [classification, 1, 'completed'],
      [classification, 1e300, 'diverged'],
      [regression, 1, 'completed'],
      [regression, 1e25, 'diverged'],
    ]);
    expect(store.getRunMetrics(runs[1].id)[0].trainLoss).toBeNaN();
    expect(store.getRunMetrics(runs[3].id)[0].trainLoss).toBe(Infinity);
  });

  it('CSV: the run id, no per-experiment index, NaN and Infinity spelled out, no value as an empty field', () => {
    const text = longRowsToCsv(experimentLongRows(store, classification));
    expect(text.split('\n')[0]).toBe('experiment_id,run_id,seed,status,dataset.inputScale,epoch,layer,metric,value');
    const [, diverged] = store.listRuns({ experimentId: classification });
    expect(text).toContain(`${classification},${diverged.id},1,diverged,1e+300,0,,trainLoss,NaN\n`);
    expect(text).toContain(`${classification},${diverged.id},1,diverged,1e+300,0,,valLoss,NaN\n`);
    // Not a PReLU network: its slope mean has no value.
    expect(text).toContain(`${classification},${diverged.id},1,diverged,1e+300,0,1,preluAlphaMean,\n`);

    const [, overflow] = store.listRuns({ experimentId: regression });
    const reg = longRowsToCsv(experimentLongRows(store, regression));
    expect(reg).toContain(`${regression},${overflow.id},1,diverged,1e+25,0,,trainLoss,Infinity\n`);
    // A regression has no accuracy; without a validation split there are no validation metrics.
    for (const metric of ['trainAccuracy', 'valLoss', 'valAccuracy']) expect(reg).toContain(`${regression},${overflow.id},1,diverged,1e+25,0,,${metric},\n`);
  });

  it('every run has a row for every metric at every epoch and layer, holding exactly the stored value', () => {
    for (const experimentId of [classification, regression]) {
      const records = csvRecords(experimentId);
      const runs = store.listRuns({ experimentId });
      for (const run of runs) {
        const metrics = store.getRunMetrics(run.id);
        const mine = records.filter((r) => Number(r.run_id) === run.id);
        const expected = metrics.flatMap((e) => [
          ...EPOCH_METRICS.map((m) => `${e.epoch}||${m}`),
          ...e.layers.flatMap((l) => LAYER_METRICS.map((m) => `${e.epoch}|${l.layer}|${m}`)),
        ]);
        expect(mine.map((r) => `${r.epoch}|${r.layer}|${r.metric}`)).toEqual(expected);
        for (const r of mine) {
          expect(r.value, `run ${run.id} ${r.epoch}/${r.layer}/${r.metric}`).toBe(spelled(storedValue(metrics, Number(r.epoch), r.layer, r.metric)));
          expect(r.seed).toBe(String(run.seed));
          expect(r.status).toBe(run.status);
        }
      }
    }
  });

  it('JSON: the same rows; NaN and Infinity as strings, no value as null', () => {
    const rows = JSON.parse(longRowsToJson(experimentLongRows(store, regression))) as { runId: number; epoch: number; layer: number | null; metric: string; value: unknown }[];
    const csv = csvRecords(regression);
    expect(rows).toHaveLength(csv.length);
    rows.forEach((row, i) => {
      expect(Object.keys(row)).toEqual(['experimentId', 'runId', 'seed', 'status', 'sweep', 'epoch', 'layer', 'metric', 'value']);
      const text = csv[i].value;
      const expected = text === '' ? null : text === 'NaN' || text === 'Infinity' || text === '-Infinity' ? text : Number(text);
      expect(row.value).toEqual(expected);
    });
    const [, overflow] = store.listRuns({ experimentId: regression });
    expect(rows.find((r) => r.runId === overflow.id && r.epoch === 0 && r.metric === 'trainLoss')!.value).toBe('Infinity');
    expect(rows.find((r) => r.runId === overflow.id && r.epoch === 0 && r.metric === 'valLoss')!.value).toBeNull();
    const classRows = JSON.parse(longRowsToJson(experimentLongRows(store, classification))) as typeof rows;
    expect(classRows.find((r) => r.epoch === 0 && r.metric === 'trainLoss' && r.runId !== store.listRuns({ experimentId: classification })[0].id)!.value).toBe('NaN');
  });

  it("the app's CSV (built from the API's run rows and metrics) is byte for byte the CLI's", () => {
    for (const experimentId of [classification, regression]) {
      const runs: RunSummary[] = store.listRuns({ experimentId });
      const app = metricsToCsv(runRows(store, runs).map((run) => ({ run, metrics: store.getRunMetrics(run.id).map(epochToDto) })));
      expect(app).toBe(longRowsToCsv(experimentLongRows(store, experimentId)));
    }
  });
});
