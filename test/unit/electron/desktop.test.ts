/**
 * The desktop app's code, tested without Electron's binary: the IPC contract, the menu, the bundles
 * (the preload run in a sandbox-like VM, the worker training a run), and the main process's wiring
 * with a stand-in `electron` module (windows, IPC, protocol, navigation and permission locks).
 * test/e2e/electron.test.ts runs the real app when Electron is installed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MENU_ACTIONS, type ApiResult, type LabEvent } from '../../../shared/api.js';
import { API_OPERATIONS, EVENT_CHANNEL, SAVE_FILE_CHANNEL, ipcChannel } from '../../../shared/api-operations.js';
import { externalLink, requestedDatabaseFile, safeFileName, saveRequestProblem } from '../../../electron/ipc.js';
import { menuTemplate } from '../../../electron/menu.js';
import { CONTENT_SECURITY_POLICY } from '../../../electron/server/http.js';
import type { FakeState } from './fake-electron.js';
import { tempDir, tinyConfig } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const require = createRequire(import.meta.url);

describe('IPC contract', () => {
  it('has one channel per API operation', () => {
    const channels = API_OPERATIONS.map((op) => ipcChannel(op));
    expect(new Set([...channels, EVENT_CHANNEL, SAVE_FILE_CHANNEL]).size).toBe(API_OPERATIONS.length + 2);
    expect(ipcChannel('getRun')).toBe('lab:getRun');
  });

  it('checks save requests and file names', () => {
    expect(saveRequestProblem({ suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x' })).toBeNull();
    expect(saveRequestProblem({ suggestedName: 'a.png', mimeType: 'image/png', data: new Uint8Array([1]) })).toBeNull();
    expect(saveRequestProblem(null)).toMatch(/must be an object/);
    expect(saveRequestProblem({ suggestedName: '', mimeType: 'x', data: 'x' })).toMatch(/suggestedName/);
    expect(saveRequestProblem({ suggestedName: 'a', mimeType: 'x', data: 5 })).toMatch(/data must be text or bytes/);
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\x\\run:1?.csv')).toBe('run_1_.csv');
    expect(safeFileName('...')).toBe('export');
  });

  it('asks for a database switch only when the page names another file', () => {
    expect(requestedDatabaseFile([{ theme: 'dark' }], '/a/lab.sqlite')).toBeNull();
    expect(requestedDatabaseFile([{ databaseFile: '/a/lab.sqlite' }], '/a/lab.sqlite')).toBeNull();
    expect(requestedDatabaseFile([{ databaseFile: '/a/./lab.sqlite ' }], '/a/lab.sqlite', (f) => path.resolve(f))).toBeNull();
    expect(requestedDatabaseFile([{ databaseFile: '/b/other.sqlite' }], '/a/lab.sqlite')).toBe('/b/other.sqlite');
    expect(requestedDatabaseFile([{ databaseFile: 42 }], '/a/lab.sqlite')).toBeNull();
    expect(requestedDatabaseFile([null], '/a/lab.sqlite')).toBeNull();
  });

  it('offers only https links, normalised, for the browser', () => {
    expect(externalLink('https://arxiv.org/abs/1903.06733')).toBe('https://arxiv.org/abs/1903.06733');
    // A look-alike host is shown as punycode, spaces and the like percent-encoded.
    expect(externalLink('https://ΑΡΧΙΒ.example/a b')).toMatch(/^https:\/\/xn--[a-z0-9]+\.example\/a%20b$/);
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'javascript:alert(1)', 'relu-lab://app/', 'https://user:pw@example.com/', 'not a url']) {
      expect(externalLink(url), url).toBeNull();
    }
  });
});

describe('native menu', () => {
  type Item = { label?: string; role?: string; id?: string; submenu?: Item[]; click?: () => void };
  const find = (items: Item[], id: string): Item | undefined => {
    for (const item of items) {
      if (item.id === id) return item;
      const inner = item.submenu ? find(item.submenu, id) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };

  it('has File, Edit, View and Help, and routes each item', () => {
    const sent: string[] = [];
    const calls: string[] = [];
    const template = menuTemplate({ send: (a) => sent.push(a), openDatabase: () => calls.push('open'), about: () => calls.push('about') }, 'linux', 'ReLU Lab', { devTools: true }) as Item[];
    expect(template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
    for (const id of ['new-experiment', 'import', 'export', 'settings']) find(template, id)!.click!();
    find(template, 'open-database')!.click!();
    find(template, 'about')!.click!();
    expect(sent).toEqual(['new-experiment', 'import', 'export', 'settings']);
    expect(sent.every((a) => (MENU_ACTIONS as readonly string[]).includes(a))).toBe(true);
    expect(calls).toEqual(['open', 'about']);
    expect(find(template, 'quit')?.role).toBe('quit');
    const roles = (label: string) => template.find((m) => m.label === label)!.submenu!.map((i) => i.role).filter(Boolean);
    expect(roles('&Edit')).toEqual(expect.arrayContaining(['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));
    expect(roles('&View')).toEqual(expect.arrayContaining(['reload', 'toggleDevTools', 'resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it('has no developer tools in packaged builds (the default)', () => {
    const handlers = { send: () => undefined, openDatabase: () => undefined, about: () => undefined };
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      for (const template of [menuTemplate(handlers, platform), menuTemplate(handlers, platform, 'ReLU Lab', { devTools: false })] as Item[][]) {
        const all = JSON.stringify(template);
        expect(all, platform).not.toMatch(/toggleDevTools|devtools/i);
        const view = template.find((m) => m.label === '&View')!.submenu!.map((i) => i.role);
        expect(view).toEqual(expect.arrayContaining(['reload', 'resetZoom', 'togglefullscreen']));
      }
    }
  });

  it('adds the app menu on macOS', () => {
    const template = menuTemplate({ send: () => undefined, openDatabase: () => undefined, about: () => undefined }, 'darwin') as Item[];
    expect(template[0].label).toBe('ReLU Lab');
    expect(template[0].submenu!.some((i) => i.role === 'quit')).toBe(true);
  });
});

describe('electron imports', () => {
  it('only the Electron entry points import electron (menu.ts only its types)', () => {
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (/\.(ts|mts|cts|mjs|cjs|js)$/.test(entry.name)) {
          const rel = path.relative(ROOT, file).split(path.sep).join('/');
          const text = fs.readFileSync(file, 'utf8');
          const valueImport = /^\s*import\s+(?!type\b)[^;]*from\s+['"]electron['"]|require\(\s*['"]electron['"]\s*\)|import\(\s*['"]electron['"]\s*\)/m.test(text);
          const typeImport = /^\s*import\s+type\s[^;]*from\s+['"]electron['"]/m.test(text);
          if (valueImport && rel !== 'electron/main.ts' && rel !== 'electron/preload.ts') offenders.push(rel);
          if (typeImport && rel !== 'electron/menu.ts' && rel !== 'electron/main.ts' && rel !== 'electron/preload.ts') offenders.push(`${rel} (types)`);
        }
      }
    };
    visit(path.join(ROOT, 'electron'));
    expect(offenders).toEqual([]);
  });
});

describe('electron-builder config', () => {
  it('packages the bundles for the pinned Electron version', () => {
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(config.productName).toBe('ReLU Lab');
    expect(config.appId).toMatch(/\w+\.\w+/);
    expect(config.electronVersion).toBe(pkg.optionalDependencies.electron);
    expect((config.extraMetadata as { main: string }).main).toBe('dist/electron/main.mjs');
    expect(pkg.main).toBe('dist/electron/main.mjs');
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm']));
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json']));
    expect(config.npmRebuild).toBe(false);
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    expect((config.mac as { target: string[] }).target).toEqual(['dmg']);
    expect((config.win as { target: string[] }).target).toEqual(['nsis']);
    expect(pkg.scripts).toMatchObject({ start: 'node scripts/start.mjs', 'build:electron': 'node scripts/build-electron.mjs', dist: 'node scripts/dist.mjs' });
    expect(pkg.scripts.postinstall).toBeUndefined();
  });

  it('flips the Electron fuses: no run-as-node, no NODE_OPTIONS or --inspect, asar only and integrity-checked', async () => {
    const yaml = require('js-yaml') as { load(text: string): unknown };
    const config = yaml.load(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar ?? true).toBe(true);
    // The whole file passes electron-builder's own validation (a misspelt fuse would be refused).
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration(c: unknown, logger: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, electronFuses: { runAsNod: false } }, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });
});

describe('npm start: finding Electron', () => {
  function fakeRoot(electronIndex: string | null): string {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'package.json'), '{"name":"x"}');
    if (electronIndex !== null) {
      const dir = path.join(root, 'node_modules', 'electron');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{"name":"electron","version":"41.7.1","main":"index.js"}');
      fs.writeFileSync(path.join(dir, 'index.js'), electronIndex);
    }
    return root;
  }

  it('says why Electron cannot start: package missing, binary never downloaded, binary gone', async () => {
    const { findElectron } = (await import(pathToFileURL(path.join(ROOT, 'scripts/start.mjs')).href)) as {
      findElectron(root: string): { ok: boolean; reason?: string; binary?: string; version?: string };
    };
    expect(findElectron(fakeRoot(null))).toEqual({ ok: false, reason: expect.stringMatching(/^its binary is not installed: .*"electron" is missing/) });
    const failed = findElectron(fakeRoot("throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again')"));
    expect(failed).toEqual({ ok: false, reason: 'its binary is not installed: Electron failed to install correctly, please delete node_modules/electron and try installing again' });
    expect(findElectron(fakeRoot("module.exports = '/nonexistent/electron'")).reason).toMatch(/\/nonexistent\/electron does not exist/);
    const present = findElectron(fakeRoot(`module.exports = ${JSON.stringify(process.execPath)}`));
    expect(present).toEqual({ ok: true, binary: process.execPath, version: '41.7.1' });
    // Here and now:
    const here = findElectron(ROOT);
    expect(typeof here.ok).toBe('boolean');
  });

  it('refuses a better-sqlite3 "Electron" build that is really built for Node', async () => {
    const { builtForThisNode } = (await import(pathToFileURL(path.join(ROOT, 'scripts/start.mjs')).href)) as { builtForThisNode(addon: string): string | null };
    const nodeBuild = path.join(path.dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
    expect(builtForThisNode(nodeBuild)).toMatch(/built against Node's headers, not Electron's/);
    expect(builtForThisNode(path.join(tempDir(), 'missing.node'))).toMatch(/^cannot check/);
  });
});

// ---------------------------------------------------------------------------------------------
// The bundles

const OUT = path.join(ROOT, 'dist', `.test-electron-${process.pid}`);

describe('bundles', () => {
  beforeAll(async () => {
    const { buildElectron } = (await import(pathToFileURL(path.join(ROOT, 'scripts/build-electron.mjs')).href)) as {
      buildElectron(o: { root: string; outdir: string; log: (l: string) => void }): Promise<string[]>;
    };
    await buildElectron({ root: ROOT, outdir: OUT, log: () => undefined });
    // The main process again, with the stand-in electron module.
    const { build } = await import('esbuild');
    await build({
      absWorkingDir: ROOT,
      entryPoints: { 'main-fake-electron': 'electron/main.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      alias: { electron: path.join(ROOT, 'test/unit/electron/fake-electron.ts') },
      outdir: OUT,
      outExtension: { '.js': '.mjs' },
      logLevel: 'error',
    });
  });
  afterAll(() => fs.rmSync(OUT, { recursive: true, force: true }));

  it('builds a self-contained CommonJS preload that needs only electron', () => {
    const code = fs.readFileSync(path.join(OUT, 'preload.cjs'), 'utf8');
    const required = [...code.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(code).not.toMatch(/^\s*import\s/m);
    expect(code).not.toMatch(/zod/);
  });

  it('the preload exposes one named function per operation, onEvent and saveFile, never ipcRenderer', async () => {
    const code = fs.readFileSync(path.join(OUT, 'preload.cjs'), 'utf8');
    const exposed: Record<string, Record<string, unknown>> = {};
    const invoked: [string, unknown[]][] = [];
    const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
    const ipcRenderer = {
      invoke: async (channel: string, ...args: unknown[]) => {
        invoked.push([channel, args]);
        return { ok: true, value: channel };
      },
      on: (channel: string, listener: (...a: unknown[]) => void) => {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)!.add(listener);
      },
      removeListener: (channel: string, listener: (...a: unknown[]) => void) => listeners.get(channel)?.delete(listener),
    };
    const electron = { contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => (exposed[key] = api) }, ipcRenderer };
    const sandboxRequire = (name: string) => {
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    };
    vm.runInNewContext(code, { require: sandboxRequire, module: { exports: {} }, exports: {} });

    const bridge = exposed.reluLab as Record<string, (...a: unknown[]) => unknown>;
    expect(Object.keys(exposed)).toEqual(['reluLab']);
    expect(Object.keys(bridge).sort()).toEqual([...API_OPERATIONS, 'onEvent', 'saveFile'].sort());
    for (const op of API_OPERATIONS) {
      expect(typeof bridge[op]).toBe('function');
      expect(bridge[op].name).toBe(op);
    }
    expect(Object.values(bridge)).not.toContain(ipcRenderer);
    await expect(bridge.getRun(3)).resolves.toEqual({ ok: true, value: 'lab:getRun' });
    await bridge.updateExperiment(1, { name: 'x' });
    await bridge.saveFile({ suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x' });
    expect(invoked).toEqual([
      ['lab:getRun', [3]],
      ['lab:updateExperiment', [1, { name: 'x' }]],
      ['lab:saveFile', [{ suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x' }]],
    ]);
    const got: unknown[] = [];
    const off = bridge.onEvent((e: unknown) => got.push(e)) as () => void;
    for (const l of listeners.get('lab:event')!) l({ sender: {} }, { type: 'experiments-changed' });
    expect(got).toEqual([{ type: 'experiments-changed' }]);
    off();
    expect(listeners.get('lab:event')!.size).toBe(0);
    expect(() => bridge.onEvent('not a function')).toThrow(/needs a function/);
  });

  it('the bundled training worker trains a run in plain Node', async () => {
    const { LabService } = await import('../../../electron/lab/service.js');
    const dir = tempDir();
    const service = LabService.open({
      transport: 'ipc',
      settingsFile: path.join(dir, 's.json'),
      env: {},
      overrides: { databaseFile: path.join(dir, 'lab.sqlite'), workers: 1, defaultBackend: 'cpu' },
      workerEntry: pathToFileURL(path.join(OUT, 'worker.mjs')),
      log: () => undefined,
    });
    try {
      const created = await service.createExperiment(tinyConfig({ epochs: 1 }));
      await new Promise<void>((resolve) => {
        service.subscribe((e) => {
          if (e.type === 'run-status' && e.status !== 'running') resolve();
        });
      });
      expect((await service.getRun(created.runIds[0])).status).toBe('completed');
    } finally {
      await service.close();
    }
  });

  describe('main process with a stand-in electron module', () => {
    let fake: FakeState;
    let dir: string;
    const appFrame = () => ({ senderFrame: { url: 'relu-lab://app/index.html' }, sender: fake.windows[0].webContents });

    beforeAll(async () => {
      // Not tempDir(): that one is removed after each test, and this app lives for the whole block.
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-main-app-'));
      const appPath = path.join(dir, 'app');
      fs.mkdirSync(path.join(appPath, 'dist', 'renderer', 'assets'), { recursive: true });
      fs.writeFileSync(path.join(appPath, 'dist', 'renderer', 'index.html'), '<!doctype html><title>app</title>');
      fs.writeFileSync(path.join(appPath, 'dist', 'renderer', 'assets', 'a.js'), 'x()');
      fs.writeFileSync(path.join(dir, 'secret.txt'), 'TOP SECRET');
      fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ defaultBackend: 'cpu', workers: 1 }));
      process.env.RELU_LAB_SETTINGS = path.join(dir, 'settings.json');
      process.env.RELU_LAB_DB = path.join(dir, 'lab.sqlite');
      delete process.env.RELU_LAB_SQLITE_BINDING;
      await import(pathToFileURL(path.join(OUT, 'main-fake-electron.mjs')).href);
      fake = (globalThis as unknown as { __fakeElectron: FakeState }).__fakeElectron;
      fake.appPath = appPath;
      fake.userData = dir;
      for (let i = 0; i < 200 && fake.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    });

    afterAll(async () => {
      let prevented = false;
      fake.app!.emit('before-quit', { preventDefault: () => (prevented = true) });
      for (let i = 0; i < 500 && fake.quitCalls === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(prevented).toBe(true);
      expect(fake.quitCalls).toBe(1);
      delete process.env.RELU_LAB_SETTINGS;
      delete process.env.RELU_LAB_DB;
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('opens one locked-down window on the app protocol', () => {
      expect(fake.errorBoxes).toEqual([]);
      expect(fake.appName).toBe('ReLU Lab');
      expect(fake.privilegedSchemes).toEqual([{ scheme: 'relu-lab', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
      expect(fake.windows).toHaveLength(1);
      const prefs = (fake.windows[0].options as { webPreferences: Record<string, unknown> }).webPreferences;
      expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
      expect(prefs.preload).toBe(path.join(OUT, 'preload.cjs'));
      expect(fake.windows[0].webContents.getURL()).toBe('relu-lab://app/index.html');
    });

    it('registers one IPC handler per operation, plus saveFile', () => {
      expect([...fake.ipcHandlers.keys()].sort()).toEqual([...API_OPERATIONS.map((op) => `lab:${op}`), 'lab:saveFile'].sort());
    });

    it('answers IPC only for the app’s own page, validating every payload', async () => {
      const call = (channel: string, event: unknown, ...args: unknown[]) =>
        Promise.resolve(fake.ipcHandlers.get(channel)!(event, ...args) as ApiResult<unknown> | Promise<ApiResult<unknown>>);
      await expect(call('lab:listExperiments', appFrame())).resolves.toEqual({ ok: true, value: [] });
      for (const url of ['https://evil.example/', 'file:///tmp/index.html', 'relu-lab://evil/index.html', 'relu-lab-app://app/']) {
        await expect(call('lab:listExperiments', { senderFrame: { url } })).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
      await expect(call('lab:listExperiments', { senderFrame: null })).resolves.toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      await expect(call('lab:getRun', appFrame(), 'x')).resolves.toEqual({
        ok: false,
        error: { code: 'invalid_argument', message: 'getRun: argument 1 must be a whole number >= 1, got "x"' },
      });
      await expect(call('lab:saveFile', appFrame(), { suggestedName: 'x' })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
      await expect(call('lab:saveFile', appFrame(), { suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x' })).resolves.toEqual({
        ok: true,
        value: { saved: false, path: null },
      });
    });

    it('round-trips an experiment over IPC and forwards its events to the window', async () => {
      const call = (channel: string, ...args: unknown[]) => fake.ipcHandlers.get(channel)!(appFrame(), ...args) as Promise<ApiResult<unknown>>;
      const created = await call('lab:createExperiment', tinyConfig({ epochs: 1 }));
      if (!created.ok) throw new Error(created.error.message);
      const events = () => fake.sent.filter((s) => s.channel === 'lab:event').map((s) => s.args[0] as LabEvent);
      for (let i = 0; i < 3000 && !events().some((e) => e.type === 'run-status' && e.status === 'completed'); i++) await new Promise((r) => setTimeout(r, 10));
      expect(events().map((e) => e.type)).toEqual(expect.arrayContaining(['run-status', 'epoch', 'experiments-changed']));
      const info = await call('lab:getAppInfo');
      expect(info).toMatchObject({ ok: true, value: { transport: 'ipc', trainingBackend: 'cpu', databaseFile: path.join(dir, 'lab.sqlite') } });
    });

    it('serves the renderer on its protocol with the CSP, and nothing outside it', async () => {
      const handler = fake.protocolHandlers.get('relu-lab')!;
      const index = await handler(new Request('relu-lab://app/index.html'));
      expect(index.status).toBe(200);
      expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(index.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await index.text()).toContain('<title>app</title>');
      expect((await handler(new Request('relu-lab://app/assets/a.js'))).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect((await (await handler(new Request('relu-lab://app/some/route'))).text())).toContain('<title>app</title>');
      for (const url of ['relu-lab://app/../../secret.txt', 'relu-lab://app/%2e%2e%2f%2e%2e%2fsecret.txt', 'relu-lab://app/..%2f..%2fsecret.txt', 'relu-lab://other/index.html']) {
        const res = await handler(new Request(url));
        expect(await res.text(), url).not.toContain('TOP SECRET');
      }
      expect((await handler(new Request('relu-lab://other/index.html'))).status).toBe(404);
    });

    it('denies navigation away from the app, new windows and permissions; adds the CSP to every response', () => {
      const contents = fake.windows[0].webContents;
      const navigate = (url: string) => {
        let prevented = false;
        contents.emit('will-navigate', { url, preventDefault: () => (prevented = true) }, url);
        return prevented;
      };
      expect(navigate('https://evil.example/')).toBe(true);
      expect(navigate('file:///etc/passwd')).toBe(true);
      expect(navigate('relu-lab://app/index.html#/runs')).toBe(false);
      let webviewBlocked = false;
      contents.emit('will-attach-webview', { preventDefault: () => (webviewBlocked = true) }, {}, {});
      expect(webviewBlocked).toBe(true);
      fake.dialogs.length = 0;
      expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
      expect(fake.dialogs).toEqual([]);
      const granted: boolean[] = [];
      fake.permissionRequestHandler!(contents, 'media', (ok: boolean) => granted.push(ok), {});
      fake.permissionRequestHandler!(contents, 'notifications', (ok: boolean) => granted.push(ok), {});
      expect(granted).toEqual([false, false]);
      expect(fake.permissionCheckHandler!(contents, 'clipboard-read', 'relu-lab://app', {})).toBe(false);
      let headers: Record<string, string[]> = {};
      fake.headersReceived!({ url: 'relu-lab://app/index.html', responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
      expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    });

    it('opens a link in the browser only after the user confirms it', async () => {
      const contents = fake.windows[0].webContents;
      fake.dialogs.length = 0;
      fake.answers.message.push(0);
      expect(contents.windowOpenHandler!({ url: 'https://arxiv.org/abs/1502.01852' })).toEqual({ action: 'deny' });
      await expect.poll(() => fake.dialogs.length).toBe(1);
      expect(fake.dialogs[0]).toMatchObject({ kind: 'message', options: { detail: 'https://arxiv.org/abs/1502.01852', buttons: ['Cancel', 'Open in browser'], cancelId: 0, defaultId: 0 } });
      await new Promise((r) => setTimeout(r, 20));
      expect(fake.opened).toEqual([]);
      fake.answers.message.push(1);
      contents.windowOpenHandler!({ url: 'https://arxiv.org/abs/1502.01852' });
      await expect.poll(() => fake.opened).toEqual(['https://arxiv.org/abs/1502.01852']);
      for (const url of ['http://example.com/', 'javascript:alert(1)', 'file:///etc/passwd']) contents.windowOpenHandler!({ url });
      await new Promise((r) => setTimeout(r, 20));
      expect(fake.dialogs).toHaveLength(2);
    });

    it('offers developer tools outside packaged builds only (here: not packaged)', () => {
      const prefs = (fake.windows[0].options as { webPreferences: Record<string, unknown> }).webPreferences;
      expect(prefs.devTools).toBe(true);
      type Item = { role?: string; submenu?: Item[] };
      expect((fake.menuTemplate as Item[]).flatMap((m) => m.submenu ?? []).some((i) => i.role === 'toggleDevTools')).toBe(true);
    });

    it('switches databases only to the file the user picks in the native dialog', async () => {
      const call = (...args: unknown[]) => fake.ipcHandlers.get('lab:updateSettings')!(appFrame(), ...args) as Promise<ApiResult<{ databaseFile: string; theme: string }>>;
      const before = path.join(dir, 'lab.sqlite');
      fake.dialogs.length = 0;
      // The page names a file; the dialog is cancelled: nothing changes, nothing is created.
      const wanted = path.join(dir, 'page-wants-this.sqlite');
      const cancelled = await call({ databaseFile: wanted });
      expect(cancelled).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: expect.stringMatching(/^updateSettings: databaseFile: switching databases needs your choice in the file dialog/) } });
      expect(fake.dialogs).toEqual([{ kind: 'save', options: expect.objectContaining({ defaultPath: wanted }) }]);
      expect(fs.existsSync(wanted)).toBe(false);
      expect(await call({ theme: 'dark' })).toMatchObject({ ok: true, value: { databaseFile: before, theme: 'dark' } });
      // The user picks another file in the dialog: that one is used, not the page's.
      const picked = path.join(dir, 'user-picked.sqlite');
      fake.answers.save.push(picked);
      expect(await call({ databaseFile: wanted, theme: 'light' })).toMatchObject({ ok: true, value: { databaseFile: picked, theme: 'light' } });
      expect(fs.existsSync(wanted)).toBe(false);
      expect(fs.existsSync(picked)).toBe(true);
      // An existing file is confirmed in an open dialog.
      fake.answers.open.push([before]);
      expect(await call({ databaseFile: before })).toMatchObject({ ok: true, value: { databaseFile: before } });
      expect(fake.dialogs.at(-1)).toEqual({ kind: 'open', options: expect.objectContaining({ defaultPath: before }) });
      // Naming the file in use needs no dialog.
      const shown = fake.dialogs.length;
      expect(await call({ databaseFile: before })).toMatchObject({ ok: true });
      expect(fake.dialogs).toHaveLength(shown);
    });

    it('sends menu actions to the window', () => {
      type Item = { id?: string; submenu?: Item[]; click?: () => void };
      const items = (fake.menuTemplate as Item[]).flatMap((m) => m.submenu ?? []);
      items.find((i) => i.id === 'new-experiment')!.click!();
      expect(fake.sent.at(-1)).toEqual({ channel: 'lab:event', args: [{ type: 'menu', action: 'new-experiment' }] });
    });
  });
});

// ---------------------------------------------------------------------------------------------

const electronTypes = path.join(ROOT, 'node_modules', 'electron', 'electron.d.ts');
const haveElectronTypes = fs.existsSync(electronTypes);
const typesSkipReason = haveElectronTypes ? '' : ' — SKIPPED: the electron package is not installed (no node_modules/electron/electron.d.ts)';

describe('Electron API types', () => {
  it.skipIf(!haveElectronTypes)(`main, preload and menu type-check against the real electron.d.ts${typesSkipReason}`, () => {
    const config = path.join(ROOT, 'dist', `.tsconfig-electron-${process.pid}.json`);
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(
      config,
      JSON.stringify({
        extends: '../tsconfig.json',
        compilerOptions: { noEmit: true, paths: {}, typeRoots: ['../node_modules/@types'] },
        include: ['../electron', '../shared', '../db'],
        files: [electronTypes],
      }),
    );
    try {
      const tsc = path.join(path.dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
      const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: ROOT, encoding: 'utf8' });
      expect(result.stdout + result.stderr).toBe('');
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(config, { force: true });
    }
  });
});
