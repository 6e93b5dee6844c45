/**
 * The subset of Electron's API (v41) the app uses, for type-checking where Electron itself is not
 * installed (it is an optional dependency whose binary may be missing). tsconfig.json maps
 * `electron` to this file. Signatures are copied from electron@41.7.1's electron.d.ts; when
 * node_modules/electron is present, test/unit/electron/electron-types.test.ts type-checks the app
 * against the real declarations too, so drift is caught.
 */
/// <reference types="node" />
import { EventEmitter } from 'node:events';

type MenuRole =
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'pasteAndMatchStyle' | 'delete' | 'selectAll' | 'reload' | 'forceReload'
  | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'toggleSpellChecker' | 'togglefullscreen' | 'window' | 'minimize'
  | 'close' | 'help' | 'about' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'quit' | 'showSubstitutions'
  | 'toggleSmartQuotes' | 'toggleSmartDashes' | 'toggleTextReplacement' | 'startSpeaking' | 'stopSpeaking' | 'zoom' | 'front'
  | 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'shareMenu' | 'recentDocuments' | 'toggleTabBar' | 'selectNextTab'
  | 'selectPreviousTab' | 'showAllTabs' | 'mergeAllWindows' | 'clearRecentDocuments' | 'moveTabToNewWindow' | 'windowMenu';

export interface Event {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
  url?: string;
}
export type EventWithUrl = Event & { url: string };

export interface WebFrameMain {
  readonly url: string;
  readonly origin: string;
}

export interface HandlerDetails {
  url: string;
  frameName: string;
  features: string;
  disposition: 'default' | 'foreground-tab' | 'background-tab' | 'new-window' | 'other';
}
export type WindowOpenHandlerResponse = { action: 'deny' } | { action: 'allow'; outlivesOpener?: boolean };

export interface WebContents extends EventEmitter {
  send(channel: string, ...args: unknown[]): void;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse): void;
  getURL(): string;
  readonly mainFrame: WebFrameMain;
  on(event: 'will-navigate', listener: (details: EventWithUrl, url: string) => void): this;
  on(event: 'will-redirect', listener: (details: EventWithUrl, url: string) => void): this;
  on(event: 'will-attach-webview', listener: (event: Event, webPreferences: WebPreferences, params: Record<string, string>) => void): this;
  on(event: string, listener: (...args: never[]) => void): this;
}

export interface IpcMainInvokeEvent extends Event {
  frameId: number;
  processId: number;
  sender: WebContents;
  readonly senderFrame: WebFrameMain | null;
  type: 'frame';
}

export interface IpcRendererEvent extends Event {
  sender: IpcRenderer;
}

export interface IpcMain extends EventEmitter {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any): void; // eslint-disable-line @typescript-eslint/no-explicit-any
  removeHandler(channel: string): void;
}

