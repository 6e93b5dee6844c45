/**
 * Crash safety with real processes: `relu-lab run` (bin/relu-lab.mjs) killed with SIGKILL at
 * several moments of a small sweep, then the database reopened: it passes SQLite's integrity
 * check, every stored epoch has all its layer rows, and no run is left queued or running. And two
 * live processes on one file (the CLI and the lab service `relu-lab serve` runs) never take each
 * other's runs for orphans and lose no rows.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LEASE_ENV_VAR, LabStore, ORPHANED_QUEUED_ERROR, ORPHANED_RUN_ERROR } from '../../db/store.js';
import { LabService } from '../../electron/lab/service.js';
import { sqlValue } from '../unit/db/connection.js';
import type { RunRow } from '../../shared/api.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');
/** Short leases, so a killed process is recognized as gone one second later. */
const LEASE_SECONDS = 1;
const HIDDEN_LAYERS = 3;

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-crash-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sweep(name: string, epochs: number, seeds: number[]) {
  return {
    name,
    dataset: { kind: 'moons', samples: 256 },
    model: { hiddenLayers: HIDDEN_LAYERS, width: 8 },
    training: { learningRate: 0.05, epochs, batchSize: 32 },
    probe: { samples: 32 },
    seeds,
  };
}

function startCli(dir: string, db: string, config: object, leaseSeconds = LEASE_SECONDS): ChildProcess {
  const file = path.join(dir, `${path.basename(db)}.json`);
  fs.writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [CLI, 'run', file, '--db', db, '--workers', '1', '--backend', 'cpu'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, [LEASE_ENV_VAR]: String(leaseSeconds) },
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGKILL') process.stderr.write(`relu-lab run exited with ${code ?? signal}:\n${stderr}\n`);
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

interface Progress {
  runs: { status: string; epochs: number }[];
}

/** What the database holds right now, read as another process would (null until the schema exists). */
function peek(db: string): Progress | null {
  if (!fs.existsSync(db)) return null;
  try {
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const runs = reader
        .prepare(`SELECT status, (SELECT COUNT(*) FROM epoch_metrics e WHERE e.run_id = runs.id) AS epochs FROM runs ORDER BY id`)
        .all() as Progress['runs'];
      return { runs };
    } finally {
      reader.close();
    }
  } catch {
    return null;
  }
}

/** Polls until `moment` holds for the database, then kills the process at once. */
async function killWhen(child: ChildProcess, db: string, moment: (p: Progress) => boolean): Promise<Progress> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error('the moment to kill never came');
    if (child.exitCode !== null) throw new Error(`relu-lab run ended (${child.exitCode}) before the moment to kill it`);
    const p = peek(db);
    if (p && p.runs.length > 0 && moment(p)) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      return p;
    }
    await sleep(15);
  }
}

interface Check {
  statuses: string[];
  epochsStored: number[];
}

/** Reopens a database and checks everything a crash must leave intact. */
function checkAfterCrash(db: string, epochsTotal: number): Check {
  const store = LabStore.open(db);
  const raw = new Database(db);
  try {
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    // Every stored epoch has all its layer rows, and no layer row lacks its epoch.
    const incomplete = raw
      .prepare(
        `SELECT e.run_id, e.epoch, COUNT(l.layer) AS layers FROM epoch_metrics e
         LEFT JOIN layer_metrics l ON l.run_id = e.run_id AND l.epoch = e.epoch
         GROUP BY e.run_id, e.epoch HAVING layers <> ?`,
      )
      .all(HIDDEN_LAYERS);
    expect(incomplete).toEqual([]);
    const runs = store.listRuns();
    const check: Check = { statuses: [], epochsStored: [] };
    for (const run of runs) {
      const metrics = store.getRunMetrics(run.id);
      // Epochs 0..k, none missing in between, epochs_done in step with them.
      expect(metrics.map((m) => m.epoch)).toEqual(metrics.map((_, i) => i));
      expect(run.epochsDone).toBe(Math.max(0, metrics.length - 1));
      for (const m of metrics) expect(m.layers).toHaveLength(HIDDEN_LAYERS);
      if (run.status === 'completed') {
        expect(metrics).toHaveLength(epochsTotal + 1);
        expect(store.getArtifacts(run.id)).not.toBeNull();
      } else {
        expect(run.status).toBe('interrupted');
        expect(run.error).toBe(run.startedAt === null ? ORPHANED_QUEUED_ERROR : ORPHANED_RUN_ERROR);
        expect(run.finishedAt).not.toBeNull();
      }
      check.statuses.push(run.status);
      check.epochsStored.push(metrics.length);
    }
    expect(raw.prepare('SELECT COUNT(*) FROM run_leases').pluck().get()).toBe(0);
    return check;
  } finally {
    raw.close();
    store.close();
  }
}

