#!/usr/bin/env node
// `npm start`: the desktop app when Electron is installed, else web mode.
//
// With Electron: builds the renderer and the Electron bundles when stale, builds better-sqlite3 once
// for Electron's ABI into .electron-native/ (the node_modules copy stays built for Node, for the CLI
// and the tests), then launches Electron with that addon (RELU_LAB_SQLITE_BINDING).
// Without Electron's binary: says why in one line and runs `relu-lab serve` instead.
// Arguments after `npm start --` go to Electron, or to `relu-lab serve` (e.g. --port 8080 --no-open).
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SQLITE_BINDING_ENV = 'RELU_LAB_SQLITE_BINDING';

function firstLine(err) {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0].trim();
}

/**
 * Electron's binary, if this machine has it: `require('electron')` returns its path when the
 * package's postinstall downloaded it. Returns { ok: true, binary, version } or { ok: false, reason }.
 */
export function findElectron(root = ROOT) {
  const require = createRequire(path.join(root, 'package.json'));
  let version;
  try {
    version = require('electron/package.json').version;
  } catch {
    return { ok: false, reason: 'its binary is not installed: the optional dependency "electron" is missing from node_modules' };
  }
  let binary;
  try {
    binary = require('electron');
  } catch (err) {
    return { ok: false, reason: `its binary is not installed: ${firstLine(err)}` };
  }
  if (typeof binary !== 'string' || !fs.existsSync(binary)) {
    return { ok: false, reason: `its binary is not installed: ${String(binary)} does not exist` };
  }
  return { ok: true, binary, version };
}

/** Where the Electron build of better-sqlite3 lives, per Electron version and platform. */
export function electronNativeDir(electronVersion, root = ROOT) {
  return path.join(root, '.electron-native', `electron-${electronVersion}-${process.platform}-${process.arch}`);
}

/**
 * better_sqlite3.node built for Electron's ABI, built once (stamped) from a copy of the package so
 * the Node build in node_modules is untouched. Needs a compiler toolchain and Electron's headers
 * (downloaded by node-gyp from electronjs.org the first time).
 */
export async function ensureElectronSqlite(electronVersion, { root = ROOT, log = (l) => process.stderr.write(`${l}\n`) } = {}) {
  const require = createRequire(path.join(root, 'package.json'));
  const sourceDir = path.dirname(require.resolve('better-sqlite3/package.json'));
  const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sourceDir, 'package.json'), 'utf8')).version;
  const dir = electronNativeDir(electronVersion, root);
  const packageDir = path.join(dir, 'better-sqlite3');
  const addon = path.join(packageDir, 'build', 'Release', 'better_sqlite3.node');
  const stampFile = path.join(dir, 'stamp.json');
  const stamp = { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch: process.arch };
  try {
    const old = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
    if (JSON.stringify(old) === JSON.stringify(stamp) && fs.existsSync(addon)) return addon;
  } catch {
    // Not built yet.
  }
  log(`building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} (once) in ${path.relative(root, dir)}…`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.cpSync(sourceDir, packageDir, { recursive: true, filter: (src) => !src.startsWith(path.join(sourceDir, 'build')) });
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  // A configured nodedir (e.g. `nodedir=/usr` in .npmrc, passed on as npm_config_nodedir) would
  // make node-gyp build against Node's headers instead of Electron's.
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion, npm_config_disturl: 'https://electronjs.org/headers' };
  for (const key of Object.keys(env)) if (/^(npm_config_nodedir|nodedir)$/i.test(key)) delete env[key];
  const code = await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', `--arch=${process.arch}`, '--dist-url=https://electronjs.org/headers'],
      { cwd: packageDir, stdio: ['ignore', 'inherit', 'inherit'], env },
    );
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0 || !fs.existsSync(addon)) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`building better-sqlite3 for Electron ${electronVersion} failed (node-gyp exited with code ${code}); a C++ toolchain and network access to electronjs.org/headers are needed once`);
  }
  const problem = builtForThisNode(addon);
  if (problem) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(problem);
  }
  fs.writeFileSync(stampFile, `${JSON.stringify(stamp)}\n`);
  return addon;
}

/**
 * An addon built for Electron must NOT load in plain Node (its NODE_MODULE_VERSION differs): if it
 * does, node-gyp used Node's headers. Returns the problem, or null.
 */
export function builtForThisNode(addon) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})`], { encoding: 'utf8' });
  if (probe.status === 0) {
    return `the better-sqlite3 build in ${addon} loads in Node ${process.version}, so it was built against Node's headers, not Electron's (is a nodedir configured for npm/node-gyp?)`;
  }
  return /NODE_MODULE_VERSION/.test(probe.stderr) ? null : `cannot check the better-sqlite3 build in ${addon}: ${probe.stderr.split('\n').find((l) => l.trim()) ?? 'unknown error'}`;
}

/** Loads the TypeScript helpers (renderer build, CLI) through tsx. */
async function loadTs() {
  const { register } = await import('tsx/esm/api');
  register();
  const build = await import(pathToFileURL(path.join(ROOT, 'electron/cli/build.ts')).href);
  return { build };
}

/** Builds the renderer when missing or stale; a failed rebuild falls back to an existing build. */
async function ensureRenderer(build) {
  if (!build.rendererIsStale(ROOT)) return;
  process.stderr.write('building the interface (renderer/ changed or dist/renderer is missing)…\n');
  try {
    await build.buildRenderer(process.stderr, ROOT);
  } catch (err) {
    if (fs.existsSync(build.rendererIndex(ROOT))) {
      process.stderr.write(`warning: ${firstLine(err)}; using the previous build in dist/renderer\n`);
      return;
    }
    throw err;
  }
}

async function startWebMode(args) {
  const { build } = await loadTs();
  await ensureRenderer(build);
  const { main } = await import(pathToFileURL(path.join(ROOT, 'electron/cli/main.ts')).href);
  return main(['serve', ...args]);
}

async function startElectron(electron, args) {
  const { build } = await loadTs();
  await ensureRenderer(build);
  const { buildElectron, electronBundlesAreStale } = await import('./build-electron.mjs');
  if (electronBundlesAreStale(ROOT)) await buildElectron({ root: ROOT });
  let addon;
  try {
    addon = await ensureElectronSqlite(electron.version);
  } catch (err) {
    process.stdout.write(`Electron ${electron.version} is installed but cannot open the lab database (${firstLine(err)}); starting web mode instead.\n`);
    const { main } = await import(pathToFileURL(path.join(ROOT, 'electron/cli/main.ts')).href);
    return main(['serve', ...args]);
  }
  const env = { ...process.env, [SQLITE_BINDING_ENV]: addon };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron.binary, [ROOT, ...args], { stdio: 'inherit', env, cwd: ROOT });
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const electron = findElectron(ROOT);
  if (!electron.ok) {
    process.stdout.write(`Electron is not available here (${electron.reason}); starting web mode instead.\n`);
    return startWebMode(args);
  }
  return startElectron(electron, args);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  try {
    process.exitCode = await main();
  } catch (err) {
    process.stderr.write(`relu-lab start: ${firstLine(err)}\n`);
    process.exitCode = 1;
  }
}
