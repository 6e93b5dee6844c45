/**
 * The preload of the app window (sandboxed, context-isolated; bundled to one CommonJS file by
 * scripts/build-electron.mjs). It exposes `window.reluLab`: one named function per lab operation,
 * each resolving to an `ApiResult`, plus `onEvent` and `saveFile`. The page never gets ipcRenderer.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { ApiOperation, LabEvent, SaveFileRequest } from '../shared/api.js';
import { API_OPERATIONS, EVENT_CHANNEL, SAVE_FILE_CHANNEL, ipcChannel, type BridgeOperations, type LabBridge } from '../shared/api-operations.js';

function operation(name: ApiOperation) {
  const channel = ipcChannel(name);
  // Arguments are forwarded as given: the main process validates every call.
  const call = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
  Object.defineProperty(call, 'name', { value: name });
  return call;
}

const operations = Object.fromEntries(API_OPERATIONS.map((name) => [name, operation(name)])) as unknown as BridgeOperations;

const bridge: LabBridge = {
  ...operations,
  onEvent(listener: (event: LabEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('reluLab.onEvent needs a function');
    const handler = (_event: IpcRendererEvent, labEvent: LabEvent) => listener(labEvent);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, handler);
    };
  },
  saveFile(request: SaveFileRequest) {
    return ipcRenderer.invoke(SAVE_FILE_CHANNEL, request);
  },
};

contextBridge.exposeInMainWorld('reluLab', bridge);
