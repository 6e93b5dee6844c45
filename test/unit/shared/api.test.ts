import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES, ApiError, MENU_ACTIONS, THEMES, apiArgSchemas, decodeJson, encodeJson, type ApiOperation } from '../../../shared/api.js';
import { API_OPERATIONS, isApiOperation } from '../../../shared/api-operations.js';

describe('encodeJson / decodeJson', () => {
  it('keeps NaN and ±Infinity anywhere in a value', () => {
    const value = { loss: NaN, list: [1, Infinity, -Infinity, NaN, 0, -0.5], nested: { deep: [{ x: NaN }] }, ok: true, none: null };
    const text = encodeJson(value);
    expect(() => JSON.parse(text)).not.toThrow();
    // On the wire a non-finite number is a tagged object, never null.
    expect(JSON.parse(text).loss).toEqual({ $nonFinite: 'NaN' });
    expect(JSON.parse(text).list[1]).toEqual({ $nonFinite: 'Infinity' });
    const back = decodeJson<typeof value>(text);
    expect(back.loss).toBeNaN();
    expect(back.list.slice(0, 3)).toEqual([1, Infinity, -Infinity]);
    expect(back.list[3]).toBeNaN();
    expect(back.list.slice(4)).toEqual([0, -0.5]);
    expect(back.nested.deep[0].x).toBeNaN();
    expect(back.ok).toBe(true);
    expect(back.none).toBeNull();
  });

  it('round-trips top-level non-finite numbers', () => {
    expect(decodeJson(encodeJson(NaN))).toBeNaN();
    expect(decodeJson(encodeJson(Infinity))).toBe(Infinity);
    expect(decodeJson(encodeJson(-Infinity))).toBe(-Infinity);
    expect(decodeJson(encodeJson(1.25))).toBe(1.25);
  });

  it('turns typed arrays into number lists', () => {
    const text = encodeJson({ mask: new Uint8Array([1, 0, 1]), alphas: new Float32Array([0.25, NaN]), w: new Float64Array([1.5]), i: new Int32Array([-2]) });
    const back = decodeJson<{ mask: number[]; alphas: number[]; w: number[]; i: number[] }>(text);
    expect(back.mask).toEqual([1, 0, 1]);
    expect(back.alphas[0]).toBe(0.25);
    expect(back.alphas[1]).toBeNaN();
    expect(back.w).toEqual([1.5]);
    expect(back.i).toEqual([-2]);
  });

  it('leaves look-alike values alone', () => {
    const value = { s: 'NaN', t: 'Infinity', tagged: { $nonFinite: 'NaN', other: 1 }, list: ['-Infinity'] };
    expect(decodeJson(encodeJson(value))).toEqual(value);
    // A lone tag decodes to its number (that is the encoding), whatever produced it.
    expect(decodeJson('{"$nonFinite":"Infinity"}')).toBe(Infinity);
  });

  it('keeps strings with any characters intact on one line (event-stream safe)', () => {
    const value = { message: 'line 1\nline 2\r\n\u2028 "quoted" \\ data: x\n\n' };
    const text = encodeJson(value);
    expect(text).not.toMatch(/[\n\r]/);
    expect(decodeJson(text)).toEqual(value);
  });

  it('throws on malformed text', () => {
    expect(() => decodeJson('{"args": [1')).toThrow();
  });
});

