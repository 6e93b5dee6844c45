import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseTooNewError, LATEST_SCHEMA_VERSION, LabStore } from '../../../db/store.js';
import { openStore, sampleRuns, tempDbPath, tempDir } from './helpers.js';

/** Every file of a database (main file, and -wal/-shm if any) with its bytes. */
function snapshot(file: string): Map<string, Buffer> {
  const dir = path.dirname(file);
  return new Map(fs.readdirSync(dir).sort().map((name) => [name, fs.readFileSync(path.join(dir, name))]));
}

describe('LabStore.open', () => {
  it('creates missing parent folders, uses WAL, foreign keys and a busy timeout', () => {
    const file = tempDbPath();
    const store = openStore(file);
    expect(fs.existsSync(file)).toBe(true);
    expect(store.file).toBe(file);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
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

    let error: unknown;
    try {
      LabStore.open(file);
    } catch (e) {
      error = e;
    }
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
    expect(reader.getRun(runIds[0])?.status).toBe('queued');
    expect(() => reader.cancelQueuedRuns()).toThrow(/readonly/);

    const old = path.join(tempDir(), 'old.sqlite');
    new Database(old).close();
    expect(() => LabStore.open(old, { readonly: true })).toThrow(/schema version 0.*Open it once without readonly/);
    expect(() => LabStore.open(path.join(tempDir(), 'missing.sqlite'), { readonly: true })).toThrow();
  });
});
