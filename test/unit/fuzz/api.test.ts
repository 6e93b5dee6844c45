/**
 * Fuzzing every API operation through `LabService.handle` on a real temporary database: for each
 * operation in `API_OPERATIONS` (so operations added later are fuzzed too), seeded calls built from
 * its argument schema and then corrupted (wrong types, out of range, huge lists, deep nesting,
 * unicode, values JSON cannot carry, cycles, wrong arity), and for `createExperiment` the config
 * fuzzer's designs, enormous ones included. Every call resolves in bounded time, never with an
 * internal error; an error names the argument or field; a call that fails writes nothing (rows and
 * the settings file compared before and after).
 *
 * A long run keeps the only worker busy throughout, so experiments the fuzzer creates stay queued
 * until they are cancelled at once (the accepted enormous designs never start training).
 *
 * FUZZ_CASES=N changes the number of calls per operation; FUZZ_TRACE=1 prints calls slower than 200 ms.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES, API_OPERATIONS, apiArgSchemas, type ApiOperation, type ApiResult } from '../../../shared/api.js';
import { countRuns, validateExperiment } from '../../../shared/config.js';
import { LabService } from '../../../electron/lab/service.js';
import { configCase, corrupt, deepList, hostileString, hostileValue, Rng, validValue } from './generate.js';

const CASES_PER_OPERATION = Number(process.env.FUZZ_CASES ?? 200);
/** Each valid call draws a real figure (SVG, PDF or PNG): fewer of those keep the run short. */
const CASES: Partial<Record<ApiOperation, number>> = { renderChart: Math.ceil(CASES_PER_OPERATION / 2) };
const SEED = 0xa91f022;
/** A call taking longer than this is a hang. */
const CALL_LIMIT_MS = 30_000;

let dir: string;
let previousCwd: string;
let service: LabService;
let settingsFile: string;
let reader: Database.Database;
let blocker: { experimentId: number; runId: number };
let bundle: string;
const stats = { calls: 0, ok: 0, errors: {} as Record<string, number>, created: 0, cancelledRuns: 0 };

