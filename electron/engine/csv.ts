/**
 * Reading a user's CSV file: only regular files up to a size limit (a FIFO, a device or /dev/zero
 * would block or never end), UTF-8 only (UTF-16 and other encodings are recognised and refused
 * with a clear message), the field separator given or detected, and records from csv-parse
 * (RFC 4180: quoted fields with separators, doubled quotes and line breaks inside).
 *
 * Problems are reported by line number only: a message never quotes the file's text (a config
 * that points at a file that is not a data set must not print that file's contents).
 */
import fs from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { CsvError, parse } from 'csv-parse/sync';

/** Largest csv file the lab reads: 256 MiB (about 30 million numbers). */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;
/** Largest single record (a binary file without line breaks would otherwise be one huge field). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

/** A problem with the file as a whole (it cannot be read, or is not UTF-8 text). */
export class CsvFileError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'CsvFileError';
  }
}

/** A problem at one line of the file. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly problem: string,
  ) {
    super(`line ${line}: ${problem}`);
    this.name = 'CsvSyntaxError';
  }
}

/** Thrown when `shouldStop` asks loading to stop. */
export class LoadCancelled extends Error {
  constructor() {
    super('cancelled while loading the data');
    this.name = 'LoadCancelled';
  }
}

function kindOfNonFile(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a named pipe (FIFO)';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

function errnoReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'does not exist (a folder on its path is a file)';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'ELOOP') return 'cannot be opened: too many symbolic links';
  if (code === 'EISDIR') return 'is a directory, not a regular file';
  return code ? `cannot be opened (${code})` : 'cannot be opened';
}

/** Checks that `file` is a regular file within the size limit, without opening it. Returns its size. */
export function checkRegularFile(file: string, maxBytes: number, what = 'files'): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new CsvFileError(errnoReason(err));
  }
  if (!stat.isFile()) throw new CsvFileError(`is ${kindOfNonFile(stat)}, not a regular file`);
  if (stat.size > maxBytes) throw new CsvFileError(`is too large (${stat.size} bytes); ${what} may be at most ${mib(maxBytes)}`);
  return stat.size;
}

export function checkCsvFile(file: string): number {
  return checkRegularFile(file, MAX_CSV_BYTES, 'csv files');
}

export function readCsvFile(file: string, shouldStop?: () => boolean): Buffer {
  return readRegularFile(file, MAX_CSV_BYTES, shouldStop, 'csv files');
}

/**
 * Reads a file whole. It must be a regular file (checked before opening, as opening a FIFO would
 * wait for a writer, and again on the open descriptor) of at most `maxBytes`, also if it grows
 * while being read; a device such as /dev/zero is never read.
 */
