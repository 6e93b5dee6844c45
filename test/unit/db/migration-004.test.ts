import { describe, expect, it } from 'vitest';
import { migrate } from '../../../db/migrations/index.js';
import { LabStore } from '../../../db/store.js';
import { withConnection } from './connection.js';
import { openStore, sampleRuns, tempDbPath } from './helpers.js';
import { epochWithDead } from './summary-fixtures.js';
import { undoMigration5, undoMigration6 } from './rollback.js';

describe('migration 4 (run summaries)', () => {
  it('creates the summary tables; the runs of a schema-3 file get their summaries when it is opened', () => {
    const file = tempDbPath();
    const store = LabStore.open(file);
    const { runIds } = store.createExperiment({ name: 'x', config: {}, runs: sampleRuns() });
    store.recordEpoch(runIds[0], epochWithDead(0, [0.5, 0.5]));
    store.recordEpoch(runIds[0], epochWithDead(1, [1, 0]));
    store.close();
    // Back to schema 3, as a file written before summaries existed.
    withConnection(file, (db) => {
      undoMigration6(db);
      undoMigration5(db);
      db.exec('DROP TABLE run_layer_summaries; DROP TABLE run_summaries; PRAGMA user_version = 3');
      expect(migrate(db)).toBe(3);
      expect(db.prepare('SELECT COUNT(*) FROM run_summaries').pluck().get()).toBe(0);
    });
    const reopened = openStore(file);
    expect(reopened.getRunSummary(runIds[0])).toMatchObject({ epoch: 1, finalDead: 0.5, minDead: 0.5, maxDead: 0.5, layer: [{ finalDead: 1 }, { finalDead: 0 }] });
  });

});