function call(operation: string, args: unknown): Promise<ApiResult<unknown>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${operation} did not resolve within ${CALL_LIMIT_MS} ms`)), CALL_LIMIT_MS);
  });
  return Promise.race([service.handle(operation, args), limit]).finally(() => clearTimeout(timer));
}

async function value<T>(operation: ApiOperation, ...args: unknown[]): Promise<T> {
  const result = await service.handle(operation, args);
  if (!result.ok) throw new Error(`${operation}: ${result.error.message}`);
  return result.value as T;
}

/**
 * What a failing call must leave unchanged: rows (apart from the long run's progress) and settings,
 * summarized by aggregates so it stays cheap with thousands of runs.
 */
function snapshot(): string {
  const one = (sql: string, ...params: unknown[]) => reader.prepare(sql).raw().get(...params);
  const all = (sql: string, ...params: unknown[]) => reader.prepare(sql).raw().all(...params);
  const b = blocker.runId;
  return JSON.stringify([
    one('SELECT count(*), max(id), max(updated_at), total(length(name) + length(notes) + length(tags_json) + length(config_json)) FROM experiments'),
    all('SELECT status, count(*), max(id), total(epochs_done), total(length(coalesce(name, \'\')) + length(notes) + length(tags_json) + length(coalesce(error, \'\'))) FROM runs WHERE id != ? GROUP BY status ORDER BY status', b),
    one('SELECT name, notes, tags_json FROM runs WHERE id = ?', b),
    one('SELECT count(*) FROM epoch_metrics WHERE run_id < ? OR run_id > ?', b, b),
    one('SELECT count(*) FROM layer_metrics WHERE run_id < ? OR run_id > ?', b, b),
    one('SELECT count(*) FROM run_artifacts WHERE run_id != ?', b),
    one('SELECT count(*), max(id), max(updated_at), total(length(name) + length(spec_json)) FROM comparisons'),
    fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : null,
  ]);
}

let idCache: number[] | null = null;

/** Ids that exist (except the long run's), and a few that do not. */
function knownIds(): number[] {
  idCache ??= [
    ...(reader
      .prepare('SELECT id FROM (SELECT id FROM experiments WHERE id != ? UNION SELECT id FROM runs WHERE id != ? UNION SELECT id FROM comparisons) ORDER BY id DESC LIMIT 200')
      .pluck()
      .all(blocker.experimentId, blocker.runId) as number[]),
    999_999,
    2 ** 31,
  ];
  return idCache;
}

/** Replaces the long run's ids anywhere in the arguments, so no case stops or reads it. */
function avoidBlocker(args: unknown): unknown {
  const swap = (v: unknown) => (v === blocker.experimentId || v === blocker.runId ? 999_999 : v);
  if (!Array.isArray(args)) return args;
  return args.map((a) => (Array.isArray(a) ? a.map(swap) : a !== null && typeof a === 'object' && Object.getPrototypeOf(a) === Object.prototype ? Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Array.isArray(v) ? v.map(swap) : swap(v)])) : swap(a)));
}

/** A short rendering of arguments for a trace line (they may be huge, circular or hold bigints). */
function preview(args: unknown): string {
  try {
    return (JSON.stringify(args, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'string' && v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v)) ?? String(args)).slice(0, 300);
  } catch {
    return '(not printable as JSON)';
  }
}

/** Arguments that are wrong as a whole: not a list, the wrong number, nested or huge. */
function junkArgs(rng: Rng, arity: number): unknown {
  switch (rng.int(0, 5)) {
    case 0:
      return hostileValue(rng);
    case 1:
      return Array.from({ length: arity + rng.pick([1, 2, 50]) }, () => 1);
    case 2:
      return arity > 0 ? [] : [hostileValue(rng)];
    case 3:
      return deepList(rng.pick([33, 100_000]));
    case 4:
      return new Array(rng.pick([1000, 200_000])).fill(null);
    default:
      return { length: arity, 0: 1 };
  }
}

function bundleArgument(rng: Rng): string {
  switch (rng.int(0, 5)) {
    case 0:
      return bundle;
    case 1:
      return bundle.slice(0, rng.int(1, bundle.length - 1));
    case 2: {
      const i = rng.int(0, bundle.length - 1);
      return `${bundle.slice(0, i)}${bundle[i] === 'A' ? 'B' : 'A'}${bundle.slice(i + 1)}`;
    }
    case 3:
      return Buffer.from(hostileString(rng)).toString('base64');
    case 4:
      return 'A'.repeat(rng.pick([4, 4_000_000]));
    default:
      return hostileString(rng) || '!';
  }
}

function argsFor(operation: ApiOperation, rng: Rng): unknown {
  const schema = apiArgSchemas[operation];
  const arity = (schema as unknown as { _zod: { def: { items: unknown[] } } })._zod.def.items.length;
  if (rng.chance(0.12)) return junkArgs(rng, arity);
  if (operation === 'createExperiment') {
    // Designs of thousands of runs take a moment to store: keep some, not most.
    let input = configCase(rng).input;
    while ((countRuns(input) ?? 0) > 1000 && rng.chance(0.8)) input = configCase(rng).input;
    return [input];
  }
  if (operation === 'importBundle' && rng.chance(0.7)) return [bundleArgument(rng)];
  const valid = validValue(schema, rng, { ids: knownIds });
  // Large PNGs take seconds each to draw: keep most figures small so the run stays short.
  if (operation === 'renderChart' && Array.isArray(valid) && valid[3] && typeof valid[3] === 'object' && rng.chance(0.95)) (valid[3] as { dpi?: number }).dpi = rng.int(36, 120);
  return avoidBlocker(rng.chance(0.6) ? corrupt(valid, rng) : valid);
}

/** The error names what was wrong: the argument, the field, the id, or the bundle. */
function checkError(operation: ApiOperation, args: unknown, error: { code: string; message: string; issues?: { path: string; message: string }[] }, where: string): void {
  expect(API_ERROR_CODES, where).toContain(error.code);
  expect(error.code, `${where}: ${error.message}`).not.toBe('internal');
  expect(typeof error.message, where).toBe('string');
  expect(error.message.length, where).toBeGreaterThan(0);
  for (const bad of ['[object Object]', 'Maximum call stack', 'is not a function', 'Cannot read properties']) expect(error.message, where).not.toContain(bad);
  switch (error.code) {
    case 'invalid_argument':
      // The argument (or its field) by position, or for a bundle or a comparison, the thing itself.
      expect(error.message, where).toMatch(new RegExp(`^${operation}: (argument \\d+|the arguments|takes )|^${operation}: .*\\b(databaseFile)\\b|\\bbundle\\b|^the comparison holds no runs$`));
      break;
    case 'invalid_config': {
      expect(error.issues?.length, where).toBeGreaterThan(0);
      const config = Array.isArray(args) ? args[0] : undefined;
      const isObject = config !== null && typeof config === 'object' && !Array.isArray(config) && Object.getPrototypeOf(config) === Object.prototype;
      for (const issue of error.issues!) if (isObject) expect(issue.path, `${where}: ${issue.message}`).not.toBe('');
      break;
    }
    case 'not_found':
      expect(error.message, where).toMatch(/\b(experiment|run|comparison) \d+ does not exist\b/);
      break;
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-fuzz-'));
  // Paths the fuzzer makes up (databaseFile, csv paths) resolve in here, never in the project.
  previousCwd = process.cwd();
  process.chdir(dir);
  settingsFile = path.join(dir, 'settings.json');
  service = LabService.open({
    transport: 'ipc',
    settingsFile,
    env: {},
    log: () => undefined,
    baseDir: dir,
    overrides: { databaseFile: path.join(dir, 'lab.sqlite'), defaultBackend: 'cpu', workers: 1 },
  });
  reader = new Database(path.join(dir, 'lab.sqlite'), { readonly: true });

  const exported = await value<{ experimentId: number }>('createExperiment', {
    name: 'to export',
    dataset: { kind: 'moons', samples: 32 },
    model: { hiddenLayers: 1, width: 2 },
    training: { learningRate: 0.1, epochs: 1 },
    probe: { samples: 8 },
  });
  const running = await value<{ experimentId: number; runIds: number[] }>('createExperiment', {
    name: 'keeps the worker busy',
    dataset: { kind: 'blobs', samples: 1024, features: 4, classes: 2 },
    model: { hiddenLayers: 1, width: 8 },
    training: { learningRate: 0.01, epochs: 100_000, batchSize: 8 },
    probe: { samples: 16 },
  });
  blocker = { experimentId: running.experimentId, runId: running.runIds[0] };
  for (let i = 0; i < 600; i++) {
    const run = await value<{ status: string }>('getRun', blocker.runId);
    if (run.status === 'running') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  bundle = (await value<{ base64: string }>('exportBundle', [exported.experimentId])).base64;
}, 120_000);

afterAll(async () => {
  console.info(`api fuzz: ${stats.calls} calls, ${stats.ok} ok, errors ${JSON.stringify(stats.errors)}, ${stats.created} experiments created and cancelled (${stats.cancelledRuns} runs)`);
  reader?.close();
  await service?.close();
  if (previousCwd) process.chdir(previousCwd);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('API fuzz: every operation through LabService.handle', () => {
  it('covers every operation of the API', () => {
    expect(API_OPERATIONS.length).toBeGreaterThan(20);
  });

  it.each(API_OPERATIONS)('%s: seeded calls resolve, name what is wrong and write nothing when they fail', async (operation) => {
    const status = await value<{ status: string }>('getRun', blocker.runId);
    expect(status.status, 'the long run keeping the worker busy').toBe('running');
    const rng = new Rng(SEED ^ [...operation].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
    // The state after one call is the state before the next (the long run's writes are left out).
    let before = snapshot();
    for (let i = 0; i < (CASES[operation] ?? CASES_PER_OPERATION); i++) {
      const args = argsFor(operation, rng);
      const where = `${operation} case ${i}`;
      let result: ApiResult<unknown>;
      const t0 = performance.now();
      try {
        result = await call(operation, args);
        if (process.env.FUZZ_TRACE && performance.now() - t0 > 200) console.info(`${where} took ${(performance.now() - t0).toFixed(0)} ms: ${preview(args)}`);
      } catch (err) {
        throw new Error(`${where}: ${(err as Error).message}`);
      }
      stats.calls++;
      expect(typeof result.ok, where).toBe('boolean');
      if (!result.ok) {
        stats.errors[result.error.code] = (stats.errors[result.error.code] ?? 0) + 1;
        checkError(operation, args, result.error, where);
        const after = snapshot();
        expect(after, `${where}: a failed call changed the database or the settings`).toBe(before);
        before = after;
        continue;
      }
      stats.ok++;
      idCache = null;
      if (operation === 'createExperiment') {
        // Accepted: a valid design (the memory preflight, where present, refuses the enormous ones).
        const created = result.value as { experimentId: number; runIds: number[] };
        const validation = validateExperiment((args as unknown[])[0]);
        expect(validation.ok && validation.runs.length, where).toBe(created.runIds.length);
        const cancelled = await value<number>('cancelExperiment', created.experimentId);
        expect(cancelled, where).toBe(created.runIds.length);
        stats.created++;
        stats.cancelledRuns += cancelled;
        // Keep a few small experiments for the other operations to find; drop the big ones.
        if (created.runIds.length > 20) await value('deleteExperiment', created.experimentId);
      }
      before = snapshot();
    }
    if (operation === 'updateSettings') await value('updateSettings', { workers: 1, defaultBackend: 'cpu' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
