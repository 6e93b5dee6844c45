/**
 * The web app for a browser: the interface built with vite, a real `relu-lab serve` on a given
 * database (with a fixed token, kept in its own settings file) and Debian's Chromium, headless. Used
 * by the UI benchmark (`npm run bench:ui`) and the browser end-to-end suites.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** Debian's chromium (playwright cannot download browsers here); RELU_LAB_CHROMIUM overrides it. */
export const CHROMIUM = process.env.RELU_LAB_CHROMIUM ?? '/usr/bin/chromium';

/** Builds the interface into dist/renderer (vite, production build). */
export function buildRenderer(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the interface when dist/renderer is missing or older than the renderer's or shared/ sources. */
export function buildRendererIfStale(): boolean {
  const built = path.join(ROOT, 'dist/renderer/index.html');
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'shared')));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return false;
  buildRenderer();
  return true;
}

export interface Server {
  /** The sign-in address `relu-lab serve` printed (single use). */
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `relu-lab serve` on `dbFile`; settings (and the token) live in `dir`, never the user's. */
export async function startServer(options: { dbFile: string; dir: string; workers: number }): Promise<Server> {
  const settingsFile = path.join(options.dir, 'settings.json');
  const token = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(settingsFile, JSON.stringify({ webToken: token }));
  const server = spawn(process.execPath, ['bin/relu-lab.mjs', 'serve', '--port', '0', '--db', options.dbFile, '--no-open', '--workers', String(options.workers)], {
    cwd: ROOT,
    env: { ...process.env, RELU_LAB_SETTINGS: settingsFile, XDG_CONFIG_HOME: options.dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`relu-lab serve printed no address within 90 s:\n${out}\n${log}`)), 90_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ReLU Lab web mode: (http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`relu-lab serve exited with ${code}:\n${out}\n${log}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    token,
    process: server,
    log: () => log,
    async stop() {
      if (server.exitCode !== null) return;
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    },
  };
}

/** Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
