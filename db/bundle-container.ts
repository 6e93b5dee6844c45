/**
 * The bundle container (format described in bundle.ts): gzip blocks that carry their own size, JSON
 * lines, the header first and an end record with the payload's record count and SHA-256 last. Writes
 * and reads records without knowing what they hold; what records mean (database rows) is bundle.ts.
 * Reading is bounded (a block may not inflate past 1 MiB, the whole content past a limit), so a "zip
 * bomb" is refused early, and every problem is a BundleError saying why.
 */
import { ValidationError } from '../shared/errors.js';
import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleErrorReason, type BundleHeader } from '../shared/bundle.js';

/** A bundle refused by importBundle; the database was left untouched. */
export class BundleError extends ValidationError {
  constructor(
    readonly reason: BundleErrorReason,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BundleError';
  }
}

function notABundle(why: string): BundleError {
  return new BundleError('not-a-bundle', `not a ReLU Lab bundle: ${why}`);
}

export function damaged(why: string, cause?: unknown): BundleError {
  return new BundleError('damaged', `the bundle is damaged: ${why}`, cause === undefined ? undefined : { cause });
}

/** A value as a message shows it (long texts by their length). */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.length > 40 ? `a text of ${value.length} characters` : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}


// ---------------------------------------------------------------------------------------------
// Blocks: gzip members with their size in an `RL` extra subfield.

/** Uncompressed bytes per block. */
const BLOCK_SIZE = 1 << 20;
/** ID1 ID2 CM FLG MTIME(4) XFL OS, XLEN(2), then the subfield: SI1 SI2 LEN(2) and the block size (4). */
const BLOCK_HEADER_SIZE = 20;
const BLOCK_TRAILER_SIZE = 8;
const FEXTRA = 4;

function gzipBlock(data: Buffer): Buffer {
  const deflated = zlib.deflateRawSync(data);
  const total = BLOCK_HEADER_SIZE + deflated.length + BLOCK_TRAILER_SIZE;
  const head = Buffer.alloc(BLOCK_HEADER_SIZE);
  head.set([0x1f, 0x8b, 8, FEXTRA, 0, 0, 0, 0, 0, 255]);
  head.writeUInt16LE(8, 10); // XLEN
  head.write('RL', 12, 'latin1');
  head.writeUInt16LE(4, 14);
  head.writeUInt32LE(total, 16);
  const tail = Buffer.alloc(BLOCK_TRAILER_SIZE);
  tail.writeUInt32LE(zlib.crc32(data), 0);
  tail.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([head, deflated, tail], total);
}

/** Collects lines and compresses them block by block, so only one block is ever uncompressed. */
export class BundleWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly blocks: Buffer[] = [];
  private readonly hash = createHash('sha256');
  private records = 0;

  /** A payload record: counted and hashed. */
  record(value: Record<string, unknown>): void {
    const line = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
    this.hash.update(line);
    this.records++;
    this.write(line);
  }

  /** The header, alone in the first block. */
  header(header: BundleHeader): void {
    this.write(Buffer.from(`${JSON.stringify(header)}\n`, 'utf8'));
    this.flush(true);
  }

  finish(): Buffer {
    this.write(Buffer.from(`${JSON.stringify({ type: 'end', records: this.records, sha256: this.hash.digest('hex') })}\n`));
    this.flush(true);
    return Buffer.concat(this.blocks);
  }

  private write(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BLOCK_SIZE) this.flush(false);
  }

  /** Compresses full blocks (and, when `all`, the rest). */
  private flush(all: boolean): void {
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    let offset = 0;
    while (data.length - offset >= BLOCK_SIZE || (all && offset < data.length)) {
      const end = Math.min(offset + BLOCK_SIZE, data.length);
      this.blocks.push(gzipBlock(data.subarray(offset, end)));
      offset = end;
    }
    this.pending = offset < data.length ? [data.subarray(offset)] : [];
    this.pendingBytes = data.length - offset;
  }
}

/** What a file that is not a gzip file probably is, for the error message. */
function describeForeign(data: Buffer): string {
  if (data.length === 0) return 'the file is empty';
  const starts = (text: string) => data.subarray(0, text.length).equals(Buffer.from(text, 'latin1'));
  if (starts('\x89PNG')) return 'it is a PNG image';
  if (starts('SQLite format 3\0')) return 'it is a SQLite database (a lab database can be opened in Settings instead)';
  if (starts('PK\x03\x04')) return 'it is a ZIP archive';
  if (starts('%PDF')) return 'it is a PDF document';
  if (starts('\xff\xd8\xff')) return 'it is a JPEG image';
  const text = data.subarray(0, 64).toString('latin1').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return 'it is a plain JSON file, not a gzip-compressed bundle';
  return 'it is not gzip-compressed';
}

/** Whether these bytes (fewer than a block header) are the start of a block header. */
function isBlockHeaderStart(bytes: Buffer): boolean {
  const expected = gzipBlock(Buffer.alloc(0)).subarray(0, 16); // everything before the size
  const n = Math.min(bytes.length, expected.length);
  return bytes.subarray(0, n).equals(expected.subarray(0, n));
}