export function readRegularFile(file: string, maxBytes: number, shouldStop?: () => boolean, what = 'files'): Buffer {
  checkRegularFile(file, maxBytes, what);
  let fd: number;
  try {
    // O_NONBLOCK: should the path have been swapped for a FIFO since the check, open does not wait.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new CsvFileError(errnoReason(err));
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new CsvFileError(`is ${kindOfNonFile(stat)}, not a regular file`);
    const chunks: Buffer[] = [];
    let total = 0;
    const chunkSize = 8 * 1024 * 1024;
    while (true) {
      if (shouldStop?.()) throw new LoadCancelled();
      const chunk = Buffer.allocUnsafe(Math.min(chunkSize, maxBytes + 1 - total));
      let read: number;
      try {
        read = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new CsvFileError(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'I/O error'})`);
      }
      if (read === 0) break;
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
      total += read;
      if (total > maxBytes) throw new CsvFileError(`is too large (it grew while being read); ${what} may be at most ${mib(maxBytes)}`);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/** Offset of the first byte that is not valid UTF-8 (only called once `isUtf8` said there is one). */
function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i];
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    if (i + need >= buf.length) return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line number of byte `offset`. */
function lineAt(buf: Buffer, offset: number): number {
  let line = 1;
  let i = buf.indexOf(0x0a);
  while (i >= 0 && i < offset) {
    line++;
    i = buf.indexOf(0x0a, i + 1);
  }
  return line;
}

const SAVE_AS_UTF8 = 'save it as UTF-8 (e.g. "CSV UTF-8" in a spreadsheet program) and try again';

/**
 * The file's text as UTF-8 bytes without a byte-order mark, CRLF and CR line breaks turned into LF
 * (so line numbers are counted the same way for every file). Refuses UTF-16/32 and other
 * encodings with a message that says what to do.
 */
export function utf8Text(buf: Buffer): Buffer {
  if (buf.length >= 4 && ((buf[0] === 0xff && buf[1] === 0xfe && buf[2] === 0 && buf[3] === 0) || (buf[0] === 0 && buf[1] === 0 && buf[2] === 0xfe && buf[3] === 0xff))) {
    throw new CsvFileError(`is UTF-32 encoded; ${SAVE_AS_UTF8}`);
  }
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    throw new CsvFileError(`is UTF-16 encoded; ${SAVE_AS_UTF8}`);
  }
  let text = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? buf.subarray(3) : buf;
  const nul = text.indexOf(0);
  if (nul >= 0) {
    // Text files have no NUL bytes; UTF-16 without a byte-order mark has one in every ASCII character.
    const sample = text.subarray(0, Math.min(text.length, 4096));
    let zeros = 0;
    for (const b of sample) if (b === 0) zeros++;
    if (zeros >= sample.length / 4) throw new CsvFileError(`looks UTF-16 encoded (every other byte is zero); ${SAVE_AS_UTF8}`);
    throw new CsvFileError(`contains a NUL byte on line ${lineAt(text, nul)}: it is not a text file`);
  }
  if (!isUtf8(text)) {
    const at = firstInvalidUtf8(text);
    throw new CsvFileError(`is not valid UTF-8 (first invalid byte on line ${lineAt(text, Math.max(0, at))}; Latin-1 or Windows-1252 perhaps); ${SAVE_AS_UTF8}`);
  }
  if (text.indexOf(0x0d) >= 0) text = normalizeLineBreaks(text);
  return text;
}

function normalizeLineBreaks(buf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(buf.length);
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === 0x0d) {
      out[o++] = 0x0a;
      if (buf[i + 1] === 0x0a) i++;
    } else {
      out[o++] = b;
    }
  }
  return out.subarray(0, o);
}

/** Byte offset of the start of line `line` (1-based), or buf.length when the file has fewer lines. */
export function lineOffset(buf: Buffer, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = buf.indexOf(0x0a, offset);
    if (next < 0) return buf.length;
    offset = next + 1;
  }
  return offset;
}

/**
 * The separator of the first lines (up to 64 KiB from `start`, at most 200 lines): among tab ; | ,
 * those found the same number of times (outside quotes) on every non-blank line win, in that order
 * (a comma inside ;- or tab-separated numbers is a decimal comma); when none is consistent, the most
 * frequent; a comma when none appears at all (a one-column file).
 */
export function detectDelimiter(buf: Buffer, start = 0): string {
  const end = Math.min(buf.length, start + 64 * 1024);
  const lines = buf.subarray(start, end).toString('utf8').split('\n');
  // The last line may be cut off by the sample's end.
  if (end < buf.length && lines.length > 1) lines.pop();
  const order = ['\t', ';', '|', ','];
  const counts = order.map(() => [] as number[]);
  let inQuotes = false;
  for (const line of lines.slice(0, 200)) {
    const perLine = order.map(() => 0);
    const continued = inQuotes;
    let blank = true;
    for (const ch of line) {
      if (ch === '"') inQuotes = !inQuotes;
      else if (!inQuotes) {
        const k = order.indexOf(ch);
        if (k >= 0) perLine[k]++;
      }
      if (ch !== ' ' && ch !== '\t') blank = false;
    }
    // Lines inside a quoted field belong to the record before them.
    if (blank || continued || inQuotes) continue;
    perLine.forEach((c, k) => counts[k].push(c));
  }
  const consistent = order.findIndex((_, k) => counts[k].length > 0 && counts[k][0] > 0 && counts[k].every((c) => c === counts[k][0]));
  if (consistent >= 0) return order[consistent];
  let best = -1;
  let bestTotal = 0;
  order.forEach((_, k) => {
    const total = counts[k].reduce((a, c) => a + c, 0);
    if (total > bestTotal) {
      best = k;
      bestTotal = total;
    }
  });
  return best >= 0 ? order[best] : ',';
}

/** How a separator is named in messages and descriptions. */
export function delimiterName(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : JSON.stringify(delimiter);
}

export interface CsvReadOptions {
  delimiter: string;
  /** First line read (1-based); earlier lines are skipped. */
  fromLine: number;
  shouldStop?: () => boolean;
}

/**
 * Calls `onRecord(fields, line)` for every record (blank lines skipped), `line` being the record's
 * last line (its only one, unless a quoted field holds line breaks). Records are not collected, so
 * memory stays at the file plus what `onRecord` keeps.
 */
export function forEachCsvRecord(text: Buffer, options: CsvReadOptions, onRecord: (fields: string[], line: number) => void): void {
  let count = 0;
  let lastLine = options.fromLine - 1;
  try {
    parse(text, {
      delimiter: options.delimiter,
      from_line: options.fromLine,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
      on_record: (record: string[], context) => {
        if ((++count & 1023) === 0 && options.shouldStop?.()) throw new LoadCancelled();
        // A line of spaces is blank too.
        lastLine = context.lines;
        if (record.length === 1 && record[0].trim() === '') return null;
        onRecord(record, context.lines);
        return null;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) {
      // csv-parse reports an unclosed quote at the end of the file: name the line the record starts on.
      if (err.code === 'CSV_QUOTE_NOT_CLOSED') throw new CsvSyntaxError(firstNonBlankLine(text, lastLine + 1), 'a quoted field is never closed (missing ")');
      throw syntaxError(err);
    }
    throw err;
  }
}

/** The first line from `line` on that is not blank. */
function firstNonBlankLine(text: Buffer, line: number): number {
  let offset = lineOffset(text, line);
  while (offset < text.length) {
    const next = text.indexOf(0x0a, offset);
    const end = next < 0 ? text.length : next;
    if (text.subarray(offset, end).toString('latin1').trim() !== '') return line;
    if (next < 0) break;
    offset = next + 1;
    line++;
  }
  return line;
}

/** csv-parse's errors in the lab's words, without the text they quote. */
function syntaxError(err: CsvError): CsvSyntaxError {
  const line = typeof err.lines === 'number' ? err.lines : 0;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new CsvSyntaxError(line, 'a quoted field is never closed (missing ")');
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new CsvSyntaxError(line, 'unexpected text after a closing quote');
    case 'INVALID_OPENING_QUOTE':
      return new CsvSyntaxError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
    case 'CSV_MAX_RECORD_SIZE':
      return new CsvSyntaxError(line, `a record is longer than ${mib(MAX_RECORD_BYTES)} (is it a csv file?)`);
    default:
      return new CsvSyntaxError(line, `the csv text is malformed (${err.code})`);
  }
}
