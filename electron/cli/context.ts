/** What every `relu-lab` command shares: its standard streams, its failures, the database it opens, `--help`. */
import { firstLine } from '../../shared/errors.js';
import { DatabaseRefusedError, DatabaseTooNewError, LabStore } from '../../db/store.js';
import { resolveDatabasePath } from '../../db/paths.js';
import { HELP } from './help.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

/** A failure with a one-line reason and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** The database the running command opened (named in messages of SQLite errors). */
let opened: string | null = null;

export function openedDatabase(): string | null {
  return opened;
}

/**
 * Opens the database of `--db` (else `$RELU_LAB_DB`, else the app's). `read` (list, show, export,
 * figure…): the file must exist, nothing is created, and a file this user cannot write is opened
 * read-only. `write` (run, import…): created with its folders when missing. Every message names the file.
 */
export function openStore(dbOption: unknown, access: 'read' | 'write' = 'write'): LabStore {
  const file = resolveDatabasePath(typeof dbOption === 'string' ? dbOption : undefined);
  opened = file;
  try {
    return access === 'read' ? LabStore.open(file, { mustExist: true, readonly: 'if-unwritable' }) : LabStore.open(file);
  } catch (err) {
    if (err instanceof DatabaseRefusedError && err.reason === 'missing') {
      throw new CliError(`no lab database at ${file} (start an experiment with relu-lab run, or give another file with --db)`, 1);
    }
    if (err instanceof DatabaseRefusedError || err instanceof DatabaseTooNewError) throw new CliError(firstLine(err), 1);
    const message = firstLine(err);
    throw new CliError(message.includes(file) ? `cannot open database: ${message}` : `cannot open database ${file}: ${message}`, 1);
  }
}

/** `--help` after a command: prints the usage and says so. */
export function help(options: Record<string, unknown>, io: CliIo): boolean {
  if (options.help) {
    io.stdout.write(`${HELP}\n`);
    return true;
  }
  return false;
}
