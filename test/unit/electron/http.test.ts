import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult, type LabEvent } from '../../../shared/api.js';
import { CONTENT_SECURITY_POLICY, startWebServer, type LabServiceLike, type WebServer } from '../../../electron/server/http.js';
import { openService, tempDir, tinyConfig, waitForRuns } from './helpers.js';

const servers: WebServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A stand-in lab: echoes calls, lets the test push events, counts subscribers. */
class FakeService implements LabServiceLike {
  readonly calls: { operation: string; args: unknown }[] = [];
  readonly listeners = new Set<(event: LabEvent) => void>();
  async handle(operation: string, args: unknown): Promise<ApiResult<unknown>> {
    this.calls.push({ operation, args });
    return { ok: true, value: { operation, args, nan: NaN, inf: Infinity, ninf: -Infinity } };
  }
  subscribe(listener: (event: LabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: LabEvent): void {
    for (const l of this.listeners) l(event);
  }
}

function staticFixture(): { root: string; secret: string } {
  const dir = tempDir();
  const root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ReLU Lab</title><div id="root"></div>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log("app")');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc123.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(root, '.hidden'), 'hidden');
  const secret = path.join(dir, 'secret.txt');
  fs.writeFileSync(secret, 'TOP SECRET');
  fs.symlinkSync(secret, path.join(root, 'assets', 'link.txt'));
  return { root, secret };
}

async function start<S extends LabServiceLike = FakeService>(service: S = new FakeService() as unknown as S, extra: Partial<Parameters<typeof startWebServer>[0]> = {}) {
  const fixture = staticFixture();
  const server = await startWebServer({ service, port: 0, host: '127.0.0.1', staticDir: fixture.root, ...extra });
  servers.push(server);
  return { server, service, fixture };
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with full control over the path and headers (fetch would normalize both). */
function request(server: WebServer, rawPath: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: server.port, path: rawPath, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function call(server: WebServer, operation: string, args: unknown[], headers: Record<string, string> = {}, query = '') {
  return request(server, `/api/call/${operation}${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}`, ...headers },
    body: encodeJson({ args }),
  });
}

function expectSecurityHeaders(res: RawResponse) {
  expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
}

describe('web server: access control', () => {
  it('binds 127.0.0.1 with a random 32-byte token and hands out sign-in addresses without it', async () => {
    const { server } = await start();
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
    const first = server.signInUrl();
    expect(first).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?code=[0-9a-f]{32}$`));
    expect(first).not.toContain(server.token);
    expect(server.signInUrl()).not.toBe(first);
    const { server: other } = await start();
    expect(other.token).not.toBe(server.token);
    await expect(startWebServer({ service: new FakeService(), host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('answers 401 unauthorized without the token or with a wrong one', async () => {
    const { server, service } = await start();
    const none = await request(server, '/api/call/listExperiments', { method: 'POST', body: encodeJson({ args: [] }) });
    expect(none.status).toBe(401);
    expect(decodeJson(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expectSecurityHeaders(none);
    const wrong = await call(server, 'listExperiments', [], { Authorization: `Bearer ${'0'.repeat(64)}` });
    expect(wrong.status).toBe(401);
    expect(decodeJson<ApiResult<unknown>>(wrong.body)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } });
    const short = await call(server, 'listExperiments', [], { Authorization: 'Bearer abc' });
    expect(short.status).toBe(401);
    const wrongQuery = await request(server, `/api/call/listExperiments?token=nope`, { method: 'POST' });
    expect(wrongQuery.status).toBe(401);
    expect(service.calls).toEqual([]);
  });

  it('accepts the token as a bearer header or as ?token=', async () => {
    const { server, service } = await start();
    const header = await call(server, 'getRun', [7]);
    expect(header.status).toBe(200);
    expect(decodeJson(header.body)).toMatchObject({ ok: true, value: { operation: 'getRun', args: [7] } });
    const query = await request(server, `/api/call/getRun?token=${server.token}`, { method: 'POST', body: encodeJson({ args: [8] }) });
    expect(query.status).toBe(200);
    expect(service.calls.map((c) => c.args)).toEqual([[7], [8]]);
  });

  it('accepts the bearer scheme in any case, and nothing but a bearer token in the header', async () => {
    const { server, service } = await start();
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const res = await call(server, 'getRun', [1], { Authorization: `${scheme} ${server.token}` });
      expect(res.status, scheme).toBe(200);
    }
    expect((await call(server, 'getRun', [1], { Authorization: `Bearer   ${server.token}  ` })).status).toBe(200);
    expect((await call(server, 'getRun', [1], { Authorization: `Basic ${server.token}` })).status).toBe(401);
    expect((await call(server, 'getRun', [1], { Authorization: server.token })).status).toBe(401);
    expect(service.calls).toHaveLength(5);
  });

  it('uses a given token, and refuses tokens that are short or not URL-safe (without echoing them)', async () => {
    const fixed = 'my-fixed-token.for_bookmarks~1';
    const { server } = await start(new FakeService(), { token: fixed, persistentToken: true });
    expect(server.token).toBe(fixed);
    expect((await call(server, 'getRun', [1])).status).toBe(200);
    await expect(startWebServer({ service: new FakeService(), token: 'short' })).rejects.toThrow('the server token must be 16 to 256 characters long, got 5');
    await expect(startWebServer({ service: new FakeService(), token: 'has spaces and ünïcode 123456' })).rejects.toThrow(/must use only the characters A-Z a-z 0-9 \. _ ~ -/);
  });

  it('exchanges a sign-in code for the token once, within its lifetime, and only for its own pages', async () => {
    const { server, service } = await start(new FakeService(), { signInCodeLifetimeMs: 300 });
    const signIn = (code: string, headers: Record<string, string> = {}) =>
      request(server, '/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ code }) });
    const code = new URL(server.signInUrl()).searchParams.get('code')!;
    // Loading the page does not use the code up (link previews, prefetching).
    expect((await request(server, `/?code=${code}`)).status).toBe(200);
    // Another site's page cannot redeem it.
    expect((await signIn(code, { Origin: 'https://evil.example' })).status).toBe(403);
    const ok = await signIn(code, { Origin: `http://127.0.0.1:${server.port}` });
    expect(ok.status).toBe(200);
    expect(decodeJson(ok.body)).toEqual({ ok: true, value: { token: server.token, persistent: false } });
    const again = await signIn(code);
    expect(again.status).toBe(401);
    expect(decodeJson(again.body)).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/already used or has expired/) } });
    const late = new URL(server.signInUrl()).searchParams.get('code')!;
    await new Promise((r) => setTimeout(r, 450));
    expect((await signIn(late)).status).toBe(401);
    expect((await signIn('0'.repeat(32))).status).toBe(401);
    expect((await request(server, '/api/session', { method: 'POST', body: 'nope' })).status).toBe(400);
    // The token itself says whether it is kept across restarts.
    const session = await request(server, '/api/session', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(decodeJson(session.body)).toEqual({ ok: true, value: { persistent: false } });
    expect((await request(server, '/api/session')).status).toBe(401);
    expect(service.calls).toEqual([]);
    const { server: fixed } = await start(new FakeService(), { token: 'a-fixed-token-of-some-length', persistentToken: true });
    const fixedCode = new URL(fixed.signInUrl()).searchParams.get('code')!;
    const res = await request(fixed, '/api/session', { method: 'POST', body: JSON.stringify({ code: fixedCode }) });
    expect(decodeJson(res.body)).toEqual({ ok: true, value: { token: 'a-fixed-token-of-some-length', persistent: true } });
  });

  it('answers 403 to any other Host header (DNS rebinding) and to cross-site origins', async () => {
    const { server, service } = await start();
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`, '127.0.0.1', `[::1]:${server.port}`]) {
      const api = await call(server, 'listExperiments', [], { Host: host });
      expect(api.status, host).toBe(403);
      expect(decodeJson(api.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      const page = await request(server, '/', { headers: { Host: host } });
      expect(page.status, host).toBe(403);
      expectSecurityHeaders(page);
    }
    const localhost = await call(server, 'listExperiments', [], { Host: `localhost:${server.port}` });
    expect(localhost.status).toBe(200);
    const crossSite = await call(server, 'listExperiments', [], { Origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const sameSite = await call(server, 'listExperiments', [], { Origin: `http://127.0.0.1:${server.port}` });
    expect(sameSite.status).toBe(200);
    expect(service.calls).toHaveLength(2);
  });
});

