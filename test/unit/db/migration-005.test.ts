import { describe, expect, it } from 'vitest';
import { migrate } from '../../../db/migrations/index.js';
import { LabStore } from '../../../db/store.js';
import { withConnection } from './connection.js';
import { openStore, sampleEpoch, sampleRuns, tempDbPath } from './helpers.js';
import { undoMigration5, undoMigration6 } from './rollback.js';

describe('migration 5 (task, effective rank, weight magnitude)', () => {
  it('adds the columns; epochs stored before read as having no task, rank or weight magnitude, and new ones keep theirs', () => {
    const file = tempDbPath();
    const store = LabStore.open(file);
    const { runIds } = store.createExperiment({ name: 'x', config: {}, runs: sampleRuns() });
    store.recordEpoch(runIds[0], sampleEpoch(0));
    store.recordEpoch(runIds[0], sampleEpoch(1));
    store.close();
    // Back to schema 4, as a file written before these columns existed.
    withConnection(file, (db) => {
      undoMigration6(db);
      undoMigration5(db);
      expect(migrate(db)).toBe(4);
      const columns = (table: string) => (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]);
      expect(columns('epoch_metrics')).toContain('task');
      expect(columns('layer_metrics')).toEqual(expect.arrayContaining(['effective_rank', 'weight_magnitude']));
      expect(db.prepare('SELECT COUNT(*) FROM epoch_metrics WHERE task IS NULL').pluck().get()).toBe(2);
      // A task is a whole number ≥ 0 or nothing.
      expect(() => db.prepare('UPDATE epoch_metrics SET task = -1').run()).toThrow(/CHECK constraint failed/);
    });
    const reopened = openStore(file);
    const before = reopened.getRunMetrics(runIds[0]);
    expect(before.map((e) => e.task)).toEqual([null, null]);
    expect(before.flatMap((e) => e.layers.map((l) => [l.effectiveRank, l.weightMagnitude]))).toEqual(Array(4).fill([null, null]));
    // The rest of each row is untouched.
    expect(before[1].trainLoss).toBe(sampleEpoch(1).trainLoss);
    expect(before[1].layers[1].deadMask).toEqual(sampleEpoch(1).layers[1].deadMask);
    const next = { ...sampleEpoch(2), task: 1 };
    next.layers[0].effectiveRank = NaN;
    reopened.recordEpoch(runIds[0], next);
    const after = reopened.getRunMetrics(runIds[0])[2];
    expect(after.task).toBe(1);
    expect(after.layers[0].effectiveRank).toBeNaN();
    expect(after.layers[1].effectiveRank).toBe(next.layers[1].effectiveRank);
    expect(after.layers[1].weightMagnitude).toBe(next.layers[1].weightMagnitude);
  });
});
