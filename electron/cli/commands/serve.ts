/**
 * `relu-lab serve`: web mode. Opens the lab, serves the built renderer and the API on 127.0.0.1 with
 * a token, prints a sign-in address on stdout, opens the default browser when there is one, and
 * stops cleanly on SIGINT/SIGTERM (training runs cancelled, database closed).
 *
 * The token is `--token`, else `webToken` of the settings file (both fixed: bookmarks of the app
 * survive a restart on the same port), else random. It never appears in an address: printed and
 * opened addresses carry a single-use sign-in code instead (a browser's command line is readable by
 * every user of the machine), which the page exchanges for the token. On a terminal, Enter prints a
 * fresh address.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { BackendChoice } from '../../../shared/config.js';
import { LabService } from '../../lab/service.js';
import { SettingsFile } from '../../lab/settings.js';
import { startWebServer, tokenProblem } from '../../server/http.js';
import { parseArgs, UsageError, wholeNumber } from '../args.js';
import { buildRenderer, rendererIndex } from '../build.js';
import { CliError, help, type CliIo } from '../context.js';
import { terminalSafe } from '../format.js';
import { backendOption, workersOption } from '../options.js';

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, {
    port: { value: true },
    db: { value: true },
    backend: { value: true },
    workers: { value: true },
    'no-open': {},
    token: { value: true },
    'static-dir': { value: true },
    help: {},
  });
  if (help(options, io)) return 0;
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const port = options.port === undefined ? 0 : wholeNumber('port', options.port, 0);
  if (port > 65535) throw new UsageError(`--port: must be a whole number between 0 and 65535, got ${JSON.stringify(options.port)}`);
  const backend = backendOption(options.backend);
  const workers = workersOption(options.workers);
  const token = options.token === undefined ? undefined : String(options.token);
  const badToken = token === undefined ? null : tokenProblem(token);
  if (badToken !== null) throw new UsageError(`--token: ${badToken}`);
  try {
    return await serve(
      {
        port,
        db: typeof options.db === 'string' ? options.db : undefined,
        backend,
        workers,
        open: !options['no-open'],
        staticDir: typeof options['static-dir'] === 'string' ? options['static-dir'] : undefined,
        token,
      },
      { ...io, stdin: process.stdin },
    );
  } catch (err) {
    throw new CliError((err as Error).message, 1);
  }
}

/** Error of the runs a second Ctrl-C or SIGTERM left unfinished. */
export const SERVE_FORCED_QUIT_ERROR = 'relu-lab serve was stopped at once (a second Ctrl-C or SIGTERM) before this run finished';

export interface ServeOptions {
  port: number;
  db?: string;
  backend?: BackendChoice;
  workers?: number;
  /** Open the default browser (when the machine has one). */
  open: boolean;
  /** Serve this folder instead of dist/renderer (it must hold an index.html). */
  staticDir?: string;
  /** Stops the server when aborted (tests); SIGINT and SIGTERM always do. */
  signal?: AbortSignal;
  /** Settings file (default: the app's; tests use their own). */
  settingsFile?: string;
  /** The API token (`--token`); default: `webToken` of the settings file, else a random one. */
  token?: string;
}

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** On a terminal, Enter prints a new sign-in address. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** The token to serve with, and whether it is fixed (kept across restarts), or why it is invalid. */
export function chooseToken(given: string | undefined, settings: SettingsFile): { token?: string; fixed: boolean } {
  if (given !== undefined) {
    const problem = tokenProblem(given);
    if (problem !== null) throw new Error(`--token: ${problem}`);
    return { token: given, fixed: true };
  }
  const kept = settings.webToken;
  if (kept === undefined) return { fixed: false };
  const problem = tokenProblem(kept);
  if (problem !== null) throw new Error(`${settings.file}: webToken ${problem}`);
  return { token: kept as string, fixed: true };
}

export async function serve(options: ServeOptions, io: Io): Promise<number> {
  let staticDir: string;
  if (options.staticDir) {
    staticDir = path.resolve(options.staticDir);
    if (!fs.existsSync(path.join(staticDir, 'index.html'))) throw new Error(`--static-dir: ${staticDir} has no index.html`);
  } else {
    staticDir = path.dirname(rendererIndex());
    if (!fs.existsSync(rendererIndex())) {
      io.stderr.write('building the web interface (dist/renderer is missing)…\n');
      await buildRenderer(io.stderr);
    }
  }

  const { token, fixed } = chooseToken(options.token, new SettingsFile({ file: options.settingsFile }));

  const service = LabService.open({
    transport: 'http',
    settingsFile: options.settingsFile,
    overrides: {
      ...(options.db ? { databaseFile: path.resolve(options.db) } : {}),
      ...(options.backend ? { defaultBackend: options.backend } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
    },
    baseDir: process.cwd(),
  });

  let server;
  try {
    server = await startWebServer({ service, port: options.port, host: '127.0.0.1', staticDir, token, persistentToken: fixed });
  } catch (err) {
    await service.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${options.port} on 127.0.0.1 is already in use (try --port 0 for a free one)`);
    if (code === 'EACCES') throw new Error(`not allowed to listen on port ${options.port} (try a port above 1023, or --port 0)`);
    throw err;
  }

  const web = server;
  io.stdout.write(`ReLU Lab web mode: ${web.signInUrl()}\n`);
  const interactive = Boolean(io.stdin?.isTTY);
  io.stderr.write(
    `database ${terminalSafe(service.databaseFile)}; only this computer can connect. The address signs in one browser within 2 minutes` +
      `${interactive ? ' (press Enter for a new one)' : ''}; ${fixed ? 'the token is fixed, so signed-in pages and bookmarks survive a restart on this port' : 'scripts: exchange it at POST /api/session, or give --token'}. Press Ctrl-C to stop.\n`,
  );
  // The browser gets its own code: the printed one stays good for another browser.
  if (options.open) openBrowser(web.signInUrl());
  const onEnter = () => io.stdout.write(`ReLU Lab web mode: ${web.signInUrl()}\n`);
  if (interactive) {
    io.stdin!.on('data', onEnter);
    io.stdin!.resume();
  }

  // A second Ctrl-C or SIGTERM while shutting down quits at once; the runs still training are
  // stored as interrupted first.
  const forceQuit = (signal: NodeJS.Signals) => {
    service.abandonRuns(SERVE_FORCED_QUIT_ERROR);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      options.signal?.removeEventListener('abort', stop);
      process.once('SIGINT', forceQuit);
      process.once('SIGTERM', forceQuit);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (options.signal?.aborted) stop();
    else options.signal?.addEventListener('abort', stop);
  });

  if (interactive) {
    io.stdin!.off('data', onEnter);
    io.stdin!.pause();
  }
  io.stderr.write('stopping: cancelling training runs and closing the database…\n');
  await server.close();
  await service.close();
  process.off('SIGINT', forceQuit);
  process.off('SIGTERM', forceQuit);
  return 0;
}

/** Opens the default browser, when this machine has one; failures are ignored (the address is printed). */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  let command: string;
  let args: string[];
  if (platform === 'darwin') {
    command = 'open';
    args = [url];
  } else if (platform === 'win32') {
    command = 'cmd';
    args = ['/c', 'start', '""', url.replace(/&/g, '^&')];
  } else {
    // No graphical session, no browser to open (e.g. over ssh).
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return false;
    command = 'xdg-open';
    args = [url];
  }
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
