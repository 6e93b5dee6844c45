import { describe, expect, it } from 'vitest';
import { describeRunTable, queryRunTable } from '../../../electron/lab/operations.js';
import { seedRunsTable } from '../../../bench/runs-table-seed.js';
import { openStore, RAW_CONFIG, sampleRuns } from './helpers.js';
import { epochWithDead } from './summary-fixtures.js';

describe('run summaries', () => {
  it('follow every recorded epoch: final, smallest and largest dead fraction per layer and over layers, NaN kept', () => {
    const store = openStore();
    const { runIds } = store.createExperiment({ name: 'x', config: {}, runs: sampleRuns() });
    const id = runIds[0];
    expect(store.getRunSummary(id)).toBeNull();
    store.recordEpoch(id, epochWithDead(0, [0.25, 0.5]));
    store.recordEpoch(id, epochWithDead(1, [0.75, 0.25], 0.5));
    store.recordEpoch(id, epochWithDead(2, [NaN, 0], NaN));
    expect(store.getRunSummary(id)).toMatchObject({
      epoch: 2,
      layers: 2,
      finalTrainLoss: NaN,
      minTrainLoss: 0.5,
      finalDead: NaN,
      minDead: 0.375,
      maxDead: 0.5,
      layer: [
        { finalDead: NaN, minDead: 0.25, maxDead: 0.75 },
        { finalDead: 0, minDead: 0, maxDead: 0.5 },
      ],
    });
    // Recording an epoch again replaces it: the summary is recomputed from the stored rows.
    store.recordEpoch(id, epochWithDead(1, [0, 0], 0.25));
    expect(store.getRunSummary(id)).toMatchObject({ epoch: 2, minTrainLoss: 0.25, minDead: 0, maxDead: 0.375, layer: [{ maxDead: 0.25 }, { maxDead: 0.5 }] });
  });

  it('are made for the runs a bundle brings', () => {
    const source = openStore();
    const { experimentId, runIds } = source.createExperiment({ name: 'x', config: RAW_CONFIG, runs: sampleRuns() });
    source.recordEpoch(runIds[1], epochWithDead(0, [0.5, 0.25]));
    source.finishRun(runIds[1], 'completed');
    const target = openStore();
    const imported = target.importBundle(source.exportBundle([experimentId]));
    const run = target.listRuns({ experimentId: imported.experimentIds[0] })[1];
    expect(target.getRunSummary(run.id)).toMatchObject({ epoch: 0, finalDead: 0.375 });
  });
});

describe('the runs table', () => {
  function seeded() {
    const store = openStore();
    const ids = seedRunsTable(store, { runs: 120, epochs: 4, layers: 2, width: 4 });
    return { store, ids };
  }

  it('stored summaries agree with the same values computed from the metric tables', () => {
    const { store } = seeded();
    const recomputed = store.recomputeTopFinalDead(1000);
    expect(recomputed).toHaveLength(120);
    for (const r of recomputed) {
      const s = store.getRunSummary(r.runId);
      expect(r.finalDead).not.toBeNull();
      expect(s?.finalDead).toBeCloseTo(r.finalDead as number, 12);
      if (r.minDead !== null) expect(s?.minDead).toBeCloseTo(r.minDead, 12);
      if (r.maxDead !== null) expect(s?.maxDead).toBeCloseTo(r.maxDead, 12);
    }
  });

  it('offers the fields that vary and the most layers and epochs', () => {
    const { store } = seeded();
    const info = describeRunTable(store);
    expect(info.fields.map((f) => [f.path, f.numeric, f.distinct])).toEqual([
      ['model.activation', false, 4],
      ['training.learningRate', true, 5],
    ]);
    expect(info.fields[1].values).toEqual([0.001, 0.01, 0.1, 0.3, 1]);
    expect(info).toMatchObject({ layers: 2, maxEpoch: 4, runs: 120 });
  });

  it('pages, sorts by a metric with runs without a value last, and counts what the filter keeps', () => {
    const { store, ids } = seeded();
    const columns = ['run', 'status', 'activation', 'lr', 'final dead', 'final dead L2', 'diverged', 'epochs'];
    const all = queryRunTable(store, { limit: 500, columns });
    expect(all.total).toBe(120);
    expect(all.rows.map((r) => r.id)).toEqual(ids);
    const sorted = queryRunTable(store, { limit: 500, columns, sort: { column: 'final dead', direction: 'desc' } });
    const values = sorted.rows.map((r) => r.cells['final dead'] as number);
    const finite = values.filter((v) => Number.isFinite(v));
    expect(finite).toEqual([...finite].sort((a, b) => b - a));
    // Runs whose last value is NaN (diverged) come last, whatever the direction.
    expect(values.slice(finite.length).every((v) => Number.isNaN(v))).toBe(true);
    const asc = queryRunTable(store, { limit: 500, columns, sort: { column: 'final dead', direction: 'asc' } }).rows.map((r) => r.cells['final dead'] as number);
    expect(asc.slice(0, finite.length)).toEqual([...finite].sort((a, b) => a - b));

    const filter = 'final dead > 0.2 and activation = relu and lr <= 0.3';
    const page = queryRunTable(store, { filter, limit: 5, offset: 5, columns, sort: { column: 'lr', direction: 'asc' } });
    const cell = (r: (typeof all.rows)[number], id: string) => r.cells[id];
    const kept = (r: (typeof all.rows)[number]) => (cell(r, 'final dead') as number) > 0.2 && cell(r, 'model.activation') === 'relu' && (cell(r, 'training.learningRate') as number) <= 0.3;
    const matching = all.rows.filter(kept);
    expect(page.total).toBe(matching.length);
    expect(page.total).toBeGreaterThan(10);
    expect(page.rows).toHaveLength(5);
    expect(page.rows.every(kept)).toBe(true);
    const lrs = page.rows.map((r) => cell(r, 'training.learningRate') as number);
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
    expect(page.columns).toEqual(['run', 'status', 'model.activation', 'training.learningRate', 'final dead', 'final dead L2', 'diverged', 'epochs']);
  });

  it('reads a dead fraction at a chosen epoch, and refuses what it cannot read with the reason', () => {
    const { store } = seeded();
    const page = queryRunTable(store, { atEpoch: 4, columns: ['dead at epoch', 'dead at epoch L1', 'epochs', 'diverged'], limit: 500 });
    for (const row of page.rows) {
      if (row.cells.epochs === 4) expect(row.cells['dead at epoch']).toBeTypeOf('number');
      else expect(row.cells['dead at epoch']).toBeNull();
    }
    expect(() => queryRunTable(store, { columns: ['dead at epoch'] })).toThrow('columns[0]: dead at epoch needs atEpoch, the epoch it is read at');
    expect(() => queryRunTable(store, { columns: ['run', 'nope'] })).toThrow('columns[1]: unknown column "nope"');
    expect(() => queryRunTable(store, { filter: 'final dead >> 1' })).toThrow('filter clause 1 "final dead > >": expected a value after >');
  });
});
