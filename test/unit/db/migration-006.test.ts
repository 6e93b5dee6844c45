import { describe, expect, it } from 'vitest';
import { migrate } from '../../../db/migrations/index.js';
import { LabStore } from '../../../db/store.js';
import { withConnection } from './connection.js';
import { undoMigration6 } from './rollback.js';
import { openStore, sampleEpoch, sampleRuns, tempDbPath } from './helpers.js';

describe('migration 6 (units reset per layer)', () => {
  it('adds units_reset to the layer metrics; rows written before it read as no value', () => {
    const file = tempDbPath();
    const store = LabStore.open(file);
    const { runIds } = store.createExperiment({ name: 'x', config: {}, runs: sampleRuns() });
    store.recordEpoch(runIds[0], sampleEpoch(0));
    store.close();
    // Back to schema 5, as a file written before the column existed.
    withConnection(file, (db) => {
      undoMigration6(db);
      expect(migrate(db)).toBe(5);
      const columns = db.prepare("SELECT name, type FROM pragma_table_info('layer_metrics') WHERE name = 'units_reset'").all();
      expect(columns).toEqual([{ name: 'units_reset', type: 'REAL' }]);
      expect(db.prepare('SELECT COUNT(*) FROM layer_metrics WHERE units_reset IS NULL').pluck().get()).toBe(2);
      // The layer series' covering index carries the new column.
      const index = db.prepare("SELECT name FROM pragma_index_info('layer_metrics_series')").pluck().all();
      expect(index).toContain('units_reset');
    });
    const reopened = openStore(file);
    const [epoch] = reopened.getRunMetrics(runIds[0]);
    expect(epoch.layers.map((l) => l.unitsReset)).toEqual([null, null]);
    // New rows keep their counts.
    reopened.recordEpoch(runIds[0], sampleEpoch(1));
    expect(reopened.getRunMetrics(runIds[0])[1].layers.map((l) => l.unitsReset)).toEqual([null, 2]);
    reopened.close();
  });
});
