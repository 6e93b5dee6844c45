/**
 * What every browser end-to-end suite needs: Debian's Chromium (or a skip with the reason), a fresh
 * renderer build, a real `relu-lab serve` on a temporary database, its HTTP API, and a page.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { decodeJson, encodeJson, type ApiResult } from '../../shared/api.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Debian's chromium (playwright cannot download browsers here); RELU_LAB_CHROMIUM overrides it. */
export const CHROMIUM = process.env.RELU_LAB_CHROMIUM ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

/** Prints why a suite is skipped, so a missing browser never passes silently. */
export function reportSkip(suite: string): void {
  if (!HAVE_CHROMIUM) console.warn(`[e2e] SKIPPED ${suite}: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
}

export interface WebApp {
  tmp: string;
  dbFile: string;
  /** The sign-in address `relu-lab serve` printed (single use: later visits rely on the page's stored token). */
  url: string;
  origin: string;
  /** The server's token, for `api()` (kept in the test's settings file, as `webToken`). */
  token: string;
  browser: Browser;
  page: Page;
  /** Uncaught page errors, console errors and HTTP errors seen so far. */
  pageErrors: string[];
  serverLog(): string;
  /** Calls the lab's HTTP API directly (to set things up, and to check what the UI did). */
  api<T>(operation: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

/** Builds the renderer, starts `relu-lab serve` on a fresh database and opens a Chromium page. */
export async function startWebApp(options: { name: string; workers: number; page?: BrowserContextOptions; /** An existing database to serve (default: a fresh one). */ dbFile?: string }): Promise<WebApp> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `relu-lab-e2e-${options.name}-`));
  const dbFile = options.dbFile ?? path.join(tmp, 'lab.sqlite');
  // Test the renderer as it is now, not a stale build.
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'pipe' });

  // Settings (theme…) go to a file of this test, never the user's; its webToken is the server's token.
  const settingsFile = path.join(tmp, 'settings.json');
  const token = crypto.randomBytes(24).toString('hex');
  fs.writeFileSync(settingsFile, JSON.stringify({ webToken: token }));
  const server: ChildProcess = spawn(process.execPath, ['bin/relu-lab.mjs', 'serve', '--port', '0', '--db', dbFile, '--no-open', '--workers', String(options.workers)], {
    cwd: ROOT,
    env: { ...process.env, RELU_LAB_SETTINGS: settingsFile, XDG_CONFIG_HOME: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let serverLog = '';
  server.stderr!.on('data', (d: Buffer) => (serverLog += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`relu-lab serve printed no address within 90 s:\n${out}\n${serverLog}`)), 90_000);
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ReLU Lab web mode: (http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`relu-lab serve exited with ${code}:\n${out}\n${serverLog}`)));
  });
  const origin = new URL(url).origin;

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light', ...options.page });
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  page.on('response', (res) => {
    if (res.status() >= 400) pageErrors.push(`HTTP ${res.status()} ${res.url()}`);
  });

  return {
    tmp,
    dbFile,
    url,
    origin,
    token,
    browser,
    page,
    pageErrors,
    serverLog: () => serverLog,
    async api<T>(operation: string, ...args: unknown[]): Promise<T> {
      const res = await fetch(`${origin}/api/call/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: encodeJson({ args }),
      });
      const result = decodeJson<ApiResult<T>>(await res.text());
      if (!result.ok) throw new Error(`${operation}: ${result.error.code}: ${result.error.message}`);
      return result.value;
    },
    async close() {
      await browser.close();
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
