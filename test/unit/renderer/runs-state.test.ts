import { describe, expect, it } from 'vitest';
import { parseHash, routeHref } from '../../../renderer/src/app/routes.js';
import { DEFAULT_TABLE_STATE, cellText, nextTableSort, tableParams, tableQuery, tableStateFrom } from '../../../renderer/src/runs/table-state.js';
import { DEFAULT_SWEEP, sweepFrom, sweepParams } from '../../../renderer/src/sweep/sweep-state.js';

describe('runs table state in the address', () => {
  it('round-trips filter, sort, columns, page, page size and epoch, and writes only what differs from the default', () => {
    const state = { filter: 'final dead > 0.2 and lr <= 0.01', sort: { column: 'final dead L2', direction: 'asc' as const }, columns: ['run', 'lr', 'final dead L2'], page: 3, pageSize: 250, atEpoch: 7 };
    const params = tableParams(state);
    expect(tableStateFrom(new URLSearchParams(params.toString()))).toEqual(state);
    expect(tableParams(DEFAULT_TABLE_STATE).toString()).toBe('');
    expect(tableQuery(state, ['run'])).toEqual({ offset: 750, limit: 250, filter: state.filter, sort: state.sort, columns: ['run'], atEpoch: 7 });
  });

  it('falls back to the default for what it cannot read', () => {
    expect(tableStateFrom(new URLSearchParams('page=0&size=7&at=-1&dir=sideways&sort=final%20dead'))).toEqual({ ...DEFAULT_TABLE_STATE, sort: { column: 'final dead', direction: 'desc' } });
  });

  it('sorts a new column descending, then ascending, then not', () => {
    const first = nextTableSort(null, 'max dead');
    expect(first).toEqual({ column: 'max dead', direction: 'desc' });
    expect(nextTableSort(first, 'max dead')).toEqual({ column: 'max dead', direction: 'asc' });
    expect(nextTableSort({ column: 'max dead', direction: 'asc' }, 'max dead')).toBeNull();
  });

  it('reads cells: NaN and ∞ as such, flags, no value', () => {
    expect([NaN, Infinity, 0.123456, true, null, 'relu'].map(cellText)).toEqual(['NaN', '∞', '0.1235', 'yes', '—', 'relu']);
  });

  it('routes #/runs and #/sweep with their parameters', () => {
    const runs = parseHash('#/runs?filter=seed%20%3D%201');
    expect(runs.page === 'runs' && runs.params.get('filter')).toBe('seed = 1');
    expect(routeHref(runs)).toBe('#/runs?filter=seed+%3D+1');
    expect(parseHash('#/sweep').page).toBe('sweep');
  });
});

describe('sweep view state in the address', () => {
  it('round-trips a request and keeps defaults out of the address', () => {
    const request = { ...DEFAULT_SWEEP, view: 'parallel' as const, filter: 'diverged = false', metric: 'max dead L1', colorBy: 'model.activation', axes: ['lr', 'model.width'], atEpoch: 3, band: 'se' as const, logX: true, x: 'training.learningRate' };
    expect(sweepFrom(new URLSearchParams(sweepParams(request).toString()))).toEqual(request);
    expect(sweepParams(DEFAULT_SWEEP).toString()).toBe('');
    expect(sweepFrom(new URLSearchParams('view=pie&band=wide'))).toEqual(DEFAULT_SWEEP);
  });
});
