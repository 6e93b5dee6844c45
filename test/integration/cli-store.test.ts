/**
 * How the `relu-lab` command opens its database and stops, through real child processes: read
 * commands never create anything, files that are not lab databases are refused untouched,
 * read-only files are read, `--workers` is capped, SIGTERM cancels like Ctrl-C.
 */
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../db/store.js';
import { sqlValue } from '../unit/db/connection.js';
import { maxWorkerCount } from '../../electron/lab/pool.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

/** root may write anything: the read-only test runs the command as this unprivileged user then. */
const READER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : null;

/**
 * Why the read-only test cannot run here, or null: as root, the unprivileged user must be able to
 * read the checkout (a clone inside a folder only root may enter, e.g. one made by `mktemp -d`, is not).
 */
function readerBlocked(): string | null {
  if (READER === null) return null;
  const probe = spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(CLI)}, require('fs').constants.R_OK)`], { ...READER, stdio: 'ignore' });
  return probe.status === 0 ? null : `user ${READER.uid} cannot read ${CLI}; clone the project where other users may read it`;
}
const READER_BLOCKED = readerBlocked();

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: SpawnOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RELU_LAB_DB: path.join(dir, 'default-must-not-be-used.sqlite') },
      ...options,
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The bytes of every file in a folder. */
function snapshot(folder: string): Map<string, Buffer> {
  return new Map(fs.readdirSync(folder).sort().map((name) => [name, fs.readFileSync(path.join(folder, name))]));
}

let dir: string;
let config: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-store-'));
  // Other users (the read-only test runs the CLI as one) must be able to reach it.
  fs.chmodSync(dir, 0o755);
  config = path.join(dir, 'tiny.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      name: 'tiny',
      dataset: { kind: 'moons', samples: 64 },
      model: { hiddenLayers: 2, width: 4 },
      training: { learningRate: 0.1, epochs: 2 },
      probe: { samples: 16 },
      seeds: [1],
    }),
  );
});

afterAll(() => {
  fs.chmodSync(dir, 0o755);
  for (const name of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, name), 0o755);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('relu-lab: opening the database', () => {
  it('read commands on a missing database exit 1 naming the file, and create neither it nor its folder', async () => {
    const missing = path.join(dir, 'nowhere', 'lab.sqlite');
    const commands = [
      ['list'],
      ['export', '1', '--format', 'csv', '--out', path.join(dir, 'out.csv')],
      ['figure', 'x', '--chart', 'loss', '--out', path.join(dir, 'x.svg')],
    ];
    const results = await Promise.all(commands.map((args) => cli([...args, '--db', missing])));
    results.forEach((r, i) => {
      expect([commands[i][0], r.code, r.stderr]).toEqual([
        commands[i][0],
        1,
        `relu-lab: no lab database at ${missing} (start an experiment with relu-lab run, or give another file with --db)\n`,
      ]);
    });
    expect(fs.existsSync(path.join(dir, 'nowhere'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'default-must-not-be-used.sqlite'))).toBe(false);
  });

  it("refuses another program's SQLite file, for reading and for running, and leaves it byte-for-byte unchanged", async () => {
    const folder = path.join(dir, 'foreign');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'contacts.db');
    const other = new Database(file);
    other.exec(`CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada')`);
    other.close();
    const before = snapshot(folder);

    const message = `relu-lab: ${file} is a SQLite database but not a ReLU Lab database (it has no lab schema version but holds the table contacts). The file was left unchanged; choose another file, or a new one, for the lab.\n`;
    const [list, run] = await Promise.all([cli(['list', '--db', file]), cli(['run', config, '--db', file])]);
    expect([list.code, list.stderr]).toEqual([1, message]);
    expect([run.code, run.stderr]).toEqual([1, message]);
    expect(snapshot(folder)).toEqual(before);
  });

  it.skipIf(READER_BLOCKED !== null)(`reads a database its user may not write (file and folder read-only): list and show work, run says why it cannot${READER_BLOCKED ? ` (skipped: ${READER_BLOCKED})` : ''}`, async () => {
    const folder = path.join(dir, 'readonly');
    fs.mkdirSync(folder);
    const file = path.join(folder, 'lab.sqlite');
    const made = await cli(['run', config, '--db', file]);
    expect(made.code).toBe(0);
    fs.chmodSync(file, 0o444);
    fs.chmodSync(folder, 0o555);
    const before = snapshot(folder);
    const asReader: SpawnOptions = READER ?? {};
    const copiesBefore = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('relu-lab-readonly-')).length;

    const list = await cli(['list', '--db', file], asReader);
    expect([list.code, list.stderr]).toEqual([0, '']);
    expect(list.stdout).toMatch(/^experiment 1 {2}"tiny" .* 1 completed/);
    const show = await cli(['show', '1', '--json', '--db', file], asReader);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ runId: 1, status: 'completed' });
    const run = await cli(['run', config, '--db', file], asReader);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^relu-lab: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is read-only for this user \\(.*\\): commands that change the lab need write access; list, show and export can read it\\n$`, 'm'));

    expect(snapshot(folder)).toEqual(before);
    // The private copies read meanwhile are gone.
    expect(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('relu-lab-readonly-')).length).toBe(copiesBefore);
  });

  it('names the database in SQLite errors met after opening (another process holding the lock)', async () => {
    const file = path.join(dir, 'locked.sqlite');
    const store = LabStore.open(file);
    store.createExperiment({ name: 'e', config: {}, runs: [] });
    store.close();
    const locker = new Database(file);
    try {
      locker.exec('BEGIN EXCLUSIVE');
      const compare = await cli(['compare', 'save', 'c', '--experiment', '1', '--db', file]);
      expect(compare.code).toBe(1);
      expect(compare.stderr).toMatch(new RegExp(`^relu-lab: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    } finally {
      locker.close();
    }
  });

  it('caps --workers at twice the cores', async () => {
    const tooMany = maxWorkerCount() + 1;
    const r = await cli(['run', config, '--db', path.join(dir, 'workers.sqlite'), '--workers', String(tooMany)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^relu-lab: --workers: must be a whole number from 1 to ${tooMany - 1} on this machine \\(twice its \\d+ cores, at most 64\\), got ${tooMany}\\n$`));
    expect(fs.existsSync(path.join(dir, 'workers.sqlite'))).toBe(false);
  });
});

describe('relu-lab run: signals', () => {
  it('SIGTERM cancels cleanly like Ctrl-C: runs stop after the current batch, stored as cancelled', async () => {
    const file = path.join(dir, 'long.json');
    const db = path.join(dir, 'sigterm.sqlite');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'long',
        dataset: { kind: 'moons', samples: 256 },
        model: { hiddenLayers: 2, width: 8 },
        training: { learningRate: 0.05, epochs: 5000 },
        probe: { samples: 32 },
        seeds: [1, 2, 3],
      }),
    );
    const child = spawn(process.execPath, [CLI, 'run', file, '--db', db, '--workers', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      // Wait until the first run has stored an epoch (progress lines are not printed per epoch).
      for (;;) {
        if (Date.now() > deadline) throw new Error(`no epoch stored in time:\n${stderr}`);
        if (child.exitCode !== null) throw new Error(`exited early:\n${stderr}`);
        const stored = fs.existsSync(db) ? epochCount(db) : 0;
        if (stored >= 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toContain('cancelling: stopping runs after the current batch');
    expect(stderr.split('\n').filter((l) => l.startsWith('relu-lab: '))).toEqual(['relu-lab: cancelled: 3 of 3 runs did not finish']);
    const store = LabStore.open(db, { readonly: true });
    try {
      const runs = store.listRuns();
      expect(runs.map((r) => [r.status, r.error])).toEqual([
        ['cancelled', null],
        ['cancelled', null],
        ['cancelled', null],
      ]);
      expect(store.getRunMetrics(runs[0].id).length).toBeGreaterThanOrEqual(1);
      expect(sqlValue(store, 'SELECT COUNT(*) FROM run_leases')).toBe(0);
    } finally {
      store.close();
    }
  });
});

/** Epochs stored so far, read as another process would (0 while the schema does not exist yet). */
function epochCount(file: string): number {
  try {
    const reader = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return reader.prepare('SELECT COUNT(*) FROM epoch_metrics').pluck().get() as number;
    } finally {
      reader.close();
    }
  } catch {
    return 0;
  }
}
