/**
 * The desktop app's main process (bundled to dist/electron/main.mjs by scripts/build-electron.mjs;
 * started by `npm start`). It owns the lab (LabService: database + training workers) and serves the
 * renderer from its own `relu-lab://app/` protocol into one locked-down window:
 *  - contextIsolation, sandbox, no Node in the page, webSecurity on, a strict CSP on every response;
 *  - navigation away from the app, new windows, webviews and permission requests are all refused;
 *  - IPC: one channel per lab operation (`lab:<operation>`), answered only for the app's own page,
 *    every payload validated by LabService.handle; events go to the page on `lab:event`;
 *  - the page cannot make the lab open or create any file by itself: a new database file is the
 *    one the user picks in a native open/save dialog, and links open in the browser only after the
 *    user confirms them;
 *  - packaged builds have no developer tools (no menu item, no shortcut, disabled in the window).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import type { ApiResult, LabEvent, MenuAction, SaveFileResult } from '../shared/api.js';
import { APP_NAME, defaultDatabasePath } from '../db/paths.js';
import { LabService } from './lab/service.js';
import { resolveStatic } from './server/static.js';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from './server/http.js';
import { API_OPERATIONS, EVENT_CHANNEL, SAVE_FILE_CHANNEL, ipcChannel } from '../shared/api-operations.js';
import { externalLink, requestedDatabaseFile, safeFileName, saveRequestProblem } from './ipc.js';
import { menuTemplate } from './menu.js';

const SCHEME = 'relu-lab';
const APP_HOST = 'app';
const APP_URL = `${SCHEME}://${APP_HOST}/index.html`;
/** Set by scripts/start.mjs: a better-sqlite3 addon built for this Electron's ABI. */
const SQLITE_BINDING_ENV = 'RELU_LAB_SQLITE_BINDING';

const here = path.dirname(fileURLToPath(import.meta.url));

// Must happen before `ready`: the app's own origin, treated like https (secure, standard, fetchable).
protocol.registerSchemesAsPrivileged([
  { scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);
// userData under "ReLU Lab", the folder the CLI's default database path (db/paths.ts) assumes.
app.setName(APP_NAME);

let service: LabService | null = null;
let mainWindow: BrowserWindow | null = null;
let quitting = false;
/** Developer tools only outside packaged builds (npm start). */
const devTools = !app.isPackaged;

/** Whether a URL belongs to the app's own pages. */
function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${SCHEME}:` && u.host === APP_HOST;
  } catch {
    return false;
  }
}

function isAppFrame(event: IpcMainInvokeEvent): boolean {
  try {
    return isAppUrl(event.senderFrame?.url);
  } catch {
    // The frame went away (navigated or destroyed) before the call was handled.
    return false;
  }
}

function send(event: LabEvent): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, event);
}

function staticRoot(): string {
  return path.join(app.getAppPath(), 'dist', 'renderer');
}

/** Serves dist/renderer on relu-lab://app/, with the security headers on every response. */
function registerAppProtocol(): void {
  protocol.handle(SCHEME, async (request) => {
    const headers = { ...SECURITY_HEADERS, 'Cache-Control': 'no-cache' };
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('bad request', { status: 400, headers });
    }
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return new Response('not found', { status: 404, headers });
    }
    const found = resolveStatic(staticRoot(), url.pathname);
    if (found.kind === 'bad-request') return new Response(found.reason, { status: 400, headers });
    if (found.kind === 'not-found') {
      const missing = !fs.existsSync(path.join(staticRoot(), 'index.html'));
      return new Response(missing ? 'The interface is not built: run npm run build:renderer' : 'not found', { status: 404, headers });
    }
    const body = await fs.promises.readFile(found.file);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'Content-Type': found.contentType, 'Content-Length': String(found.size) },
    });
  });
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The CSP on every response this session receives (the protocol handler sets it too).
  ses.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders = { ...(details.responseHeaders ?? {}) };
    for (const name of Object.keys(responseHeaders)) if (name.toLowerCase() === 'content-security-policy') delete responseHeaders[name];
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

function lockDownContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (!isAppUrl(event.url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to papers and docs may open in the user's browser, once confirmed; nothing opens inside the app.
      const link = externalLink(url);
      if (link !== null) void confirmOpenExternal(link);
      return { action: 'deny' };
    });
  });
}

/** Asks before handing a link to the system browser (a page must not open URLs on its own). */
async function confirmOpenExternal(link: string): Promise<void> {
  const box = {
    type: 'question' as const,
    title: 'Open link',
    message: 'Open this link in your web browser?',
    detail: link,
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
  };
  const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, box) : await dialog.showMessageBox(box);
  if (response === 1) await shell.openExternal(link);
}

function registerIpc(lab: LabService): void {
  const refused = (what: string): ApiResult<never> => ({
    ok: false,
    error: { code: 'unauthorized', message: `${what}: only the app's own page may call the lab` },
  });
  for (const operation of API_OPERATIONS) {
    ipcMain.handle(ipcChannel(operation), async (event, ...args: unknown[]) => {
      if (!isAppFrame(event)) return refused(operation);
      if (operation === 'updateSettings') {
        const requested = requestedDatabaseFile(args, lab.databaseFile, (f) => path.resolve(f));
        if (requested !== null) {
          // The page names a file; the user's choice in the native dialog decides which one.
          const chosen = await chooseDatabaseFile(BrowserWindow.fromWebContents(event.sender), requested);
          if (chosen === null) {
            return {
              ok: false,
              error: { code: 'invalid_argument', message: `updateSettings: databaseFile: switching databases needs your choice in the file dialog, which was cancelled; still using ${lab.databaseFile}` },
            } satisfies ApiResult<never>;
          }
          args = [{ ...(args[0] as object), databaseFile: chosen }];
        }
      }
      return lab.handle(operation, args);
    });
  }
  ipcMain.handle(SAVE_FILE_CHANNEL, async (event, request: unknown): Promise<ApiResult<SaveFileResult>> => {
    if (!isAppFrame(event)) return refused('saveFile');
    try {
      return await saveFile(BrowserWindow.fromWebContents(event.sender), request);
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: `saveFile failed: ${(err as Error).message}` } };
    }
  });
}

