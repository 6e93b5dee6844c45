/**
 * The renderer's transport-independent client (renderer/src/api/client.ts) over fakes of both wires:
 * an HTTP fetch + EventSource pair speaking the `relu-lab serve` protocol, and an IPC bridge shaped
 * like the Electron preload's `window.reluLab`. The real server is covered by test/e2e/webapp.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, decodeJson, encodeJson, type ApiResult, type LabEvent, type SaveFileRequest } from '../../../shared/api.js';
import {
  browserDownload,
  connect,
  createHttpClient,
  createIpcClient,
  TOKEN_STORAGE_KEY,
  type EventSourceLike,
  type FetchLike,
} from '../../../renderer/src/api/client.js';
import type { ReluLabBridge } from '../../../renderer/src/api/bridge.js';

interface Request {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A fetch that answers like the web server: every body is encodeJson(ApiResult); `GET /api/session`
 * (the client's "was my token refused?" check) answers `session`.
 */
function fakeFetch(answer: (operation: string, args: unknown[]) => { status?: number; body: string }, session: { status: number } = { status: 200 }) {
  const requests: Request[] = [];
  const fetch: FetchLike = async (url, init) => {
    if (url.endsWith('/api/session') && init.method === 'GET') {
      requests.push({ url, method: init.method, headers: init.headers, body: null });
      return { status: session.status, text: async () => encodeJson(session.status === 200 ? ok({ persistent: false }) : { ok: false, error: { code: 'unauthorized', message: 'wrong token' } }) };
    }
    const body = decodeJson<{ args: unknown[] }>(init.body!);
    requests.push({ url, method: init.method, headers: init.headers, body });
    const operation = url.split('/api/call/')[1];
    const { status = 200, body: text } = answer(operation, body.args);
    return { status, text: async () => text };
  };
  return { fetch, requests };
}

