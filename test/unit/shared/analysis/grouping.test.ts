import { describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../../shared/config.js';
import { GROUP_COLORS, slotStyle } from '../../../../shared/figure/palette.js';
import {
  declaredPositions,
  declaredValues,
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

describe('declared order and stable styles', () => {
  // Variants written in an order that is not alphabetical, with a sweep inside.
  const config = {
    name: 'mitigations',
    dataset: { kind: 'moons' },
    model: { hiddenLayers: 2, width: 8, init: 'normal' },
    training: { learningRate: 0.1, epochs: 1 },
    seeds: [1, 2],
    sweep: { 'training.batchSize': [64, 16] },
    variants: [
      { name: 'ReLU baseline', set: {} },
      { name: 'Leaky ReLU', set: { 'model.activation': 'leaky_relu' } },
      { name: 'PReLU', set: { 'model.activation': 'prelu' } },
      { name: 'He init', set: { 'model.init': 'he_normal' } },
    ],
  };
  const declared = declaredValues(config);
  const valid = validateExperiment(config);
  if (!valid.ok) throw new Error('bad config');
  const all: RunLike[] = valid.runs.map((r) => ({ id: r.index + 1, seed: r.seed, sweep: r.sweep, config: r.config, declared: declaredPositions(r, declared) }));
  const ofVariant = (...names: string[]) => all.filter((r) => names.includes(r.sweep.variant as string));

  it('reads the declared orders of an experiment: variants, sweep lists, and the values variants set', () => {
    expect(declared).toEqual({
      variant: ['ReLU baseline', 'Leaky ReLU', 'PReLU', 'He init'],
      'training.batchSize': [64, 16],
      'model.activation': ['relu', 'leaky_relu', 'prelu'],
      'model.init': ['normal', 'he_normal'],
    });
    expect(all[0].declared).toEqual({ variant: { index: 0, of: 4 }, 'training.batchSize': { index: 0, of: 2 }, 'model.activation': { index: 0, of: 3 }, 'model.init': { index: 0, of: 2 } });
    expect(declaredValues({ name: 'broken' })).toEqual({});
  });

  it('lists groups in declared order, not alphabetically, and gives each its declared slot', () => {
    const groups = groupRuns(all, ['variant']);
    expect(groups.map((g) => g.label)).toEqual(['ReLU baseline', 'Leaky ReLU', 'PReLU', 'He init']);
    expect(groups.map((g) => g.slot)).toEqual([0, 1, 2, 3]);
    expect(groups.every((g) => g.declaredOrder)).toBe(true);
    // Sweep values in their written order too (64 before 16).
    expect(groupRuns(all, ['training.batchSize']).map((g) => g.label)).toEqual(['batchSize=64', 'batchSize=16']);
    // Two fields: the cartesian position (variant × batch size) is the slot.
    const both = groupRuns(all, ['variant', 'training.batchSize']);
    expect(both.map((g) => g.label).slice(0, 3)).toEqual(['ReLU baseline, batchSize=64', 'ReLU baseline, batchSize=16', 'Leaky ReLU, batchSize=64']);
    expect(both.map((g) => g.slot)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('keeps a group’s colour and dash in every comparison that holds it', () => {
    const full = groupRuns(all, ['variant']);
    const subset = groupRuns(ofVariant('ReLU baseline', 'PReLU'), ['variant']);
    const other = groupRuns(ofVariant('He init', 'PReLU').filter((r) => r.sweep['training.batchSize'] === 16), []);
    const styleOf = (groups: ReturnType<typeof groupRuns>, name: string) => slotStyle(groups.find((g) => g.label === name)!.slot);
    expect(styleOf(subset, 'PReLU')).toEqual(styleOf(full, 'PReLU'));
    expect(styleOf(other, 'PReLU')).toEqual(styleOf(full, 'PReLU'));
    expect(styleOf(other, 'He init')).toEqual(styleOf(full, 'He init'));
    // Automatic grouping differs in more fields here (activation, init), the group is still the variant.
    expect(other.map((g) => g.label)).toEqual(['PReLU', 'He init']);
  });

  it('falls back to a stable hash of the group for runs without a declared order, and never shares a colour', () => {
    const plain = (activation: RunConfig['model']['activation']) => [run(1, { activation }), run(2, { activation })];
    const a = groupRuns([...plain('relu'), ...plain('tanh')], ['model.activation']);
    const b = groupRuns([...plain('gelu'), ...plain('relu'), ...plain('elu')], ['model.activation']);
    expect(a.every((g) => !g.declaredOrder)).toBe(true);
    const slotOf = (groups: ReturnType<typeof groupRuns>, label: string) => groups.find((g) => g.label === label)!.slot;
    expect(slotOf(a, 'activation=relu')).toBe(slotOf(b, 'activation=relu'));
    // Alphabetical when nothing is declared.
    expect(b.map((g) => g.label)).toEqual(['activation=elu', 'activation=gelu', 'activation=relu']);
    for (const groups of [a, b]) expect(new Set(groups.map((g) => slotStyle(g.slot).color)).size).toBe(groups.length);
    // More groups than colours: still no two alike (colour and dash together).
    const many = groupRuns(
      Array.from({ length: 12 }, (_, i) => run(1, { lr: 0.01 * (i + 1) })),
      ['training.learningRate'],
    );
    expect(new Set(many.map((g) => JSON.stringify(slotStyle(g.slot)))).size).toBe(12);
    expect(new Set(many.slice(0, GROUP_COLORS.length).map((g) => slotStyle(g.slot).color)).size).toBe(GROUP_COLORS.length);
  });
});
