/** The lab client over HTTP (web mode, `relu-lab serve`): calls, sign-in, live events, downloads. */
import {
  ApiError,
  decodeJson,
  encodeJson,
  type ApiResult,
  type ApiReturn,
  type LabEvent,
  type SaveFileRequest,
  type SaveFileResult,
} from '../../../shared/api.js';
import {
  defaultFetch,
  ES_CLOSED,
  Listeners,
  operations,
  SIGN_IN_MESSAGES,
  SIGN_IN_PROBLEMS,
  unreachable,
  unwrap,
  type Caller,
  type ConnectionState,
  type Credentials,
  type EventSourceFactory,
  type EventSourceLike,
  type FetchLike,
  type FetchResponseLike,
  type HttpClientOptions,
  type RendererClient,
  type SignInProblem,
} from './carrier.js';



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
