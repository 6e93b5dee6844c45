/**
 * Schema migrations, in order. Migration i (1-based) turns schema version i-1 into version i; the
 * version a file is at lives in `PRAGMA user_version` (0 for a new, empty file).
 */
import type { Database } from 'better-sqlite3';
import { updateToSchemaVersion1 } from './001-initial.js';
import { updateToSchemaVersion2 } from './002-uids-comparisons.js';
import { updateToSchemaVersion3 } from './003-run-leases.js';
import { updateToSchemaVersion4 } from './004-run-summaries.js';
import { updateToSchemaVersion5 } from './005-tasks-rank-weights.js';
import { updateToSchemaVersion6 } from './006-units-reset.js';

/** Index i holds the migration to schema version i + 1. Append only. */
export const MIGRATIONS: readonly ((db: Database) => void)[] = [
  updateToSchemaVersion1,
  updateToSchemaVersion2,
  updateToSchemaVersion3,
  updateToSchemaVersion4,
  updateToSchemaVersion5,
  updateToSchemaVersion6,
];

/** The highest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

/** A database written by a newer ReLU Lab: opening it could corrupt it, so it is refused untouched. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly version: number,
    readonly supportedVersion: number = LATEST_SCHEMA_VERSION,
  ) {
    super(
      `${file} has database schema version ${version}, but this build of ReLU Lab supports schema versions up to ${supportedVersion}. ` +
        'It was written by a newer ReLU Lab: update ReLU Lab to open it. The file was left unchanged.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Throws DatabaseTooNewError when the file's schema is newer than this build. Reads only. */
export function assertNotTooNew(db: Database): number {
  const version = schemaVersion(db);
  if (version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(db.name, version);
  return version;
}

/**
 * Applies every pending migration up to `target` (default: the latest) in one transaction and
 * records the new version, so a file is always at exactly one schema version. Returns the version
 * the file was at before. (`target` lets a migration's test build the schema version before it.)
 */
export function migrate(db: Database, target: number = LATEST_SCHEMA_VERSION): number {
  if (!Number.isSafeInteger(target) || target < 0 || target > LATEST_SCHEMA_VERSION) {
    throw new Error(`migrate: target must be a schema version from 0 to ${LATEST_SCHEMA_VERSION}, got ${target}`);
  }
  let before = assertNotTooNew(db);
  // Up to date (the usual case): no need to wait for the write lock.
  if (before >= target) return before;
  // IMMEDIATE takes the write lock before reading the version: two processes opening a new file at
  // once (the app and the CLI) then migrate one after the other instead of both creating the tables.
  db.transaction(() => {
    before = assertNotTooNew(db);
    for (let version = before + 1; version <= target; version++) {
      MIGRATIONS[version - 1](db);
      // user_version lives in the file header and is part of this transaction.
      db.pragma(`user_version = ${version}`);
    }
  }).immediate();
  return before;
}
