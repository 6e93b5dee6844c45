/** `relu-lab show` of a run with a task sequence prints each epoch's task; other runs print as before. */
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LabStore } from '../../../db/store.js';
import { validateExperiment } from '../../../shared/config.js';
import { main } from '../../../electron/cli/main.js';
import { sampleEpoch } from '../db/helpers.js';
import { tempDir } from './helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function show(db: string, runId: number): Promise<string> {
  const stdout = new Capture();
  const stderr = new Capture();
  expect(await main(['show', String(runId), '--db', db], { stdout, stderr })).toBe(0);
  return stdout.text;
}

describe('relu-lab show and task sequences', () => {
  it('prints the task of each epoch (1-based, of the count) and the sequence in the run’s summary', async () => {
    const db = path.join(tempDir(), 'lab.sqlite');
    const v = validateExperiment({
      name: 'tasks',
      dataset: { kind: 'moons' },
      model: { hiddenLayers: 1, width: 2 },
      training: { learningRate: 0.1, epochs: 2, tasks: { kind: 'permuted', count: 2, epochsPerTask: 1 } },
    });
    const plain = validateExperiment({ name: 'plain', dataset: { kind: 'moons' }, model: { hiddenLayers: 1, width: 2 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!v.ok || !plain.ok) throw new Error('bad config');
    const store = LabStore.open(db);
    const withTasks = store.createExperiment({ name: 'tasks', config: {}, runs: v.runs }).runIds[0];
    const without = store.createExperiment({ name: 'plain', config: {}, runs: plain.runs }).runIds[0];
    for (const epoch of [0, 1, 2]) store.recordEpoch(withTasks, { ...sampleEpoch(epoch, 1, 2), task: epoch <= 1 ? 0 : 1 });
    store.recordEpoch(without, { ...sampleEpoch(0, 1, 2), task: null });
    store.close();

    const text = await show(db, withTasks);
    expect(text).toContain('2 permuted tasks of 1 epochs');
    const rows = text.split('\n').filter((l) => /^\s*\d+\s+\d\/2\s/.test(l));
    expect(rows.map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([['0', '1/2'], ['1', '1/2'], ['2', '2/2']]);
    expect(text).toMatch(/^epoch\s+task\s+train loss/m);
    const other = await show(db, without);
    expect(other).toMatch(/^epoch\s+train loss/m);
    expect(other).not.toContain('tasks of');
  });
});