export interface IpcRenderer extends EventEmitter {
  invoke(channel: string, ...args: any[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  on(channel: string, listener: (event: IpcRendererEvent, ...args: any[]) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
  removeListener(channel: string, listener: (...args: any[]) => void): this; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ContextBridge {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export interface WebPreferences {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
  navigateOnDragDrop?: boolean;
  spellcheck?: boolean;
  safeDialogs?: boolean;
  devTools?: boolean;
}

export interface BrowserWindowConstructorOptions {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  title?: string;
  show?: boolean;
  backgroundColor?: string;
  webPreferences?: WebPreferences;
}

export interface BaseWindow extends EventEmitter {
  isDestroyed(): boolean;
}

export declare class BrowserWindow extends EventEmitter implements BaseWindow {
  constructor(options?: BrowserWindowConstructorOptions);
  static fromWebContents(webContents: WebContents): BrowserWindow | null;
  static getAllWindows(): BrowserWindow[];
  readonly webContents: WebContents;
  loadURL(url: string): Promise<void>;
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
  close(): void;
  on(event: 'close', listener: (event: Event) => void): this;
  on(event: 'closed' | 'ready-to-show', listener: () => void): this;
  on(event: string, listener: (...args: never[]) => void): this;
  once(event: 'ready-to-show', listener: () => void): this;
  once(event: string, listener: (...args: never[]) => void): this;
}

export interface MenuItem {
  id: string;
  label: string;
}

export interface MenuItemConstructorOptions {
  click?: (menuItem: MenuItem, window: BaseWindow | undefined, event: unknown) => void;
  role?: MenuRole;
  type?: 'normal' | 'separator' | 'submenu' | 'checkbox' | 'radio' | 'header' | 'palette';
  label?: string;
  sublabel?: string;
  accelerator?: string;
  enabled?: boolean;
  visible?: boolean;
  checked?: boolean;
  submenu?: MenuItemConstructorOptions[] | Menu;
  id?: string;
}

export declare class Menu {
  static buildFromTemplate(template: Array<MenuItemConstructorOptions | MenuItem>): Menu;
  static setApplicationMenu(menu: Menu | null): void;
}

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface SaveDialogOptions {
  title?: string;
  defaultPath?: string;
  buttonLabel?: string;
  filters?: FileFilter[];
  properties?: Array<'showHiddenFiles' | 'createDirectory' | 'treatPackageAsDirectory' | 'showOverwriteConfirmation' | 'dontAddToRecent'>;
}
export interface SaveDialogReturnValue {
  canceled: boolean;
  filePath: string;
}
export interface OpenDialogOptions {
  title?: string;
  defaultPath?: string;
  buttonLabel?: string;
  filters?: FileFilter[];
  properties?: Array<'openFile' | 'openDirectory' | 'multiSelections' | 'showHiddenFiles' | 'createDirectory' | 'promptToCreate' | 'noResolveAliases' | 'treatPackageAsDirectory' | 'dontAddToRecent'>;
}
export interface OpenDialogReturnValue {
  canceled: boolean;
  filePaths: string[];
}
export interface MessageBoxOptions {
  message: string;
  type?: 'none' | 'info' | 'error' | 'question' | 'warning';
  buttons?: string[];
  defaultId?: number;
  cancelId?: number;
  title?: string;
  detail?: string;
}
export type MessageBoxSyncOptions = MessageBoxOptions;
export interface MessageBoxReturnValue {
  response: number;
  checkboxChecked: boolean;
}

export interface Dialog {
  showErrorBox(title: string, content: string): void;
  showMessageBox(window: BaseWindow, options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showMessageBox(options: MessageBoxOptions): Promise<MessageBoxReturnValue>;
  showMessageBoxSync(window: BaseWindow, options: MessageBoxSyncOptions): number;
  showMessageBoxSync(options: MessageBoxSyncOptions): number;
  showOpenDialog(window: BaseWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(window: BaseWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

export interface Privileges {
  standard?: boolean;
  secure?: boolean;
  bypassCSP?: boolean;
  allowServiceWorkers?: boolean;
  supportFetchAPI?: boolean;
  corsEnabled?: boolean;
  stream?: boolean;
  codeCache?: boolean;
}
export interface CustomScheme {
  scheme: string;
  privileges?: Privileges;
}

export interface Protocol {
  registerSchemesAsPrivileged(customSchemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface OnHeadersReceivedListenerDetails {
  url: string;
  method: string;
  statusCode: number;
  responseHeaders?: Record<string, string[]>;
}
export interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
  statusLine?: string;
}
export interface WebRequest {
  onHeadersReceived(
    listener: ((details: OnHeadersReceivedListenerDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null,
  ): void;
}

export interface Session {
  readonly webRequest: WebRequest;
  setPermissionRequestHandler(
    handler: ((webContents: WebContents, permission: string, callback: (permissionGranted: boolean) => void, details: unknown) => void) | null,
  ): void;
  setPermissionCheckHandler(
    handler: ((webContents: WebContents | null, permission: string, requestingOrigin: string, details: unknown) => boolean) | null,
  ): void;
}

export interface SessionModule {
  readonly defaultSession: Session;
}

export interface Shell {
  openExternal(url: string): Promise<void>;
}

export interface App extends EventEmitter {
  whenReady(): Promise<void>;
  quit(): void;
  exit(exitCode?: number): void;
  getVersion(): string;
  getName(): string;
  setName(name: string): void;
  getAppPath(): string;
  getPath(name: 'home' | 'appData' | 'userData' | 'sessionData' | 'temp' | 'exe' | 'module' | 'desktop' | 'documents' | 'downloads' | 'music' | 'pictures' | 'videos' | 'recent' | 'logs' | 'crashDumps'): string;
  isPackaged: boolean;
  requestSingleInstanceLock(additionalData?: Record<string, unknown>): boolean;
  on(event: 'web-contents-created', listener: (event: Event, webContents: WebContents) => void): this;
  on(event: 'before-quit', listener: (event: Event) => void): this;
  on(event: 'second-instance' | 'window-all-closed' | 'activate', listener: () => void): this;
  on(event: string, listener: (...args: never[]) => void): this;
}

export declare const app: App;
export declare const ipcMain: IpcMain;
export declare const ipcRenderer: IpcRenderer;
export declare const contextBridge: ContextBridge;
export declare const dialog: Dialog;
export declare const protocol: Protocol;
export declare const session: SessionModule;
export declare const shell: Shell;