describe('apiArgSchemas', () => {
  it('has one schema per operation and nothing else', () => {
    expect([...API_OPERATIONS].sort()).toEqual(Object.keys(apiArgSchemas).sort());
  });

  it('knows its operations and nothing inherited', () => {
    for (const op of API_OPERATIONS) expect(isApiOperation(op)).toBe(true);
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '', 'GETRUN']) expect(isApiOperation(name)).toBe(false);
  });

  it('accepts well-formed arguments', () => {
    const ok: { [K in ApiOperation]: unknown[] } = {
      getAppInfo: [],
      listPresets: [],
      listExperiments: [],
      getExperiment: [1],
      createExperiment: [{ anything: true }],
      checkDivergence: [{ anything: true }],
      updateExperiment: [2, { name: 'n', notes: '', tags: ['a'] }],
      deleteExperiment: [3],
      cancelExperiment: [Number.MAX_SAFE_INTEGER],
      listRuns: [{ experimentId: 1, ids: [1, 2], statuses: ['queued', 'completed'] }],
      getRun: [1],
      getRunMetrics: [1],
      updateRun: [1, { name: null }],
      cancelRun: [1],
      getQueue: [],
      getSettings: [],
      updateSettings: [{ databaseFile: '/tmp/x.sqlite', defaultBackend: 'wasm', workers: 64, theme: 'dark' }],
      getComparedRuns: [{ experimentIds: [1], groupBy: ['variant'] }],
      getComparisonView: [{ experimentIds: [1], band: 'se', layer: 2 }],
      listComparisons: [],
      saveComparison: ['mitigations', { runIds: [1, 2], band: 'ci95', logY: true }],
      deleteComparison: [1],
      renderChart: [{ runIds: [1] }, 'dead-fraction', 'png', { preset: 'single-column', dpi: 300, grayscaleSafe: true }],
      exportBundle: [[1, 2]],
      importBundle: ['H4sI'],
      describeRunTable: [],
      queryRunTable: [{ offset: 100, limit: 500, filter: 'final dead > 0.2', sort: { column: 'final dead', direction: 'desc' }, columns: ['run', 'lr'], atEpoch: 3 }],
      getSweepChart: [{ view: 'scatter', filter: 'activation = relu', metric: 'final dead L2', x: 'lr', colorBy: 'activation', band: 'se', logX: true }],
      renderSweep: [{ view: 'parallel', axes: ['lr', 'model.activation'] }, 'pdf', { preset: 'double-column' }],
    };
    for (const op of API_OPERATIONS) {
      const result = apiArgSchemas[op].safeParse(ok[op]);
      expect(result.success, `${op}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
    expect(apiArgSchemas.listRuns.safeParse([{}]).success).toBe(true);
    expect(apiArgSchemas.updateSettings.safeParse([{}]).success).toBe(true);
  });

  it('rejects wrong shapes, counts and values', () => {
    expect(apiArgSchemas.getRun.safeParse([0]).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse([1.5]).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse(['1']).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse([NaN]).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse([2 ** 53]).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse([]).success).toBe(false);
    expect(apiArgSchemas.getRun.safeParse([1, 2]).success).toBe(false);
    expect(apiArgSchemas.getAppInfo.safeParse([1]).success).toBe(false);
    expect(apiArgSchemas.updateExperiment.safeParse([1, { extra: 1 }]).success).toBe(false);
    expect(apiArgSchemas.updateExperiment.safeParse([1, { name: '  ' }]).success).toBe(false);
    expect(apiArgSchemas.updateExperiment.safeParse([1, { tags: Array(51).fill('t') }]).success).toBe(false);
    expect(apiArgSchemas.updateRun.safeParse([1, { tags: [''] }]).success).toBe(false);
    expect(apiArgSchemas.listRuns.safeParse([{ statuses: ['done'] }]).success).toBe(false);
    expect(apiArgSchemas.updateSettings.safeParse([{ workers: 0 }]).success).toBe(false);
    expect(apiArgSchemas.updateSettings.safeParse([{ workers: 65 }]).success).toBe(false);
    expect(apiArgSchemas.updateSettings.safeParse([{ theme: 'blue' }]).success).toBe(false);
    expect(apiArgSchemas.updateSettings.safeParse([{ defaultBackend: 'webgl' }]).success).toBe(false);
    expect(apiArgSchemas.updateSettings.safeParse([{ databaseFile: ' ' }]).success).toBe(false);
  });

  it('trims names and tags', () => {
    const parsed = apiArgSchemas.updateExperiment.parse([1, { name: '  x  ', tags: [' a '] }]);
    expect(parsed[1]).toEqual({ name: 'x', tags: ['a'] });
  });
});

describe('errors and constants', () => {
  it('ApiError carries code, message and issues, and serializes to data', () => {
    const e = new ApiError('invalid_config', 'bad', [{ path: 'training.epochs', message: 'is required' }]);
    expect(e).toBeInstanceOf(Error);
    expect(e.toData()).toEqual({ code: 'invalid_config', message: 'bad', issues: [{ path: 'training.epochs', message: 'is required' }] });
    expect(new ApiError('not_found', 'gone').toData()).toEqual({ code: 'not_found', message: 'gone' });
  });

  it('lists the error codes, themes and menu actions the carriers use', () => {
    expect(API_ERROR_CODES).toEqual(expect.arrayContaining(['invalid_argument', 'invalid_config', 'not_found', 'conflict', 'unauthorized', 'internal']));
    expect(THEMES).toEqual(['light', 'dark', 'system']);
    expect(MENU_ACTIONS).toEqual(expect.arrayContaining(['new-experiment', 'open-database', 'import', 'export', 'about', 'settings']));
  });
});
