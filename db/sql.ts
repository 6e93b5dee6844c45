/** Helpers every repository of the lab database uses: typed prepared statements, JSON columns, timestamps, SQLite errors. */
import Database from 'better-sqlite3';

/** How long to wait for another process' write lock before SQLITE_BUSY (interactive operations). */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Runs `fn` with another busy timeout on this connection, then restores BUSY_TIMEOUT_MS: the lab
 * writes with a short one and retries later itself, so the event loop is never blocked for long by
 * another process' lock.
 */
export function withBusyTimeout<T>(db: Database.Database, ms: number, fn: () => T): T {
  db.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  try {
    return fn();
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** A value SQLite stores or returns, and a row (or a statement's named parameters) of them. */
export type SqlValue = number | string | Buffer | null;
export type SqlRow = Record<string, SqlValue>;

export type Stmt<P extends unknown[] = unknown[], R = unknown> = Database.Statement<P, R>;

/** A prepared statement typed with its parameters and row. */
export function prepare<P extends unknown[] = unknown[], R = unknown>(db: Database.Database, sql: string): Stmt<P, R> {
  return db.prepare(sql) as unknown as Stmt<P, R>;
}

/** The text of a JSON column; `what` names the value in the error when it cannot be stored. */
export function toJson(value: unknown, what: string): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`${what} cannot be stored as JSON (got ${typeof value})`);
  return text;
}

/** Timestamps are ISO-8601 UTC text, which sorts chronologically. */
export function now(): string {
  return new Date().toISOString();
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The SQLite error code of an error, or of the error it wraps (`cause`); '' when there is none. */
export function sqliteCode(error: unknown): string {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof Database.SqliteError) return e.code;
  }
  return '';
}

/** Whether an error comes from SQLite (a locked, full, read-only or damaged file...). */
export function isDatabaseError(error: unknown): boolean {
  return sqliteCode(error) !== '';
}

/** SQLite could not get its lock in time: another process holds it. */
export function isBusyError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** The disk (or the database's size limit) is full. */
export function isFullError(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}
