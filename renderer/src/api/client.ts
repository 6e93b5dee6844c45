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
import {
  API_OPERATIONS,
  ApiError,
  decodeJson,
  encodeJson,
  type ApiArgs,
  type ApiErrorData,
  type ApiOperation,
  type ApiResult,
  type ApiReturn,
  type LabApi,
  type LabClient,
  type LabEvent,
  type SaveFileRequest,
  type SaveFileResult,
} from '../../../shared/api.js';
import type { ReluLabBridge } from './bridge.js';

// ---------- The few browser APIs the carriers use (structural, so tests can fake them) ----------

export interface FetchResponseLike {
  status: number;
  text(): Promise<string>;
}

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<FetchResponseLike>;

export interface EventSourceLike {
  readonly readyState: number;
  onmessage: ((event: { data: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onopen: ((event: unknown) => void) | null;
  close(): void;
}

export type EventSourceFactory = new (url: string) => EventSourceLike;

/** EventSource.CLOSED */
const ES_CLOSED = 2;

/**
 * Connection state of the lab (HTTP carrier; IPC is always `open`): the live event stream's, or why
 * the page may not use the lab at all:
 *  - `no-token`: the page was opened without a sign-in address and has no stored token;
 *  - `link-used`: its sign-in address was already used or expired (and no token is stored);
 *  - `wrong-token`: the server refused the token (e.g. it restarted with a new random one).
 */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | SignInProblem;

export type SignInProblem = 'no-token' | 'link-used' | 'wrong-token';

export const SIGN_IN_PROBLEMS: readonly SignInProblem[] = ['no-token', 'link-used', 'wrong-token'];

/** The HTTP client's token, or why it has none. */
export interface Credentials {
  token: string;
  problem: Exclude<SignInProblem, 'wrong-token'> | null;
}

/** What every call answers while the page has no token (a refused token gets the server's own "wrong token"). */
const SIGN_IN_MESSAGES: Record<NonNullable<Credentials['problem']>, string> = {
  'no-token': 'This page has no access token: open the address relu-lab serve printed',
  'link-used': 'This sign-in address was already used or has expired: get a new one from relu-lab serve',
};

function unreachable(err: unknown): ApiError {
  return new ApiError('internal', `Cannot reach the ReLU Lab server (${(err as Error)?.message ?? String(err)}). Is \`relu-lab serve\` still running?`);
}

/** The client the app uses: the contract plus the event stream's connection state. */
export interface RendererClient extends LabClient {
  /** Current state of the event stream, and a way to follow it. */
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

export interface HttpClientOptions {
  fetch?: FetchLike;
  EventSource?: EventSourceFactory;
  /** Saves a file (default: a browser download). */
  download?: (request: SaveFileRequest) => void;
  /** Delay before re-opening a closed event stream, by attempt (default 1 s, 2 s, 4 s … up to 15 s). */
  reconnectDelayMs?: (attempt: number) => number;
}

// ---------- Common parts ----------

/** Turns a carrier's result into the value, or throws the ApiError it describes. */
export function unwrap<T>(result: ApiResult<T> | null | undefined, operation: string): T {
  if (!result || typeof result !== 'object' || typeof (result as { ok?: unknown }).ok !== 'boolean') {
    throw new ApiError('internal', `${operation}: the lab returned a malformed answer`);
  }
  if (result.ok) return result.value;
  throw toApiError(result.error, operation);
}

function toApiError(error: Partial<ApiErrorData> | undefined, operation: string): ApiError {
  const code = error?.code ?? 'internal';
  const message = typeof error?.message === 'string' && error.message ? error.message : `${operation} failed`;
  const issues = Array.isArray(error?.issues) ? error.issues : undefined;
  return new ApiError(code, message, issues);
}

type Caller = <K extends ApiOperation>(operation: K, args: ApiArgs<K>) => Promise<ApiReturn<K>>;

/** The `LabApi` methods, each forwarding to `call` with its name and arguments. */
function operations(call: Caller): LabApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const operation of API_OPERATIONS) {
    api[operation] = (...args: unknown[]) => call(operation, args as ApiArgs<typeof operation>);
  }
  return api as unknown as LabApi;
}

class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  get size(): number {
    return this.set.size;
  }
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  emit(value: T): void {
    for (const listener of [...this.set]) {
      try {
        listener(value);
      } catch (err) {
        // One broken view must not stop the others from hearing about the lab.
        console.error('ReLU Lab: an event listener failed', err);
      }
    }
  }
}

// ---------- HTTP (web mode) ----------

function defaultFetch(): FetchLike | undefined {
  const g = globalThis as unknown as { fetch?: FetchLike };
  return g.fetch ? (url, init) => g.fetch!(url, init) : undefined;
}

/**
 * Client for `relu-lab serve`. `baseUrl` is the server's origin (e.g. `http://127.0.0.1:5173`), or ''
 * for the page's own origin. `credentials`: the token, or the sign-in that will produce it.
 */
export function createHttpClient(baseUrl: string, credentials: string | Credentials | Promise<Credentials>, options: HttpClientOptions = {}): RendererClient {
  const root = baseUrl.replace(/\/+$/, '');
  const g = globalThis as unknown as { EventSource?: EventSourceFactory };
  const doFetch: FetchLike | undefined = options.fetch ?? defaultFetch();
  const EventSourceImpl = options.EventSource ?? g.EventSource;
  const reconnectDelay = options.reconnectDelayMs ?? ((attempt: number) => Math.min(15_000, 1000 * 2 ** Math.min(attempt, 4)));
  // Known now (a token), or once the sign-in settles.
  let known: Credentials | null =
    typeof credentials === 'string' ? { token: credentials, problem: credentials ? null : 'no-token' } : credentials instanceof Promise ? null : credentials;
  const signedIn: Promise<Credentials> = known !== null ? Promise.resolve(known) : (credentials as Promise<Credentials>).then((c) => (known = c));
  // A failed sign-in (server unreachable) surfaces through the calls that wait for it.
  signedIn.catch(() => undefined);

  /** The token, or (once the page knows it has none) the ApiError every call fails with. */
  const tokenOrThrow = async (): Promise<string> => {
    const { token, problem } = await signedIn;
    if (token) return token;
    const why = problem ?? 'no-token';
    signInFailed(why);
    throw new ApiError('unauthorized', SIGN_IN_MESSAGES[why]);
  };

  const call: Caller = async (operation, args) => {
    if (!doFetch) throw new ApiError('internal', 'This browser cannot reach the lab (no fetch)');
    const token = await tokenOrThrow();
    let response: FetchResponseLike;
    try {
      response = await doFetch(`${root}/api/call/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: encodeJson({ args }),
      });
    } catch (err) {
      throw unreachable(err);
    }
    const text = await response.text();
    // The token was refused: nothing this page asks will work, and no reconnecting will fix it.
    if (response.status === 401) signInFailed('wrong-token');
    let result: ApiResult<ApiReturn<typeof operation>>;
    try {
      result = decodeJson(text);
    } catch {
      const code = response.status === 401 || response.status === 403 ? 'unauthorized' : response.status === 404 ? 'not_found' : 'internal';
      throw new ApiError(code, `${operation}: the server answered HTTP ${response.status} ${text.slice(0, 200)}`.trim());
    }
    return unwrap(result, operation);
  };

  /** After a closed stream: was the token refused (401), or is the server away? */
  const tokenRefused = async (): Promise<boolean> => {
    if (!doFetch) return false;
    try {
      const token = (await signedIn).token;
      const response = await doFetch(`${root}/api/session`, { method: 'GET', headers: { Authorization: `Bearer ${token}` } });
      return response.status === 401;
    } catch {
      return false;
    }
  };

  // Event stream: opened with the first subscriber, closed with the last, re-opened after errors.
  const events = new Listeners<LabEvent>();
  const connection = new Listeners<ConnectionState>();
  let state: ConnectionState = 'connecting';
  let source: EventSourceLike | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let hadError = false;
  let opening = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    connection.emit(next);
  };

  const signedOut = () => (SIGN_IN_PROBLEMS as readonly ConnectionState[]).includes(state);

  function signInFailed(problem: SignInProblem): void {
    stopStream();
    setState(problem);
  }

  const openWith = ({ token, problem }: Credentials) => {
    if (!token) signInFailed(problem ?? 'no-token');
    else if (events.size > 0 && !source && !signedOut()) openStream(token);
  };

  const open = () => {
    if (!EventSourceImpl || source || opening || signedOut()) return;
    if (known !== null) {
      openWith(known);
      return;
    }
    opening = true;
    signedIn.then(
      (c) => {
        opening = false;
        openWith(c);
      },
      () => {
        opening = false;
      },
    );
  };

  const openStream = (token: string) => {
    if (!EventSourceImpl) return;
    const es = new EventSourceImpl(`${root}/api/events?token=${encodeURIComponent(token)}`);
    source = es;
    es.onopen = () => {
      attempt = 0;
      setState('open');
      if (hadError) {
        hadError = false;
        // Events may have been missed while disconnected: let every view refresh what it shows.
        events.emit({ type: 'experiments-changed' });
      }
    };
    es.onmessage = (message) => {
      let event: LabEvent;
      try {
        event = decodeJson<LabEvent>(message.data);
      } catch {
        console.warn('ReLU Lab: ignored an unreadable event', message.data);
        return;
      }
      events.emit(event);
    };
    es.onerror = () => {
      hadError = true;
      // The browser retries by itself unless the stream is closed (the server answered an error).
      if (es.readyState !== ES_CLOSED) {
        setState('reconnecting');
        return;
      }
      es.close();
      if (source === es) source = null;
      // A refused token is not a lost connection: say so instead of reconnecting forever.
      void tokenRefused().then((refused) => {
        if (signedOut()) return;
        if (refused) signInFailed('wrong-token');
        else {
          setState('reconnecting');
          scheduleReopen();
        }
      });
    };
  };

  const scheduleReopen = () => {
    if (retryTimer !== null || events.size === 0 || signedOut()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      attempt += 1;
      if (events.size > 0) open();
    }, reconnectDelay(attempt));
  };

  function stopStream(): void {
    if (retryTimer !== null) clearTimeout(retryTimer);
    retryTimer = null;
    source?.close();
    source = null;
  }

  const close = () => {
    stopStream();
    if (!signedOut()) state = 'connecting';
  };

  const download = options.download ?? browserDownload;

  return {
    ...operations(call),
    transport: 'http',
    subscribe(listener) {
      const remove = events.add(listener);
      open();
      return () => {
        remove();
        if (events.size === 0) close();
      };
    },
    async saveFile(request: SaveFileRequest): Promise<SaveFileResult> {
      download(request);
      return { saved: true, path: null };
    },
    connectionState: () => (EventSourceImpl || signedOut() ? state : 'open'),
    onConnectionChange: (listener) => connection.add(listener),
  };
}

interface DownloadGlobals {
  Blob: new (parts: unknown[], options: { type: string }) => unknown;
  URL: { createObjectURL(blob: unknown): string; revokeObjectURL(url: string): void };
  document: {
    createElement(tag: 'a'): { href: string; download: string; rel: string; style: { display: string }; click(): void; remove(): void };
    body: { appendChild(node: unknown): unknown };
  };
}

/** Saves a file in the browser: a Blob behind a temporary `<a download>`. */
export function browserDownload(request: SaveFileRequest): void {
  const g = globalThis as unknown as DownloadGlobals;
  const blob = new g.Blob([request.data], { type: request.mimeType });
  const url = g.URL.createObjectURL(blob);
  const a = g.document.createElement('a');
  a.href = url;
  a.download = request.suggestedName;
  a.rel = 'noopener';
  a.style.display = 'none';
  g.document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  setTimeout(() => g.URL.revokeObjectURL(url), 30_000);
}

// ---------- IPC (desktop app) ----------

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
