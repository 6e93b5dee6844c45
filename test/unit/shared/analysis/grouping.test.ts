import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../../shared/config.js';
import {
  differingFields,
  fieldValue,
  flattenConfig,
  groupDisplayName,
  groupRuns,
  type RunLike,
} from '../../../../shared/analysis/index.js';

function baseConfig(): RunConfig {
  return {
    name: 'exp',
    dataset: { kind: 'moons', samples: 512, noise: 0.1, inputShift: 0, inputScale: 1, validationSplit: 0.2 },
    model: {
      hiddenLayers: 2,
      width: 16,
      activation: 'relu',
      leakyAlpha: 0.01,
      preluAlphaInit: 0.25,
      init: 'he_normal',
      initStd: 0.05,
      biasInit: 0,
      batchNorm: false,
    },
    training: { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, batchSize: 64, epochs: 5 },
    probe: { samples: 256, dormantThreshold: 0.025, histogramBins: 32 },
  };
}

let nextId = 1;
function run(seed: number, set: { activation?: RunConfig['model']['activation']; lr?: number; name?: string }, sweep: Record<string, unknown> = {}): RunLike {
  const config = baseConfig();
  if (set.activation) config.model.activation = set.activation;
  if (set.lr !== undefined) config.training.learningRate = set.lr;
  if (set.name) config.name = set.name;
  return { id: nextId++, seed, sweep, config };
}

describe('flattening and fields', () => {
  it('flattens configs to dotted leaves, arrays as leaves', () => {
    const flat = flattenConfig({ a: { b: 1, c: { d: 'x' } }, w: [64, 32], e: {} });
    expect(flat).toEqual({ 'a.b': 1, 'a.c.d': 'x', w: [64, 32], e: {} });
  });

  it('reads a sweep key first, then the seed, then the config path', () => {
    const r = run(3, { lr: 0.5 }, { variant: 'high-lr' });
    expect(fieldValue(r, 'variant')).toBe('high-lr');
    expect(fieldValue(r, 'training.learningRate')).toBe(0.5);
    expect(fieldValue(r, 'seed')).toBe(3);
    expect(fieldValue(r, 'model.nope')).toBeUndefined();
  });

  it('lists differing fields, ignoring seed and name', () => {
    const runs = [
      run(1, { activation: 'relu', name: 'a' }, { 'model.activation': 'relu' }),
      run(2, { activation: 'elu', name: 'b' }, { 'model.activation': 'elu' }),
    ];
    expect(differingFields(runs)).toEqual(['model.activation']);
    expect(differingFields([run(1, {}), run(2, {})])).toEqual([]);
    expect(differingFields([run(1, {})])).toEqual([]);
  });
});

describe('grouping runs', () => {
  it('groups automatically by every differing field; runs identical but for the seed form one group', () => {
    const runs = [
      run(1, { activation: 'relu', lr: 0.1 }),
      run(2, { activation: 'relu', lr: 0.1 }),
      run(1, { activation: 'relu', lr: 0.01 }),
      run(1, { activation: 'elu', lr: 1 }),
      run(3, { activation: 'elu', lr: 1 }),
      run(2, { activation: 'elu', lr: 1 }),
    ];
    const groups = groupRuns(runs, []);
    expect(groups.map((g) => g.label)).toEqual([
      'activation=elu, learningRate=1',
      'activation=relu, learningRate=0.01',
      'activation=relu, learningRate=0.1',
    ]);
    expect(groups[0].values).toEqual({ 'model.activation': 'elu', 'training.learningRate': 1 });
    expect(groups[0].runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    expect(groups[0].runIds).toEqual([runs[3].id, runs[5].id, runs[4].id]);
    expect(groups[2].runIds).toEqual([runs[0].id, runs[1].id]);
    expect(new Set(groups.map((g) => g.key)).size).toBe(3);
  });

  it('forms a single group when only seeds differ', () => {
    const groups = groupRuns([run(1, {}), run(2, {}), run(3, {})], []);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ key: 'all', label: 'all runs', values: {} });
    expect(groups[0].runIds).toHaveLength(3);
  });

  it('groups by the given fields and sorts numeric values numerically', () => {
    const runs = [0.5, 10, 2, 0.05, 2].map((lr, i) => run(i, { lr, activation: i % 2 ? 'relu' : 'elu' }));
    const groups = groupRuns(runs, ['training.learningRate']);
    expect(groups.map((g) => g.label)).toEqual(['learningRate=0.05', 'learningRate=0.5', 'learningRate=2', 'learningRate=10']);
    expect(groups[2].runIds).toHaveLength(2);
    expect(groups.map((g) => g.key)).toEqual([
      'training.learningRate=0.05',
      'training.learningRate=0.5',
      'training.learningRate=2',
      'training.learningRate=10',
    ]);
  });

  it('labels variant groups by the variant name and keeps keys stable', () => {
    const runs = [
      run(1, {}, { variant: 'baseline' }),
      run(2, {}, { variant: 'baseline' }),
      run(1, { activation: 'leaky_relu' }, { variant: 'leaky' }),
      run(1, { lr: 0.01 }, { variant: 'low-lr' }),
    ];
    const auto = groupRuns(runs, []);
    expect(auto.map((g) => g.label)).toEqual(['baseline', 'leaky', 'low-lr']);
    expect(auto[0].runIds).toHaveLength(2);
    // The same runs, reordered, give the same groups in the same order.
    const again = groupRuns([...runs].reverse(), []);
    expect(again.map((g) => g.key)).toEqual(auto.map((g) => g.key));
    const explicit = groupRuns(runs, ['variant']);
    expect(explicit.map((g) => g.label)).toEqual(['baseline', 'leaky', 'low-lr']);
    expect(explicit[0].key).toBe('variant="baseline"');
  });

  it('keeps other fields in variant labels when the variant does not determine them', () => {
    const runs = [
      run(1, { lr: 0.1 }, { variant: 'baseline', 'training.learningRate': 0.1 }),
      run(1, { lr: 1 }, { variant: 'baseline', 'training.learningRate': 1 }),
      run(1, { lr: 0.1, activation: 'elu' }, { variant: 'elu', 'training.learningRate': 0.1 }),
    ];
    expect(groupRuns(runs, []).map((g) => g.label)).toEqual([
      'baseline, learningRate=0.1',
      'baseline, learningRate=1',
      'elu, learningRate=0.1',
    ]);
  });

  it('applies user-chosen names by group key', () => {
    const [g] = groupRuns([run(1, {})], []);
    expect(groupDisplayName(g)).toBe('all runs');
    expect(groupDisplayName(g, { all: 'Control' })).toBe('Control');
    expect(groupDisplayName(g, { all: '  ' })).toBe('all runs');
  });
});
