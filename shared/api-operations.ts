/**
 * The API's operations by name, and how the desktop carrier names them: the operation list, the IPC
 * channels and the bridge the preload exposes as `window.reluLab`. Declared once, here. Free of zod
 * and of Node (it imports only types), because the sandboxed preload bundle imports it; the argument
 * schemas stay in shared/api.ts.
 */
import type { ApiArgs, ApiOperation, ApiResult, ApiReturn, LabEvent, SaveFileRequest, SaveFileResult } from './api.js';

/** Every operation of `LabApi`, each once: a missing or unknown name is a compile error. */
const OPERATIONS: { readonly [K in ApiOperation]: true } = {
  getAppInfo: true,
  listPresets: true,
  listExperiments: true,
  getExperiment: true,
  createExperiment: true,
  checkDivergence: true,
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
  getComparisonView: true,
  listComparisons: true,
  saveComparison: true,
  deleteComparison: true,
  renderChart: true,
  exportBundle: true,
  importBundle: true,
  describeRunTable: true,
  queryRunTable: true,
  getSweepChart: true,
  renderSweep: true,
};

export const API_OPERATIONS = Object.keys(OPERATIONS) as ApiOperation[];

/** Whether a name (from a URL, an IPC message) is an operation; inherited names such as `toString` are not. */
export function isApiOperation(name: string): name is ApiOperation {
  return Object.prototype.hasOwnProperty.call(OPERATIONS, name);
}

// ---------- Electron IPC ----------

export type IpcChannel<K extends ApiOperation = ApiOperation> = `lab:${K}`;

/** Renderer → main: one channel per operation. */
export function ipcChannel<K extends ApiOperation>(operation: K): IpcChannel<K> {
  return `lab:${operation}`;
}

/** Main → renderer: every `LabEvent` (including `{ type: 'menu', action }`). */
export const EVENT_CHANNEL = 'lab:event';
/** Renderer → main: save a file through the native dialog. */
export const SAVE_FILE_CHANNEL = 'lab:saveFile';

/** One function per operation (same name, same arguments) resolving to an `ApiResult`. */
export type BridgeOperations = {
  [K in ApiOperation]: (...args: ApiArgs<K>) => Promise<ApiResult<ApiReturn<K>>>;
};

/** What the preload exposes as `window.reluLab` (desktop app only); the page never sees Electron itself. */
export interface LabBridge extends BridgeOperations {
  /** Subscribes to lab events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
  /** Shows the native save dialog and writes the file. */
  saveFile(request: SaveFileRequest): Promise<ApiResult<SaveFileResult>>;
}
