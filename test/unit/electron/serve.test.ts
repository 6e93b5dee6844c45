/** `relu-lab serve` as a user runs it: a real process, its printed address, the API, a clean stop. */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult } from '../../../shared/api.js';
import { main } from '../../../electron/cli/main.js';
import { openBrowser } from '../../../electron/cli/serve.js';
import { tempDir, tinyConfig } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function startServe(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/relu-lab.mjs'), 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address printed within 30 s; stderr: ${stderr}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /^ReLU Lab web mode: (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})$/m.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code} before printing its address; stderr: ${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url, exit, output: () => ({ stdout, stderr }) };
}

async function post(url: URL, operation: string, args: unknown[]) {
  const res = await fetch(new URL(`/api/call/${operation}`, url.origin), {
    method: 'POST',
    headers: { Authorization: `Bearer ${url.searchParams.get('token')}`, 'Content-Type': 'application/json' },
    body: encodeJson({ args }),
  });
  return { status: res.status, result: decodeJson<ApiResult<unknown>>(await res.text()) };
}

describe('relu-lab serve', () => {
  it('prints its address, serves the app and the API, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const staticDir = path.join(dir, 'static');
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>served</title>');
    const db = path.join(dir, 'web.sqlite');
    const settings = path.join(dir, 'settings.json');
    const serve = startServe(['--port', '0', '--db', db, '--backend', 'cpu', '--workers', '1', '--no-open', '--static-dir', staticDir], {
      RELU_LAB_SETTINGS: settings,
      RELU_LAB_DB: '',
    });
    const url = new URL(await serve.url);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>served</title>');

    const info = await post(url, 'getAppInfo', []);
    expect(info.status).toBe(200);
    expect(info.result).toMatchObject({ ok: true, value: { transport: 'http', databaseFile: db, electronVersion: null } });
    const settingsResult = await post(url, 'getSettings', []);
    expect(settingsResult.result).toMatchObject({ ok: true, value: { databaseFile: db, defaultBackend: 'cpu', workers: 1 } });

    // A long run is training when the server is told to stop: it is cancelled, the database closed.
    const created = await post(url, 'createExperiment', [tinyConfig({ epochs: 100_000 })]);
    expect(created.result.ok).toBe(true);
    await new Promise((r) => setTimeout(r, 1500));
    serve.child.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    expect(serve.output().stdout.trim().split('\n')).toHaveLength(1);
    expect(serve.output().stderr).toMatch(/stopping/);
    expect(fs.existsSync(settings)).toBe(false);

    const { LabStore } = await import('../../../db/store.js');
    const store = LabStore.open(db, { readonly: true });
    try {
      const runs = store.listRuns();
      expect(runs).toHaveLength(1);
      expect(runs[0].status).toBe('cancelled');
    } finally {
      store.close();
    }
  });

  it('validates its options with one-line messages', async () => {
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } } as unknown as Parameters<typeof main>[1];
    expect(await main(['serve', '--port', 'x'], io)).toBe(2);
    expect(await main(['serve', '--port', '70000'], io)).toBe(2);
    expect(await main(['serve', '--backend', 'gpu'], io)).toBe(2);
    expect(await main(['serve', '--workers', '0'], io)).toBe(2);
    expect(await main(['serve', 'extra'], io)).toBe(2);
    expect(await main(['serve', '--static-dir', tempDir(), '--no-open'], io)).toBe(1);
    expect(out.join('')).toMatch(/--port: must be a whole number >= 0, got "x"/);
    expect(out.join('')).toMatch(/has no index\.html/);
    out.length = 0;
    expect(await main(['help'], io)).toBe(0);
    expect(out.join('')).toMatch(/relu-lab serve \[--port P\] \[--no-open\]/);
  });

  it('reports a port in use in one line', async () => {
    const dir = tempDir();
    const staticDir = path.join(dir, 'static');
    fs.mkdirSync(staticDir);
    fs.writeFileSync(path.join(staticDir, 'index.html'), 'x');
    const first = startServe(['--port', '0', '--db', path.join(dir, 'a.sqlite'), '--no-open', '--static-dir', staticDir], { RELU_LAB_SETTINGS: path.join(dir, 's.json') });
    const port = new URL(await first.url).port;
    const second = startServe(['--port', port, '--db', path.join(dir, 'b.sqlite'), '--no-open', '--static-dir', staticDir], { RELU_LAB_SETTINGS: path.join(dir, 's.json') });
    second.url.catch(() => undefined);
    expect(await second.exit).toBe(1);
    expect(second.output().stderr.trim()).toBe(`relu-lab: port ${port} on 127.0.0.1 is already in use (try --port 0 for a free one)`);
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
  });

  it('opens a browser only where there is a graphical session', () => {
    expect(openBrowser('http://127.0.0.1:1/', 'linux', {})).toBe(false);
  });
});
