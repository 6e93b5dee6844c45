/**
 * Shards of one experiment stored apart and brought together: run ids and uids by index, imports in
 * any order, the same uid with another config refused, several bundles in one transaction.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../shared/errors.js';
import { shardSlice, type Shard } from '../../../shared/shard.js';
import { BundleError } from '../../../db/bundle.js';
import { runUid } from '../../../db/uids.js';
import type { LabStore } from '../../../db/store.js';
import { withConnection } from './connection.js';
import { FIXTURE } from './bundle-fixtures.js';
import { openStore, sampleRuns } from './helpers.js';

const UID = '3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b';

/** A database holding one shard of FIXTURE's 4 runs under UID. */
function shardStore(shard: Shard, config: Record<string, unknown> = FIXTURE): LabStore {
  const store = openStore();
  const runs = sampleRuns(config);
  store.createExperiment({ name: 'sharded', config, runs: shardSlice(runs, shard), totalRuns: runs.length, uid: UID });
  return store;
}

function bundleOf(store: LabStore): Buffer {
  return store.exportBundle(store.listExperiments().map((e) => e.id));
}

function rows(store: LabStore) {
  return withConnection(store, (db) => ({
    experiments: db.prepare(`SELECT id, uid, name, config_json, created_at, updated_at FROM experiments ORDER BY id`).all(),
    runs: db.prepare(`SELECT id, uid, experiment_id, run_index, seed, sweep_json, config_json FROM runs ORDER BY id`).all(),
    counter: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'runs'`).pluck().get(),
  }));
}

describe('sharded experiments', () => {
  it('store a slice under the ids and uids the whole experiment has in a fresh database', () => {
    const whole = openStore();
    const created = whole.createExperiment({ name: 'sharded', config: FIXTURE, runs: sampleRuns(FIXTURE), uid: UID });
    expect(created.runIds).toEqual([1, 2, 3, 4]);
    const second = shardStore({ index: 2, count: 2 });
    expect(second.listRuns().map((r) => r.id)).toEqual([2, 4]);
    const wholeRuns = rows(whole).runs as { id: number; uid: string; run_index: number }[];
    expect(wholeRuns.map((r) => r.uid)).toEqual([0, 1, 2, 3].map((i) => runUid(UID, i)));
    expect(rows(second).runs).toEqual(wholeRuns.filter((r) => r.run_index % 2 === 1));
    // The ids of the runs the other shard trains stay free: a new experiment comes after them.
    expect(second.createExperiment({ name: 'next', config: FIXTURE, runs: sampleRuns(FIXTURE) }).runIds).toEqual([5, 6, 7, 8]);
  });

  it('refuse a second experiment with the same uid in one database', () => {
    const store = shardStore({ index: 1, count: 2 });
    expect(() => store.createExperiment({ name: 'again', config: FIXTURE, runs: sampleRuns(FIXTURE), uid: UID })).toThrow(ConflictError);
    expect(() => store.createExperiment({ name: 'again', config: FIXTURE, runs: sampleRuns(FIXTURE), uid: UID })).toThrow(
      /already holds experiment 1 with uid 3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b .*fresh database/,
    );
  });

  it('imported in any order, some twice, give the same rows, the experiment dated by its earliest shard', () => {
    const shards = [1, 2, 3].map((k) => shardStore({ index: k, count: 3 }));
    const bundles = shards.map(bundleOf);
    const createdAt = shards.map((s) => (rows(s).experiments[0] as { created_at: string }).created_at).sort();
    const orders = [[0, 1, 2], [2, 0, 1], [1, 2, 1, 0, 2]];
    const results = orders.map((order) => {
      const target = openStore();
      for (const i of order) target.importBundle(bundles[i]);
      return rows(target);
    });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect((results[0].runs as { id: number }[]).map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect((results[0].experiments[0] as { created_at: string }).created_at).toBe(createdAt[0]);
  });

  it('land in a block after the runs already in the target database', () => {
    const target = openStore();
    target.createExperiment({ name: 'earlier', config: FIXTURE, runs: sampleRuns(FIXTURE) });
    target.importBundle(bundleOf(shardStore({ index: 2, count: 2 })));
    target.createExperiment({ name: 'meanwhile', config: FIXTURE, runs: sampleRuns(FIXTURE).slice(0, 1) });
    target.importBundle(bundleOf(shardStore({ index: 1, count: 2 })));
    const runs = rows(target).runs as { id: number; experiment_id: number; run_index: number }[];
    expect(runs.map((r) => [r.id, r.experiment_id, r.run_index])).toEqual([
      [1, 1, 0], [2, 1, 1], [3, 1, 2], [4, 1, 3],
      [5, 2, 0], [6, 2, 1], [7, 2, 2], [8, 2, 3],
      [9, 3, 0],
    ]);
  });

  it('with another config under the same uid are refused naming the field, and nothing is stored', () => {
    const target = openStore();
    target.importBundle(bundleOf(shardStore({ index: 1, count: 2 })));
    const before = rows(target);
    const other = bundleOf(shardStore({ index: 2, count: 2 }, { ...FIXTURE, training: { ...FIXTURE.training, epochs: 5 } }));
    let error: unknown;
    try {
      target.importBundle(other);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BundleError);
    expect((error as BundleError).reason).toBe('conflict');
    expect((error as Error).message).toBe(
      `experiment ${UID} is already here (experiment 1) with another config: training.epochs: 3 vs 5 (here vs in the bundle); shards of one experiment must be started from the same config`,
    );
    expect(rows(target)).toEqual(before);
  });

  it('merged as several bundles in one transaction: all of them, or none when one is refused (named)', () => {
    const good = bundleOf(shardStore({ index: 1, count: 2 }));
    const clash = bundleOf(shardStore({ index: 2, count: 2 }, { ...FIXTURE, seeds: [1, 3] }));
    const target = openStore();
    expect(() =>
      target.importBundles([
        { name: 'good.relulab', read: () => good },
        { name: 'clash.relulab', read: () => clash },
      ]),
    ).toThrow(/^clash\.relulab: experiment .* another config: seeds\[1\]: 2 vs 3/);
    expect(rows(target).experiments).toEqual([]);
    const results = target.importBundles([
      { name: 'good.relulab', read: () => good },
      { name: 'good again', read: () => good },
    ]);
    expect(results.map((r) => [r.experiments, r.runs, r.skipped])).toEqual([[1, 2, 0], [0, 0, 3]]);
  });
});
