/**
 * The IPC contract between the Electron main process and the preload: one channel per `LabApi`
 * operation (`lab:<operation>`), the event channel and the save-file channel. Free of Electron and
 * of zod, so the sandboxed preload bundle stays small.
 */
import type { ApiArgs, ApiOperation, ApiResult, ApiReturn, LabEvent, SaveFileRequest, SaveFileResult } from '../shared/api.js';

/** `path.resolve` for the one use here, without pulling Node's path module into the sandboxed preload's bundle. */
type Resolve = (file: string) => string;

/** Every operation, spelled out so the preload does not pull in the argument schemas (checked against API_OPERATIONS by a test). */
const OPERATION_SET: { [K in ApiOperation]: true } = {
  getAppInfo: true,
  listPresets: true,
  listExperiments: true,
  getExperiment: true,
  createExperiment: true,
  updateExperiment: true,
  deleteExperiment: true,
  cancelExperiment: true,
  listRuns: true,
  getRun: true,
  getRunMetrics: true,
  updateRun: true,
  cancelRun: true,
  getQueue: true,
  getSettings: true,
  updateSettings: true,
  getComparedRuns: true,
  listComparisons: true,
  saveComparison: true,
  deleteComparison: true,
  renderChart: true,
  exportBundle: true,
  importBundle: true,
};

export const IPC_OPERATIONS = Object.keys(OPERATION_SET) as ApiOperation[];

export type IpcChannel<K extends ApiOperation = ApiOperation> = `lab:${K}`;

export function ipcChannel<K extends ApiOperation>(operation: K): IpcChannel<K> {
  return `lab:${operation}`;
}

/** Main → renderer: every `LabEvent` (including `{ type: 'menu', action }`). */
export const EVENT_CHANNEL = 'lab:event';
/** Renderer → main: save a file through the native dialog. */
export const SAVE_FILE_CHANNEL = 'lab:saveFile';

export type BridgeOperations = {
  [K in ApiOperation]: (...args: ApiArgs<K>) => Promise<ApiResult<ApiReturn<K>>>;
};

/**
 * What the preload exposes as `window.reluLab` (the renderer declares the same shape in
 * renderer/src/api/bridge.ts).
 */
export interface LabBridge extends BridgeOperations {
  onEvent(listener: (event: LabEvent) => void): () => void;
  saveFile(request: SaveFileRequest): Promise<ApiResult<SaveFileResult>>;
}

/** Largest file the renderer may ask to save (bytes or characters). */
export const MAX_SAVE_FILE_BYTES = 1024 * 1024 * 1024;

/** Checks a save request coming from the renderer; returns the reason it is refused, or null. */
export function saveRequestProblem(request: unknown): string | null {
  if (request === null || typeof request !== 'object') return 'saveFile: the request must be an object';
  const r = request as Partial<SaveFileRequest>;
  if (typeof r.suggestedName !== 'string' || r.suggestedName.trim() === '' || r.suggestedName.length > 255) {
    return 'saveFile: suggestedName must be a file name of 1 to 255 characters';
  }
  if (typeof r.mimeType !== 'string' || r.mimeType.length > 255) return 'saveFile: mimeType must be a string';
  if (typeof r.data === 'string') {
    if (r.data.length > MAX_SAVE_FILE_BYTES) return 'saveFile: the file is too large';
  } else if (r.data instanceof Uint8Array) {
    if (r.data.byteLength > MAX_SAVE_FILE_BYTES) return 'saveFile: the file is too large';
  } else {
    return 'saveFile: data must be text or bytes';
  }
  return null;
}

/** A file name safe to propose in a save dialog: no folders, no characters file systems reject. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[<>:"|?*\u0000-\u001f]/g, '_').replace(/^\.+/, '').trim();
  return clean || 'export';
}

/**
 * The database file an `updateSettings` call from the page asks to switch to, or null when it asks
 * for no switch (no databaseFile, or the file in use). The main process then lets the user choose
 * the file in a native dialog: the page never opens or creates a file by itself.
 */
export function requestedDatabaseFile(args: unknown[], current: string, resolve: Resolve = (f) => f): string | null {
  const patch = args[0];
  if (patch === null || typeof patch !== 'object') return null;
  const file = (patch as { databaseFile?: unknown }).databaseFile;
  if (typeof file !== 'string' || file.trim() === '') return null;
  const wanted = resolve(file.trim());
  return wanted === resolve(current) ? null : wanted;
}

/** A link the app may offer to open in the system browser (https only, normalised), or null. */
export function externalLink(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return null;
  // The normalised form (punycode host, percent-encoded path) is what the confirmation shows.
  return parsed.href;
}
