/**
 * A stand-in for the `electron` module, bundled in place of the real one (esbuild alias) so the main
 * process's wiring can be exercised without Electron's binary: it records windows, IPC handlers,
 * protocol handlers, session hooks and menu templates for the test to inspect and drive.
 */
import { EventEmitter } from 'node:events';

type Handler = (...args: unknown[]) => unknown;

export interface FakeState {
  appPath: string;
  userData: string;
  ipcHandlers: Map<string, Handler>;
  protocolHandlers: Map<string, (request: Request) => Promise<Response> | Response>;
  privilegedSchemes: unknown[];
  windows: FakeBrowserWindow[];
  sent: { channel: string; args: unknown[] }[];
  menuTemplate: unknown[] | null;
  permissionRequestHandler: Handler | null;
  permissionCheckHandler: Handler | null;
  headersReceived: Handler | null;
  contentsCreated: FakeWebContents[];
  errorBoxes: string[];
  appName: string | null;
  quitCalls: number;
  exitCode: number | null;
  app: EventEmitter | null;
  /** Every native dialog shown, in order: which one and its options. */
  dialogs: { kind: 'open' | 'save' | 'message'; options: Record<string, unknown> }[];
  /** What the next dialogs answer (default: cancelled, and button 0 of message boxes). */
  answers: { open: string[][]; save: string[]; message: number[] };
  /** URLs handed to the system browser. */
  opened: string[];
}

const state: FakeState = {
  appPath: process.cwd(),
  userData: process.cwd(),
  ipcHandlers: new Map(),
  protocolHandlers: new Map(),
  privilegedSchemes: [],
  windows: [],
  sent: [],
  menuTemplate: null,
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  headersReceived: null,
  contentsCreated: [],
  errorBoxes: [],
  appName: null,
  quitCalls: 0,
  exitCode: null,
  app: null,
  dialogs: [],
  answers: { open: [], save: [], message: [] },
  opened: [],
};
(globalThis as { __fakeElectron?: FakeState }).__fakeElectron = state;

class FakeApp extends EventEmitter {
  isPackaged = false;
  whenReady() {
    return Promise.resolve();
  }
  quit() {
    state.quitCalls++;
  }
  exit(code = 0) {
    state.exitCode = code;
  }
  getVersion() {
    return '0.0.0-fake';
  }
  getName() {
    return state.appName ?? 'fake';
  }
  setName(name: string) {
    state.appName = name;
  }
  getAppPath() {
    return state.appPath;
  }
  getPath() {
    return state.userData;
  }
  requestSingleInstanceLock() {
    return true;
  }
}

export const app = new FakeApp();
state.app = app;

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: Handler | null = null;
  url = '';
  send(channel: string, ...args: unknown[]) {
    state.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  get mainFrame() {
    return { url: this.url, origin: '' };
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  destroyed = false;
  constructor(readonly options: Record<string, unknown>) {
    super();
    state.windows.push(this);
    app.emit('web-contents-created', { preventDefault() {} }, this.webContents);
  }
  static fromWebContents(contents: FakeWebContents) {
    return state.windows.find((w) => w.webContents === contents) ?? null;
  }
  static getAllWindows() {
    return state.windows;
  }
  async loadURL(url: string) {
    this.webContents.url = url;
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  show() {}
  focus() {}
  close() {}
}
export const BrowserWindow = FakeBrowserWindow;

export const ipcMain = {
  handle(channel: string, handler: Handler) {
    if (state.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    state.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    state.ipcHandlers.delete(channel);
  },
};

export const protocol = {
  registerSchemesAsPrivileged(schemes: unknown[]) {
    state.privilegedSchemes.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
    state.protocolHandlers.set(scheme, handler);
  },
};

export const session = {
  defaultSession: {
    setPermissionRequestHandler(handler: Handler) {
      state.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Handler) {
      state.permissionCheckHandler = handler;
    },
    webRequest: {
      onHeadersReceived(handler: Handler) {
        state.headersReceived = handler;
      },
    },
  },
};

export const Menu = {
  buildFromTemplate(template: unknown[]) {
    state.menuTemplate = template;
    return { template };
  },
  setApplicationMenu() {},
};

/** Dialogs take (options) or (window, options). */
const dialogOptions = (args: unknown[]) => (args.length > 1 ? args[1] : args[0]) as Record<string, unknown>;

export const dialog = {
  showErrorBox(title: string, content: string) {
    state.errorBoxes.push(`${title}: ${content}`);
  },
  async showMessageBox(...args: unknown[]) {
    state.dialogs.push({ kind: 'message', options: dialogOptions(args) });
    return { response: state.answers.message.shift() ?? 0, checkboxChecked: false };
  },
  showMessageBoxSync() {
    return 0;
  },
  async showOpenDialog(...args: unknown[]) {
    state.dialogs.push({ kind: 'open', options: dialogOptions(args) });
    const filePaths = state.answers.open.shift();
    return filePaths ? { canceled: false, filePaths } : { canceled: true, filePaths: [] };
  },
  async showSaveDialog(...args: unknown[]) {
    state.dialogs.push({ kind: 'save', options: dialogOptions(args) });
    const filePath = state.answers.save.shift();
    return filePath ? { canceled: false, filePath } : { canceled: true, filePath: '' };
  },
};

export const shell = {
  async openExternal(url: string) {
    state.opened.push(url);
  },
};

export const contextBridge = {
  exposeInMainWorld() {
    throw new Error('not in the main process');
  },
};
export const ipcRenderer = {};