async function saveFile(win: BrowserWindow | null, request: unknown): Promise<ApiResult<SaveFileResult>> {
  const problem = saveRequestProblem(request);
  if (problem) return { ok: false, error: { code: 'invalid_argument', message: problem } };
  const { suggestedName, data } = request as { suggestedName: string; data: string | Uint8Array };
  const name = safeFileName(suggestedName);
  const ext = path.extname(name).slice(1);
  const options = {
    title: 'Save',
    defaultPath: path.join(app.getPath('documents'), name),
    filters: ext ? [{ name: ext.toUpperCase(), extensions: [ext] }, { name: 'All files', extensions: ['*'] }] : [],
    properties: ['createDirectory', 'showOverwriteConfirmation'] as ('createDirectory' | 'showOverwriteConfirmation')[],
  };
  const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (choice.canceled || !choice.filePath) return { ok: true, value: { saved: false, path: null } };
  try {
    await fs.promises.writeFile(choice.filePath, typeof data === 'string' ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: `cannot write ${choice.filePath}: ${(err as Error).message}` } };
  }
  return { ok: true, value: { saved: true, path: choice.filePath } };
}

/**
 * The native dialog for a database file, starting at `suggested`: an open dialog when it exists, a
 * save dialog (which creates it) when it does not. Null when cancelled.
 */
async function chooseDatabaseFile(win: BrowserWindow | null, suggested: string): Promise<string | null> {
  const filters = [
    { name: 'Lab database', extensions: ['sqlite', 'db'] },
    { name: 'All files', extensions: ['*'] },
  ];
  if (fs.existsSync(suggested)) {
    const options = { title: 'Use this lab database?', defaultPath: suggested, buttonLabel: 'Use', properties: ['openFile'] as 'openFile'[], filters };
    const choice = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return choice.canceled || choice.filePaths.length === 0 ? null : choice.filePaths[0];
  }
  const options = { title: 'Create a lab database', defaultPath: suggested, buttonLabel: 'Create', properties: ['createDirectory'] as 'createDirectory'[], filters };
  const choice = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return choice.canceled || !choice.filePath ? null : choice.filePath;
}