class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onmessage: ((event: { data: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onopen: ((event: unknown) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  send(event: LabEvent): void {
    this.onmessage?.({ data: encodeJson(event) });
  }
  fail(closed: boolean): void {
    this.readyState = closed ? 2 : 0;
    this.onerror?.({});
  }
}

afterEach(() => {
  FakeEventSource.instances = [];
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });

describe('HTTP client', () => {
  it('POSTs encodeJson({ args }) to /api/call/<operation> with the bearer token', async () => {
    const { fetch, requests } = fakeFetch(() => ({ body: encodeJson(ok({ id: 3, name: 'x' })) }));
    const client = createHttpClient('http://127.0.0.1:9999/', 'secret', { fetch });
    const value = await client.updateExperiment(3, { name: 'x', tags: ['a'] });
    expect(value).toEqual({ id: 3, name: 'x' });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe('http://127.0.0.1:9999/api/call/updateExperiment');
    expect(requests[0].method).toBe('POST');
    expect(requests[0].headers.Authorization).toBe('Bearer secret');
    expect(requests[0].body).toEqual({ args: [3, { name: 'x', tags: ['a'] }] });
    expect(client.transport).toBe('http');
  });

  it('sends no arguments as an empty list', async () => {
    const { fetch, requests } = fakeFetch(() => ({ body: encodeJson(ok([])) }));
    const client = createHttpClient('', 't', { fetch });
    await client.listExperiments();
    expect(requests[0].url).toBe('/api/call/listExperiments');
    expect(requests[0].body).toEqual({ args: [] });
  });

  it('keeps NaN and ±Infinity both ways', async () => {
    const metrics = [{ epoch: 3, trainLoss: NaN, valLoss: Infinity, layers: [{ preActMean: -Infinity }] }];
    const { fetch, requests } = fakeFetch(() => ({ body: encodeJson(ok(metrics)) }));
    const client = createHttpClient('', 't', { fetch });
    const got = (await client.getRunMetrics(1)) as unknown as typeof metrics;
    expect(Number.isNaN(got[0].trainLoss)).toBe(true);
    expect(got[0].valLoss).toBe(Infinity);
    expect(got[0].layers[0].preActMean).toBe(-Infinity);
    // An argument with NaN arrives as NaN too (the server decodes with decodeJson).
    await client.createExperiment({ training: { learningRate: NaN } });
    expect(Number.isNaN((requests[1].body as { args: [{ training: { learningRate: number } }] }).args[0].training.learningRate)).toBe(true);
  });

  it('turns an error result into an ApiError with code, message and issues (also on 4xx)', async () => {
    const issues = [{ path: 'training.learningRate', message: 'must be > 0, got -1' }];
    const { fetch } = fakeFetch(() => ({ status: 200, body: encodeJson({ ok: false, error: { code: 'invalid_config', message: 'the config is invalid', issues } }) }));
    const client = createHttpClient('', 't', { fetch });
    const err = await client.createExperiment({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_config');
    expect((err as ApiError).message).toBe('the config is invalid');
    expect((err as ApiError).issues).toEqual(issues);

    const unauthorized = createHttpClient('', 'wrong', {
      fetch: fakeFetch(() => ({ status: 401, body: encodeJson({ ok: false, error: { code: 'unauthorized', message: 'missing or wrong token' } }) })).fetch,
    });
    const err2 = await unauthorized.getSettings().catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(ApiError);
    expect((err2 as ApiError).code).toBe('unauthorized');
    expect((err2 as ApiError).issues).toBeUndefined();
  });

  it('reports a body that is not an ApiResult, and an unreachable server, as ApiErrors', async () => {
    const html = createHttpClient('', 't', { fetch: fakeFetch(() => ({ status: 502, body: '<html>Bad gateway</html>' })).fetch });
    const err = await html.getQueue().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('internal');
    expect((err as ApiError).message).toMatch(/HTTP 502/);

    const malformed = createHttpClient('', 't', { fetch: fakeFetch(() => ({ body: encodeJson({ hello: 1 }) })).fetch });
    await expect(malformed.getQueue()).rejects.toBeInstanceOf(ApiError);

    const down = createHttpClient('', 't', {
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    const err3 = await down.getQueue().catch((e: unknown) => e);
    expect(err3).toBeInstanceOf(ApiError);
    expect((err3 as ApiError).message).toMatch(/Cannot reach the ReLU Lab server/);
  });

  it('streams events from /api/events?token=… decoded with NaN, and closes with the last listener', () => {
    const client = createHttpClient('http://h:1', 'a b', { fetch: fakeFetch(() => ({ body: '' })).fetch, EventSource: FakeEventSource });
    const got: LabEvent[] = [];
    const got2: LabEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    const off2 = client.subscribe((e) => got2.push(e));
    expect(FakeEventSource.instances).toHaveLength(1);
    const es = FakeEventSource.instances[0];
    expect(es.url).toBe('http://h:1/api/events?token=a%20b');
    es.open();
    expect(client.connectionState()).toBe('open');
    const metrics = { epoch: 2, trainLoss: NaN, trainAccuracy: null, valLoss: null, valAccuracy: null, seconds: 0, elapsedSeconds: 1, probeMs: 1, task: null, layers: [] };
    es.send({ type: 'epoch', runId: 1, experimentId: 1, metrics });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    es.onmessage?.({ data: 'not json' });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
    expect(got).toHaveLength(1);
    expect(got2).toHaveLength(1);
    const first = got[0] as Extract<LabEvent, { type: 'epoch' }>;
    expect(Number.isNaN(first.metrics.trainLoss)).toBe(true);
    off();
    expect(es.closed).toBe(false);
    off2();
    expect(es.closed).toBe(true);
  });

  it('reconnects after the stream closes, then asks every view to refresh', async () => {
    vi.useFakeTimers();
    const client = createHttpClient('', 't', { fetch: fakeFetch(() => ({ body: '' })).fetch, EventSource: FakeEventSource, reconnectDelayMs: () => 500 });
    const states: string[] = [];
    client.onConnectionChange((s) => states.push(s));
    const got: LabEvent[] = [];
    client.subscribe((e) => got.push(e));
    FakeEventSource.instances[0].open();
    // A transient error: the browser retries on its own, we only report it.
    FakeEventSource.instances[0].fail(false);
    expect(FakeEventSource.instances).toHaveLength(1);
    FakeEventSource.instances[0].open();
    expect(got).toEqual([{ type: 'experiments-changed' }]);
    // A closed stream (e.g. the server restarted): once the token is known to be fine, a new one after the delay.
    FakeEventSource.instances[0].fail(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(client.connectionState()).toBe('reconnecting');
    expect(FakeEventSource.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(500);
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.instances[1].open();
    expect(client.connectionState()).toBe('open');
    expect(got).toEqual([{ type: 'experiments-changed' }, { type: 'experiments-changed' }]);
    expect(states).toEqual(['open', 'reconnecting', 'open', 'reconnecting', 'open']);
  });

  it('a refused token is not a lost connection: no reconnecting, no new streams, calls say "wrong token"', async () => {
    vi.useFakeTimers();
    const { fetch, requests } = fakeFetch(() => ({ status: 401, body: encodeJson({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } }) }), { status: 401 });
    const client = createHttpClient('', 'old-token', { fetch, EventSource: FakeEventSource, reconnectDelayMs: () => 500 });
    const states: string[] = [];
    client.onConnectionChange((s) => states.push(s));
    client.subscribe(() => undefined);
    // The server restarted with a new token: the stream's request is refused (closed, not retried).
    FakeEventSource.instances[0].fail(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(client.connectionState()).toBe('wrong-token');
    expect(FakeEventSource.instances).toHaveLength(1);
    expect(requests.map((r) => `${r.method} ${r.url} ${r.headers.Authorization}`)).toEqual(['GET /api/session Bearer old-token']);
    const err = await client.getSettings().catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('unauthorized');
    expect((err as ApiError).message).toBe('wrong token');
    expect(states).toEqual(['wrong-token']);
  });

  it('a call answered 401 stops the stream and reports wrong-token', async () => {
    const { fetch } = fakeFetch(() => ({ status: 401, body: encodeJson({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } }) }));
    const client = createHttpClient('', 'stale', { fetch, EventSource: FakeEventSource });
    client.subscribe(() => undefined);
    FakeEventSource.instances[0].open();
    await client.listExperiments().catch(() => undefined);
    expect(client.connectionState()).toBe('wrong-token');
    expect(FakeEventSource.instances[0].closed).toBe(true);
  });

  it('without a token it opens no stream, asks nothing of the server and says it has no token', async () => {
    const { fetch, requests } = fakeFetch(() => ({ body: encodeJson(ok([])) }));
    const client = createHttpClient('', '', { fetch, EventSource: FakeEventSource });
    const states: string[] = [];
    client.onConnectionChange((s) => states.push(s));
    client.subscribe(() => undefined);
    expect(FakeEventSource.instances).toHaveLength(0);
    expect(client.connectionState()).toBe('no-token');
    const err = await client.listExperiments().catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('unauthorized');
    expect((err as ApiError).message).toMatch(/no access token/);
    expect(requests).toEqual([]);
    expect(states).toEqual(['no-token']);
  });

  it('saves files as browser downloads', async () => {
    const downloads: SaveFileRequest[] = [];
    const client = createHttpClient('', 't', { fetch: fakeFetch(() => ({ body: '' })).fetch, download: (r) => downloads.push(r) });
    const result = await client.saveFile({ suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x,y\n' });
    expect(result).toEqual({ saved: true, path: null });
    expect(downloads).toEqual([{ suggestedName: 'a.csv', mimeType: 'text/csv', data: 'x,y\n' }]);
  });

  it('browserDownload clicks a temporary <a download> on a blob URL', async () => {
    vi.useFakeTimers();
    const clicked: { href: string; download: string }[] = [];
    const appended: unknown[] = [];
    const revoked: string[] = [];
    const blobs: unknown[][] = [];
    vi.stubGlobal('Blob', class {
      constructor(parts: unknown[]) {
        blobs.push(parts);
      }
    });
    vi.stubGlobal('URL', { createObjectURL: () => 'blob:1', revokeObjectURL: (u: string) => revoked.push(u) });
    vi.stubGlobal('document', {
      createElement: () => {
        const a = {
          href: '',
          download: '',
          rel: '',
          style: { display: '' },
          click: () => clicked.push({ href: a.href, download: a.download }),
          remove: () => undefined,
        };
        return a;
      },
      body: { appendChild: (n: unknown) => appended.push(n) },
    });
    const bytes = new Uint8Array([1, 2, 3]);
    browserDownload({ suggestedName: 'fig.png', mimeType: 'image/png', data: bytes });
    expect(blobs[0][0]).toBe(bytes);
    expect(clicked).toEqual([{ href: 'blob:1', download: 'fig.png' }]);
    expect(appended).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(revoked).toEqual(['blob:1']);
  });
});

describe('IPC client', () => {
  function fakeBridge(results: Record<string, (...args: unknown[]) => ApiResult<unknown>>) {
    const calls: { operation: string; args: unknown[] }[] = [];
    const listeners = new Set<(e: LabEvent) => void>();
    const bridge = new Proxy(
      {
        onEvent(listener: (e: LabEvent) => void) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        async saveFile(request: SaveFileRequest) {
          calls.push({ operation: 'saveFile', args: [request] });
          return results.saveFile?.(request) ?? ok({ saved: true, path: '/home/me/a.csv' });
        },
      } as Record<string, unknown>,
      {
        get(target, key: string) {
          if (key in target) return target[key];
          if (!(key in results)) return undefined;
          return async (...args: unknown[]) => {
            calls.push({ operation: key, args });
            return results[key](...args);
          };
        },
      },
    ) as unknown as ReluLabBridge;
    return { bridge, calls, emit: (e: LabEvent) => listeners.forEach((l) => l(e)), listeners };
  }

  it('calls the bridge function of the same name with the same arguments', async () => {
    const { bridge, calls } = fakeBridge({ updateRun: (id, patch) => ok({ id, ...(patch as object) }), getQueue: () => ok({ active: [], queuedRunIds: [4], workers: 2 }) });
    const client = createIpcClient(bridge);
    expect(client.transport).toBe('ipc');
    expect(await client.updateRun(7, { tags: ['t'] })).toEqual({ id: 7, tags: ['t'] });
    expect(await client.getQueue()).toEqual({ active: [], queuedRunIds: [4], workers: 2 });
    expect(calls).toEqual([
      { operation: 'updateRun', args: [7, { tags: ['t'] }] },
      { operation: 'getQueue', args: [] },
    ]);
  });

  it('throws ApiErrors with issues, keeps NaN, and reports a missing or crashing operation', async () => {
    const issues = [{ path: 'sweep["training.learningRate"][1]', message: 'must be > 0, got -1' }];
    const { bridge } = fakeBridge({
      createExperiment: () => ({ ok: false, error: { code: 'invalid_config', message: 'invalid', issues } }),
      getRunMetrics: () => ok([{ epoch: 1, trainLoss: NaN }]),
      getSettings: () => {
        throw new Error("Error invoking remote method 'lab:getSettings': boom");
      },
    });
    const client = createIpcClient(bridge);
    const err = await client.createExperiment({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe('invalid_config');
    expect((err as ApiError).issues).toEqual(issues);
    const metrics = await client.getRunMetrics(1);
    expect(Number.isNaN(metrics[0].trainLoss)).toBe(true);
    const crash = await client.getSettings().catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(ApiError);
    expect((crash as ApiError).message).toMatch(/boom/);
    const missing = await client.listPresets().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    expect((missing as ApiError).code).toBe('internal');
  });

  it('subscribes through onEvent and saves through the native dialog', async () => {
    const { bridge, emit, listeners } = fakeBridge({});
    const client = createIpcClient(bridge);
    const got: LabEvent[] = [];
    const off = client.subscribe((e) => got.push(e));
    emit({ type: 'menu', action: 'about' });
    expect(got).toEqual([{ type: 'menu', action: 'about' }]);
    off();
    expect(listeners.size).toBe(0);
    expect(await client.saveFile({ suggestedName: 'a.csv', mimeType: 'text/csv', data: '' })).toEqual({ saved: true, path: '/home/me/a.csv' });
    const { bridge: refusing } = fakeBridge({ saveFile: () => ({ ok: false, error: { code: 'internal', message: 'disk full' } }) });
    await expect(createIpcClient(refusing).saveFile({ suggestedName: 'a', mimeType: 'text/plain', data: '' })).rejects.toThrow('disk full');
  });
});

describe('connect()', () => {
  function page(search: string, stored: string | null = null, bridge?: ReluLabBridge, kept: string | null = null) {
    const storage = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const local = new Map<string, string>(kept ? [[TOKEN_STORAGE_KEY, kept]] : []);
    const replaced: string[] = [];
    const store = (m: Map<string, string>) => ({ getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) });
    return {
      env: {
        window: bridge ? { reluLab: bridge } : {},
        location: { search, pathname: '/', hash: '#/experiments/3', origin: 'http://127.0.0.1:4000' },
        history: { state: null, replaceState: (_s: unknown, _u: string, url: string) => replaced.push(url) },
        sessionStorage: store(storage),
        localStorage: store(local),
      },
      storage,
      local,
      replaced,
    };
  }

  /** The server's side of the sign-in: codes it accepts once, and the API behind the token. */
  function server(token: string, persistent: boolean, codes: string[]) {
    const requests: Request[] = [];
    const fetch: FetchLike = async (url, init) => {
      requests.push({ url, method: init.method, headers: init.headers, body: init.body === undefined ? null : JSON.parse(init.body) });
      if (url.endsWith('/api/session') && init.method === 'POST') {
        const code = (JSON.parse(init.body!) as { code: string }).code;
        const i = codes.indexOf(code);
        if (i < 0) return { status: 401, text: async () => encodeJson({ ok: false, error: { code: 'unauthorized', message: 'this sign-in link was already used or has expired' } }) };
        codes.splice(i, 1);
        return { status: 200, text: async () => encodeJson(ok({ token, persistent })) };
      }
      const authorized = init.headers.Authorization === `Bearer ${token}`;
      return authorized ? { status: 200, text: async () => encodeJson(ok([])) } : { status: 401, text: async () => encodeJson({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } }) };
    };
    return { fetch, requests };
  }

  it('uses IPC when the preload exposed window.reluLab', () => {
    const p = page('?token=abc', null, { onEvent: () => () => undefined } as unknown as ReluLabBridge);
    expect(connect(p.env).transport).toBe('ipc');
    expect(p.replaced).toEqual([]);
  });

  it('exchanges the address’s one-time code for the token, hiding the code at once', async () => {
    const p = page('?code=c0ffee&x=1');
    const s = server('the-token', false, ['c0ffee']);
    const client = connect(p.env, s.fetch);
    expect(client.transport).toBe('http');
    // Hidden before anything renders (and before the exchange answers).
    expect(p.replaced).toEqual(['/?x=1#/experiments/3']);
    await client.listPresets();
    expect(s.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST http://127.0.0.1:4000/api/session', 'POST http://127.0.0.1:4000/api/call/listPresets']);
    expect(s.requests[0].body).toEqual({ code: 'c0ffee' });
    expect(s.requests[1].headers.Authorization).toBe('Bearer the-token');
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe('the-token');
    // A random token lives as long as its server: not kept for later visits.
    expect(p.local.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('keeps a fixed token for later visits, so bookmarks open signed in after a restart', async () => {
    const first = page('?code=one', null, undefined, 'an-old-random-token');
    const s = server('fixed-token', true, ['one']);
    await connect(first.env, s.fetch).listExperiments();
    expect(first.local.get(TOKEN_STORAGE_KEY)).toBe('fixed-token');
    // A bookmark of a compare view, opened in a new tab after the server restarted with the same token.
    const bookmark = page('', null, undefined, 'fixed-token');
    bookmark.env.location.hash = '#/compare?exp=1&group=variant';
    const client = connect(bookmark.env, s.fetch);
    await expect(client.listExperiments()).resolves.toEqual([]);
    expect(client.connectionState()).not.toMatch(/token|link/);
    // A server with random tokens again: the kept token is dropped.
    const later = page('?code=two', null, undefined, 'fixed-token');
    await connect(later.env, server('random', false, ['two']).fetch).listExperiments();
    expect(later.local.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('an address used before falls back to the token this tab kept; without one it says the link was used', async () => {
    const s = server('tok', false, []);
    const reload = page('?code=used', 'tok');
    await expect(connect(reload.env, s.fetch).listExperiments()).resolves.toEqual([]);
    const fresh = page('?code=used');
    const client = connect(fresh.env, s.fetch);
    const err = await client.listExperiments().catch((e: unknown) => e);
    expect((err as ApiError).code).toBe('unauthorized');
    expect((err as ApiError).message).toMatch(/already used or has expired/);
    expect(client.connectionState()).toBe('link-used');
    expect(fresh.replaced).toEqual(['/#/experiments/3']);
  });

  it('still takes a ?token= address (hidden and kept for the tab), and a page with nothing says it has no token', async () => {
    const p = page('?token=abc&x=1');
    const s = server('abc', false, []);
    const client = connect(p.env, s.fetch);
    expect(p.storage.get(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(p.replaced).toEqual(['/?x=1#/experiments/3']);
    await client.listPresets();
    expect(s.requests[0].headers.Authorization).toBe('Bearer abc');

    const bare = connect(page('').env, s.fetch);
    await expect(bare.listPresets()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(bare.connectionState()).toBe('no-token');
  });

  it('after a reload (nothing in the URL) uses the token kept in the session', async () => {
    const p = page('', 'kept');
    const s = server('kept', false, []);
    await connect(p.env, s.fetch).listExperiments();
    expect(s.requests[0].headers.Authorization).toBe('Bearer kept');
    expect(p.replaced).toEqual([]);
  });
});
