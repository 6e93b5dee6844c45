/**
 * Where the CLI writes what it produces: `--out FILE`, `--out DIR` (model folders) or `--out -`
 * (standard output), and how it behaves when its standard streams go away.
 *
 * - Regular files are replaced atomically (a temporary file in the same folder, fsync, rename), so
 *   an existing file is never left half-written and keeps its permissions.
 * - A symbolic link is written through: its final target is replaced, the link itself stays.
 * - Anything else (device, FIFO, socket, folder where a file is expected) is refused with a message
 *   naming the path: renaming over it would replace e.g. /dev/null, writing into it would block or
 *   vanish. `--out -` is the way to stream to another program.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './args.js';
import { terminalSafe } from './format.js';

/** `--out -`: standard output. */
export const STDOUT_OUT = '-';

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Symbolic links followed before giving up (as the kernel's ELOOP limit). */
const MAX_LINK_HOPS = 40;

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function lstatOrNull(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** The canonical folder of `dir` when it exists (so `..` in a link is read as the kernel reads it). */
function realFolder(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * The file a write to `file` must replace: `file` itself, or the final target of the symbolic links
 * it names (which may not exist yet: a dangling link is written through, creating its target).
 */
export function finalTarget(file: string, shown = file): string {
  let current = path.resolve(file);
  for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
    const stat = lstatOrNull(current);
    if (stat === null || !stat.isSymbolicLink()) return current;
    current = path.resolve(realFolder(path.dirname(current)), fs.readlinkSync(current));
  }
  throw new UsageError(`--out ${terminalSafe(shown)}: too many levels of symbolic links`);
}

/**
 * Checks that `file` can be replaced by a regular file and returns the path to write (the link
 * target for a symbolic link). Throws a UsageError naming the path otherwise.
 */
export function regularFileTarget(file: string, shown = file): string {
  const target = finalTarget(file, shown);
  const stat = lstatOrNull(target);
  if (stat !== null && !stat.isFile()) {
    const via = target === path.resolve(file) ? '' : ` (the link leads to ${terminalSafe(target)})`;
    throw new UsageError(
      `--out ${terminalSafe(shown)}: is ${kindOf(stat)}${via}; ReLU Lab writes only regular files (use --out - to write to standard output)`,
    );
  }
  return target;
}

/**
 * Writes `data` to `file` atomically: through a temporary file in the target's folder and a rename,
 * so readers see the old file or the new one, never a part. Symbolic links are written through;
 * devices, FIFOs, sockets and folders are refused (see `regularFileTarget`). Returns the path written.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, shown = file): string {
  const target = regularFileTarget(file, shown);
  const dir = path.dirname(target);
  fs.mkdirSync(dir, { recursive: true });
  const existing = lstatOrNull(target);
  const mode = existing ? existing.mode & 0o7777 : 0o666;
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`);
  // 'wx': never opens something already there (not even a link planted under the temporary name).
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    try {
      fs.writeFileSync(fd, data);
      if (existing) fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}

/**
 * Prepares the folder `--out DIR` names (created when missing; a link to a folder is written
 * through) and returns its path. A file, device or `-` there is refused.
 */
export function outputFolder(dir: string, what: string): string {
  if (dir === STDOUT_OUT) throw new UsageError(`--out -: ${what} is a folder of several files, it cannot go to standard output; give a folder`);
  const target = finalTarget(dir);
  const stat = lstatOrNull(target);
  if (stat !== null && !stat.isDirectory()) {
    throw new UsageError(`--out ${terminalSafe(dir)}: is ${stat.isFile() ? 'a file' : kindOf(stat)}; ${what} is written into a folder`);
  }
  fs.mkdirSync(target, { recursive: true });
  return target;
}

export interface OutputKind {
  /** Bytes a terminal cannot show (PNG, PDF, bundles): never written to a terminal. */
  binary?: boolean;
  /** What is written, for messages ("a PNG figure"). */
  what?: string;
}

/**
 * Checks, before any work is done, that `--out` can take this output: a regular file (or a link to
 * one, or nothing yet), or `-` unless the output is binary and standard output is a terminal.
 */
export function checkOutput(out: string, io: OutputStreams, kind: OutputKind = {}): void {
  if (out === STDOUT_OUT) {
    if (kind.binary && io.stdout.isTTY) {
      throw new UsageError(`--out -: standard output is a terminal and ${kind.what ?? 'this output'} is binary; redirect it to a file (> FILE) or pipe it to a program`);
    }
    return;
  }
  regularFileTarget(out);
}

/** Writes one output: to standard output for `--out -`, else atomically to the file. Returns where it went, for messages. */
export function writeOutput(out: string, data: string | Uint8Array, io: OutputStreams, kind: OutputKind = {}): string {
  checkOutput(out, io, kind);
  if (out === STDOUT_OUT) {
    io.stdout.write(data);
    return 'standard output';
  }
  writeFileAtomic(out, data);
  return terminalSafe(out);
}

interface ProcessStreams {
  stdout: NodeJS.EventEmitter;
  stderr: NodeJS.EventEmitter;
}

/**
 * A reader that went away (`relu-lab list | head -1`) ends the command quietly with status 0, as
 * other command-line tools do; losing stderr (where only progress and messages go) is ignored.
 * Any other failure of standard output ends it with a one-line reason and status 1.
 */
export function handleClosedStandardStreams(proc: ProcessStreams = process, exit: (code: number) => void = (code) => process.exit(code), stderrLine: (line: string) => void = (line) => fs.writeSync(2, line)): void {
  proc.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') {
      exit(0);
      return;
    }
    try {
      stderrLine(`relu-lab: cannot write to standard output: ${terminalSafe(err.message)}\n`);
    } catch {
      // stderr is gone too: the status still says it.
    }
    exit(1);
  });
  proc.stderr.on('error', () => undefined);
}
