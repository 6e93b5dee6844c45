/**
 * Fuzzing the experiment config schema: a few thousand seeded cases derived from valid configs by
 * random mutations (wrong types, out-of-range and enormous values, huge lists, deep nesting, unicode,
 * values JSON cannot carry, cycles, sweeps up to a billion runs). Validation never throws, every
 * issue names its field, an accepted design has at most the allowed runs and can be stored as JSON,
 * and nothing leaks into Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import { countRuns, formatIssue, MAX_RUNS_PER_EXPERIMENT, validateExperiment, type ConfigIssue } from '../../../shared/config.js';
import { configCase, Rng } from './generate.js';

const CASES = 2500;
const SEED = 0x5eed_c0f1;

/** Top-level fields an issue path may start with. */
const TOP_LEVEL = /^(name|description|dataset|model|training|probe|seeds|sweep|variants)\b/;

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkIssue(issue: ConfigIssue, input: unknown, where: string): void {
  expect(typeof issue.message, where).toBe('string');
  expect(issue.message.length, where).toBeGreaterThan(0);
  const text = formatIssue(issue);
  for (const bad of ['[object Object]', 'Maximum call stack', 'undefined', 'Invalid input']) expect(text, where).not.toContain(bad);
  if (isPlainObject(input)) {
    // Names the field: a known top-level one, or a field the input has (an unknown one, reported as such).
    expect(issue.path, `${where}: ${text}`).not.toBe('');
    const first = /^[A-Za-z_$][\w$]*/.exec(issue.path)?.[0] ?? '';
    expect(TOP_LEVEL.test(issue.path) || Object.prototype.hasOwnProperty.call(input, first), `${where}: ${text}`).toBe(true);
  }
}

describe('config schema fuzz', () => {
  it(`${CASES} seeded cases: no throw, issues name their field, accepted designs are bounded and storable`, () => {
    const rng = new Rng(SEED);
    const before = Object.getOwnPropertyNames(Object.prototype).sort();
    let accepted = 0;
    let rejected = 0;
    let refusedForRunCount = 0;
    for (let i = 0; i < CASES; i++) {
      const { input, steps } = configCase(rng);
      const where = `case ${i} (${steps.join('; ')})`;
      let result: ReturnType<typeof validateExperiment>;
      let count: number | null;
      try {
        result = validateExperiment(input);
        count = countRuns(input);
      } catch (err) {
        throw new Error(`${where}: validation threw ${(err as Error).stack}`);
      }
      if (result.ok) {
        accepted++;
        expect(result.runs.length, where).toBeLessThanOrEqual(MAX_RUNS_PER_EXPERIMENT);
        expect(result.runs.length, where).toBe(count);
        expect(result.runs.length, where).toBeGreaterThan(0);
        // The store keeps the config as given: it must be writable as JSON.
        expect(() => JSON.stringify(input), where).not.toThrow();
      } else {
        rejected++;
        expect(result.issues.length, where).toBeGreaterThan(0);
        for (const issue of result.issues) checkIssue(issue, input, where);
        if (result.issues.some((issue) => issue.message.startsWith('expands to '))) refusedForRunCount++;
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    // The generator reaches both outcomes, and the run-count limit.
    expect(accepted).toBeGreaterThan(CASES / 10);
    expect(rejected).toBeGreaterThan(CASES / 2);
    expect(refusedForRunCount).toBeGreaterThan(10);
    console.info(`config fuzz: ${CASES} cases, ${accepted} accepted, ${rejected} rejected (${refusedForRunCount} by the run count)`);
  });
});
