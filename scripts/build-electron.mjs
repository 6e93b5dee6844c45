#!/usr/bin/env node
// Bundles the Electron side with esbuild into dist/electron/:
//   main.mjs     the main process (ESM; Electron >= 28 loads ESM entry points)
//   preload.cjs  the window's preload (one CommonJS file: sandboxed preloads cannot load modules)
//   worker.mjs   the training worker thread (runs TypeScript-free, so no tsx in the app)
// Every npm package (better-sqlite3, @tensorflow/*, zod, …) stays external and loads from
// node_modules at run time (electron-builder packs the production dependencies); only the app's own
// code is bundled. The preload is the exception: it is fully self-contained.
// Usage: node scripts/build-electron.mjs [--if-stale]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');


export const OUTPUTS = ['main.mjs', 'preload.cjs', 'worker.mjs'];

/** Newest modification time under these paths (ms), 0 when none exist. */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (p) => {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(p, name));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Whether any bundle is missing or older than the sources it is built from. */
export function electronBundlesAreStale(root = ROOT) {
  const outdir = path.join(root, 'dist', 'electron');
  let oldest = Infinity;
  for (const name of OUTPUTS) {
    try {
      oldest = Math.min(oldest, fs.statSync(path.join(outdir, name)).mtimeMs);
    } catch {
      return true;
    }
  }
  const sources = newestMtime(['electron', 'shared', 'db', 'package.json', 'scripts/build-electron.mjs'].map((p) => path.join(root, p)));
  return sources > oldest;
}

export async function buildElectron({ root = ROOT, outdir = path.join(root, 'dist', 'electron'), log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const { build } = await import('esbuild');
  fs.mkdirSync(outdir, { recursive: true });
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node22',
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
    packages: 'external',
    outdir,
  };
  const started = Date.now();
  await Promise.all([
    build({ ...common, entryPoints: { main: 'electron/main.ts' }, format: 'esm', outExtension: { '.js': '.mjs' } }),
    build({ ...common, entryPoints: { worker: 'electron/lab/worker.ts' }, format: 'esm', outExtension: { '.js': '.mjs' } }),
    // The preload needs nothing but electron's contextBridge/ipcRenderer and the channel names.
    build({
      ...common,
      entryPoints: { preload: 'electron/preload.ts' },
      format: 'cjs',
      packages: undefined,
      external: ['electron'],
      outExtension: { '.js': '.cjs' },
    }),
  ]);
  log(`built ${OUTPUTS.map((o) => path.relative(root, path.join(outdir, o))).join(', ')} in ${Date.now() - started} ms`);
  return OUTPUTS.map((o) => path.join(outdir, o));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale && !electronBundlesAreStale()) {
    process.stderr.write('dist/electron is up to date\n');
  } else {
    try {
      await buildElectron();
    } catch (err) {
      process.stderr.write(`build-electron: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
