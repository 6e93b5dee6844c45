import { describe, expect, it } from 'vitest';
import { comparisonSpecSchema, type ComparisonSpec } from '../../../shared/compare.js';
import { LabStore } from '../../../db/store.js';
import { sqlValue } from './connection.js';
import { openStore, tableCount, tempDbPath } from './helpers.js';

const DEFAULTS: ComparisonSpec = comparisonSpecSchema.parse({});

describe('saved comparisons', () => {
  it('saves, lists, gets by id or name, and deletes', () => {
    const store = openStore();
    expect(store.listComparisons()).toEqual([]);

    const lr = store.saveComparison('learning rates', { ...DEFAULTS, experimentIds: [1], groupBy: ['training.learningRate'] });
    expect(lr).toEqual({
      id: lr.id,
      name: 'learning rates',
      spec: { ...DEFAULTS, experimentIds: [1], groupBy: ['training.learningRate'] },
      createdAt: lr.createdAt,
      updatedAt: lr.createdAt,
    });
    expect(lr.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // Defaults are filled in when the spec leaves fields out.
    const init = store.saveComparison('  Init  ', { runIds: [3, 4], band: 'ci95', layer: 'all' } as ComparisonSpec);
    expect(init.name).toBe('Init');
    expect(init.spec).toEqual({ ...DEFAULTS, runIds: [3, 4], band: 'ci95', layer: 'all' });
    const act = store.saveComparison('activations', { ...DEFAULTS, groupNames: { relu: 'ReLU' }, atEpoch: 5, smoothing: 0.6 });

    // By name, case-insensitively.
    expect(store.listComparisons().map((c) => c.name)).toEqual(['activations', 'Init', 'learning rates']);
    expect(store.getComparison(lr.id)).toEqual(lr);
    expect(store.getComparison('Init')).toEqual(init);
    expect(store.getComparison(' Init ')).toEqual(init);
    expect(store.getComparison('init')).toBeNull();
    expect(store.getComparison(999)).toBeNull();
    expect(store.getComparison(String(act.id))).toBeNull(); // a string is always a name

    store.deleteComparison(init.id);
    expect(store.getComparison(init.id)).toBeNull();
    expect(store.listComparisons().map((c) => c.id)).toEqual([act.id, lr.id]);
    expect(() => store.deleteComparison(init.id)).toThrow(`comparison ${init.id} does not exist`);
  });

  it('replaces the spec when saving under an existing name, keeping the id', async () => {
    const store = openStore();
    const first = store.saveComparison('mine', { ...DEFAULTS, runIds: [1] });
    const uid = sqlValue(store, 'SELECT uid FROM comparisons WHERE id = ?', first.id);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = store.saveComparison('mine', { ...DEFAULTS, runIds: [1, 2], logY: true });
    expect(second.id).toBe(first.id);
    expect(second.spec).toEqual({ ...DEFAULTS, runIds: [1, 2], logY: true });
    expect(second.createdAt).toBe(first.createdAt);
    expect(second.updatedAt > first.updatedAt).toBe(true);
    expect(sqlValue(store, 'SELECT uid FROM comparisons WHERE id = ?', first.id)).toBe(uid);
    expect(uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(tableCount(store, 'comparisons')).toBe(1);
    expect(store.getComparison('mine')).toEqual(second);
  });

  it('refuses invalid specs and names with an error naming the field, storing nothing', () => {
    const store = openStore();
    const bad = (spec: unknown) => () => store.saveComparison('x', spec as ComparisonSpec);
    expect(bad({ ...DEFAULTS, smoothing: 1 })).toThrow(/^invalid comparison spec: smoothing: /);
    expect(bad({ ...DEFAULTS, runIds: [1, 0] })).toThrow(/^invalid comparison spec: runIds\[1\]: /);
    expect(bad({ ...DEFAULTS, band: 'iqr' })).toThrow(/^invalid comparison spec: band: /);
    expect(bad({ ...DEFAULTS, colour: 'red' })).toThrow(/colour/);
    expect(bad({ ...DEFAULTS, groupNames: { a: 5 } })).toThrow(/groupNames\.a: /);
    expect(bad(null)).toThrow(/^invalid comparison spec: /);
    expect(() => store.saveComparison('', DEFAULTS)).toThrow('comparison name: must not be empty');
    expect(() => store.saveComparison('   ', DEFAULTS)).toThrow('comparison name: must not be empty');
    expect(() => store.saveComparison('n'.repeat(201), DEFAULTS)).toThrow(/comparison name: must be at most 200 characters/);
    expect(() => store.saveComparison(7 as unknown as string, DEFAULTS)).toThrow(/comparison name: must be a string/);
    expect(tableCount(store, 'comparisons')).toBe(0);
  });

  it('keeps comparisons across reopening', () => {
    const file = tempDbPath();
    const first = LabStore.open(file);
    const saved = first.saveComparison('kept', { ...DEFAULTS, experimentIds: [2], xAxis: 'time', focusGroup: 'relu' });
    first.close();
    expect(openStore(file).getComparison('kept')).toEqual(saved);
  });
});
