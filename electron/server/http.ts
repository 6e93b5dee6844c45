/**
 * Web mode: the lab over HTTP on 127.0.0.1, for machines without Electron (`relu-lab serve`).
 *
 * Protocol (the renderer's HTTP client codes against exactly this):
 *  - `GET /`, `/index.html`, `/assets/*`: the built renderer (dist/renderer). No token needed.
 *    Paths without a file extension outside /assets/ get index.html (app routes).
 *  - `POST /api/call/<operation>` with body `encodeJson({ args: [...] })` (an empty body means no
 *    arguments) → 200 with `encodeJson(ApiResult)`, whatever the operation's outcome.
 *  - `GET /api/events`: Server-Sent Events, one `data: <encodeJson(LabEvent)>` per event and a
 *    `: ping` comment every 15 s. At most `maxEventStreams` at once (else 503, code `conflict`).
 *  - `POST /api/session` with `{"code": "<one-time code>"}` (no token needed): exchanges a sign-in
 *    code from `signInUrl()` for `{ token, persistent }`. Codes are single-use and expire after
 *    `signInCodeLifetimeMs`, so the address handed to a browser (whose command line other users
 *    can read) never carries the token. `GET /api/session` with the token answers `{ persistent }`
 *    (whether the token outlives this server: a fixed token kept across restarts).
 *  - Every other `/api/*` request needs the token, as `Authorization: Bearer <token>` (scheme in any
 *    case) or `?token=<token>` (else 401, code `unauthorized`: "a token is required" or "wrong token").
 *    Errors of the carrier itself are ApiResult bodies too: 400 malformed body, 404 unknown operation
 *    or path, 405 wrong method, 413 body over the limit.
 *  - At most `maxConnections` connections at once; slow or idle ones are timed out.
 *  - Every request must name the server as `Host: 127.0.0.1:<port>` or `localhost:<port>` (else 403,
 *    against DNS rebinding); a cross-site `Origin` on `/api/*` is refused (403) as well.
 *  - Every response carries a strict Content-Security-Policy, nosniff and no-referrer.
 */
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { decodeJson, encodeJson, isApiOperation, type ApiErrorCode, type ApiResult, type LabEvent } from '../../shared/api.js';
import { appRoot } from '../app-root.js';
import { resolveStatic } from './static.js';

/** What the server needs from the lab (LabService implements it). */
export interface LabServiceLike {
  handle(operation: string, args: unknown): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: LabEvent) => void): () => void;
}

export interface WebServerOptions {
  service: LabServiceLike;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only: the server is never reachable from other machines. */
  host?: '127.0.0.1';
  /** The built renderer; relative paths are resolved against the app's root folder. Default dist/renderer. */
  staticDir?: string;
  /** Default: 32 random bytes, hex. */
  token?: string;
  /** The token is fixed (given by the user), so clients may keep it across restarts. Default false. */
  persistentToken?: boolean;
  /** How long a sign-in code stays valid (default 2 minutes). */
  signInCodeLifetimeMs?: number;
  /** Event streams open at once (default 16); more are refused with 503. */
  maxEventStreams?: number;
  /** Connections open at once (default 64); more are closed by the server. */
  maxConnections?: number;
  /** Largest request body accepted (default 50 MB). */
  maxBodyBytes?: number;
  /** Interval of the `: ping` comments on event streams (default 15 s). */
  pingIntervalMs?: number;
}

export interface WebServer {
  /**
   * A fresh address to open in a browser: `http://127.0.0.1:PORT/?code=CODE`, with a single-use code
   * the page exchanges for the token (see `POST /api/session`).
   */
  signInUrl(): string;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  token: string;
  port: number;
  /** Ends the event streams and closes every connection. */
  close(): Promise<void>;
}

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const DEFAULT_MAX_BODY = 50 * 1024 * 1024;
const DEFAULT_PING_MS = 15_000;
const DEFAULT_CODE_LIFETIME_MS = 2 * 60_000;
const DEFAULT_MAX_EVENT_STREAMS = 16;
const DEFAULT_MAX_CONNECTIONS = 64;
/** Sign-in codes kept at once; the oldest go first (nobody needs more than a few). */
const MAX_PENDING_CODES = 32;
/** A client has this long to send its request headers (a connection is a bounded resource). */
const HEADERS_TIMEOUT_MS = 15_000;
/** An event stream whose client reads slower than this backlog is dropped (the client reconnects). */
const MAX_STREAM_BACKLOG = 16 * 1024 * 1024;

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** A token a user chooses (`--token`, `webToken`): URL-safe, long enough not to be guessed. */
const TOKEN_RULE = /^[A-Za-z0-9._~-]{16,256}$/;

