/**
 * Deeply nested payloads in web mode: the HTTP body is decoded without recursion, so a config nested
 * 100,000 levels deep reaches the config validation and comes back as a config error naming its
 * field, not as "the request body is not valid JSON (Maximum call stack size exceeded)".
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult } from '../../../shared/api.js';
import { startWebServer, type WebServer } from '../../../electron/server/http.js';
import { openService, tempDir, tinyConfig } from './helpers.js';

const servers: WebServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

const deep = (depth: number) => `${'['.repeat(depth)}4${']'.repeat(depth)}`;

describe('deep nesting over HTTP', () => {
  it('decodeJson handles 100,000 levels and still restores NaN and ±Infinity at any depth', () => {
    const value = decodeJson<unknown[]>(`[${deep(100_000)}, {"a": [{"$nonFinite": "NaN"}, {"$nonFinite": "-Infinity"}]}, {"$nonFinite": "Infinity"}]`);
    expect(value[1]).toEqual({ a: [NaN, -Infinity] });
    expect(value[2]).toBe(Infinity);
    let cur = value[0];
    let depth = 0;
    while (Array.isArray(cur)) {
      cur = cur[0];
      depth++;
    }
    expect(depth).toBe(100_000);
    expect(decodeJson(encodeJson({ loss: NaN, list: [1, -Infinity] }))).toEqual({ loss: NaN, list: [1, -Infinity] });
    expect(decodeJson('{"$nonFinite": "NaN"}')).toBeNaN();
    // A key named __proto__ stays a plain key.
    const odd = decodeJson<Record<string, unknown>>('{"__proto__": {"$nonFinite": "NaN"}}');
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(odd, '__proto__')?.value).toBeNaN();
  });

  it('createExperiment with a config nested 100,000 levels: a config error at the field, nothing stored', async () => {
    const { service } = openService({ dir: tempDir() });
    const server = await startWebServer({ service, port: 0, host: '127.0.0.1', staticDir: tempDir() });
    servers.push(server);
    const config = JSON.stringify({ ...tinyConfig(), sweep: { 'model.width': ['DEEP'] } }).replace('"DEEP"', deep(100_000));
    const res = await fetch(`${server.origin}/api/call/createExperiment`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
      body: `{"args": [${config}]}`,
    });
    expect(res.status).toBe(200);
    const result = decodeJson<ApiResult<unknown>>(await res.text());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_config');
    expect(result.error.issues).toEqual([{ path: 'sweep["model.width"][0][0]', message: 'is nested deeper than 32 levels' }]);
    const list = await service.handle('listExperiments', []);
    expect(list.ok && list.value).toEqual([]);
  });
});
