/**
 * Sharded runs: an experiment's expanded run list cut into N deterministic slices, so a cluster's
 * array job (Slurm job arrays, Kubernetes Indexed Jobs) trains one slice per task. Pure: the
 * environment is passed in.
 *
 * Slicing is round-robin: shard K of N (1-based) takes the runs whose index i satisfies
 * i mod N = K - 1. Shards differ by at most one run, and a sweep whose later values cost more
 * (wider networks, more epochs) spreads over every shard instead of landing on the last one.
 */
import { ValidationError } from './errors.js';
import { describeValue, formatPath } from './issues.js';

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** The most shards one experiment may be cut into (as many as it may have runs). */
export const MAX_SHARDS = 10_000;

/** The environment variable a Kubernetes Indexed Job sets to each pod's 0-based index. */
export const K8S_INDEX_VAR = 'JOB_COMPLETION_INDEX';
/** Kubernetes does not tell a pod its Job's completions: the generated manifest sets this. */
export const SHARD_COUNT_VAR = 'RELU_LAB_SHARD_COUNT';

/** A `--shard` value that cannot be used: the message names the option and the rule. */
export class ShardError extends ValidationError {
  constructor(message: string) {
    super(`--shard: ${message}`);
    this.name = 'ShardError';
  }
}

const WHOLE = /^\d+$/;

function checked(index: number, count: number, given: string): Shard {
  if (count < 1 || count > MAX_SHARDS) throw new ShardError(`the number of shards must be from 1 to ${MAX_SHARDS}, got ${given}`);
  if (index < 1 || index > count) throw new ShardError(`K must be from 1 to N (shards are numbered from 1), got ${given}`);
  return { index, count };
}

/**
 * `K/N` (1-based K), or `auto`: the Slurm array task or the Kubernetes completion index of this
 * process, read from `env` (see shardFromEnvironment).
 */
export function parseShard(text: string, env: Readonly<Record<string, string | undefined>>): Shard {
  if (text === 'auto') return shardFromEnvironment(env);
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new ShardError(`must be K/N (this process runs slice K of N, 1 <= K <= N) or auto, got ${JSON.stringify(text)}`);
  const [index, count] = [Number(match[1]), Number(match[2])];
  return checked(index, count, JSON.stringify(text));
}

function wholeVariable(env: Readonly<Record<string, string | undefined>>, name: string): number {
  const value = env[name];
  if (value === undefined || value === '') throw new ShardError(`auto needs ${name}, which is not set`);
  if (!WHOLE.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new ShardError(`auto: ${name} must be a whole number >= 0, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

/**
 * The shard of this task of an array job:
 * - Slurm (`SLURM_ARRAY_TASK_ID` is set): K = SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 and
 *   N = SLURM_ARRAY_TASK_COUNT, so `--array=0-9` and `--array=1-10` both make shards 1..10. The
 *   array must be a contiguous range (no step, no list): COUNT must equal MAX - MIN + 1.
 * - Kubernetes (`JOB_COMPLETION_INDEX`): K = JOB_COMPLETION_INDEX + 1 and N = RELU_LAB_SHARD_COUNT.
 * Slurm's variables win when both are set.
 */
export function shardFromEnvironment(env: Readonly<Record<string, string | undefined>>): Shard {
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    const id = wholeVariable(env, 'SLURM_ARRAY_TASK_ID');
    const count = wholeVariable(env, 'SLURM_ARRAY_TASK_COUNT');
    const min = wholeVariable(env, 'SLURM_ARRAY_TASK_MIN');
    if (env.SLURM_ARRAY_TASK_MAX !== undefined && env.SLURM_ARRAY_TASK_MAX !== '') {
      const max = wholeVariable(env, 'SLURM_ARRAY_TASK_MAX');
      if (max - min + 1 !== count) {
        throw new ShardError(
          `auto: the Slurm array must be a contiguous range such as --array=1-${count} (SLURM_ARRAY_TASK_COUNT=${count}, but MIN..MAX is ${min}..${max})`,
        );
      }
    }
    return checked(id - min + 1, count, `task ${id} of an array of ${count} starting at ${min} (from SLURM_ARRAY_TASK_ID, _MIN, _COUNT)`);
  }
  if (env[K8S_INDEX_VAR] !== undefined && env[K8S_INDEX_VAR] !== '') {
    const index = wholeVariable(env, K8S_INDEX_VAR);
    const count = wholeVariable(env, SHARD_COUNT_VAR);
    return checked(index + 1, count, `${K8S_INDEX_VAR}=${index} with ${SHARD_COUNT_VAR}=${count}`);
  }
  throw new ShardError(
    `auto needs a Slurm array task (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed Job (${K8S_INDEX_VAR} with ${SHARD_COUNT_VAR}); none is set`,
  );
}

/** The run indices (0-based, ascending) of one shard of `total` runs. */
export function shardRunIndices(total: number, shard: Shard): number[] {
  const indices: number[] = [];
  for (let i = shard.index - 1; i < total; i += shard.count) indices.push(i);
  return indices;
}

/** The items of one shard of a list, in list order. */
export function shardSlice<T>(items: readonly T[], shard: Shard): T[] {
  return shardRunIndices(items.length, shard).map((i) => items[i]);
}

export function shardLabel(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/** JSON text with object keys sorted at every level: equal data, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
}

/**
 * The first place two JSON-like values differ, as `path: a vs b` (e.g. `training.epochs: 5 vs
 * 10`), or null when they are equal. Object keys are compared in sorted order.
 */
export function firstDifference(a: unknown, b: unknown, path: PropertyKey[] = []): string | null {
  const where = () => formatPath(path) || '(the whole value)';
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    return Object.is(a, b) || canonicalJson(a) === canonicalJson(b) ? null : `${where()}: ${describeValue(a)} vs ${describeValue(b)}`;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const found = firstDifference(a[i], b[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort()) {
    const found = firstDifference(ra[key], rb[key], [...path, key]);
    if (found) return found;
  }
  return null;
}
