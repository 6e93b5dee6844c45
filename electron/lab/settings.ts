/**
 * The app's settings (database file, default backend, workers, theme), persisted as JSON in the
 * app-data folder next to the default database. Values come, strongest first, from: explicit
 * overrides for this session (e.g. `relu-lab serve --db`), `$RELU_LAB_DB`, the settings file, the
 * defaults. Only what the user changes through `update` is written to the file; other keys in it
 * (`webToken`, keys of a newer version) are kept as they are.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BACKENDS } from '../../shared/config.js';
import { MAX_WORKERS, THEMES, type Settings } from '../../shared/api.js';
import { APP_NAME, DATABASE_ENV_VAR, appDataFolder, defaultDatabasePath } from '../../db/paths.js';
import { defaultWorkerCount, maxWorkerCount } from './pool.js';

export const SETTINGS_FILE_NAME = 'settings.json';
/** Environment variable that overrides where the settings file lives (tests, portable setups). */
export const SETTINGS_ENV_VAR = 'RELU_LAB_SETTINGS';

/** `<appData>/ReLU Lab/settings.json`, or `$RELU_LAB_SETTINGS`. */
export function defaultSettingsPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[SETTINGS_ENV_VAR];
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(appDataFolder(process.platform, env), APP_NAME, SETTINGS_FILE_NAME);
}

/** Each field is checked on its own, so one bad value in a hand-edited file does not lose the others. */
const FIELD_SCHEMAS = {
  databaseFile: z.string().trim().min(1).max(4096),
  defaultBackend: z.enum(BACKENDS),
  workers: z.int().min(1).max(MAX_WORKERS),
  theme: z.enum(THEMES),
} satisfies { [K in keyof Settings]: z.ZodType<Settings[K]> };

export function defaultSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    databaseFile: defaultDatabasePath(process.platform, env),
    defaultBackend: 'auto',
    workers: defaultWorkerCount(),
    theme: 'system',
  };
}

export interface SettingsFileOptions {
  /** Where the settings live (default: `defaultSettingsPath()`). */
  file?: string;
  /** Values for this session only, never written (command-line flags). */
  overrides?: Partial<Settings>;
  env?: NodeJS.ProcessEnv;
}

export class SettingsFile {
  readonly file: string;
  private persisted: Partial<Settings>;
  /** Keys of the file that are not settings of this API, written back untouched. */
  private readonly others: Record<string, unknown>;
  private overrides: Partial<Settings>;
  private readonly defaults: Settings;
  /** Why the file could not be read (it is then ignored, and rewritten on the next change). */
  readonly loadProblem: string | null;

  constructor(options: SettingsFileOptions = {}) {
    const env = options.env ?? process.env;
    this.file = options.file ? path.resolve(options.file) : defaultSettingsPath(env);
    this.defaults = defaultSettings(env);
    const envDb = env[DATABASE_ENV_VAR];
    this.overrides = { ...(envDb ? { databaseFile: path.resolve(envDb) } : {}), ...dropUndefined(options.overrides ?? {}) };
    const { values, others, problem } = readSettingsFile(this.file);
    this.persisted = values;
    this.others = others;
    this.loadProblem = problem;
  }

  /**
   * `webToken` of the file: the token `relu-lab serve` uses when none is given, so that bookmarks
   * survive a restart. Raw, as written; the server checks it.
   */
  get webToken(): unknown {
    return this.others.webToken;
  }

  get(): Settings {
    const s = { ...this.defaults, ...this.persisted, ...this.overrides };
    // A file written on a bigger machine may ask for more workers than this one allows.
    return { ...s, databaseFile: path.resolve(s.databaseFile), workers: Math.min(s.workers, maxWorkerCount()) };
  }

  /** Applies a change, writes the file (atomically) and returns the new settings. */
  update(patch: Partial<Settings>): Settings {
    const clean = dropUndefined(patch);
    const next = { ...this.persisted, ...clean };
    if (clean.databaseFile !== undefined) next.databaseFile = path.resolve(clean.databaseFile);
    writeJsonAtomic(this.file, { ...this.others, ...next });
    this.persisted = next;
    // What the user just chose wins over this session's flags.
    for (const key of Object.keys(clean) as (keyof Settings)[]) delete this.overrides[key];
    return this.get();
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function readSettingsFile(file: string): { values: Partial<Settings>; others: Record<string, unknown>; problem: string | null } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, others: {}, problem: null };
    return { values: {}, others: {}, problem: `cannot read ${file}: ${(err as Error).message}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { values: {}, others: {}, problem: `${file} is not valid JSON (${(err as Error).message}); using the defaults` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { values: {}, others: {}, problem: `${file} does not hold a JSON object; using the defaults` };
  }
  const others = Object.fromEntries(Object.entries(raw).filter(([key]) => !(key in FIELD_SCHEMAS)));
  const values: Record<string, unknown> = {};
  const skipped: string[] = [];
  for (const [key, schema] of Object.entries(FIELD_SCHEMAS)) {
    if (!(key in raw)) continue;
    const parsed = schema.safeParse((raw as Record<string, unknown>)[key]);
    if (parsed.success) values[key] = parsed.data;
    else skipped.push(key);
  }
  return {
    values: values as Partial<Settings>,
    others,
    problem: skipped.length ? `${file}: ignored invalid values for ${skipped.join(', ')}` : null,
  };
}

/** Writes JSON through a temporary file and a rename, so a crash never leaves half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}
