/**
 * One wording for validation problems: the experiment config, the API's arguments and a saved
 * comparison's spec word the same zod issue the same way (`path: rule, got value`).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseExperimentConfig } from '../../../shared/config.js';
import { zodIssues, zodProblems } from '../../../shared/issues.js';
import { checkArgs } from '../../../electron/lab/api-args.js';
import { openStore } from '../db/helpers.js';

const CONFIG = {
  name: 'x',
  dataset: { kind: 'moons' },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 1 },
};

function configMessages(input: unknown): string[] {
  const result = parseExperimentConfig(input);
  if (result.ok) throw new Error('expected the config to be refused');
  return result.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
}

function argsMessage(operation: Parameters<typeof checkArgs>[0], args: unknown): string {
  const result = checkArgs(operation, args);
  if (result.ok) throw new Error('expected the arguments to be refused');
  return result.message;
}

function savedSpecError(spec: unknown): string {
  const store = openStore();
  try {
    store.saveComparison('x', spec as never);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the spec to be refused');
}

describe('one wording for the config, the API arguments and comparison specs', () => {
  it('an unknown field', () => {
    expect(configMessages({ ...CONFIG, model: { ...CONFIG.model, colour: 'red' } })).toEqual(['model.colour: is not a known field']);
    expect(argsMessage('updateExperiment', [1, { colour: 'red' }])).toBe('updateExperiment: argument 2 field colour is not a known field');
    expect(savedSpecError({ colour: 'red' })).toBe('invalid comparison spec: colour: is not a known field');
  });

  it('a value of the wrong type, and one outside an enumeration', () => {
    expect(configMessages({ ...CONFIG, name: 5 })).toEqual(['name: must be a string, got 5']);
    expect(argsMessage('updateExperiment', [1, { name: 5 }])).toBe('updateExperiment: argument 2 field name must be a string, got 5');
    expect(savedSpecError({ groupBy: 'model.width' })).toBe('invalid comparison spec: groupBy: must be a list, got "model.width"');
    expect(configMessages({ ...CONFIG, model: { ...CONFIG.model, activation: 'sigmoid' } })[0]).toMatch(/^model\.activation: must be one of relu, .*, got "sigmoid"$/);
    expect(savedSpecError({ band: 'iqr' })).toBe('invalid comparison spec: band: must be one of none, std, se, ci95, got "iqr"');
  });

  it('a number out of range: the bound broken (config, specs), or the whole range (API arguments)', () => {
    expect(configMessages({ ...CONFIG, training: { learningRate: -1, epochs: 1 } })).toEqual(['training.learningRate: must be > 0, got -1']);
    expect(savedSpecError({ smoothing: 1 })).toBe('invalid comparison spec: smoothing: must be < 1, got 1');
    expect(savedSpecError({ runIds: [1, 0] })).toBe('invalid comparison spec: runIds[1]: must be >= 1, got 0');
    expect(argsMessage('updateSettings', [{ workers: 100 }])).toBe('updateSettings: argument 1 field workers must be a whole number between 1 and 64, got 100');
    expect(argsMessage('getRun', ['x'])).toBe('getRun: argument 1 must be a whole number >= 1, got "x"');
  });

  it('empty text and lists, the input itself, and repeats', () => {
    expect(argsMessage('updateRun', [1, { name: '' }])).toBe('updateRun: argument 2 field name must not be empty');
    expect(savedSpecError({ groupBy: [''] })).toBe('invalid comparison spec: groupBy[0]: must not be empty');
    expect(argsMessage('exportBundle', [[]])).toBe('exportBundle: argument 1 must have at least 1 entry, got 0');
    expect(savedSpecError(null)).toBe('invalid comparison spec: must be an object, got null');
    const schema = z.strictObject({ a: z.string(), b: z.string() });
    const input = { a: 1, b: 2, c: 3, d: 4 };
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(zodIssues(parsed.error.issues, input)).toEqual([
        { path: 'a', message: 'must be a string, got 1' },
        { path: 'b', message: 'must be a string, got 2' },
        { path: 'c', message: 'is not a known field' },
        { path: 'd', message: 'is not a known field' },
      ]);
      expect(zodProblems([...parsed.error.issues, ...parsed.error.issues], input)).toHaveLength(4);
    }
  });
});
