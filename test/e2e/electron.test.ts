/**
 * The desktop app end to end, through Playwright's Electron driver: start-up, an IPC round trip and
 * the window's security settings. Needs Electron's binary: where it is missing (e.g. an environment
 * that cannot download it) the whole suite is reported as SKIPPED with the reason.
 * Run with: npx vitest run --config test/e2e/vitest.config.ts test/e2e/electron.test.ts (or npm run test:e2e)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { API_OPERATIONS, type ApiResult, type AppInfo, type LabEvent } from '../../shared/api.js';
import type { LabBridge } from '../../shared/api-operations.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Found {
  ok: boolean;
  binary?: string;
  version?: string;
  reason?: string;
}
const start = (await import(pathToFileURL(path.join(ROOT, 'scripts/start.mjs')).href)) as {
  findElectron(root: string): Found;
  ensureElectronSqlite(version: string, o?: { root?: string }): Promise<string>;
};
const found = start.findElectron(ROOT);
const skipReason = found.ok ? null : `Electron binary not installed: ${(found.reason ?? '').replace(/^its binary is not installed: /, '')}`;
if (skipReason) console.warn(`[test/e2e/electron.test.ts] SKIPPED: ${skipReason}`);

/** The page's view of the bridge (the test runs without DOM types). */
type PageGlobals = { reluLab: LabBridge; require?: unknown; process?: unknown; __inline?: number; location: { href: string }; open(url: string): unknown; document: { head: { append(node: unknown): void }; createElement(tag: string): { textContent: string } } };

describe.skipIf(skipReason !== null)(`desktop app (Electron)${skipReason ? ` — SKIPPED: ${skipReason}` : ''}`, () => {
  let app: ElectronApplication;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    const { buildElectron, electronBundlesAreStale } = (await import(pathToFileURL(path.join(ROOT, 'scripts/build-electron.mjs')).href)) as {
      buildElectron(o: { root: string }): Promise<string[]>;
      electronBundlesAreStale(root: string): boolean;
    };
    if (electronBundlesAreStale(ROOT)) await buildElectron({ root: ROOT });
    const build = await import('../../electron/cli/build.js');
    if (build.rendererIsStale(ROOT)) {
      try {
        await build.buildRenderer(process.stderr, ROOT);
      } catch (err) {
        // The IPC and security checks below do not need the interface itself.
        console.warn(`[test/e2e/electron.test.ts] renderer not built: ${(err as Error).message}`);
      }
    }
    const addon = await start.ensureElectronSqlite(found.version!, { root: ROOT });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-e2e-'));
    fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ defaultBackend: 'cpu', workers: 1 }));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && k !== 'ELECTRON_RUN_AS_NODE') env[k] = v;
    Object.assign(env, {
      RELU_LAB_SETTINGS: path.join(dir, 'settings.json'),
      RELU_LAB_DB: path.join(dir, 'lab.sqlite'),
      RELU_LAB_SQLITE_BINDING: addon,
    });
    app = await _electron.launch({ executablePath: found.binary, args: [ROOT], cwd: ROOT, env, timeout: 60_000 });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts with one window on the app protocol', async () => {
    expect(page.url()).toBe('relu-lab://app/index.html');
    expect(app.windows()).toHaveLength(1);
    const name = await app.evaluate(({ app: electronApp }) => electronApp.getName());
    expect(name).toBe('ReLU Lab');
  });

  it('round-trips the lab over IPC, with events', async () => {
    const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).reluLab.getAppInfo());
    expect(info.ok).toBe(true);
    const value = (info as Extract<ApiResult<AppInfo>, { ok: true }>).value;
    expect(value).toMatchObject({ transport: 'ipc', databaseFile: path.join(dir, 'lab.sqlite') });
    expect(value.electronVersion).toBe(found.version);

    const malformed = await page.evaluate(() => (globalThis as unknown as PageGlobals).reluLab.getRun('x' as unknown as number));
    expect(malformed).toEqual({ ok: false, error: { code: 'invalid_argument', message: 'getRun: argument 1 must be a whole number >= 1, got "x"' } });

    const events = await page.evaluate(async () => {
      const bridge = (globalThis as unknown as PageGlobals).reluLab;
      const seen: LabEvent[] = [];
      const done = new Promise<void>((resolve) => {
        const off = bridge.onEvent((e) => {
          seen.push(e);
          if (e.type === 'run-status' && e.status === 'completed') {
            off();
            resolve();
          }
        });
      });
      const created = await bridge.createExperiment({
        name: 'e2e',
        dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2 },
        model: { hiddenLayers: 1, width: 4 },
        training: { learningRate: 0.1, epochs: 1 },
        probe: { samples: 32 },
      });
      if (!created.ok) throw new Error(created.error.message);
      await done;
      return seen.map((e) => e.type);
    });
    expect(events).toEqual(expect.arrayContaining(['run-status', 'epoch']));
    const list = await page.evaluate(() => (globalThis as unknown as PageGlobals).reluLab.listExperiments());
    expect(list).toMatchObject({ ok: true, value: [{ name: 'e2e', statusCounts: { completed: 1 } }] });
  });

  it('locks the window down', async () => {
    const prefs = await app.evaluate(() => (globalThis as Record<symbol, unknown>)[Symbol.for('relu-lab.webPreferences')]);
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });

    const page_ = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      return { require: typeof g.require, process: typeof g.process, bridgeKeys: Object.keys(g.reluLab).sort() };
    });
    expect(page_.require).toBe('undefined');
    expect(page_.process).toBe('undefined');
    expect(page_.bridgeKeys).toEqual([...API_OPERATIONS, 'onEvent', 'saveFile'].sort());

    // The CSP blocks inline scripts.
    const inline = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const s = g.document.createElement('script');
      s.textContent = 'globalThis.__inline = 1';
      g.document.head.append(s);
      return g.__inline ?? null;
    });
    expect(inline).toBeNull();

    // New windows are refused, and so is navigating away from the app.
    const opened = await page.evaluate(() => (globalThis as unknown as PageGlobals).open('https://example.com') === null);
    expect(opened).toBe(true);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('relu-lab://app/index.html');
    expect(app.windows()).toHaveLength(1);
  });
});
