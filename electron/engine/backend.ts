/**
 * Chooses the TF.js backend before any tensor exists.
 *
 * Call `initBackend` once per process AND once per worker thread (each thread has its own TF.js
 * engine), before creating any tensor: tensors made earlier live on whatever backend TF.js picked
 * by itself. Calling it again in the same thread with the same choice is harmless (the first
 * result is returned); a different choice switches the backend.
 *
 * Order for `auto`: tensorflow (@tensorflow/tfjs-node, native, optional dependency) → wasm
 * (@tensorflow/tfjs-backend-wasm) → cpu (pure JS). Every engine module should use the `tf`
 * exported here (the same instance as `import * as tf from '@tensorflow/tfjs'`).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BackendChoice, TrainingBackend } from '../../shared/config.js';
import type { LibraryVersions } from '../../shared/metrics.js';

export { tf };

export interface BackendInfo {
  backend: TrainingBackend;
  versions: LibraryVersions;
  /** What was tried and why it was skipped, e.g. "tensorflow unavailable: … ; using wasm". */
  notes: string[];
}

const require = createRequire(import.meta.url);

/** This thread's last successful initBackend call. */
let current: { choice: BackendChoice; info: BackendInfo } | null = null;
/** Calls run one after another, so concurrent callers never race on tf.setBackend. */
let queue: Promise<unknown> = Promise.resolve();
let wasmPathsSet = false;
let tfjsNodeVersion: string | null = null;

/** The TF.js namespace every engine module should use. */
export function getTf(): typeof tf {
  return tf;
}

/**
 * Selects the backend for this thread (see the file comment). Forcing a backend that cannot be
 * used throws `Error("backend <name> is not available: <reason>")`; `auto` falls through instead
 * and lists what it skipped in `notes`.
 */
export function initBackend(choice: BackendChoice): Promise<BackendInfo> {
  const run = queue.then(async () => {
    if (current && current.choice === choice && tf.getBackend() === current.info.backend) return current.info;
    const info = await select(choice);
    current = { choice, info };
    return info;
  });
  queue = run.catch(() => undefined);
  return run;
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String(err.message) : String(err);
  return text.split('\n')[0].trim();
}

async function select(choice: BackendChoice): Promise<BackendInfo> {
  const notes: string[] = [];
  const order: TrainingBackend[] = choice === 'auto' ? ['tensorflow', 'wasm', 'cpu'] : [choice];
  for (const name of order) {
    const failure = await tryBackend(name);
    if (failure === null) {
      if (choice === 'auto' && notes.length > 0) notes.push(`using ${name}`);
      return { backend: name, versions: await versions(name), notes };
    }
    if (choice !== 'auto') throw new Error(`backend ${name} is not available: ${failure}`);
    notes.push(`${name} unavailable: ${failure}`);
  }
  // Unreachable in practice: the cpu backend is pure JavaScript.
  throw new Error(`no TF.js backend is available (${notes.join('; ')})`);
}

/** Makes `name` the active backend and checks it computes; returns null, or why it cannot be used. */
async function tryBackend(name: TrainingBackend): Promise<string | null> {
  if (name === 'tensorflow') {
    const missing = loadTfjsNode();
    if (missing) return missing;
  }
  if (name === 'wasm') {
    const problem = configureWasm();
    if (problem) return problem;
  }
  if (tf.findBackendFactory(name) === null) {
    return `it is not registered with this copy of @tensorflow/tfjs`;
  }
  // Production mode: no debug checks, and no console banners (the cpu backend otherwise prints an
  // advert for tfjs-node into every CLI run; the backend in use is recorded with each run anyway).
  tf.env().set('PROD', true);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    return `initialization failed (${firstLine(err)})`;
  }
  if (!ok || tf.getBackend() !== name) return 'initialization failed (tf.setBackend returned false)';
  // Prove it computes: a tiny matMul with an exactly representable answer.
  try {
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])));
    const values = await product.data();
    product.dispose();
    const expected = [19, 22, 43, 50];
    if (values.length !== 4 || expected.some((v, i) => values[i] !== v)) {
      return `a test matMul gave [${Array.from(values).join(', ')}] instead of [19, 22, 43, 50]`;
    }
  } catch (err) {
    return `a test computation failed (${firstLine(err)})`;
  }
  return null;
}

/** Requires @tensorflow/tfjs-node (which registers backend "tensorflow"); null, or why it failed. */
function loadTfjsNode(): string | null {
  try {
    require('@tensorflow/tfjs-node');
  } catch (err) {
    // Absent module (optional dependency), missing native binding, wrong ABI, …: anything.
    return `@tensorflow/tfjs-node could not be loaded (${firstLine(err)})`;
  }
  try {
    tfjsNodeVersion = (require('@tensorflow/tfjs-node/package.json') as { version: string }).version;
  } catch {
    tfjsNodeVersion = 'unknown';
  }
  if (tf.findBackendFactory('tensorflow') === null) {
    return '@tensorflow/tfjs-node loaded but registered its backend with a different copy of @tensorflow/tfjs-core';
  }
  return null;
}

/** Points the wasm backend at its .wasm binaries (absolute dist/ directory, trailing slash). */
function configureWasm(): string | null {
  if (wasmPathsSet) return null;
  try {
    const dist = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
    setWasmPaths(dist);
    wasmPathsSet = true;
    return null;
  } catch (err) {
    return `@tensorflow/tfjs-backend-wasm could not be set up (${firstLine(err)})`;
  }
}

async function versions(backend: TrainingBackend): Promise<LibraryVersions> {
  const out: LibraryVersions = {
    tfjs: tf.version.tfjs,
    backend,
    node: process.versions.node,
  };
  if (backend === 'wasm') {
    out['tfjs-backend-wasm'] = version_wasm;
    out.wasmSimd = String(Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')));
    out.wasmThreads = String(Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')));
  }
  if (backend === 'tensorflow' && tfjsNodeVersion) out['tfjs-node'] = tfjsNodeVersion;
  return out;
}
