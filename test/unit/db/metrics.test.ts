import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../../shared/metrics.js';
import { EPOCH_SERIES_SQL, LAYER_SERIES_SQL } from '../../../db/metrics.js';
import { LabStore } from '../../../db/store.js';
import { sqlValue, storeConnection, withConnection } from './connection.js';
import { openStore, sampleEpoch, sampleLayer, sampleRuns, tableCount, tempDbPath } from './helpers.js';

function setup(store: LabStore): number[] {
  return store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() }).runIds;
}

describe('recordEpoch / getRunMetrics', () => {
  it('round-trips epochs and layers exactly: masks, histograms, PReLU alphas', () => {
    const store = openStore();
    const [id] = setup(store);
    const alphas = new Float32Array([0.25, 0.2500001, -0.01, 1e-30, 0, 3, 0.7, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    const epochs: EpochMetrics[] = [0, 1, 2].map((e) => {
      const m = sampleEpoch(e, 3, 13);
      m.layers[1] = sampleLayer(1, 13, { preluAlphas: alphas.map((a) => a * (e + 1)), gradNorm: null });
      return m;
    });
    // Odd shapes: a 1-unit layer, a mask with every unit dead, a fractional histogram count.
    epochs[2].layers[2] = sampleLayer(2, 1, {
      deadMask: new Uint8Array([1]),
      deadFraction: 1,
      histogram: { lo: 0, hi: 0, counts: [0.5, 1e300, 7] },
    });
    epochs[1].trainAccuracy = null;
    epochs[1].valLoss = null;
    epochs[1].valAccuracy = null;
    // Stored out of order: read back in epoch order.
    for (const e of [epochs[2], epochs[0], epochs[1]]) store.recordEpoch(id, e);

    const loaded = store.getRunMetrics(id);
    expect(loaded).toEqual(epochs);
    for (const layer of loaded.flatMap((e) => e.layers)) {
      expect(layer.deadMask).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(layer.deadMask)).toBe(false);
      if (layer.preluAlphas) expect(layer.preluAlphas).toBeInstanceOf(Float32Array);
    }
    expect(loaded[0].layers[1].preluAlphas).toEqual(alphas);
    expect(store.getRun(id)?.epochsDone).toBe(2);
  });

  it('bit-packs the dead mask (one bit per unit)', () => {
    const store = openStore();
    const [id] = setup(store);
    const deadMask = new Uint8Array(4096).map((_, i) => (i % 5 === 0 || i === 4095 ? 1 : 0));
    store.recordEpoch(id, { ...sampleEpoch(0, 0), layers: [sampleLayer(0, 4096, { deadMask })] });
    const blob = sqlValue(store, 'SELECT dead_mask FROM layer_metrics') as Buffer;
    expect(blob.byteLength).toBe(512);
    expect(blob[0]).toBe(0b00100001);
    expect(store.getRunMetrics(id)[0].layers[0].deadMask).toEqual(deadMask);
  });

  it('reads a run\'s dead masks per layer, packed in epoch order, up to an epoch', () => {
    const store = openStore();
    const [id, other] = setup(store);
    const masks = (epoch: number, layer: number) => new Uint8Array(13).map((_, u) => ((u + epoch * 3 + layer) % 4 === 0 ? 1 : 0));
    // Stored out of order, layers reversed; another run's masks are not read.
    for (const epoch of [2, 0, 3, 1]) {
      const m = sampleEpoch(epoch, 3, 13);
      m.layers = m.layers.map((l) => ({ ...l, deadMask: masks(epoch, l.layer) })).reverse();
      store.recordEpoch(id, m);
    }
    store.recordEpoch(other, sampleEpoch(0, 3, 13));
    const histories = store.getDeadMaskHistories(id, 2);
    expect(histories.map((h) => [h.layer, h.units, h.epochs])).toEqual([0, 1, 2].map((layer) => [layer, 13, [0, 1, 2]]));
    for (const h of histories) {
      expect(h.masks.byteLength).toBe(3 * 2);
      for (const epoch of [0, 1, 2]) {
        const unpacked = Array.from({ length: 13 }, (_, u) => (h.masks[epoch * 2 + (u >> 3)] >> (u & 7)) & 1);
        expect(unpacked).toEqual([...masks(epoch, h.layer)]);
      }
    }
    expect(store.getDeadMaskHistories(id).map((h) => h.epochs)).toEqual([0, 1, 2].map(() => [0, 1, 2, 3]));
    expect(store.getDeadMaskHistories(9999)).toEqual([]);
  });

  it('names the run and layer of a damaged dead mask', () => {
    const store = openStore();
    const [id] = setup(store);
    for (const epoch of [0, 1]) store.recordEpoch(id, sampleEpoch(epoch, 2, 13));
    withConnection(store, (db) => db.prepare(`UPDATE layer_metrics SET dead_mask = x'01' WHERE epoch = 1 AND layer = 1`).run());
    expect(() => store.getDeadMaskHistories(id)).toThrow(`run ${id}, layer 1: stored dead masks have 3 bytes, but 2 epochs of 13 units need 4`);
  });

  it('keeps NaN and ±Infinity exact in losses and layer statistics', () => {
    const store = openStore();
    const [id] = setup(store);
    const diverged: EpochMetrics = {
      ...sampleEpoch(3),
      trainLoss: NaN,
      trainAccuracy: NaN,
      valLoss: Infinity,
      valAccuracy: null,
      elapsedSeconds: -Infinity,
      layers: [
        sampleLayer(0, 11, {
          preActMean: NaN,
          preActStd: Infinity,
          gradNorm: NaN,
          histogram: { lo: NaN, hi: NaN, counts: [NaN, Infinity, 0] },
          preluAlphas: new Float32Array(11).fill(NaN),
        }),
        sampleLayer(1, 11, { gradNorm: null, dormantFraction: NaN }),
      ],
    };
    store.recordEpoch(id, diverged);
    const [loaded] = store.getRunMetrics(id);
    expect(loaded).toEqual(diverged);
    expect(loaded.trainLoss).toBeNaN();
    expect(loaded.trainAccuracy).toBeNaN();
    expect(loaded.valLoss).toBe(Infinity);
    expect(loaded.valAccuracy).toBeNull();
    expect(loaded.elapsedSeconds).toBe(-Infinity);
    expect(loaded.layers[0].gradNorm).toBeNaN();
    expect(loaded.layers[1].gradNorm).toBeNull();

    const [series] = store.getEpochSeries([id]);
    expect(series).toEqual({ runId: id, ...diverged, layers: undefined });
    expect(series.valAccuracy).toBeNull();
    const layers = store.getLayerSeries([id]);
    expect(layers[0]).toMatchObject({ preActMean: NaN, preActStd: Infinity, gradNorm: NaN });
    expect(layers[1]).toMatchObject({ gradNorm: null, dormantFraction: NaN });
  });

  it('replaces a rewritten epoch, layers included', () => {
    const store = openStore();
    const [id] = setup(store);
    store.recordEpoch(id, sampleEpoch(0, 3));
    store.recordEpoch(id, sampleEpoch(1, 3));
    const rewritten = { ...sampleEpoch(1, 2), trainLoss: 0.001 };
    store.recordEpoch(id, rewritten);
    expect(store.getRunMetrics(id)).toEqual([sampleEpoch(0, 3), rewritten]);
    expect(tableCount(store, 'layer_metrics')).toBe(5);
    expect(store.getRun(id)?.epochsDone).toBe(1);
  });

  it('tracks epochs_done as the highest epoch recorded', () => {
    const store = openStore();
    const [id] = setup(store);
    store.recordEpoch(id, sampleEpoch(0));
    expect(store.getRun(id)?.epochsDone).toBe(0);
    store.recordEpoch(id, sampleEpoch(1));
    store.recordEpoch(id, sampleEpoch(2));
    expect(store.getRun(id)?.epochsDone).toBe(2);
    store.recordEpoch(id, sampleEpoch(1));
    expect(store.getRun(id)?.epochsDone).toBe(2);
  });

  it('is atomic: a failure halfway through leaves no partial rows and the previous data intact', () => {
    const file = tempDbPath();
    const store = openStore(file);
    const [id] = setup(store);
    store.recordEpoch(id, sampleEpoch(0));
    const before = store.getRunMetrics(id);

    // The epoch row and layer 0 go in before layer 1 fails its CHECK constraint.
    const broken = sampleEpoch(1, 3);
    broken.layers[1] = { ...broken.layers[1], layer: -1 };
    expect(() => store.recordEpoch(id, broken)).toThrow(/run \d+, epoch 1: could not record the metrics: CHECK constraint failed/);
    // A layer whose integer field is not an integer (STRICT rejects it).
    const fractional = sampleEpoch(1, 3);
    fractional.layers[2] = { ...fractional.layers[2], layer: 2.5 };
    expect(() => store.recordEpoch(id, fractional)).toThrow(/cannot store REAL value in INTEGER column layer_metrics\.layer/);
    // A mask that does not match the layer's units (checked in JS, inside the transaction).
    const badMask = sampleEpoch(1, 3);
    badMask.layers[2] = { ...badMask.layers[2], deadMask: new Uint8Array(3) };
    expect(() => store.recordEpoch(id, badMask)).toThrow('run ' + id + ', epoch 1, layer 2: deadMask has 3 entries but the layer has 11 units');
    const badValue = sampleEpoch(1, 3);
    badValue.layers[2].deadMask[4] = 2;
    expect(() => store.recordEpoch(id, badValue)).toThrow(/deadMask\[4\] is 2; entries must be 0 or 1/);
    // A rewrite of an existing epoch that fails keeps the old epoch.
    const badRewrite = sampleEpoch(0, 2);
    badRewrite.layers[1] = { ...badRewrite.layers[1], dormantFraction: null as unknown as number };
    expect(() => store.recordEpoch(id, badRewrite)).toThrow(/could not record the metrics: CHECK constraint failed: dormant_fraction/);

    expect(storeConnection(store).inTransaction).toBe(false);
    expect(store.getRunMetrics(id)).toEqual(before);
    expect(tableCount(store, 'epoch_metrics')).toBe(1);
    expect(tableCount(store, 'layer_metrics')).toBe(2);
    expect(store.getRun(id)?.epochsDone).toBe(0);
    store.close();
    // Also true on disk, from another connection.
    const reopened = openStore(file);
    expect(reopened.getRunMetrics(id)).toEqual(before);
  });

  it('refuses metrics for a run that does not exist', () => {
    const store = openStore();
    expect(() => store.recordEpoch(42, sampleEpoch(0))).toThrow('run 42 does not exist');
    expect(() => store.getRunMetrics(42)).toThrow('run 42 does not exist');
    expect(tableCount(store, 'epoch_metrics')).toBe(0);
  });

  it('removes metrics when the run is deleted with its experiment', () => {
    const store = openStore();
    const { experimentId, runIds } = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() });
    store.recordEpoch(runIds[0], sampleEpoch(0));
    store.deleteExperiment(experimentId);
    expect(tableCount(store, 'epoch_metrics')).toBe(0);
    expect(tableCount(store, 'layer_metrics')).toBe(0);
  });
});

