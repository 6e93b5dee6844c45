/** LabStore.inTransaction: many store writes committed together, or none of them when one fails. */
import { describe, expect, it } from 'vitest';
import { openStore, sampleEpoch, sampleRuns } from './helpers.js';

describe('inTransaction', () => {
  it('commits every write of the function, and none when it throws', () => {
    const store = openStore();
    try {
      const [a, b] = store.createExperiment({ name: 'e', config: {}, runs: sampleRuns() }).runIds;
      store.inTransaction(() => {
        for (const e of [0, 1, 2]) store.recordEpoch(a, sampleEpoch(e));
      });
      expect(store.getRunMetrics(a).map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect(() =>
        store.inTransaction(() => {
          store.recordEpoch(b, sampleEpoch(0));
          store.recordEpoch(b, sampleEpoch(1));
          throw new Error('stop');
        }),
      ).toThrow('stop');
      expect(store.getRunMetrics(b)).toEqual([]);
      expect(store.inTransaction(() => 42)).toBe(42);
    } finally {
      store.close();
    }
  });
});
