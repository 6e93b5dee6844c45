/**
 * The limits that keep validation itself safe: the run count is known before any run is built,
 * and deep, circular or exotic input is a config issue naming its place, never a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import {
  countRuns,
  formatIssues,
  MAX_ASSIGNMENTS,
  MAX_CONFIG_NESTING,
  plainDataProblem,
  validateExperiment,
  type ConfigIssue,
} from '../../../shared/config.js';

function base(): Record<string, unknown> {
  return {
    name: 'tiny',
    dataset: { kind: 'moons', samples: 64 },
    model: { hiddenLayers: 2, width: 4 },
    training: { learningRate: 0.1, epochs: 2 },
  };
}

function issuesOf(input: unknown): ConfigIssue[] {
  const result = validateExperiment(input);
  if (result.ok) throw new Error(`expected the config to be rejected, got ${result.runs.length} runs`);
  return result.issues;
}

/** A list nested `depth` levels deep: [[[…[1]…]]]. */
function deepList(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** An object nested `depth` levels deep: {a: {a: … {a: 1}}}. */
function deepObject(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

describe('the run count', () => {
  it('three sweep keys of 1,000 values are refused by their count, without building the billion runs', () => {
    const config = {
      ...base(),
      sweep: {
        'training.learningRate': range(1000, (i) => 0.001 * (i + 1)),
        'model.width': range(1000, (i) => i + 1),
        'training.batchSize': range(1000, (i) => i + 1),
      },
    };
    expect(formatIssues(issuesOf(config))).toBe('sweep: expands to 1000000000 runs (variants × sweep combinations × seeds); at most 10000 are allowed');
    expect(countRuns(config)).toBe(1_000_000_000);
  });

  it('counts variants × combinations × seeds the same way in countRuns and validateExperiment', () => {
    const config = { ...base(), seeds: { from: 1, count: 100 }, sweep: { 'model.width': range(10, (i) => i + 1) }, variants: range(11, (i) => ({ name: `v${i}` })) };
    expect(countRuns(config)).toBe(11_000);
    expect(formatIssues(issuesOf(config))).toContain('expands to 11000 runs');
    const fits = { ...config, variants: range(10, (i) => ({ name: `v${i}` })) };
    const result = validateExperiment(fits);
    expect(result.ok && result.runs.length).toBe(10_000);
    expect(countRuns(fits)).toBe(10_000);
  });

  it('a sweep or a variant sets at most MAX_ASSIGNMENTS fields', () => {
    const many = Object.fromEntries(range(MAX_ASSIGNMENTS + 1, (i) => [`model.field${i}`, [1]] as const));
    expect(formatIssues(issuesOf({ ...base(), sweep: many }))).toBe(`sweep: must set at most ${MAX_ASSIGNMENTS} fields, got ${MAX_ASSIGNMENTS + 1}`);
    const set = Object.fromEntries(range(MAX_ASSIGNMENTS + 1, (i) => [`model.field${i}`, 1] as const));
    expect(formatIssues(issuesOf({ ...base(), variants: [{ name: 'a', set }] }))).toBe(`variants[0].set: must set at most ${MAX_ASSIGNMENTS} fields, got ${MAX_ASSIGNMENTS + 1}`);
  });
});

describe('nesting and plain data', () => {
  it('a deeply nested sweep value is an issue at that value, not a stack overflow', () => {
    for (const depth of [MAX_CONFIG_NESTING, 10_000, 200_000]) {
      const config = { ...base(), sweep: { 'model.width': [4, deepList(depth)] } };
      expect(issuesOf(config)).toEqual([{ path: 'sweep["model.width"][1][0]', message: `is nested deeper than ${MAX_CONFIG_NESTING} levels` }]);
      expect(countRuns(config)).toBeNull();
    }
  });

  it('deep nesting anywhere names its field (top level, dataset, variants)', () => {
    expect(issuesOf({ ...base(), name: deepObject(100_000) })).toEqual([{ path: 'name.a.a.a', message: `is nested deeper than ${MAX_CONFIG_NESTING} levels` }]);
    expect(issuesOf({ ...base(), dataset: { kind: deepList(100_000), samples: 64 } })).toEqual([
      { path: 'dataset.kind[0][0]', message: `is nested deeper than ${MAX_CONFIG_NESTING} levels` },
    ]);
    expect(issuesOf({ ...base(), variants: [{ name: 'a', set: { 'model.width': deepObject(50_000) } }] })).toEqual([
      { path: 'variants[0].set["model.width"]', message: `is nested deeper than ${MAX_CONFIG_NESTING} levels` },
    ]);
  });

  it('a realistic config nested a few levels passes', () => {
    const config = {
      ...base(),
      model: { widths: [4, 4] },
      sweep: { 'model.widths': [[2, 2], [8, 8]] },
      variants: [{ name: 'range', set: { 'training.learningRate': 0.05 } }],
    };
    const result = validateExperiment(config);
    expect(result.ok && result.runs.map((r) => r.config.model.widths)).toEqual([[2, 2], [8, 8]]);
  });

  it('circular and non-JSON values are named, never thrown', () => {
    const circular: Record<string, unknown> = { ...base() };
    circular.description = circular;
    expect(issuesOf(circular)).toEqual([{ path: 'description', message: 'contains itself (a circular reference)' }]);
    const loop: unknown[] = [];
    loop.push(loop);
    expect(issuesOf({ ...base(), sweep: { 'model.width': loop } })).toEqual([{ path: 'sweep["model.width"][0]', message: 'contains itself (a circular reference)' }]);

    const plain = 'must be plain data (numbers, strings, true/false, null, lists, objects)';
    expect(issuesOf({ ...base(), sweep: { 'model.width': [4, 8n] } })).toEqual([{ path: 'sweep["model.width"][1]', message: `${plain}, got a bigint` }]);
    expect(issuesOf({ ...base(), variants: [{ name: 'a', set: { 'model.width': new Map() } }] })).toEqual([
      { path: 'variants[0].set["model.width"]', message: `${plain}, got a Map` },
    ]);
    expect(issuesOf({ ...base(), name: () => 'x' })).toEqual([{ path: 'name', message: `${plain}, got a function` }]);
    expect(issuesOf(Symbol('config'))).toEqual([{ path: '', message: `${plain}, got a symbol` }]);
  });

  it('several unknown top-level fields are one issue each, at their own path', () => {
    expect(formatIssues(issuesOf({ ...base(), foo: 1, bar: 2 })).split('\n')).toEqual(['foo: is not a known field', 'bar: is not a known field']);
  });

  it('a value shared by two places is not mistaken for a cycle', () => {
    const widths = [4, 4];
    const config = { ...base(), model: { widths }, sweep: { 'model.widths': [widths, [8, 8]] } };
    expect(validateExperiment(config).ok).toBe(true);
  });

  it('plainDataProblem walks wide and shared structures without recursion', () => {
    expect(plainDataProblem(range(100_000, (i) => ({ i })))).toBeNull();
    // 40 levels, each holding the next level twice: 2^40 paths, 40 objects.
    let shared: unknown = 1;
    for (let i = 0; i < 40; i++) shared = { left: shared, right: shared };
    expect(plainDataProblem(shared, 64)).toBeNull();
    expect(plainDataProblem(shared)).toEqual({ path: Array(MAX_CONFIG_NESTING).fill('left'), message: `is nested deeper than ${MAX_CONFIG_NESTING} levels` });
    expect(plainDataProblem(Object.assign(Object.create(null) as object, { a: [1, 'x', null, true, undefined] }))).toBeNull();
    expect(plainDataProblem(new Array(2_000_000))).toEqual({ path: [], message: 'must have at most 1000000 entries, got 2000000' });
  });
});
