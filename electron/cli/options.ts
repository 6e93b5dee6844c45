/** Option values several commands read the same way, each refused with a UsageError naming the option. */
import { BACKENDS, type BackendChoice } from '../../shared/config.js';
import { workerCountProblem } from '../lab/pool.js';
import { UsageError, wholeNumber } from './args.js';

/** One positional id (`RUN_ID`, `EXPERIMENT_ID`): a positive whole number. */
export function idArgument(positionals: string[], what: string): number {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}`);
  const id = Number(positionals[0]);
  if (!/^\d+$/.test(positionals[0]) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`${what}: must be a positive whole number, got ${JSON.stringify(positionals[0])}`);
  return id;
}

/** A saved comparison is named by its id or its name. */
export function comparisonArgument(positionals: string[]): number | string {
  if (positionals.length !== 1) throw new UsageError('expected one comparison (its id or name)');
  return /^\d+$/.test(positionals[0]) ? Number(positionals[0]) : positionals[0];
}

/** Ids of a repeatable option, each value possibly comma-separated (`--run 1,2 --run 3`). */
export function idList(name: string, values: unknown): number[] {
  return ((values as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => wholeNumber(name, v.trim()));
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function numberOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name}: must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `--backend`, when given. */
export function backendOption(value: unknown): BackendChoice | undefined {
  if (value === undefined) return undefined;
  if (!(BACKENDS as readonly unknown[]).includes(value)) throw new UsageError(`--backend: must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as BackendChoice;
}

/** `--workers`, when given: a whole number this machine can use. */
export function workersOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const workers = wholeNumber('workers', value);
  const problem = workerCountProblem('--workers', workers);
  if (problem) throw new UsageError(problem);
  return workers;
}
