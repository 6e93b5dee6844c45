/**
 * Builds the renderer (vite) when its output is missing or older than its sources. Used by
 * `relu-lab serve` and by `npm start` (scripts/start.mjs).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { appRoot } from '../app-root.js';

const require = createRequire(import.meta.url);

/** Newest modification time (ms) among the files under these paths; 0 when none exist. */
export function newestMtime(paths: string[], skip: (name: string) => boolean = (n) => n === 'node_modules' || n.startsWith('.')): number {
  let newest = 0;
  const visit = (p: string) => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p)) if (!skip(name)) visit(path.join(p, name));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const p of paths) visit(p);
  return newest;
}

export function rendererIndex(root = appRoot()): string {
  return path.join(root, 'dist', 'renderer', 'index.html');
}

/** Whether dist/renderer is missing or older than the renderer's sources. */
export function rendererIsStale(root = appRoot()): boolean {
  let built: number;
  try {
    built = fs.statSync(rendererIndex(root)).mtimeMs;
  } catch {
    return true;
  }
  const sources = newestMtime([path.join(root, 'renderer'), path.join(root, 'shared'), path.join(root, 'vite.config.ts')]);
  return sources > built;
}

/**
 * Runs `vite build`, its output going to `log` (stderr), never to stdout. Throws an Error with a
 * one-line reason when vite is missing or the build fails.
 */
export async function buildRenderer(log: NodeJS.WritableStream, root = appRoot()): Promise<void> {
  let viteBin: string;
  try {
    viteBin = path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin', 'vite.js');
  } catch {
    throw new Error('the web interface is not built (dist/renderer/index.html is missing) and vite is not installed to build it: run npm install, then npm run build:renderer');
  }
  if (!fs.existsSync(path.join(root, 'renderer', 'index.html'))) {
    throw new Error(`the web interface cannot be built: ${path.join(root, 'renderer', 'index.html')} is missing`);
  }
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--config', path.join(root, 'vite.config.ts'), '--logLevel', 'error'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    child.stdout.on('data', (chunk: Buffer) => log.write(chunk));
    child.stderr.on('data', (chunk: Buffer) => log.write(chunk));
    child.on('error', reject);
    child.on('exit', (c) => resolve(c));
  });
  if (code !== 0 || !fs.existsSync(rendererIndex(root))) {
    throw new Error(`building the web interface failed (vite build exited with code ${code}); run npm run build:renderer to see why`);
  }
}
