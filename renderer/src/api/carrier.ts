/**
 * What the lab client's two carriers share (see client.ts): the client type, the browser APIs they use
 * as small structural types (so tests can fake the wire), results unwrapped into values or ApiErrors,
 * the operation table over one `call`, and listener sets.
 */
import {
  API_OPERATIONS,
  ApiError,
  type ApiArgs,
  type ApiErrorData,
  type ApiOperation,
  type ApiResult,
  type ApiReturn,
  type LabApi,
  type LabClient,
  type SaveFileRequest,
} from '../../../shared/api.js';

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
export const ES_CLOSED = 2;

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
export const SIGN_IN_MESSAGES: Record<NonNullable<Credentials['problem']>, string> = {
  'no-token': 'This page has no access token: open the address relu-lab serve printed',
  'link-used': 'This sign-in address was already used or has expired: get a new one from relu-lab serve',
};

export function unreachable(err: unknown): ApiError {
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

export function toApiError(error: Partial<ApiErrorData> | undefined, operation: string): ApiError {
  const code = error?.code ?? 'internal';
  const message = typeof error?.message === 'string' && error.message ? error.message : `${operation} failed`;
  const issues = Array.isArray(error?.issues) ? error.issues : undefined;
  return new ApiError(code, message, issues);
}

export type Caller = <K extends ApiOperation>(operation: K, args: ApiArgs<K>) => Promise<ApiReturn<K>>;

/** The `LabApi` methods, each forwarding to `call` with its name and arguments. */
export function operations(call: Caller): LabApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const operation of API_OPERATIONS) {
    api[operation] = (...args: unknown[]) => call(operation, args as ApiArgs<typeof operation>);
  }
  return api as unknown as LabApi;
}

export class Listeners<T> {
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


export function defaultFetch(): FetchLike | undefined {
  const g = globalThis as unknown as { fetch?: FetchLike };
  return g.fetch ? (url, init) => g.fetch!(url, init) : undefined;
}
