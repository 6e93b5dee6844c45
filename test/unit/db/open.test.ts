import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseRefusedError, DatabaseTooNewError, LATEST_SCHEMA_VERSION, LabStore } from '../../../db/store.js';
import { sqlValue, storeConnection } from './connection.js';
import { openStore, sampleRuns, tempDbPath, tempDir } from './helpers.js';

/** Every file of a database (main file, and -wal/-shm if any) with its bytes. */
function snapshot(file: string): Map<string, Buffer> {
  const dir = path.dirname(file);
  return new Map(fs.readdirSync(dir).sort().map((name) => [name, fs.readFileSync(path.join(dir, name))]));
}

/** What LabStore.open throws for this file (undefined when it opens). */
function openError(file: string): unknown {
  try {
    LabStore.open(file).close();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('LabStore.open', () => {
  it('creates missing parent folders, uses WAL, foreign keys and a busy timeout', () => {
    const file = tempDbPath();
    const store = openStore(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(store.file).toBe(file);
    expect(sqlValue(store, 'PRAGMA journal_mode')).toBe('wal');
    expect(storeConnection(store).pragma('foreign_keys', { simple: true })).toBe(1);
    expect(storeConnection(store).pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(sqlValue(store, 'PRAGMA user_version')).toBe(LATEST_SCHEMA_VERSION);
  });

  it('keeps data across close and reopen', () => {
    const file = tempDbPath();
    const first = LabStore.open(file);
    const { experimentId } = first.createExperiment({ name: 'kept', config: { a: 1 }, runs: sampleRuns() });
    first.close();
    first.close(); // closing twice is harmless
    const second = openStore(file);
    expect(second.getExperiment(experimentId)?.name).toBe('kept');
    expect(second.listRuns({ experimentId })).toHaveLength(4);
  });

  it.each([
    ['rollback-journal', 'delete'],
    ['WAL', 'wal'],
  ])('refuses a %s file from a newer build and leaves it byte-for-byte untouched', (_label, mode) => {
    const file = path.join(tempDir(), 'future.sqlite');
    const future = new Database(file);
    future.pragma(`journal_mode = ${mode}`);
    future.exec(`CREATE TABLE from_the_future (x INTEGER) STRICT; INSERT INTO from_the_future VALUES (42);`);
    future.pragma('user_version = 999');
    future.close();
    const before = snapshot(file);

    const error = openError(file);
    expect(error).toBeInstanceOf(DatabaseTooNewError);
    const tooNew = error as DatabaseTooNewError;
    expect(tooNew.file).toBe(file);
    expect(tooNew.version).toBe(999);
    expect(tooNew.supportedVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(tooNew.message).toContain(file);
    expect(tooNew.message).toContain('999');
    expect(tooNew.message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
    expect(snapshot(file)).toEqual(before);

    expect(() => LabStore.open(file, { readonly: true })).toThrow(DatabaseTooNewError);
    expect(snapshot(file)).toEqual(before);
  });

  it('refuses a newer version still only in the WAL (checked through SQLite too)', () => {
    const file = path.join(tempDir(), 'future-wal.sqlite');
    const newer = new Database(file);
    newer.pragma('journal_mode = wal');
    newer.pragma('wal_autocheckpoint = 0');
    newer.exec('CREATE TABLE t (x INTEGER) STRICT');
    newer.pragma('user_version = 7');
    try {
      const mainBytes = fs.readFileSync(file);
      expect(() => LabStore.open(file)).toThrow(DatabaseTooNewError);
      expect(() => LabStore.open(file)).toThrow(/version 7/);
      expect(fs.readFileSync(file)).toEqual(mainBytes);
      expect(newer.pragma('user_version', { simple: true })).toBe(7);
    } finally {
      newer.close();
    }
  });

  it('opens read-only without writing, and refuses read-only files that need an upgrade', () => {
    const file = tempDbPath();
    const writer = LabStore.open(file);
    const { runIds } = writer.createExperiment({ name: 'ro', config: {}, runs: sampleRuns() });
    writer.close();

    const reader = openStore(file, { readonly: true });
    expect(reader.readOnly).toBe(true);
    expect(reader.getRun(runIds[0])?.seed).toBe(1);
    expect(() => reader.cancelQueuedRuns()).toThrow(/readonly/);

    const old = path.join(tempDir(), 'old.sqlite');
    new Database(old).close();
    expect(() => LabStore.open(old, { readonly: true })).toThrow(/schema version 0.*Open it once with write access to upgrade it/);
    const missing = path.join(tempDir(), 'missing.sqlite');
    expect(() => LabStore.open(missing, { readonly: true })).toThrow(`${missing} does not exist`);
  });

  it('with mustExist, refuses a missing file and creates neither it nor its folders', () => {
    const file = path.join(tempDir(), 'no', 'such', 'lab.sqlite');
    let error: unknown;
    try {
      LabStore.open(file, { mustExist: true, readonly: 'if-unwritable' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseRefusedError);
    expect(error).toMatchObject({ reason: 'missing', file, message: `${file} does not exist (no lab database there yet)` });
    expect(fs.existsSync(path.dirname(path.dirname(file)))).toBe(false);
  });

  it("refuses another program's SQLite database (schema version 0 with tables) and leaves it byte-for-byte unchanged", () => {
    const file = path.join(tempDir(), 'contacts.sqlite');
    const other = new Database(file);
    other.exec(`CREATE TABLE contacts (name TEXT); CREATE TABLE notes (body TEXT); INSERT INTO contacts VALUES ('Ada');`);
    other.close();
    const before = snapshot(file);

    expect(() => LabStore.open(file)).toThrow(DatabaseRefusedError);
    expect(() => LabStore.open(file)).toThrow(
      `${file} is a SQLite database but not a ReLU Lab database (it has no lab schema version but holds the tables contacts, notes). The file was left unchanged`,
    );
    // Not switched to WAL, no schema added, no -wal/-shm left behind.
    expect(snapshot(file)).toEqual(before);
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()).toEqual(['contacts', 'notes']);
    check.close();
  });

  it('refuses a versioned SQLite file without the lab tables, and a file that is not SQLite at all', () => {
    const dir = tempDir();
    const versioned = path.join(dir, 'versioned.sqlite');
    const other = new Database(versioned);
    other.exec(`CREATE TABLE experiments (x INTEGER)`);
    other.pragma('user_version = 2');
    other.close();
    const before = snapshot(versioned);
    expect(() => LabStore.open(versioned)).toThrow(/versioned\.sqlite is a SQLite database but not a ReLU Lab database \(schema version 2, but the tables runs, epoch_metrics, layer_metrics are missing\)/);
    expect(snapshot(versioned)).toEqual(before);

    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database at all, but long enough to look like a header to a careless reader.\n'.repeat(3));
    const textBefore = snapshot(text);
    expect(() => LabStore.open(text)).toThrow(`${text} is not a SQLite database (its 249 bytes do not start with a SQLite header). The file was left unchanged.`);
    expect(snapshot(text)).toEqual(textBefore);
  });

  it('reports a damaged database (integrity check) instead of writing to it', () => {
    const file = path.join(tempDir(), 'damaged.sqlite');
    const store = LabStore.open(file);
    for (let i = 0; i < 100; i++) store.createExperiment({ name: `experiment ${i} ${'x'.repeat(300)}`, config: { pad: 'y'.repeat(500) }, runs: [] });
    // One of the experiments table's pages gets garbage (a data page: damage to the schema or to the
    // planner's statistics pages would fail the open before the integrity check).
    const db = storeConnection(store);
    const page = (db.prepare("SELECT max(pageno) AS p FROM dbstat WHERE name = 'experiments'").get() as { p: number }).p;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    store.close();
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(200, 0xab), 0, 200, (page - 1) * pageSize);
    fs.closeSync(fd);
    const before = snapshot(file);

    const error = openError(file);
    expect(error).toBeInstanceOf(DatabaseRefusedError);
    expect((error as DatabaseRefusedError).reason).toBe('damaged');
    expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged: SQLite's integrity check reports "[^"]*page \\d+`));
    expect((error as Error).message).toContain('The file was left unchanged');
    expect(snapshot(file)).toEqual(before);
  });
});
