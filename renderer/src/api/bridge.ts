/**
 * The IPC bridge the Electron preload exposes as `window.reluLab`: one function per `LabApi`
 * operation (same name, same arguments) resolving to an `ApiResult`, plus the event stream and the
 * native save dialog. The renderer never sees Electron itself.
 */
import type { ApiArgs, ApiOperation, ApiResult, ApiReturn, LabEvent, SaveFileRequest, SaveFileResult } from '../../../shared/api.js';

export type BridgeOperations = {
  [K in ApiOperation]: (...args: ApiArgs<K>) => Promise<ApiResult<ApiReturn<K>>>;
};

export interface ReluLabBridge extends BridgeOperations {
  /** Subscribes to lab events; returns the unsubscribe function. */
  onEvent(listener: (event: LabEvent) => void): () => void;
  /** Shows the native save dialog and writes the file. */
  saveFile(request: SaveFileRequest): Promise<ApiResult<SaveFileResult>>;
}

declare global {
  interface Window {
    /** Present in the desktop app only (set by the Electron preload). */
    reluLab?: ReluLabBridge;
  }
}
