/**
 * Direct SQLite access for tests: what a test reads or writes behind the store's back goes through a
 * connection of its own to the same file, as another process would.
 */
import Database from 'better-sqlite3';
import type { LabStore } from '../../../db/store.js';

/** Runs `fn` on a new connection to the lab file (foreign keys on, like the lab's), closed afterwards. */
export function withConnection<T>(fileOrStore: string | LabStore, fn: (db: Database.Database) => T): T {
  const db = new Database(typeof fileOrStore === 'string' ? fileOrStore : fileOrStore.file);
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    return fn(db);
  } finally {
    db.close();
  }
}

/** One value read on a new connection, e.g. `sqlValue(store, 'SELECT COUNT(*) FROM runs')`. */
export function sqlValue(fileOrStore: string | LabStore, sql: string, ...params: unknown[]): unknown {
  return withConnection(fileOrStore, (db) => db.prepare(sql).pluck().get(...params));
}

/**
 * The store's own (private) connection, for what only that connection knows: its pragmas
 * (busy_timeout, foreign_keys, max_page_count), whether it was left in a transaction, and closing it
 * under the store to stand for a killed process. Everything else reads through withConnection.
 */
export function storeConnection(store: LabStore): Database.Database {
  return (store as unknown as { db: Database.Database }).db;
}