/** Why `token` cannot be a server token (the rule, what was given), or null when it can. */
export function tokenProblem(token: unknown): string | null {
  if (typeof token !== 'string') return `must be text, got ${token === null ? 'null' : typeof token}`;
  if (TOKEN_RULE.test(token)) return null;
  const length = [...token].length;
  if (length < 16 || length > 256) return `must be 16 to 256 characters long, got ${length}`;
  return 'must use only the characters A-Z a-z 0-9 . _ ~ - (it travels in URLs and headers)';
}

/** The token of an `Authorization: Bearer <token>` header; the scheme is case-insensitive (RFC 9110). */
export function bearerToken(header: string | undefined): string | null {
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

/** Single-use sign-in codes with an expiry. */
class SignInCodes {
  private readonly pending = new Map<string, number>();
  constructor(private readonly lifetimeMs: number) {}

  issue(now = Date.now()): string {
    this.prune(now);
    while (this.pending.size >= MAX_PENDING_CODES) this.pending.delete(this.pending.keys().next().value as string);
    const code = crypto.randomBytes(16).toString('hex');
    this.pending.set(code, now + this.lifetimeMs);
    return code;
  }

  /** True once per issued code, within its lifetime. */
  redeem(code: string, now = Date.now()): boolean {
    this.prune(now);
    for (const [known] of this.pending) {
      if (sameToken(code, known)) {
        this.pending.delete(known);
        return true;
      }
    }
    return false;
  }

  private prune(now: number): void {
    for (const [code, expires] of this.pending) if (expires <= now) this.pending.delete(code);
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`the web server binds 127.0.0.1 only, not ${String(host)}`);
  const service = options.service;
  const token = options.token ?? crypto.randomBytes(32).toString('hex');
  const badToken = tokenProblem(token);
  if (badToken !== null) throw new Error(`the server token ${badToken}`);
  const staticDir = path.resolve(appRoot(), options.staticDir ?? 'dist/renderer');
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const pingMs = options.pingIntervalMs ?? DEFAULT_PING_MS;
  const maxStreams = options.maxEventStreams ?? DEFAULT_MAX_EVENT_STREAMS;
  const codes = new SignInCodes(options.signInCodeLifetimeMs ?? DEFAULT_CODE_LIFETIME_MS);
  const persistent = options.persistentToken ?? false;
  const streams = new Set<http.ServerResponse>();
  let port = 0;
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const sendApi = (res: http.ServerResponse, status: number, result: ApiResult<unknown>, headers: Record<string, string> = {}) => {
    const body = encodeJson(result);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(body);
  };

  const sendText = (res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...headers });
    res.end(text);
  };

  const readBody = (req: http.IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBody) {
        reject(new HttpProblem(413, 'invalid_argument', `the request body is larger than ${maxBody} bytes`, { Connection: 'close' }));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      req.on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > maxBody) {
          done = true;
          chunks.length = 0;
          reject(new HttpProblem(413, 'invalid_argument', `the request body is larger than ${maxBody} bytes`, { Connection: 'close' }));
          return;
        }
        chunks.push(chunk);
      });
      req.on('end', () => {
        if (!done) {
          done = true;
          resolve(Buffer.concat(chunks));
        }
      });
      req.on('error', (err) => {
        if (!done) {
          done = true;
          reject(err);
        }
      });
    });

  const handleCall = async (req: http.IncomingMessage, res: http.ServerResponse, operation: string) => {
    if (req.method !== 'POST') throw new HttpProblem(405, 'invalid_argument', `${operation}: use POST`, { Allow: 'POST' });
    if (!isApiOperation(operation)) throw new HttpProblem(404, 'invalid_argument', `unknown operation ${JSON.stringify(operation)}`);
    const body = await readBody(req);
    let args: unknown = [];
    const text = body.toString('utf8');
    if (text.trim() !== '') {
      let payload: unknown;
      try {
        payload = decodeJson(text);
      } catch (err) {
        throw new HttpProblem(400, 'invalid_argument', `${operation}: the request body is not valid JSON (${(err as Error).message})`);
      }
      if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
        throw new HttpProblem(400, 'invalid_argument', `${operation}: the request body must be a JSON object {"args": [...]}`);
      }
      if ('args' in payload) args = (payload as { args: unknown }).args;
    }
    const result = await service.handle(operation, args);
    sendApi(res, 200, result);
  };

  const handleEvents = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.method !== 'GET') throw new HttpProblem(405, 'invalid_argument', 'events: use GET', { Allow: 'GET' });
    if (streams.size >= maxStreams) {
      throw new HttpProblem(503, 'conflict', `too many live connections: ${maxStreams} event streams are open; close other ReLU Lab tabs`, { 'Retry-After': '10' });
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    streams.add(res);
    let closed = false;
    const write = (chunk: string) => {
      if (closed) return;
      res.write(chunk);
      if (res.writableLength > MAX_STREAM_BACKLOG) cleanup(true);
    };
    const unsubscribe = service.subscribe((event) => write(`data: ${encodeJson(event)}\n\n`));
    const ping = setInterval(() => write(': ping\n\n'), pingMs);
    const cleanup = (destroy = false) => {
      if (closed) return;
      closed = true;
      clearInterval(ping);
      unsubscribe();
      streams.delete(res);
      if (destroy) res.destroy();
    };
    req.on('close', () => cleanup());
    res.on('close', () => cleanup());
    res.on('error', () => cleanup(true));
    // Reconnect quickly after a restart; the first bytes also tell the client the stream is open.
    write('retry: 2000\n: connected\n\n');
  };

  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) {
      throw new HttpProblem(403, 'unauthorized', `requests from ${origin} are not allowed`);
    }
    if (url.pathname === '/api/session' && req.method === 'POST') return handleSignIn(req, res);
    const given = bearerToken(req.headers.authorization) ?? url.searchParams.get('token');
    if (!given || !sameToken(given, token)) {
      throw new HttpProblem(401, 'unauthorized', given ? 'wrong token' : 'a token is required (Authorization: Bearer <token> or ?token=<token>)', {
        'WWW-Authenticate': 'Bearer realm="ReLU Lab"',
      });
    }
    const parts = url.pathname.split('/');
    // ['', 'api', 'call', '<operation>']
    if (parts.length === 4 && parts[2] === 'call') {
      let operation: string;
      try {
        operation = decodeURIComponent(parts[3]);
      } catch {
        throw new HttpProblem(404, 'invalid_argument', 'malformed operation name');
      }
      return handleCall(req, res, operation);
    }
    if (url.pathname === '/api/events') return handleEvents(req, res);
    if (url.pathname === '/api/session') {
      if (req.method !== 'GET') throw new HttpProblem(405, 'invalid_argument', 'session: use GET (or POST a sign-in code)', { Allow: 'GET, POST' });
      return sendApi(res, 200, { ok: true, value: { persistent } });
    }
    throw new HttpProblem(404, 'invalid_argument', `no API at ${url.pathname}`);
  };

  /** `POST /api/session {"code"}`: a sign-in code for the token, once. */
  const handleSignIn = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readBody(req);
    let code: unknown;
    try {
      code = (JSON.parse(body.toString('utf8')) as { code?: unknown } | null)?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string' || code === '') throw new HttpProblem(400, 'invalid_argument', 'session: the body must be {"code": "<sign-in code>"}');
    if (!codes.redeem(code)) {
      throw new HttpProblem(401, 'unauthorized', 'this sign-in link was already used or has expired; open a new one from relu-lab serve');
    }
    sendApi(res, 200, { ok: true, value: { token, persistent } });
  };

  const handleStatic = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const found = resolveStatic(staticDir, url.pathname);
    if (found.kind === 'bad-request') {
      sendText(res, 400, `bad request: ${found.reason}\n`);
      return;
    }
    if (found.kind === 'not-found') {
      const missingApp = !fs.existsSync(path.join(staticDir, 'index.html'));
      sendText(res, 404, missingApp ? 'ReLU Lab: the web interface is not built (run npm run build:renderer)\n' : 'not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': found.size,
      'Cache-Control': found.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = fs.createReadStream(found.file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };

  const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const rawUrl = req.url ?? '/';
    const isApi = rawUrl === '/api' || rawUrl.startsWith('/api/') || rawUrl.startsWith('/api?');
    try {
      if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
        throw new HttpProblem(403, 'unauthorized', `this server answers only to 127.0.0.1:${port} and localhost:${port}`);
      }
      if (!rawUrl.startsWith('/')) throw new HttpProblem(400, 'invalid_argument', 'malformed request target');
      const url = new URL(`http://127.0.0.1${rawUrl}`);
      if (isApi) await handleApi(req, res, url);
      else handleStatic(req, res, url);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const problem =
        err instanceof HttpProblem ? err : new HttpProblem(500, 'internal', `the server failed: ${err instanceof Error ? err.message : String(err)}`);
      if (isApi) sendApi(res, problem.status, { ok: false, error: { code: problem.code, message: problem.message } }, problem.headers);
      else sendText(res, problem.status, `${problem.message}\n`, problem.headers);
      if (problem.status === 413) res.on('finish', () => req.destroy());
    }
  };

  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: 5 * 60_000 }, (req, res) => void onRequest(req, res));
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | null = null;
  return {
    signInUrl: () => `${origin}/?code=${codes.issue()}`,
    origin,
    token,
    port,
    close() {
      if (!closing) {
        closing = new Promise<void>((resolve) => {
          for (const res of [...streams]) res.end();
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return closing;
    },
  };
}
