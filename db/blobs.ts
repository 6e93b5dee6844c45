/**
 * Typed arrays as SQLite BLOBs: little-endian bytes, whatever the machine (the fast path copies
 * bytes on little-endian machines). Decoders check the size first, so a damaged row fails with a
 * message naming `what` instead of asking for gigabytes.
 */
import os from 'node:os';

const LITTLE_ENDIAN = os.endianness() === 'LE';

export function float32ToBlob(values: Float32Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) out.writeFloatLE(values[i], i * 4);
  return out;
}

export function blobToFloat32(blob: Buffer, what: string): Float32Array {
  if (blob.byteLength % 4 !== 0) throw new Error(`${what}: stored float32 data has ${blob.byteLength} bytes, not a multiple of 4`);
  const out = new Float32Array(blob.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(blob);
  else for (let i = 0; i < out.length; i++) out[i] = blob.readFloatLE(i * 4);
  return out;
}

export function float64ToBlob(values: readonly number[]): Buffer {
  const out = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i], i * 8);
  return out;
}

export function blobToNumbers(blob: Buffer, what: string): number[] {
  if (blob.byteLength % 8 !== 0) throw new Error(`${what}: stored float64 data has ${blob.byteLength} bytes, not a multiple of 8`);
  const out = new Array<number>(blob.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = blob.readDoubleLE(i * 8);
  return out;
}

/** Bit-packs a 0/1 mask of `units` entries: unit i is bit (i % 8) of byte floor(i / 8). Errors name `where` and the mask's `name`. */
export function packMask(mask: ArrayLike<number>, units: number, where: string, name: string): Buffer {
  if (mask.length !== units) {
    throw new Error(`${where}: ${name} has ${mask.length} entries but the layer has ${units} units`);
  }
  const out = Buffer.alloc(Math.ceil(units / 8));
  for (let i = 0; i < units; i++) {
    const v = mask[i];
    if (v === 1) out[i >> 3] |= 1 << (i & 7);
    else if (v !== 0) throw new Error(`${where}: ${name}[${i}] is ${v}; entries must be 0 or 1`);
  }
  return out;
}

export function unpackMask(blob: Buffer, units: number, what: string): Uint8Array {
  // Checked before allocating: a damaged row must not ask for gigabytes.
  if (!Number.isSafeInteger(units) || units < 0 || blob.byteLength !== Math.ceil(units / 8)) {
    throw new Error(`${what}: stored dead mask has ${blob.byteLength} bytes, but the layer has ${units} units`);
  }
  const out = new Uint8Array(units);
  for (let i = 0; i < units; i++) out[i] = (blob[i >> 3] >> (i & 7)) & 1;
  return out;
}

/** A plain Uint8Array owning exactly its bytes (better-sqlite3 returns Buffers). */
export function blobToBytes(blob: Buffer): Uint8Array {
  const out = new Uint8Array(blob.byteLength);
  out.set(blob);
  return out;
}