async function openDatabase(): Promise<void> {
  if (!service) return;
  const options = {
    title: 'Open lab database',
    properties: ['openFile', 'promptToCreate'] as ('openFile' | 'promptToCreate')[],
    filters: [
      { name: 'Lab database', extensions: ['sqlite', 'db'] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const choice = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
  if (choice.canceled || choice.filePaths.length === 0) return;
  const result = await service.handle('updateSettings', [{ databaseFile: choice.filePaths[0] }]);
  if (!result.ok) {
    const box = { type: 'error' as const, title: 'Cannot open the database', message: 'The database could not be opened.', detail: result.error.message };
    if (mainWindow) await dialog.showMessageBox(mainWindow, box);
    else await dialog.showMessageBox(box);
  }
}

async function showAbout(): Promise<void> {
  if (!service) return;
  const result = await service.handle('getAppInfo', []);
  const info = result.ok ? (result.value as Awaited<ReturnType<LabService['getAppInfo']>>) : null;
  const detail = [
    `Version ${info?.appVersion ?? app.getVersion()}`,
    `Electron ${process.versions.electron}`,
    `Chromium ${process.versions.chrome}`,
    `Node.js ${process.versions.node}`,
    `TensorFlow.js ${info?.tfjsVersion ?? 'unknown'}`,
    `Training backend: ${info?.trainingBackend ?? 'none used yet (auto: tensorflow, else wasm, else cpu)'}`,
    `Database: ${info?.databaseFile ?? 'unknown'}`,
  ].join('\n');
  const box = { type: 'info' as const, title: `About ${APP_NAME}`, message: APP_NAME, detail, buttons: ['OK'] };
  if (mainWindow) await dialog.showMessageBox(mainWindow, box);
  else await dialog.showMessageBox(box);
}

/** The app window's web preferences: no Node in the page, isolated and sandboxed preload. */
const WEB_PREFERENCES = Object.freeze({
  preload: path.join(here, 'preload.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
  devTools,
});
// Electron has no public getter for a window's preferences: the end-to-end test reads them here.
(globalThis as Record<symbol, unknown>)[Symbol.for('relu-lab.webPreferences')] = WEB_PREFERENCES;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1320,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: APP_NAME,
    show: false,
    webPreferences: { ...WEB_PREFERENCES },
  });
  win.once('ready-to-show', () => win.show());
  win.on('close', (event) => {
    // On macOS closing the window keeps the app (and its runs) going.
    if (quitting || !service || process.platform === 'darwin') return;
    const training = activeRuns();
    if (training > 0) {
      const answer = dialog.showMessageBoxSync(win, {
        type: 'question',
        buttons: ['Cancel runs and quit', 'Keep training'],
        defaultId: 1,
        cancelId: 1,
        message: `${training} run${training === 1 ? ' is' : 's are'} training or queued.`,
        detail: 'Closing the window cancels them (what they measured so far stays in the database).',
      });
      if (answer === 1) event.preventDefault();
    }
  });
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  void win.loadURL(APP_URL);
  return win;
}

let lastQueue = { active: 0, queued: 0 };
function activeRuns(): number {
  return lastQueue.active + lastQueue.queued;
}

/**
 * better_sqlite3.node built for Electron: from `npm start` (environment), or shipped as an extra
 * resource in the packaged app (scripts/dist.mjs). Undefined: the package's own build.
 */
function sqliteBinding(): string | undefined {
  const fromEnv = process.env[SQLITE_BINDING_ENV];
  if (fromEnv) return fromEnv;
  const resources = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  if (app.isPackaged && resources) {
    const shipped = path.join(resources, 'native', 'better_sqlite3.node');
    if (fs.existsSync(shipped)) return shipped;
  }
  return undefined;
}

/** Opens the lab on the configured database, else on the default one (with a warning), else quits. */
function openService(): LabService | null {
  const common = {
    transport: 'ipc' as const,
    workerEntry: new URL('./worker.mjs', import.meta.url),
    nativeBinding: sqliteBinding(),
    appVersion: app.getVersion(),
    baseDir: app.getPath('documents'),
  };
  try {
    return LabService.open(common);
  } catch (first) {
    const fallback = defaultDatabasePath();
    try {
      const lab = LabService.open({ ...common, overrides: { databaseFile: fallback } });
      dialog.showErrorBox('Database not available', `${(first as Error).message}\n\nUsing ${fallback} instead for this session.`);
      return lab;
    } catch (second) {
      dialog.showErrorBox('ReLU Lab cannot start', `${(first as Error).message}\n${(second as Error).message}`);
      return null;
    }
  }
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDownSession();
  registerAppProtocol();
  const lab = openService();
  if (!lab) {
    app.exit(1);
    return;
  }
  service = lab;
  registerIpc(lab);
  lab.subscribe((event) => {
    send(event);
    if (event.type === 'run-status' || event.type === 'experiments-changed') {
      lab
        .getQueue()
        .then((q) => {
          lastQueue = { active: q.active.length, queued: q.queuedRunIds.length };
        })
        .catch(() => undefined);
    }
  });
  const menu = menuTemplate(
    {
      send: (action: MenuAction) => send({ type: 'menu', action }),
      openDatabase: () => void openDatabase(),
      about: () => void showAbout(),
    },
    process.platform,
    APP_NAME,
    { devTools },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));
  mainWindow = createWindow();
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another instance owns the lab: it gets focused (below, in that instance) and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  lockDownContents();
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Cancel training runs and close the database before leaving.
  app.on('before-quit', (event) => {
    quitting = true;
    if (!service) return;
    const lab = service;
    service = null;
    event.preventDefault();
    void lab.close().finally(() => app.quit());
  });
  start().catch((err: unknown) => {
    dialog.showErrorBox('ReLU Lab cannot start', err instanceof Error ? (err.stack ?? err.message) : String(err));
    app.exit(1);
  });
}
