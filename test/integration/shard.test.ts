/**
 * The cluster round trip through real processes: three `relu-lab run --shard auto` processes, each
 * told its Slurm array task by the environment, train a third of an experiment each into their own
 * database and bundle; importing the bundles in a shuffled order (one twice) and merging databases and
 * bundles both give, row by row, the database a single-machine run of the same config writes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runProcess, type ProcessResult } from './processes.js';

function cli(args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, RELU_LAB_DB: path.join(dir, 'default-must-not-be-used.sqlite'), ...env } });
}

/**
 * Columns that differ between two trainings of the same run by nature, and why:
 * - experiments.created_at, updated_at; runs.created_at, started_at, finished_at: wall-clock times
 *   of when each process stored and trained them;
 * - runs.owner_id, owner_pid: the process (lease) that trained the run, unknown after an import;
 * - epoch_metrics.seconds, elapsed_seconds, probe_ms: measured durations;
 * - runs.versions_json's `batchedRuns`: how many runs trained together in one batched computation,
 *   which depends on how many runs of one architecture the process had (a shard has fewer); the
 *   numbers are the same either way (checked here, and against solo training in the engine's tests).
 * Everything else (uids, ids, indices, configs, seeds, sweeps, statuses, backends, versions, every
 * metric, histogram, dead mask, PReLU slope, weight and probe input) must be identical.
 */
const TIMING: Record<string, string[]> = {
  experiments: ['created_at', 'updated_at'],
  runs: ['created_at', 'started_at', 'finished_at', 'owner_id', 'owner_pid'],
  epoch_metrics: ['seconds', 'elapsed_seconds', 'probe_ms'],
  layer_metrics: [],
  run_artifacts: [],
};

const ORDER: Record<string, string> = {
  experiments: 'id',
  runs: 'id',
  epoch_metrics: 'run_id, epoch',
  layer_metrics: 'run_id, epoch, layer',
  run_artifacts: 'run_id',
};

/** Every row of the lab's tables, without the timing columns, in key order. */
function dump(file: string): Record<string, Record<string, unknown>[]> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const [table, order] of Object.entries(ORDER)) {
      out[table] = (db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Record<string, unknown>[]).map((row) => {
        for (const column of TIMING[table]) delete row[column];
        if (table === 'runs' && typeof row.versions_json === 'string') {
          const { batchedRuns: _batched, ...versions } = JSON.parse(row.versions_json) as Record<string, unknown>;
          row.versions_json = JSON.stringify(versions);
        }
        return row;
      });
    }
    out.runIdCounter = db.prepare(`SELECT name, seq FROM sqlite_sequence WHERE name IN ('experiments', 'runs') ORDER BY name`).all() as Record<string, unknown>[];
    return out;
  } finally {
    db.close();
  }
}

let dir: string;
let config: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-shard-'));
  config = path.join(dir, 'sweep.json');
  // 6 runs (2 activations × 3 seeds), round-robin over 3 shards: 2 runs each.
  fs.writeFileSync(
    config,
    JSON.stringify({
      name: 'sharded sweep',
      dataset: { kind: 'moons', samples: 96 },
      model: { hiddenLayers: 2, width: 6 },
      training: { learningRate: 0.1, epochs: 3, batchSize: 16 },
      probe: { samples: 24 },
      seeds: [1, 2, 3],
      sweep: { 'model.activation': ['relu', 'prelu'] },
    }),
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('sharded runs', () => {
  it('3 Slurm array tasks, merged by import (any order, twice) and by merge, equal a single-machine run row by row', async () => {
    const common = ['--backend', 'cpu', '--workers', '1'];
    const started = Date.now();
    const [single, ...shards] = await Promise.all([
      cli(['run', config, '--shard', '1/1', '--db', path.join(dir, 'single.sqlite'), ...common]),
      ...[1, 2, 3].map((task) =>
        cli(['run', config, '--shard', 'auto', '--db', path.join(dir, `shard-${task}.sqlite`), '--bundle-out', path.join(dir, `shard-${task}.relulab`), ...common], {
          SLURM_ARRAY_TASK_ID: String(task),
          SLURM_ARRAY_TASK_COUNT: '3',
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_MAX: '3',
        }),
      ),
    ]);
    const trainedSeconds = (Date.now() - started) / 1000;
    expect([single.code, single.stderr]).toEqual([0, expect.stringContaining('6 runs (shard 1/1 of its 6: runs 1, 2, 3, 4, 5, 6)')]);
    shards.forEach((shard, i) => {
      expect([shard.code, shard.stderr]).toEqual([0, expect.stringContaining(`2 runs (shard ${i + 1}/3 of its 6: runs ${i + 1}, ${i + 4})`)]);
    });

    // Each shard's database holds its own slice under the run ids the single machine gave them.
    const singleRows = dump(path.join(dir, 'single.sqlite'));
    for (const task of [1, 2, 3]) {
      const rows = dump(path.join(dir, `shard-${task}.sqlite`));
      expect(rows.experiments).toEqual(singleRows.experiments);
      expect(rows.runs).toEqual(singleRows.runs.filter((r) => (r.run_index as number) % 3 === task - 1));
    }

    // Import of every bundle, shuffled, one of them twice.
    const imported = path.join(dir, 'imported.sqlite');
    const importStarted = Date.now();
    for (const task of [3, 1, 3, 2]) {
      const result = await cli(['import', path.join(dir, `shard-${task}.relulab`), '--db', imported]);
      expect([task, result.code, result.stderr]).toEqual([task, 0, '']);
    }
    const importSeconds = (Date.now() - importStarted) / 1000;

    // Merge of databases and bundles mixed, in another order, with a shard given twice.
    const merged = path.join(dir, 'merged.sqlite');
    const merge = await cli(['merge', merged, path.join(dir, 'shard-2.sqlite'), path.join(dir, 'shard-3.relulab'), path.join(dir, 'shard-1.sqlite'), path.join(dir, 'shard-2.relulab')]);
    expect([merge.code, merge.stderr]).toEqual([0, '']);
    expect(merge.stdout).toContain('experiment 1 "sharded sweep": 6 runs of the 6 its config expands to');

    expect(singleRows.runs).toHaveLength(6);
    expect(singleRows.epoch_metrics).toHaveLength(6 * 4);
    expect(singleRows.layer_metrics).toHaveLength(6 * 4 * 2);
    expect(singleRows.run_artifacts).toHaveLength(6);
    expect(singleRows.runs.map((r) => [r.id, r.run_index, r.status])).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i + 1, i, 'completed']));
    const importedRows = dump(imported);
    const mergedRows = dump(merged);
    for (const table of Object.keys(singleRows)) {
      expect([table, importedRows[table]]).toEqual([table, singleRows[table]]);
      expect([table, mergedRows[table]]).toEqual([table, singleRows[table]]);
    }
    console.log(
      `shard round trip: 6 runs, 3 shards of 2 runs each (3 epochs, cpu), trained alongside a single-machine run in ${trainedSeconds.toFixed(1)} s; ` +
        `4 imports in ${importSeconds.toFixed(1)} s; ${singleRows.epoch_metrics.length} epoch rows, ${singleRows.layer_metrics.length} layer rows compared`,
    );
    // Nine processes, each loading TF.js: generous on a loaded machine.
  }, 600_000);
});