describe('crash safety', () => {
  it('relu-lab run killed with SIGKILL at several moments: integrity ok, whole epochs only, no run left queued or running', async () => {
    const dir = tempDir();
    const EPOCHS = 20;
    // Three widths, so that the runs train one after another (runs of one architecture train batched).
    const config = { ...sweep('killed', EPOCHS, [1]), sweep: { 'model.width': [8, 9, 10] } };
    const moments: [string, (p: Progress) => boolean][] = [
      // The runs are stored and queued; the worker is starting, loading its backend and data.
      ['before the first epoch (worker starting, data loading)', (p) => p.runs.every((r) => r.epochs === 0)],
      ['mid-run, after a few epochs', (p) => p.runs[0].epochs >= 3],
      ['right after the first run finished', (p) => p.runs[0].status === 'completed'],
      ['in the second run', (p) => p.runs[1].epochs >= 2],
    ];
    const summary: string[] = [];
    // Two trials at a time (two cores).
    for (let i = 0; i < moments.length; i += 2) {
      const results = await Promise.all(
        moments.slice(i, i + 2).map(async ([label, moment], j) => {
          const db = path.join(dir, `trial-${i + j}.sqlite`);
          const seen = await killWhen(startCli(dir, db, config), db, moment);
          return { label, db, seen };
        }),
      );
      // Past the killed process' lease: the reopen may now take its runs for orphans.
      await sleep(LEASE_SECONDS * 1000 + 200);
      for (const { label, db, seen } of results) {
        const check = checkAfterCrash(db, EPOCHS);
        // Nothing the database had shown before the kill went missing.
        seen.runs.forEach((r, k) => expect(check.epochsStored[k]).toBeGreaterThanOrEqual(r.epochs));
        summary.push(`${label}: ${check.statuses.join('/')}, epochs stored ${check.epochsStored.join('/')}`);
      }
    }
    expect(summary).toHaveLength(moments.length);
    process.stdout.write(`kill -9 trials:\n  ${summary.join('\n  ')}\n`);
  });

  it('the CLI and the lab service training on one database: no run taken for an orphan, no row lost', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'shared.sqlite');
    const EPOCHS = 40; // long enough that both experiments train at once, even trained batched
    // The lab service is what `relu-lab serve` and the desktop app run.
    const service = LabService.open({
      transport: 'http',
      settingsFile: path.join(dir, 'settings.json'),
      env: {},
      overrides: { databaseFile: db, defaultBackend: 'cpu', workers: 1 },
      leaseMs: 3000,
      log: () => undefined,
    });
    cleanups.push(() => service.close());
    const child = startCli(dir, db, sweep('from the CLI', EPOCHS, [4, 5, 6]), 3);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // The app starts its experiment once the CLI's is there, so both train at the same time.
    while (!peek(db)?.runs.length) {
      if (child.exitCode !== null) throw new Error('relu-lab run ended before its experiment was stored');
      await sleep(20);
    }
    const created = await service.handle('createExperiment', [sweep('from the app', EPOCHS, [1, 2, 3])]);
    if (!created.ok) throw new Error(created.error.message);
    const appRunIds = (created.value as { runIds: number[] }).runIds;
    const appDone = new Promise<void>((resolve) => {
      const check = async () => {
        const now = await service.handle('listRuns', [{ ids: appRunIds }]);
        if (now.ok && (now.value as RunRow[]).every((r) => r.status !== 'queued' && r.status !== 'running')) {
          off();
          resolve();
        }
      };
      const off = service.subscribe((e) => {
        if (e.type === 'run-status') void check();
      });
      void check();
    });

    // Meanwhile other processes open the file (each open looks for orphans) and look.
    let opens = 0;
    let marked = 0;
    let sawBothTraining = false;
    while (child.exitCode === null) {
      const other = LabStore.open(db);
      try {
        marked += other.listRuns({ statuses: ['interrupted'] }).length + other.markOrphanedRunsInterrupted();
        const running = other.listRuns({ statuses: ['running'] });
        if (new Set(running.map((r) => r.experimentId)).size === 2) sawBothTraining = true;
      } finally {
        other.close();
      }
      opens++;
      await sleep(100);
    }
    expect(await exited).toBe(0);
    await appDone;

    expect(marked).toBe(0);
    expect(opens).toBeGreaterThan(3);
    expect(sawBothTraining).toBe(true);
    const store = LabStore.open(db);
    try {
      expect(sqlValue(db, 'PRAGMA integrity_check')).toBe('ok');
      const all = store.listRuns();
      expect(all.map((r) => [r.seed, r.status, r.error])).toEqual([4, 5, 6, 1, 2, 3].map((seed) => [seed, 'completed', null]));
      for (const run of all) {
        const metrics = store.getRunMetrics(run.id);
        expect(metrics.map((m) => m.epoch)).toEqual(Array.from({ length: EPOCHS + 1 }, (_, i) => i));
        for (const m of metrics) expect(m.layers).toHaveLength(HIDDEN_LAYERS);
      }
    } finally {
      store.close();
    }
  });
});