describe('web server: API calls', () => {
  it('passes the arguments through and keeps NaN and ±Infinity both ways', async () => {
    const { server, service } = await start();
    const res = await call(server, 'updateSettings', [{ values: [NaN, Infinity, -Infinity, 1.5] }]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expectSecurityHeaders(res);
    const result = decodeJson<ApiResult<{ nan: number; inf: number; ninf: number; args: unknown }>>(res.body);
    if (!result.ok) throw new Error('expected ok');
    expect(result.value.nan).toBeNaN();
    expect(result.value.inf).toBe(Infinity);
    expect(result.value.ninf).toBe(-Infinity);
    const received = service.calls[0].args as [{ values: number[] }];
    expect(received[0].values[0]).toBeNaN();
    expect(received[0].values.slice(1)).toEqual([Infinity, -Infinity, 1.5]);
  });

  it('treats an empty body as no arguments', async () => {
    const { server, service } = await start();
    const res = await request(server, '/api/call/getQueue', { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(200);
    expect(service.calls[0]).toEqual({ operation: 'getQueue', args: [] });
  });

  it('answers carrier errors with an ApiResult and the right status', async () => {
    const { server } = await start(new FakeService(), { maxBodyBytes: 1024 });
    const auth = { Authorization: `Bearer ${server.token}` };
    const unknown = await call(server, 'dropDatabase', []);
    expect(unknown.status).toBe(404);
    expect(decodeJson(unknown.body)).toMatchObject({ ok: false, error: { code: 'invalid_argument', message: 'unknown operation "dropDatabase"' } });
    const proto = await call(server, '__proto__', []);
    expect(proto.status).toBe(404);
    const get = await request(server, '/api/call/listExperiments', { headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const badJson = await request(server, '/api/call/getRun', { method: 'POST', headers: auth, body: '{"args": [1' });
    expect(badJson.status).toBe(400);
    expect(decodeJson(badJson.body)).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const notObject = await request(server, '/api/call/getRun', { method: 'POST', headers: auth, body: '[1]' });
    expect(notObject.status).toBe(400);
    const big = await request(server, '/api/call/createExperiment', { method: 'POST', headers: auth, body: encodeJson({ args: ['x'.repeat(5000)] }) });
    expect(big.status).toBe(413);
    expect(decodeJson(big.body)).toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
    const nowhere = await request(server, '/api/nothing', { headers: auth });
    expect(nowhere.status).toBe(404);
  });

  it('relays the service’s own errors with 200', async () => {
    const t = openService();
    const { server } = await start(t.service);
    const res = await call(server, 'getRun', ['x']);
    expect(res.status).toBe(200);
    expect(decodeJson(res.body)).toEqual({
      ok: false,
      error: { code: 'invalid_argument', message: 'getRun: argument 1 must be a whole number >= 1, got "x"' },
    });
    const missing = await call(server, 'getExperiment', [42]);
    expect(decodeJson(missing.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

describe('web server: static files', () => {
  it('serves the built renderer with content types and cache headers, without a token', async () => {
    const { server } = await start();
    const index = await request(server, '/');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.body).toContain('<title>ReLU Lab</title>');
    expectSecurityHeaders(index);
    const withToken = await request(server, `/?token=${server.token}`);
    expect(withToken.body).toContain('ReLU Lab');
    const js = await request(server, '/assets/index-abc123.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
    expect(js.body).toBe('console.log("app")');
    expect((await request(server, '/assets/index-abc123.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(server, '/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
    const head = await request(server, '/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    const post = await request(server, '/', { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('falls back to index.html for app routes but not for missing assets', async () => {
    const { server } = await start();
    const route = await request(server, '/experiments/12/compare');
    expect(route.status).toBe(200);
    expect(route.body).toContain('<title>ReLU Lab</title>');
    expect((await request(server, '/assets/missing.js')).status).toBe(404);
    expect((await request(server, '/favicon.ico')).status).toBe(404);
    expect((await request(server, '/.hidden')).status).toBe(404);
  });

  it('never serves files outside the folder', async () => {
    const { server, fixture } = await start();
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets%2f..%2f..%2fsecret.txt',
      `/${encodeURIComponent(fixture.secret)}`,
      `//${fixture.secret}`,
      '/assets/link.txt',
      '/%00',
      '/%',
    ];
    for (const attempt of attempts) {
      const res = await request(server, attempt);
      expect(res.body, attempt).not.toContain('TOP SECRET');
      expect(res.status === 200 ? res.body : 'x', attempt).not.toBe('TOP SECRET');
      expectSecurityHeaders(res);
    }
  });

  it('says how to build the interface when it is missing', async () => {
    const empty = tempDir();
    const server = await startWebServer({ service: new FakeService(), staticDir: empty });
    servers.push(server);
    const res = await request(server, '/');
    expect(res.status).toBe(404);
    expect(res.body).toMatch(/npm run build:renderer/);
  });
});

/** Reads an event stream until `until` says stop; returns the raw text. */
function readStream(server: WebServer, rawPath: string, until: (text: string) => boolean, onOpen?: () => void): Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: rawPath, headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
      let text = '';
      if (res.statusCode !== 200) {
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        return;
      }
      onOpen?.();
      res.on('data', (c: Buffer) => {
        text += c.toString();
        if (until(text)) {
          req.destroy();
          resolve({ status: 200, text, headers: res.headers });
        }
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
  });
}

function dataEvents(text: string): LabEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => decodeJson<LabEvent>(block.slice(6)));
}

describe('web server: events', () => {
  it('streams events as Server-Sent Events, with pings, and unsubscribes on disconnect', async () => {
    const service = new FakeService();
    const { server } = await start(service, { pingIntervalMs: 30 });
    const event: LabEvent = { type: 'progress', runId: 1, experimentId: 2, fraction: NaN, etaSeconds: Infinity };
    const res = await readStream(
      server,
      `/api/events?token=${server.token}`,
      (text) => text.includes(': ping') && text.includes('"settings-changed"'),
      () => {
        setTimeout(() => {
          service.emit(event);
          service.emit({ type: 'settings-changed', settings: { databaseFile: 'x', defaultBackend: 'auto', workers: 1, theme: 'dark' } });
        }, 20);
      },
    );
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const events = dataEvents(res.text);
    expect(events[0]).toMatchObject({ type: 'progress', runId: 1, experimentId: 2, etaSeconds: Infinity });
    expect((events[0] as { fraction: number }).fraction).toBeNaN();
    expect(events[1].type).toBe('settings-changed');
    await new Promise((r) => setTimeout(r, 100));
    expect(service.listeners.size).toBe(0);
  });

  it('requires the token for the event stream', async () => {
    const service = new FakeService();
    const { server } = await start(service);
    const res = await readStream(server, '/api/events', () => true);
    expect(res.status).toBe(401);
    expect(decodeJson(res.text)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await readStream(server, '/api/events?token=abc', () => true);
    expect(wrong.status).toBe(401);
    expect(service.listeners.size).toBe(0);
  });

  it('refuses event streams beyond its limit (503), and takes new ones when one closes', async () => {
    const service = new FakeService();
    const { server } = await start(service, { maxEventStreams: 2 });
    const open = () =>
      new Promise<http.ClientRequest>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => resolve(req));
        });
        req.on('error', (err) => {
          if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
        });
      });
    const first = await open();
    await open();
    const refused = await readStream(server, `/api/events?token=${server.token}`, () => true);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('10');
    expect(decodeJson(refused.text)).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/2 event streams are open/) } });
    expect(service.listeners.size).toBe(2);
    first.destroy();
    await expect.poll(() => service.listeners.size).toBe(1);
    await open();
    expect(service.listeners.size).toBe(2);
  });

  it('closes connections beyond its limit and serves again when one goes', async () => {
    const { server } = await start(new FakeService(), { maxConnections: 3 });
    const connect = () =>
      new Promise<net.Socket>((resolve, reject) => {
        const socket = net.connect(server.port, '127.0.0.1', () => resolve(socket));
        socket.on('error', reject);
      });
    const held = [await connect(), await connect(), await connect()];
    const extra = await connect();
    const closedByServer = await new Promise<boolean>((resolve) => {
      extra.on('close', () => resolve(true));
      // (Only bounds how long a failure takes; the server closes it at once.)
      setTimeout(() => resolve(false), 10_000);
      extra.on('error', () => undefined);
      extra.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    });
    expect(closedByServer).toBe(true);
    held[0].destroy();
    await expect.poll(async () => (await request(server, '/').catch(() => ({ status: 0 }))).status).toBe(200);
    for (const s of held) s.destroy();
  });

  it('ends event streams when the server closes', async () => {
    const service = new FakeService();
    const { server } = await start(service);
    const ended = new Promise<void>((resolve) => {
      http.get({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${server.token}`, headers: { Host: `127.0.0.1:${server.port}` } }, (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve());
        res.on('close', () => resolve());
      });
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(service.listeners.size).toBe(1);
    await server.close();
    await ended;
    expect(service.listeners.size).toBe(0);
  });

  it('runs a real experiment over HTTP and streams its events', async () => {
    const t = openService({ transport: 'http' });
    const { server } = await start(t.service);
    const received: LabEvent[] = [];
    let done!: () => void;
    const finished = new Promise<void>((r) => (done = r));
    let runIds: number[] = [];
    const stream = readStream(
      server,
      `/api/events?token=${server.token}`,
      (text) => {
        received.splice(0, received.length, ...dataEvents(text));
        const complete = received.some((e) => e.type === 'run-status' && e.status === 'completed');
        if (complete) done();
        return complete && received.some((e) => e.type === 'experiments-changed');
      },
      () => {
        void call(server, 'createExperiment', [tinyConfig({ epochs: 1 })]).then((res) => {
          const result = decodeJson<ApiResult<{ runIds: number[] }>>(res.body);
          if (result.ok) runIds = result.value.runIds;
        });
      },
    );
    await finished;
    await stream;
    await waitForRuns(t.service, runIds);
    expect(received.filter((e) => e.type === 'epoch')).toHaveLength(2);
    const epoch = received.find((e) => e.type === 'epoch');
    expect(epoch && epoch.type === 'epoch' && Array.isArray(epoch.metrics.layers[0].deadMask)).toBe(true);
    const list = decodeJson<ApiResult<{ name: string }[]>>((await call(server, 'listExperiments', [])).body);
    expect(list).toMatchObject({ ok: true, value: [{ name: 'tiny' }] });
  });
});
