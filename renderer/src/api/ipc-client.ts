/** The lab client over IPC (desktop app): `window.reluLab`, exposed by the Electron preload. */
import {
  ApiError,
  type ApiResult,
  type ApiReturn,
} from '../../../shared/api.js';
import type { ReluLabBridge } from './bridge.js';
import { operations, unwrap, type Caller, type RendererClient } from './carrier.js';


export function createIpcClient(bridge: ReluLabBridge): RendererClient {
  const call: Caller = async (operation, args) => {
    const fn = bridge[operation] as unknown as ((...a: unknown[]) => Promise<ApiResult<ApiReturn<typeof operation>>>) | undefined;
    if (typeof fn !== 'function') throw new ApiError('internal', `The desktop app does not offer ${operation}`);
    let result: ApiResult<ApiReturn<typeof operation>>;
    try {
      result = await fn(...(args as unknown[]));
    } catch (err) {
      // Electron turns errors thrown in the main process into rejections with a prefixed message.
      throw new ApiError('internal', (err as Error)?.message ?? String(err));
    }
    return unwrap(result, operation);
  };
  return {
    ...operations(call),
    transport: 'ipc',
    subscribe: (listener) => bridge.onEvent(listener),
    async saveFile(request) {
      return unwrap(await bridge.saveFile(request), 'saveFile');
    },
    connectionState: () => 'open',
    onConnectionChange: () => () => undefined,
  };
}
