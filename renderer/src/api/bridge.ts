/**
 * The IPC bridge the Electron preload exposes as `window.reluLab`: one function per `LabApi`
 * operation (same name, same arguments) resolving to an `ApiResult`, plus the event stream and the
 * native save dialog. The renderer never sees Electron itself. The bridge's type is declared once,
 * in shared/api-operations.ts, for the preload and the page alike.
 */
import type { LabBridge } from '../../../shared/api-operations.js';

export type { LabBridge as ReluLabBridge } from '../../../shared/api-operations.js';

declare global {
  interface Window {
    /** Present in the desktop app only (set by the Electron preload). */
    reluLab?: LabBridge;
  }
}
