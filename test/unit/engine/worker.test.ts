/**
 * The training worker through the real lab (LabService, worker threads, SQLite): cancel is honoured
 * at every stage, and non-finite measurements reach the store and come back as NaN.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult, type EpochMetricsDto, type LabEvent, type RunRow } from '../../../shared/api.js';
import { LabStore } from '../../../db/store.js';
import { openService, tinyConfig, waitForEvent, waitForRuns } from '../electron/helpers.js';

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('cancel at every stage', () => {
  it('a run cancelled while its worker starts ends cancelled before any measurement', async () => {
    const { service } = openService();
    const { runIds } = value<{ runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ epochs: 50 })]));
    expect(value<boolean>(await service.handle('cancelRun', [runIds[0]]))).toBe(true);
    await waitForRuns(service, runIds);
    expect(value<RunRow>(await service.handle('getRun', [runIds[0]])).status).toBe('cancelled');
    expect(value<EpochMetricsDto[]>(await service.handle('getRunMetrics', [runIds[0]]))).toEqual([]);
  });

  it('a run cancelled while its data loads stops loading: cancelled, nothing measured', async () => {
    const { service, dir } = openService();
    // A csv file that takes a while to read (about 3 MB, some 100,000 rows).
    const lines = ['a,b,c,d,e,label'];
    for (let i = 0; i < 100_000; i++) lines.push(`${i * 0.5},${i % 97},${(i * 7) % 13},${i % 5},${-i},${i % 3}`);
    fs.writeFileSync(path.join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    const config = {
      name: 'big csv',
      dataset: { kind: 'csv', path: path.join(dir, 'big.csv'), labelColumn: 'label', task: 'classification' },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 3 },
      probe: { samples: 16 },
    };
    const { runIds } = value<{ runIds: number[] }>(await service.handle('createExperiment', [config]));
    // "running" is reported once the worker has its backend, before it reads the data.
    await waitForEvent(service, (e: LabEvent) => e.type === 'run-status' && e.runId === runIds[0] && e.status === 'running');
    expect(value<boolean>(await service.handle('cancelRun', [runIds[0]]))).toBe(true);
    await waitForRuns(service, runIds);
    const run = value<RunRow>(await service.handle('getRun', [runIds[0]]));
    expect(run.status).toBe('cancelled');
    expect(run.error).toBeNull();
    expect(value<EpochMetricsDto[]>(await service.handle('getRunMetrics', [runIds[0]]))).toEqual([]);
  });
});

describe('non-finite measurements through the lab', () => {
  it('inputs that overflow float32: the run ends diverged naming layer and epoch; NaN is stored and comes back as NaN', async () => {
    const { service, dbFile } = openService();
    const config = { ...tinyConfig({ epochs: 3 }), dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2, inputScale: 1e38 } };
    const { runIds } = value<{ runIds: number[] }>(await service.handle('createExperiment', [config]));
    await waitForRuns(service, runIds);
    const run = value<RunRow>(await service.handle('getRun', [runIds[0]]));
    expect(run.status).toBe('diverged');
    expect(run.error).toBe('the pre-activations of layer 1 became NaN or ±Infinity at initialization (epoch 0)');

    const metrics = await service.handle('getRunMetrics', [runIds[0]]);
    // Over HTTP the result travels as encodeJson text: NaN must survive that too.
    const epochs = value<EpochMetricsDto[]>(decodeJson<ApiResult<unknown>>(encodeJson(metrics)));
    expect(epochs.map((e) => e.epoch)).toEqual([0]);
    const [layer] = epochs[0].layers;
    for (const key of ['deadFraction', 'activeProbability', 'dormantFraction', 'preActMean', 'preActStd', 'gradNorm'] as const) expect(layer[key], key).toBeNaN();
    expect(layer.deadMask.every((d) => d === 0)).toBe(true);

    // And in the database file itself (read with a fresh connection).
    await service.close();
    const store = LabStore.open(dbFile);
    try {
      const stored = store.getRunMetrics(runIds[0]);
      expect(stored[0].layers[0].deadFraction).toBeNaN();
      expect(stored[0].layers[0].gradNorm).toBeNaN();
      expect(store.getLayerSeries(runIds).map((r) => [r.deadFraction, r.gradNorm])).toEqual([[NaN, NaN]]);
    } finally {
      store.close();
    }
  });
});
