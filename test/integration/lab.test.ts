/**
 * The Lab end to end: real worker threads, a real SQLite file in a temp folder, and a CLI process
 * killed mid-run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../shared/config.js';
import { LabStore, ORPHANED_RUN_ERROR } from '../../db/store.js';
import { Lab, type RunStatusEvent } from '../../electron/lab/lab.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-lab-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function openStore(file: string): LabStore {
  const store = LabStore.open(file);
  cleanups.push(() => store.close());
  return store;
}

function newLab(store: LabStore, options: ConstructorParameters<typeof Lab>[1] = {}): Lab {
  const lab = new Lab(store, { workers: 2, ...options });
  cleanups.push(() => lab.close());
  return lab;
}

/** Creates an experiment from a raw config; returns its id and run ids. */
function createExperiment(store: LabStore, raw: Record<string, unknown>): { experimentId: number; runIds: number[] } {
  const result = validateExperiment(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return store.createExperiment({ name: result.config.name, config: raw, runs: result.runs });
}

describe('Lab with worker threads and SQLite', () => {
  it('runs a small sweep: every epoch of every run stored, statuses and backend recorded', async () => {
    const store = openStore(path.join(tempDir(), 'lab.sqlite'));
    const epochs = 3;
    const { experimentId, runIds } = createExperiment(store, {
      name: 'sweep',
      dataset: { kind: 'moons', samples: 96 },
      model: { hiddenLayers: 2, width: 4 },
      training: { learningRate: 0.1, epochs },
      probe: { samples: 32 },
      seeds: [1, 2],
      sweep: { 'model.activation': ['relu', 'prelu'] },
    });
    expect(runIds).toHaveLength(4);
    const lab = newLab(store, { backend: 'auto' });
    const events: RunStatusEvent[] = [];
    let epochEvents = 0;
    lab.on('run-status', (e) => events.push(e));
    lab.on('epoch', () => epochEvents++);
    expect(lab.enqueueExperiment(experimentId)).toEqual(runIds);
    await lab.idle();

    expect(epochEvents).toBe(4 * (epochs + 1));
    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const started = events.filter((e) => e.status === 'running');
    expect(started.map((e) => e.runId).sort()).toEqual([...runIds].sort());
    for (const run of runs) {
      expect(run.error).toBeNull();
      const backend = started.find((e) => e.runId === run.id)!.backend;
      expect(['tensorflow', 'wasm']).toContain(backend);
      expect(run.backend).toBe(backend);
      expect(run.versions?.backend).toBe(backend);
      expect(run.startedAt).not.toBeNull();
      expect(run.finishedAt).not.toBeNull();
      expect(run.epochsDone).toBe(epochs);
      expect(run.epochsTotal).toBe(epochs);
      const metrics = store.getRunMetrics(run.id);
      expect(metrics.map((m) => m.epoch)).toEqual([0, 1, 2, 3]);
      for (const m of metrics) {
        expect(m.layers).toHaveLength(2);
        expect(Number.isFinite(m.trainLoss)).toBe(true);
      }
      if (run.sweep['model.activation'] === 'prelu') expect(metrics[0].layers[0].preluAlphas).not.toBeNull();
      const artifacts = store.getArtifacts(run.id);
      expect(artifacts?.probeIndices).toHaveLength(32);
    }
    const experiment = store.getExperiment(experimentId)!;
    expect(experiment.statusCounts).toEqual({ completed: 4 });
  });

  it('a run that fails (missing csv) fails with its reason while the others complete', async () => {
    const dir = tempDir();
    const rows = ['x1,x2,label'];
    for (let i = 0; i < 60; i++) rows.push(`${Math.sin(i)},${Math.cos(i * 1.3)},${i % 2}`);
    fs.writeFileSync(path.join(dir, 'data.csv'), `${rows.join('\n')}\n`);
    const store = openStore(path.join(dir, 'lab.sqlite'));
    const { experimentId } = createExperiment(store, {
      name: 'one bad file',
      dataset: { kind: 'csv', path: 'data.csv', labelColumn: 'label', task: 'classification' },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 2 },
      probe: { samples: 16 },
      seeds: [1, 2],
      variants: [
        { name: 'good', set: {} },
        { name: 'missing file', set: { 'dataset.path': 'missing.csv' } },
      ],
    });
    const lab = newLab(store, { baseDir: dir, backend: 'cpu' });
    lab.enqueueExperiment(experimentId);
    await lab.idle();

    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => [r.sweep.variant, r.status])).toEqual([
      ['good', 'completed'],
      ['good', 'completed'],
      ['missing file', 'failed'],
      ['missing file', 'failed'],
    ]);
    for (const run of runs.slice(2)) {
      expect(run.error).toMatch(/^dataset\.path: ".*missing\.csv" does not exist/);
      expect(store.getRunMetrics(run.id)).toEqual([]);
      expect(store.getArtifacts(run.id)).toBeNull();
    }
    for (const run of runs.slice(0, 2)) {
      expect(run.backend).toBe('cpu');
      expect(store.getRunMetrics(run.id).map((m) => m.epoch)).toEqual([0, 1, 2]);
    }
  });

  it('cancelling a running experiment leaves its runs cancelled, with the epochs done so far', async () => {
    const store = openStore(path.join(tempDir(), 'lab.sqlite'));
    const { experimentId, runIds } = createExperiment(store, {
      name: 'long',
      dataset: { kind: 'blobs', samples: 1024, features: 8 },
      model: { hiddenLayers: 3, width: 32 },
      training: { learningRate: 0.01, epochs: 5000 },
      probe: { samples: 64 },
      seeds: [1, 2, 3],
    });
    const lab = newLab(store, { workers: 1, backend: 'wasm' });
    const firstEpoch = new Promise<void>((resolve) => lab.on('epoch', (e) => e.metrics.epoch >= 1 && resolve()));
    lab.enqueueExperiment(experimentId);
    await firstEpoch;
    expect(lab.cancelExperiment(experimentId)).toBe(3);
    await lab.idle();

    const runs = store.listRuns({ experimentId });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The first run trained a little; the queued ones never started.
    const trained = store.getRunMetrics(runIds[0]);
    expect(trained.length).toBeGreaterThanOrEqual(2);
    expect(trained.length).toBeLessThan(5001);
    expect(trained.map((m) => m.epoch)).toEqual(trained.map((_, i) => i));
    expect(runs[0].backend).toBe('wasm');
    expect(runs[1].startedAt).toBeNull();
    expect(store.getRunMetrics(runIds[1])).toEqual([]);
    expect(runs.every((r) => r.error === null)).toBe(true);
  });

  it('a CLI process killed mid-run leaves the run interrupted, with its completed epochs', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'lab.sqlite');
    const cfg = path.join(dir, 'cfg.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        name: 'killed',
        dataset: { kind: 'blobs', samples: 1024, features: 8 },
        model: { hiddenLayers: 3, width: 32 },
        training: { learningRate: 0.01, epochs: 5000 },
        probe: { samples: 64 },
      }),
    );
    const child = spawn(process.execPath, [CLI, 'run', cfg, '--db', db, '--workers', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });

    // Poll the database (read-only, as another process would) until two epochs are stored.
    const deadline = Date.now() + 60_000;
    let runId: number | null = null;
    for (;;) {
      if (Date.now() > deadline) throw new Error(`no epochs stored in time; CLI stderr:\n${stderr}`);
      if (child.exitCode !== null) throw new Error(`the CLI exited early (${child.exitCode}):\n${stderr}`);
      if (fs.existsSync(db)) {
        try {
          const reader = LabStore.open(db, { readonly: true });
          try {
            const [run] = reader.listRuns();
            if (run && reader.getRunMetrics(run.id).length >= 2) {
              runId = run.id;
              expect(run.status).toBe('running');
              break;
            }
          } finally {
            reader.close();
          }
        } catch (err) {
          // The file exists before its schema does: try again.
          if (!/schema version|no such table|SQLITE_BUSY|database is locked/i.test(String(err))) throw err;
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' });

    const store = openStore(db);
    const run = store.getRun(runId)!;
    expect(run.status).toBe('interrupted');
    expect(run.error).toBe(ORPHANED_RUN_ERROR);
    expect(run.finishedAt).not.toBeNull();
    const metrics = store.getRunMetrics(runId);
    expect(metrics.length).toBeGreaterThanOrEqual(2);
    expect(metrics.length).toBeLessThan(5001);
    expect(metrics.map((m) => m.epoch)).toEqual(metrics.map((_, i) => i));
    expect(run.epochsDone).toBe(metrics.length - 1);
    for (const m of metrics) expect(m.layers).toHaveLength(3);
  });
});
