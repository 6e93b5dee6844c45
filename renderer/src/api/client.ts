/**
 * The renderer's lab client over either carrier. Pages only see `LabClient` (shared/api.ts): every
 * operation resolves to its value or rejects with an `ApiError` carrying the server's code, message
 * and per-field issues. Which carrier is in use is visible only as `client.transport`.
 *
 *  - IPC (desktop app): `window.reluLab`, exposed by the Electron preload (see bridge.ts).
 *  - HTTP (web mode, `relu-lab serve`): `POST /api/call/<operation>` with `encodeJson({ args })` and a
 *    bearer token; events over `EventSource('/api/events?token=…')`, one `encodeJson(LabEvent)` per message.
 *    The page gets its token by exchanging the single-use code of the address `relu-lab serve`
 *    printed (`POST /api/session`), and keeps it for the tab (and, when the server's token is fixed,
 *    for later visits: bookmarks survive a restart).
 *
 * This module touches browser globals only through the small structural types below, so it can be
 * unit-tested with fakes of the wire.
 */
import type { ApiResult } from '../../../shared/api.js';
import type { ReluLabBridge } from './bridge.js';
import { defaultFetch, unreachable, type Credentials, type FetchLike, type RendererClient } from './carrier.js';
import { createHttpClient } from './http-client.js';
import { createIpcClient } from './ipc-client.js';

export * from './carrier.js';
export { browserDownload, createHttpClient } from './http-client.js';
export { createIpcClient } from './ipc-client.js';

// ---------- Choosing the carrier ----------

export const TOKEN_STORAGE_KEY = 'relu-lab.token';

interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem?(key: string): void;
}

interface PageGlobals {
  window?: { reluLab?: ReluLabBridge };
  location: { search: string; pathname: string; hash: string; origin: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  /** This tab's token. */
  sessionStorage?: StorageLike;
  /** A fixed token (the server said it outlives restarts): new tabs and bookmarks use it. */
  localStorage?: StorageLike;
}

/**
 * The client for this page: IPC when the Electron preload exposed `window.reluLab`, else HTTP to the
 * page's own origin, signed in with the address's one-time `?code=` (or a `?token=`), else with the
 * token this tab or browser kept. Both are removed from the visible URL at once, so reloads,
 * bookmarks and screenshots never carry them.
 */
export function connect(env: PageGlobals = globalThis as unknown as PageGlobals, fetch: FetchLike | undefined = defaultFetch()): RendererClient {
  const bridge = env.window?.reluLab;
  if (bridge) return createIpcClient(bridge);
  const baseUrl = env.location.origin === 'null' ? '' : env.location.origin;
  return createHttpClient(baseUrl, signIn(env, baseUrl, fetch), { fetch });
}

function read(storage: StorageLike | undefined): string | null {
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) || null;
  } catch {
    return null;
  }
}

function keep(storage: StorageLike | undefined, token: string | null): void {
  try {
    if (token !== null) storage?.setItem(TOKEN_STORAGE_KEY, token);
    else storage?.removeItem?.(TOKEN_STORAGE_KEY);
  } catch {
    // Storage disabled: the token still works for this page load.
  }
}

/** Takes `code` and `token` out of the address bar (synchronously, before anything renders). */
function takeFromAddress(env: PageGlobals): { code: string | null; token: string | null } {
  const params = new URLSearchParams(env.location.search);
  const code = params.get('code');
  const token = params.get('token');
  if (code === null && token === null) return { code, token };
  params.delete('code');
  params.delete('token');
  const search = params.toString();
  env.history.replaceState(env.history.state, '', `${env.location.pathname}${search ? `?${search}` : ''}${env.location.hash}`);
  return { code, token };
}

/**
 * Signs the page in: exchanges the address's one-time code for the token (`POST /api/session`) and
 * keeps it (for this tab; for later visits too when the server's token is fixed). Without a code,
 * or when the code was already used or expired, the token kept earlier is used.
 */
export async function signIn(env: PageGlobals, baseUrl: string, fetch: FetchLike | undefined): Promise<Credentials> {
  const { code, token: fromUrl } = takeFromAddress(env);
  if (fromUrl) keep(env.sessionStorage, fromUrl);
  const stored = fromUrl || read(env.sessionStorage) || read(env.localStorage);
  if (!code) return { token: stored ?? '', problem: stored ? null : 'no-token' };
  if (!fetch) return { token: stored ?? '', problem: stored ? null : 'no-token' };
  let text: string;
  try {
    const response = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
    text = await response.text();
  } catch (err) {
    if (stored) return { token: stored, problem: null };
    throw unreachable(err);
  }
  let answer: ApiResult<{ token: string; persistent: boolean }> | null = null;
  try {
    answer = JSON.parse(text) as ApiResult<{ token: string; persistent: boolean }>;
  } catch {
    answer = null;
  }
  if (answer?.ok && typeof answer.value.token === 'string' && answer.value.token) {
    const { token, persistent } = answer.value;
    keep(env.sessionStorage, token);
    keep(env.localStorage, persistent ? token : null);
    return { token, problem: null };
  }
  // A used or expired link: a reload of the first address, or a tab that signed in before.
  return { token: stored ?? '', problem: stored ? null : 'link-used' };
}