/** The size of the gzip member at `offset` from its `RL` subfield, or null when it has none. */
function blockSize(data: Buffer, offset: number): number | null {
  if (data.length - offset < 12 || !(data[offset + 3] & FEXTRA)) return null;
  const xlen = data.readUInt16LE(offset + 10);
  const end = offset + 12 + xlen;
  if (end > data.length) return null;
  for (let p = offset + 12; p + 4 <= end; ) {
    const len = data.readUInt16LE(p + 2);
    if (data[p] === 0x52 && data[p + 1] === 0x4c && len === 4 && p + 8 <= end) return data.readUInt32LE(p + 4);
    p += 4 + len;
  }
  return null;
}

/** Default of ImportOptions.maxContentBytes. */
export const DEFAULT_MAX_CONTENT_BYTES = 1 << 30;
/** How much of a gzip file without `RL` subfields is inflated to find its header line. */
const SNIFF_COMPRESSED_BYTES = 16 * 1024;

function mib(bytes: number): string {
  return bytes >= 1 << 30 && bytes % (1 << 30) === 0 ? `${bytes / (1 << 30)} GiB` : `${+(bytes / (1 << 20)).toFixed(1)} MiB`;
}

function tooLarge(limit: number): BundleError {
  return new BundleError(
    'too-large',
    `the bundle inflates to more than ${mib(limit)}, the most one import takes; it was not imported (a damaged or hostile file?)`,
  );
}

