/**
 * The divergence quick check: short real trials per distinct setup of a design, in the engine and
 * through the API (trained in the design worker, never on the main event loop).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, withValueAt, type RunSpec } from '../../../shared/config.js';
import type { ApiResult, DivergenceCheck } from '../../../shared/api.js';
import { initBackend } from '../../../electron/engine/backend.js';
import { quickDivergenceCheck, QUICK_CHECK_DEFAULTS } from '../../../electron/engine/quick-check.js';
import { quickCheckSetups } from '../../../electron/lab/design-worker.js';
import { openService } from '../electron/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The README's former first example: ReLU, Leaky ReLU and PReLU at SGD lr 0.5 with He init (most runs diverge). */
const EXAMPLE = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/mitigations-high-lr.json'), 'utf8')) as Record<string, unknown>;

function runsOf(raw: unknown): RunSpec[] {
  const v = validateExperiment(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.runs;
}

const FAST = { ...QUICK_CHECK_DEFAULTS, steps: 60 };

describe('quickDivergenceCheck (engine)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('the example design at lr 0.5 with he_normal: trials diverge, and the message says what was checked', () => {
    const { setups } = quickCheckSetups(runsOf(withValueAt(EXAMPLE, 'sweep', { 'model.activation': ['prelu'] })));
    expect(setups).toHaveLength(1);
    expect(setups[0].label).toBe('');
    const result = quickDivergenceCheck(setups, FAST);
    expect(result.unchecked).toBe(0);
    expect(result.steps).toBe(60);
    expect(result.samples).toBe(512);
    const [prelu] = result.setups;
    expect(prelu).toMatchObject({ trials: 3, diverged: 3, learningRate: 0.5, init: 'he_normal', optimizer: 'sgd' });
    expect(prelu.message).toMatch(/^3 of 3 quick trials at lr 0\.5 with he_normal diverged within 60 steps \(the first at step \d+\)$/);
    expect(prelu.firstDivergedStep).toBeLessThanOrEqual(60);
  });

  it('a learning rate ten times lower does not diverge', () => {
    const { setups } = quickCheckSetups(runsOf(withValueAt(withValueAt(EXAMPLE, 'training.learningRate', 0.05), 'sweep', { 'model.activation': ['prelu'] })));
    const result = quickDivergenceCheck(setups, FAST);
    expect(result.setups[0]).toMatchObject({ trials: 3, diverged: 0, firstDivergedStep: null });
    expect(result.setups[0].message).toBe('0 of 3 quick trials at lr 0.05 with he_normal diverged within 60 steps');
  });

  it('is bounded: over its time budget it reports setups as unchecked; it stops when asked', () => {
    const { setups } = quickCheckSetups(runsOf(EXAMPLE));
    expect(quickDivergenceCheck(setups, { ...FAST, budgetMs: -1 })).toMatchObject({ setups: [], unchecked: 3 });
    let polls = 0;
    const stopped = quickDivergenceCheck(setups, { ...FAST, shouldStop: () => ++polls > 100 });
    expect(stopped.setups.length).toBeLessThan(3);
    expect(stopped.unchecked + stopped.setups.length).toBe(3);
  });
});

describe('quickCheckSetups', () => {
  it('one setup per distinct model/training/data, ignoring seeds, epochs and the probe; labelled by variant and sweep values', () => {
    const runs = runsOf({
      ...EXAMPLE,
      seeds: [1, 2, 3],
      sweep: { 'training.learningRate': [0.5, 0.05], 'training.epochs': [1, 2], 'probe.samples': [16, 32] },
      variants: [{ name: 'ReLU', set: {} }, { name: 'PReLU', set: { 'model.activation': 'prelu' } }],
    });
    expect(runs).toHaveLength(2 * 2 * 2 * 2 * 3);
    const { setups, skipped } = quickCheckSetups(runs);
    expect(skipped).toBe(0);
    expect(setups.map((s) => s.label)).toEqual([
      'ReLU, training.learningRate = 0.5',
      'ReLU, training.learningRate = 0.05',
      'PReLU, training.learningRate = 0.5',
      'PReLU, training.learningRate = 0.05',
    ]);
    const many = quickCheckSetups(runsOf({ ...EXAMPLE, sweep: { 'training.learningRate': [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8] } }));
    expect(many.setups).toHaveLength(6);
    expect(many.skipped).toBe(2);
  });
});

describe('checkDivergence (API)', () => {
  const value = <T>(result: ApiResult<unknown>): T => {
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.value as T;
  };

  it('trains in the design worker: the main event loop keeps answering while it runs; a newer check replaces an older one', async () => {
    const { service } = openService({ overrides: { defaultBackend: 'wasm' }, quickCheck: { steps: 60 } });
    const design = withValueAt(EXAMPLE, 'sweep', { 'model.activation': ['relu', 'prelu'] });
    const order: string[] = [];
    const first = service.handle('checkDivergence', [design]).then((r) => {
      order.push('first check');
      return r;
    });
    // Asked while the first is still running: the first is cancelled ("conflict"), this one answers.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = service.handle('checkDivergence', [design]).then((r) => {
      order.push('second check');
      return r;
    });
    const list = service.handle('listExperiments', []).then((r) => {
      order.push('listExperiments');
      return r;
    });
    const [a, b] = await Promise.all([first, second, list]);
    expect(order[0]).toBe('listExperiments');
    expect(a).toEqual({ ok: false, error: { code: 'conflict', message: 'checkDivergence: replaced by a newer check' } });
    const result = value<DivergenceCheck>(b);
    expect(result.setups.map((s) => s.label)).toEqual(['model.activation = "relu"', 'model.activation = "prelu"']);
    expect(result.setups[1]).toMatchObject({ trials: 3, diverged: 3 });
    expect(result.setups[1].message).toMatch(/^model\.activation = "prelu": 3 of 3 quick trials at lr 0\.5 with he_normal diverged within 60 steps/);
  });

  it('an invalid design is invalid_config with the schema issues; a design the machine cannot hold is refused like createExperiment', async () => {
    const { service } = openService({ quickCheck: { steps: 10 } });
    const bad = await service.handle('checkDivergence', [withValueAt(EXAMPLE, 'training.learningRate', -1)]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_config', issues: [{ path: 'training.learningRate', message: 'must be > 0, got -1' }] } });
    const huge = await service.handle('checkDivergence', [withValueAt(withValueAt(EXAMPLE, 'model.hiddenLayers', 100), 'model.width', 4096)]);
    expect(huge).toMatchObject({ ok: false, error: { code: 'invalid_config', issues: [{ path: 'model.width' }] } });
  });
});
