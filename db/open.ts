/**
 * Opening a lab database safely: a file that is not one (not SQLite, another program's database, a
 * newer schema, damaged) is refused and left byte-for-byte as it was; a file this user may not write
 * is opened read-only (from a private copy when even its folder is read-only). The schema is brought
 * up to date here. Every message names the file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseTooNewError, LATEST_SCHEMA_VERSION, assertNotTooNew, migrate } from './migrations/index.js';
import { BUSY_TIMEOUT_MS, isBusyError, sqliteCode } from './sql.js';

/** Why a file was not opened as a lab database; the file was left exactly as it was. */
export type DatabaseRefusal = 'missing' | 'not-sqlite' | 'foreign' | 'damaged' | 'locked' | 'read-only';

/** A file refused by LabStore.open, left untouched. The message names the file. */
export class DatabaseRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: DatabaseRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DatabaseRefusedError';
  }
}

export interface OpenOptions {
  /**
   * `true`: read only, nothing written (the file must exist and be up to date). `'if-unwritable'`:
   * read-write, or read-only when this process may not write the file or its folder.
   */
  readonly?: boolean | 'if-unwritable';
  /** Refuse a missing file instead of creating it (and its folders). Default: false. */
  mustExist?: boolean;
  /** better_sqlite3.node to load instead of the default one (e.g. one built for Electron's ABI). */
  nativeBinding?: string;
  /** Run lease duration (default: leaseDurationMs(), i.e. `$RELU_LAB_LEASE_SECONDS` or 30 s). */
  leaseMs?: number;
}

/** An open, up-to-date lab database connection. */
export interface OpenedDatabase {
  db: Database.Database;
  /** Opened read-only: nothing is ever written. */
  readOnly: boolean;
  /** The temporary folder holding the copy read instead of the file, when there is one (to remove on close). */
  copyDir: string | null;
}

const MAX_LISTED_PROBLEMS = 3;

/** What the first bytes of a file say, read without SQLite (which would create -wal/-shm files). */
type FileHeader =
  | { kind: 'missing' }
  /** Empty, or shorter than a SQLite header: SQLite treats an empty file as a new database. */
  | { kind: 'empty' }
  | { kind: 'not-sqlite'; size: number }
  /** `version`: the schema version (`user_version`, big-endian at byte 60). */
  | { kind: 'sqlite'; version: number };