/** Whether zlib stopped because the output would exceed maxOutputLength. */
function isOutputLimit(error: unknown): boolean {
  return error instanceof RangeError || (error as NodeJS.ErrnoException)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/**
 * The decompressed content, block by block, never more than `maxBytes` in all and never more than
 * a block's 1 MiB from one block (so a "zip bomb" is refused after inflating at most that much).
 * A gzip file without `RL` subfields (e.g. a bundle decompressed and recompressed by another tool)
 * is decompressed whole, up to `maxBytes`, once its first line is confirmed to be a bundle header.
 */
function* decompress(data: Buffer, maxBytes: number): Generator<Buffer> {
  if (data.length < 2 || data[0] !== 0x1f || data[1] !== 0x8b) throw notABundle(describeForeign(data));
  let offset = 0;
  let total = 0;
  for (let block = 1; offset < data.length; block++) {
    if (data.length - offset < 2 || data[offset] !== 0x1f || data[offset + 1] !== 0x8b) {
      throw damaged(`unexpected data after block ${block - 1}`);
    }
    if (data.length - offset < BLOCK_HEADER_SIZE && isBlockHeaderStart(data.subarray(offset))) {
      throw damaged(`it is truncated (block ${block} is incomplete)`);
    }
    const size = blockSize(data, offset);
    if (size === null) {
      yield* decompressWhole(data.subarray(offset), offset === 0, maxBytes - total);
      return;
    }
    if (size < BLOCK_HEADER_SIZE + BLOCK_TRAILER_SIZE) throw damaged(`block ${block} has an invalid size`);
    if (offset + size > data.length) throw damaged(`it is truncated (block ${block} is incomplete)`);
    const headerEnd = offset + 12 + data.readUInt16LE(offset + 10);
    const end = offset + size;
    const declared = data.readUInt32LE(end - 4);
    if (declared > BLOCK_SIZE) throw damaged(`block ${block} says it holds ${declared} bytes, more than the ${mib(BLOCK_SIZE)} a block may hold`);
    if (total + declared > maxBytes) throw tooLarge(maxBytes);
    let chunk: Buffer;
    try {
      chunk = zlib.inflateRawSync(data.subarray(headerEnd, end - BLOCK_TRAILER_SIZE), { maxOutputLength: BLOCK_SIZE });
    } catch (error) {
      if (isOutputLimit(error)) throw damaged(`block ${block} inflates to more than the ${mib(BLOCK_SIZE)} a block may hold`, error);
      throw damaged(`block ${block} cannot be decompressed (${(error as Error).message})`, error);
    }
    if (zlib.crc32(chunk) !== data.readUInt32LE(end - 8) || chunk.length >>> 0 !== declared) {
      throw damaged(`block ${block} fails its CRC-32 check`);
    }
    total += chunk.length;
    yield chunk;
    offset = end;
  }
}

function* decompressWhole(data: Buffer, atStart: boolean, maxBytes: number): Generator<Buffer> {
  if (atStart) {
    // Look at the start only, so a large foreign gzip file is refused without decompressing it all.
    // (16 KiB of deflate data inflates to at most ~16.5 MiB.)
    let start: Buffer;
    try {
      start = zlib.gunzipSync(data.subarray(0, SNIFF_COMPRESSED_BYTES), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    } catch (error) {
      throw damaged(`it cannot be decompressed (${(error as Error).message})`, error);
    }
    const newline = start.indexOf(0x0a);
    if (newline < 0 && data.length <= SNIFF_COMPRESSED_BYTES) {
      // All of it was looked at and it holds no complete line: truncated, or not a bundle.
      try {
        zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
      } catch (error) {
        if (isOutputLimit(error)) throw tooLarge(maxBytes);
        throw damaged(`it is truncated or corrupted (${(error as Error).message})`, error);
      }
    }
    parseHeader(newline < 0 ? start.subarray(0, MAX_HEADER_BYTES + 1) : start.subarray(0, newline));
  }
  try {
    yield zlib.gunzipSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch (error) {
    if (isOutputLimit(error)) throw tooLarge(maxBytes);
    throw damaged(`it cannot be decompressed (${(error as Error).message})`, error);
  }
}

/** The decompressed content split into lines (without their `\n`). */
function* lines(chunks: Iterable<Buffer>): Generator<Buffer> {
  let parts: Buffer[] = [];
  for (const chunk of chunks) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline >= 0; newline = chunk.indexOf(0x0a, start)) {
      parts.push(chunk.subarray(start, newline));
      yield parts.length === 1 ? parts[0] : Buffer.concat(parts);
      parts = [];
      start = newline + 1;
    }
    if (start < chunk.length) parts.push(chunk.subarray(start));
  }
  if (parts.length > 0) throw damaged('it is truncated (it ends in the middle of a record)');
}

const MAX_HEADER_BYTES = 64 * 1024;

function parseHeader(line: Buffer): BundleHeader {
  const missing = notABundle('it does not start with a ReLU Lab bundle header');
  if (line.length > MAX_HEADER_BYTES) throw missing;
  let header: unknown;
  try {
    header = JSON.parse(line.toString('utf8'));
  } catch {
    throw missing;
  }
  if (header === null || typeof header !== 'object' || (header as { format?: unknown }).format !== BUNDLE_FORMAT) {
    throw missing;
  }
  const h = header as Partial<BundleHeader>;
  if (!Number.isSafeInteger(h.version) || (h.version as number) < 1) {
    throw damaged(`its header has an invalid format version (${describe(h.version)})`);
  }
  const version = h.version as number;
  if (version > BUNDLE_VERSION) {
    throw new BundleError(
      'too-new',
      `bundle format version ${version} is newer than this ReLU Lab supports (${BUNDLE_VERSION}): update ReLU Lab to import it`,
    );
  }
  if (!Number.isSafeInteger(h.experiments) || !Number.isSafeInteger(h.runs)) {
    throw damaged('its header does not say how many experiments and runs it holds');
  }
  return h as BundleHeader;
}

/** One payload record and where it stands, for messages (`record 3`). */
export interface BundleRecord {
  record: Record<string, unknown>;
  /** Its `type` (checked by the reader of the records). */
  type: unknown;
  where: string;
}

/**
 * Opens a bundle: its header is read (and a foreign, damaged or too new file refused) at once;
 * `records` then yields the payload records one by one, and once the last is read checks the end
 * record (count, checksum) and the header's counts of experiments and runs, throwing a BundleError
 * when any is off. Nothing is decompressed beyond what was read.
 */
export function openBundle(data: Uint8Array, maxContentBytes: number): { header: BundleHeader; records: Generator<BundleRecord> } {
  const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const input = lines(decompress(buffer, maxContentBytes));
  const first = input.next();
  if (first.done) throw notABundle('it is an empty gzip file');
  const header = parseHeader(first.value);
  return { header, records: payload(input, header) };
}

function* payload(input: Generator<Buffer>, header: BundleHeader): Generator<BundleRecord> {
  const hash = createHash('sha256');
  let count = 0;
  let experimentRecords = 0;
  let runRecords = 0;
  let end: Record<string, unknown> | null = null;
  for (const line of input) {
    if (end) throw damaged('there is data after its end record');
    const where = `record ${count + 1}`;
    let record: unknown;
    try {
      record = JSON.parse(line.toString('utf8'));
    } catch {
      throw damaged(`${where} is not valid JSON`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw damaged(`${where} is not an object`);
    const r = record as Record<string, unknown>;
    if (r.type === 'end') {
      end = r;
      continue;
    }
    hash.update(line);
    hash.update('\n');
    count++;
    if (r.type === 'experiment') experimentRecords++;
    if (r.type === 'run') runRecords++;
    yield { record: r, type: r.type, where };
  }
  if (!end) throw damaged('it is truncated (its end record is missing)');
  if (end.records !== count) throw damaged(`its end record counts ${describe(end.records)} records, but it holds ${count}`);
  if (end.sha256 !== hash.digest('hex')) throw damaged('checksum mismatch');
  if (experimentRecords !== header.experiments || runRecords !== header.runs) {
    throw damaged(
      `its header announces ${header.experiments} experiments and ${header.runs} runs, but it holds ${experimentRecords} and ${runRecords}`,
    );
  }
}
