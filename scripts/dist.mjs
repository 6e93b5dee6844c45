#!/usr/bin/env node
// `npm run dist`: packages the desktop app for the current platform with electron-builder.
// 1. builds the renderer (vite) and the Electron bundles (esbuild);
// 2. builds better-sqlite3 for Electron's ABI into .electron-native/ (once; node_modules keeps its
//    Node build, which the CLI and the tests need) and stages it as dist/native/better_sqlite3.node,
//    which electron-builder.yml ships as an extra resource;
// 3. runs electron-builder (extra arguments are passed on, e.g. `npm run dist -- --linux AppImage`).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { ensureElectronSqlite } from './start.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(ROOT, 'package.json'));

/** The Electron version the app is built for (package.json pins it exactly). */
export function pinnedElectronVersion(root = ROOT) {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const spec = pkg.optionalDependencies?.electron ?? pkg.devDependencies?.electron;
  if (!spec || !/^\d+\.\d+\.\d+$/.test(spec)) throw new Error(`package.json must pin electron to an exact version, got ${JSON.stringify(spec)}`);
  return spec;
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? command)} exited with code ${code}`))));
  });
}

async function main() {
  const version = pinnedElectronVersion();
  const { register } = await import('tsx/esm/api');
  register();
  const build = await import(pathToFileURL(path.join(ROOT, 'electron/cli/build.ts')).href);
  await build.buildRenderer(process.stderr, ROOT);
  await buildElectron({ root: ROOT });
  const addon = await ensureElectronSqlite(version);
  const staged = path.join(ROOT, 'dist', 'native', 'better_sqlite3.node');
  fs.mkdirSync(path.dirname(staged), { recursive: true });
  fs.copyFileSync(addon, staged);
  const cli = require.resolve('electron-builder/cli.js');
  await run(process.execPath, [cli, '--config', 'electron-builder.yml', ...process.argv.slice(2)]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    await main();
  } catch (err) {
    process.stderr.write(`relu-lab dist: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
