/** `relu-lab serve` as a user runs it: a real process, its printed address, the API, a clean stop. */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult } from '../../../shared/api.js';
import { main } from '../../../electron/cli/main.js';
import { openBrowser, serve } from '../../../electron/cli/commands/serve.js';
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
      const m = /^ReLU Lab web mode: (http:\/\/127\.0\.0\.1:\d+\/\?code=[0-9a-f]{32})$/m.exec(stdout);
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

/** Signs in with the one-time code of a printed address, as the page does. */
async function signIn(url: URL): Promise<{ status: number; result: ApiResult<{ token: string; persistent: boolean }> }> {
  const res = await fetch(new URL('/api/session', url.origin), { method: 'POST', body: JSON.stringify({ code: url.searchParams.get('code') }) });
  return { status: res.status, result: decodeJson(await res.text()) };
}

async function postWith(url: URL, token: string, operation: string, args: unknown[]) {
  const res = await fetch(new URL(`/api/call/${operation}`, url.origin), {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: encodeJson({ args }),
  });
  return { status: res.status, result: decodeJson<ApiResult<unknown>>(await res.text()) };
}

function staticFolder(dir: string): string {
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>served</title>');
  return staticDir;
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
    const session = await signIn(url);
    if (!session.result.ok) throw new Error(session.result.error.message);
    const { token, persistent } = session.result.value;
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(persistent).toBe(false);
    expect(serve.output().stdout).not.toContain(token);
    expect(serve.output().stderr).not.toContain(token);
    const post = (operation: string, args: unknown[]) => postWith(url, token, operation, args);

    const info = await post('getAppInfo', []);
    expect(info.status).toBe(200);
    expect(info.result).toMatchObject({ ok: true, value: { transport: 'http', databaseFile: db, electronVersion: null } });
    const settingsResult = await post('getSettings', []);
    expect(settingsResult.result).toMatchObject({ ok: true, value: { databaseFile: db, defaultBackend: 'cpu', workers: 1 } });

    // A long run is training when the server is told to stop: it is cancelled, the database closed.
    const created = await post('createExperiment', [tinyConfig({ epochs: 100_000 })]);
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
    expect(out.join('')).toMatch(/relu-lab serve \[--port P\] \[--token T\] \[--no-open\]/);
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

  it('serves with the webToken of its settings file (kept through settings changes), or --token', async () => {
    const dir = tempDir();
    const staticDir = staticFolder(dir);
    const settings = path.join(dir, 'settings.json');
    const kept = 'bookmarks-survive-restarts-0123';
    fs.writeFileSync(settings, JSON.stringify({ webToken: kept, theme: 'light' }));
    const first = startServe(['--port', '0', '--db', path.join(dir, 'a.sqlite'), '--no-open', '--static-dir', staticDir, '--workers', '1'], { RELU_LAB_SETTINGS: settings });
    const url = new URL(await first.url);
    expect(await signIn(url)).toEqual({ status: 200, result: { ok: true, value: { token: kept, persistent: true } } });
    // Scripts use the token directly; the browser's settings changes keep it in the file.
    expect((await postWith(url, kept, 'updateSettings', [{ theme: 'dark' }])).result).toMatchObject({ ok: true, value: { theme: 'dark' } });
    expect(JSON.parse(fs.readFileSync(settings, 'utf8'))).toMatchObject({ webToken: kept, theme: 'dark' });
    expect(first.output().stdout + first.output().stderr).not.toContain(kept);
    expect(first.output().stderr).toMatch(/the token is fixed, so signed-in pages and bookmarks survive a restart/);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    // After a restart the same token still works; --token wins over the settings file.
    const given = 'given-on-the-command-line-42';
    const second = startServe(['--port', '0', '--db', path.join(dir, 'a.sqlite'), '--no-open', '--static-dir', staticDir, '--token', given], { RELU_LAB_SETTINGS: settings });
    const url2 = new URL(await second.url);
    expect((await postWith(url2, given, 'getQueue', [])).status).toBe(200);
    expect((await postWith(url2, kept, 'getQueue', [])).result).toMatchObject({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } });
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('refuses a bad --token (exit 2) or webToken (exit 1) without echoing it', async () => {
    const dir = tempDir();
    const staticDir = staticFolder(dir);
    const out: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => out.push(s) } } as unknown as Parameters<typeof main>[1];
    expect(await main(['serve', '--token', 'tiny', '--no-open', '--static-dir', staticDir], io)).toBe(2);
    expect(out.join('')).toBe('relu-lab: --token: must be 16 to 256 characters long, got 4\n');
    const settings = path.join(dir, 'settings.json');
    fs.writeFileSync(settings, JSON.stringify({ webToken: 'secret with spaces 123' }));
    const bad = startServe(['--port', '0', '--db', path.join(dir, 'b.sqlite'), '--no-open', '--static-dir', staticDir], { RELU_LAB_SETTINGS: settings });
    bad.url.catch(() => undefined);
    expect(await bad.exit).toBe(1);
    expect(bad.output().stderr).toBe(`relu-lab: ${settings}: webToken must use only the characters A-Z a-z 0-9 . _ ~ - (it travels in URLs and headers)\n`);
  });

  it('opens the browser with a one-time address: the token is never on a command line', async () => {
    const dir = tempDir();
    const staticDir = staticFolder(dir);
    // A stand-in xdg-open that records the command line it was given (as `ps` would show it).
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const recorded = path.join(dir, 'xdg-open-args.txt');
    fs.writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${recorded}'\n`, { mode: 0o755 });
    const token = 'the-secret-token-nobody-sees';
    const s = startServe(['--port', '0', '--db', path.join(dir, 'c.sqlite'), '--static-dir', staticDir, '--token', token], {
      RELU_LAB_SETTINGS: path.join(dir, 's.json'),
      PATH: `${bin}:${process.env.PATH}`,
      DISPLAY: ':99',
    });
    const printed = new URL(await s.url);
    await expect.poll(() => fs.existsSync(recorded) && fs.readFileSync(recorded, 'utf8').trim() !== '', { timeout: 15_000 }).toBe(true);
    const opened = new URL(fs.readFileSync(recorded, 'utf8').trim());
    expect(opened.origin).toBe(printed.origin);
    expect(opened.searchParams.get('code')).toMatch(/^[0-9a-f]{32}$/);
    expect(opened.searchParams.get('code')).not.toBe(printed.searchParams.get('code'));
    expect(fs.readFileSync(recorded, 'utf8')).not.toContain(token);
    // Each address signs in once.
    expect((await signIn(opened)).status).toBe(200);
    expect((await signIn(opened)).status).toBe(401);
    expect((await signIn(printed)).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exit).toBe(0);
  });

  it('prints a fresh sign-in address when Enter is pressed on its terminal', async () => {
    const dir = tempDir();
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const lines: string[] = [];
    const stdout = new PassThrough();
    stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const stop = new AbortController();
    const done = serve(
      { port: 0, db: path.join(dir, 'd.sqlite'), open: false, staticDir: staticFolder(dir), settingsFile: path.join(dir, 's.json'), workers: 1, signal: stop.signal },
      { stdout, stderr: new PassThrough(), stdin },
    );
    await expect.poll(() => lines.length).toBe(1);
    stdin.write('\n');
    await expect.poll(() => lines.length).toBe(2);
    const codes = lines.map((l) => /\?code=([0-9a-f]{32})$/.exec(l)![1]);
    expect(new Set(codes).size).toBe(2);
    stop.abort();
    expect(await done).toBe(0);
    expect(stdin.listenerCount('data')).toBe(0);
  });

  it('opens a browser only where there is a graphical session', () => {
    expect(openBrowser('http://127.0.0.1:1/', 'linux', {})).toBe(false);
  });
});
