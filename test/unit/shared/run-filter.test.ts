import { describe, expect, it } from 'vitest';
import { parseRunFilter } from '../../../shared/run-filter.js';
import { columnId, resolveColumn } from '../../../shared/run-table.js';

const FIELDS = ['model.activation', 'training.learningRate', 'variant', 'dataset.activation'];
const NUMERIC = new Set(['training.learningRate']);

describe('runs-table filter', () => {
  it('parses metric and field clauses joined by and', () => {
    const parsed = parseRunFilter('final dead > 0.2 and  model.activation = leaky_relu and lr <= 1e-2 and final dead L2 >= .5', FIELDS, NUMERIC);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.clauses.map((c) => [columnId(c.column), c.op, c.value])).toEqual([
      ['final dead', '>', 0.2],
      ['model.activation', '=', 'leaky_relu'],
      ['training.learningRate', '<=', 0.01],
      ['final dead L2', '>=', 0.5],
    ]);
  });

  it('reads quoted text, booleans, != and ==, and any case in metric names', () => {
    const parsed = parseRunFilter(`variant != "no bn" and diverged = true and Max Dead == 1 and status = 'completed'`, FIELDS, NUMERIC);
    expect(parsed.ok && parsed.clauses.map((c) => [columnId(c.column), c.op, c.value])).toEqual([
      ['variant', '!=', 'no bn'],
      ['diverged', '=', true],
      ['max dead', '=', 1],
      ['status', '=', 'completed'],
    ]);
  });

  it('an empty filter keeps every run', () => {
    expect(parseRunFilter('   ')).toEqual({ ok: true, clauses: [] });
  });

  it.each([
    ['final dead >> 0.2', 'filter clause 1 "final dead > >": expected a value after >'],
    ['final dead > 0.2 and lr', 'filter clause 2 "lr": expected an operator (= != < <= > >=) after the column name'],
    ['final dead > fast', 'filter clause 1 "final dead > fast": final dead holds numbers, so the value must be a number, got "fast"'],
    ['lr <= fast', 'filter clause 1 "lr <= fast": training.learningRate holds numbers, so the value must be a number, got "fast"'],
    ['variant > relu', 'filter clause 1 "variant > relu": > compares numbers, got "relu" (use = or != for text)'],
    ['status = done', 'filter clause 1 "status = done": status is one of queued, running, completed, diverged, failed, cancelled, interrupted, got "done"'],
    ['final dead > 0.2 or lr < 1', 'filter clause 1 "final dead > 0.2": expected "and" before "or" (clauses are joined with and)'],
    ['final dead > 0.2 and', 'filter: nothing after the last "and"'],
    ['variant = "open', 'filter: the quote " at character 11 is not closed'],
    ['final  deadly > 1', 'filter clause 1 "final deadly > 1": unknown column "final deadly"; use a metric (final dead, max dead L1, final loss, …), a run fact (status, seed, …) or a config field (e.g. training.learningRate)'],
    ['final loss > NaN', 'filter clause 1 "final loss > NaN": NaN equals nothing; to find diverged runs, use diverged = true'],
  ])('%s is refused naming the clause and the rule', (text, message) => {
    expect(parseRunFilter(text, FIELDS, NUMERIC)).toEqual({ ok: false, message });
  });

  it('resolves short field names only when unambiguous', () => {
    expect(resolveColumn('learningRate', FIELDS)).toEqual({ kind: 'field', path: 'training.learningRate' });
    // Two fields end in `activation`: the short name is ambiguous.
    expect(resolveColumn('activation', FIELDS)).toBeNull();
    expect(resolveColumn('model.width', FIELDS)).toEqual({ kind: 'field', path: 'model.width' });
    expect(resolveColumn('max dead L3', FIELDS)).toEqual({ kind: 'dead', metric: 'max dead', layer: 2 });
    expect(resolveColumn('final dead L0', FIELDS)).toBeNull();
    expect(resolveColumn('a b', FIELDS)).toBeNull();
  });
});
