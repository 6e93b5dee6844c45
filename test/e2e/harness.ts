/**
 * What every browser end-to-end suite needs: Debian's Chromium (or a skip with the reason), a fresh
 * renderer build, a real `relu-lab serve` on a temporary database, its HTTP API, and a page.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { decodeJson, encodeJson, type ApiResult } from '../../shared/api.js';
import { buildRenderer, CHROMIUM, launchChromium, ROOT, startServer } from '../../bench/web.js';

export { CHROMIUM, ROOT };
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
  buildRenderer();
  const server = await startServer({ dbFile, dir: tmp, workers: options.workers });
  const { url, origin, token } = server;

  const browser = await launchChromium();
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
    serverLog: server.log,
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
      await server.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  };
}