function readFileHeader(file: string): FileHeader {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    // Unreadable (permissions, a folder...): SQLite reports it, with its own reason.
    return { kind: 'empty' };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { kind: 'empty' };
    if (stat.size === 0) return { kind: 'empty' };
    const header = Buffer.alloc(100);
    const read = fs.readSync(fd, header, 0, 100, 0);
    if (read < 100 || header.toString('latin1', 0, 16) !== 'SQLite format 3\0') return { kind: 'not-sqlite', size: stat.size };
    return { kind: 'sqlite', version: header.readInt32BE(60) };
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether this process may write `file` and the folder holding it (SQLite's -wal and -shm files go there). */
function isWritable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(path.resolve(file)), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens (creating if needed) the lab database `file`, brings its schema up to date and hands the
 * connection to `init`; the connection is closed again when `init` throws. Refused, with the file
 * left byte-for-byte as it was (no -wal/-shm files, no journal mode change), when it is: from a newer
 * build (DatabaseTooNewError); not a SQLite file, a SQLite database of some other program, or damaged
 * (`PRAGMA quick_check` fails) (DatabaseRefusedError). See OpenOptions for read-only opening.
 */
export function openLabDatabase<T>(file: string, options: OpenOptions, init: (opened: OpenedDatabase) => T): T {
  const header = readFileHeader(file);
  if (header.kind === 'sqlite' && header.version > LATEST_SCHEMA_VERSION) throw new DatabaseTooNewError(file, header.version);
  if (header.kind === 'not-sqlite') {
    throw new DatabaseRefusedError(
      file,
      'not-sqlite',
      `${file} is not a SQLite database (its ${header.size} bytes do not start with a SQLite header). The file was left unchanged.`,
    );
  }
  if (header.kind === 'missing' && (options.mustExist || options.readonly === true)) {
    throw new DatabaseRefusedError(file, 'missing', `${file} does not exist (no lab database there yet)`);
  }
  const readOnly =
    options.readonly === true || (options.readonly === 'if-unwritable' && header.kind !== 'missing' && !isWritable(file));
  if (!readOnly) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  try {
    return connect(file, file, readOnly, header.kind === 'sqlite', options, null, init);
  } catch (error) {
    // A WAL database in a folder this user cannot write: SQLite cannot create the shared-memory
    // file readers need. Read a private copy instead (the file and its WAL, so nothing committed is missed).
    if (!readOnly || !/^SQLITE_READONLY_(DIRECTORY|CANTINIT)$/.test(sqliteCode(error))) throw describeOpenError(file, error);
    const copyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-readonly-'));
    try {
      const copy = path.join(copyDir, path.basename(file));
      fs.copyFileSync(file, copy);
      if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
      return connect(file, copy, true, true, options, copyDir, init);
    } catch (copyError) {
      fs.rmSync(copyDir, { recursive: true, force: true });
      throw describeOpenError(file, copyError);
    }
  }
}

/** Opens `dbPath` (the file itself, or a private copy of it) as the lab database `file`. */
function connect<T>(
  file: string,
  dbPath: string,
  readOnly: boolean,
  existed: boolean,
  options: OpenOptions,
  copyDir: string | null,
  init: (opened: OpenedDatabase) => T,
): T {
  // nativeBinding: a better-sqlite3 addon built for another runtime (Electron's ABI), see scripts/start.mjs.
  const db = new Database(dbPath, {
    readonly: readOnly,
    fileMustExist: readOnly,
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  try {
    // Wait for the other process (app or CLI) instead of failing at once when it holds the lock.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Everything below up to the journal-mode switch only reads: a file refused here stays
    // byte-for-byte untouched. The version again through SQLite (a newer one may still be in the WAL).
    const version = checkIsLabDatabase(file, db);
    db.pragma('foreign_keys = ON');
    if (readOnly) {
      if (version < LATEST_SCHEMA_VERSION) {
        throw new Error(
          `${file} has database schema version ${version}; this build needs version ${LATEST_SCHEMA_VERSION}. ` +
            'Open it once with write access to upgrade it.',
        );
      }
    } else {
      if (existed) checkIntegrity(file, db);
      // WAL: readers (the app's charts) never block the writer (a training run) and vice versa.
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL survives a killed process; only a power loss may drop the last commits.
      db.pragma('synchronous = NORMAL');
      migrate(db);
    }
    return init({ db, readOnly, copyDir });
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * The schema version, after making sure the file is a lab database: version 0 must be an empty
 * database (a new file), and a versioned one must hold the lab's tables. Reads only.
 */
function checkIsLabDatabase(file: string, db: Database.Database): number {
  const version = assertNotTooNew(db);
  const tables = db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
    .pluck()
    .all() as string[];
  const foreign = (why: string) =>
    new DatabaseRefusedError(
      file,
      'foreign',
      `${file} is a SQLite database but not a ReLU Lab database (${why}). The file was left unchanged; ` +
        'choose another file, or a new one, for the lab.',
    );
  const listed = (names: string[]) =>
    names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  if (version === 0 && tables.length > 0) {
    throw foreign(`it has no lab schema version but holds the table${tables.length === 1 ? '' : 's'} ${listed(tables)}`);
  }
  if (version > 0) {
    const missing = ['experiments', 'runs', 'epoch_metrics', 'layer_metrics'].filter((t) => !tables.includes(t));
    if (missing.length > 0) throw foreign(`schema version ${version}, but the table${missing.length === 1 ? '' : 's'} ${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} missing`);
  }
  return version;
}

/** Refuses a damaged file instead of writing to it (a migration or an update could spread the damage). */
function checkIntegrity(file: string, db: Database.Database): void {
  const problems = db.pragma(`quick_check(${MAX_LISTED_PROBLEMS})`, { simple: false }) as { quick_check: string }[];
  const messages = problems.map((p) => p.quick_check.replace(/^\*\*\* in database \w+ \*\*\*\n/, ''));
  if (messages.length === 1 && messages[0] === 'ok') return;
  throw new DatabaseRefusedError(
    file,
    'damaged',
    `${file} is damaged: SQLite's integrity check reports ${messages.map((m) => JSON.stringify(m)).join('; ')}. ` +
      'The file was left unchanged: restore a backup, or recover what is readable with `sqlite3 FILE .recover`.',
  );
}

/** Errors of LabStore.open, each naming the file. */
function describeOpenError(file: string, error: unknown): unknown {
  if (error instanceof DatabaseRefusedError || error instanceof DatabaseTooNewError) return error;
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_NOTADB') {
    return new DatabaseRefusedError(file, 'not-sqlite', `${file} is not a SQLite database (${message}). The file was left unchanged.`, { cause: error });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new DatabaseRefusedError(
      file,
      'read-only',
      `${file} is read-only for this user (${message}): commands that change the lab need write access; list, show and export can read it`,
      { cause: error },
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new DatabaseRefusedError(
      file,
      'damaged',
      `${file} is damaged (${message}). The file was left unchanged: restore a backup, or recover what is readable with \`sqlite3 FILE .recover\`.`,
      { cause: error },
    );
  }
  if (isBusyError(error)) {
    return new DatabaseRefusedError(file, 'locked', `${file} is locked by another process (${message}); try again when it is done`, { cause: error });
  }
  if (error instanceof Error && !message.includes(file)) return new Error(`${file}: ${message}`, { cause: error });
  return error;
}