describe('series', () => {
  it('returns all layers of the given runs over all epochs, by run, epoch, layer', () => {
    const store = openStore();
    const [a, b, c] = setup(store);
    // Written interleaved and out of order.
    for (const epoch of [2, 0, 1]) {
      for (const run of [c, a]) {
        const m = sampleEpoch(epoch, 3, 6);
        m.layers.reverse();
        store.recordEpoch(run, m);
      }
    }
    store.recordEpoch(b, sampleEpoch(0, 3, 6));

    const rows = store.getLayerSeries([c, a, 9999]);
    expect(rows).toHaveLength(2 * 3 * 3);
    const keys = rows.map((r) => [r.runId, r.epoch, r.layer]);
    const expected: number[][] = [];
    for (const run of [a, c]) for (let e = 0; e < 3; e++) for (let l = 0; l < 3; l++) expected.push([run, e, l]);
    expect(keys).toEqual(expected);
    const layer = sampleLayer(1, 6);
    expect(rows[1]).toEqual({
      runId: a,
      epoch: 0,
      layer: 1,
      units: 6,
      deadFraction: layer.deadFraction,
      activeProbability: layer.activeProbability,
      dormantFraction: layer.dormantFraction,
      gradNorm: layer.gradNorm,
      preActMean: layer.preActMean,
      preActStd: layer.preActStd,
      effectiveRank: layer.effectiveRank,
      weightMagnitude: layer.weightMagnitude,
      unitsReset: layer.unitsReset,
    });
    expect(store.getLayerSeries([])).toEqual([]);

    const epochs = store.getEpochSeries([c, a]);
    expect(epochs.map((r) => [r.runId, r.epoch])).toEqual([
      [a, 0], [a, 1], [a, 2], [c, 0], [c, 1], [c, 2],
    ]);
    const { layers: _layers, ...scalars } = sampleEpoch(1);
    expect(epochs[1]).toEqual({ runId: a, ...scalars });
    expect(store.getEpochSeries([])).toEqual([]);
  });

  it('serves the series from indexes, without sorting or reading the blobs', () => {
    const store = openStore();
    const plan = (sql: string) =>
      withConnection(store, (db) => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[1,2]') as { detail: string }[]).map((r) => r.detail).join('\n');
    // The same SQL as the store's statements.
    const layerSql = LAYER_SERIES_SQL;
    const epochSql = EPOCH_SERIES_SQL;
    const layerPlan = plan(layerSql);
    expect(layerPlan).toMatch(/USING COVERING INDEX layer_metrics_series \(run_id=\?\)/);
    expect(layerPlan).not.toMatch(/TEMP B-TREE/);
    const epochPlan = plan(epochSql);
    expect(epochPlan).toMatch(/USING PRIMARY KEY \(run_id=\?\)/);
    expect(epochPlan).not.toMatch(/TEMP B-TREE/);
  });
});
