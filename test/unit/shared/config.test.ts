import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countRuns,
  formatIssues,
  MAX_RUNS_PER_EXPERIMENT,
  parseAssignment,
  validateExperiment,
  type ConfigIssue,
  type ValidationResult,
} from '../../../shared/config.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../../examples/mitigations-high-lr.json');

/** A small valid config; tests break one field at a time. */
function base(): Record<string, unknown> {
  return {
    name: 'tiny',
    dataset: { kind: 'moons', samples: 64 },
    model: { hiddenLayers: 2, width: 4 },
    training: { learningRate: 0.1, epochs: 2 },
  };
}

function withPatch(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...base(), ...patch };
}

function issuesOf(input: unknown): ConfigIssue[] {
  const result: ValidationResult = validateExperiment(input);
  if (result.ok) throw new Error(`expected the config to be rejected, got ${result.runs.length} runs`);
  return result.issues;
}

/** Every issue rendered as `path: message`, the way the CLI prints them. */
function messages(input: unknown): string[] {
  return formatIssues(issuesOf(input)).split('\n');
}

describe('the example config', () => {
  const raw = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as unknown;

  it('is accepted as written and expands to 3 activations × 3 seeds', () => {
    const result = validateExperiment(raw);
    if (!result.ok) throw new Error(formatIssues(result.issues));
    expect(result.runs).toHaveLength(9);
    expect(countRuns(raw)).toBe(9);
    expect(result.runs.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(result.runs.map((r) => r.config.model.activation)).toEqual([
      'relu', 'relu', 'relu', 'leaky_relu', 'leaky_relu', 'leaky_relu', 'prelu', 'prelu', 'prelu',
    ]);
    expect(result.runs.map((r) => r.seed)).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(result.runs[4].sweep).toEqual({ 'model.activation': 'leaky_relu' });
  });

  it('fills the defaults the file leaves out', () => {
    const result = validateExperiment(raw);
    if (!result.ok) throw new Error(formatIssues(result.issues));
    for (const run of result.runs) {
      expect(run.config.model.leakyAlpha).toBe(0.01);
      expect(run.config.model.preluAlphaInit).toBe(0.25);
      expect(run.config.model.initStd).toBe(0.05);
      expect(run.config.training.momentum).toBe(0.9);
      expect(run.config.probe).toEqual({ samples: 512, dormantThreshold: 0.025, histogramBins: 32 });
      // The run config holds no experiment-level fields.
      expect(run.config).not.toHaveProperty('seeds');
      expect(run.config).not.toHaveProperty('sweep');
      expect(run.config).not.toHaveProperty('variants');
    }
  });

  it('fills defaults of a minimal config', () => {
    const result = validateExperiment(base());
    if (!result.ok) throw new Error(formatIssues(result.issues));
    expect(result.runs).toHaveLength(1);
    const [run] = result.runs;
    expect(run.seed).toBe(1);
    expect(run.sweep).toEqual({});
    expect(run.config.dataset).toMatchObject({ kind: 'moons', samples: 64, noise: 0.1, inputShift: 0, inputScale: 1, validationSplit: 0.2 });
    expect(run.config.model).toMatchObject({ activation: 'relu', init: 'he_normal', biasInit: 0, batchNorm: false, leakyAlpha: 0.01, preluAlphaInit: 0.25 });
    expect(run.config.training).toMatchObject({ optimizer: 'sgd', batchSize: 64 });
    expect(run.config.probe).toEqual({ samples: 1024, dormantThreshold: 0.025, histogramBins: 32 });
  });
});

describe('rule messages name the path, the rule and the given value', () => {
  it('numeric bounds', () => {
    expect(messages(withPatch({ training: { learningRate: -1, epochs: 2 } }))).toEqual(['training.learningRate: must be > 0, got -1']);
    expect(messages(withPatch({ training: { learningRate: 0, epochs: 2 } }))).toEqual(['training.learningRate: must be > 0, got 0']);
    expect(messages(withPatch({ training: { learningRate: 5000, epochs: 2 } }))).toEqual(['training.learningRate: must be <= 1000, got 5000']);
    expect(messages(withPatch({ training: { learningRate: 0.1, epochs: -1 } }))).toEqual(['training.epochs: must be >= 0, got -1']);
    expect(messages(withPatch({ training: { learningRate: 0.1, epochs: 2, momentum: 1 } }))).toEqual(['training.momentum: must be < 1, got 1']);
    expect(messages(withPatch({ dataset: { kind: 'moons', samples: 2 } }))).toEqual(['dataset.samples: must be >= 4, got 2']);
    expect(messages(withPatch({ dataset: { kind: 'moons', validationSplit: 0.95 } }))).toEqual(['dataset.validationSplit: must be <= 0.9, got 0.95']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, initStd: 0 } }))).toEqual(['model.initStd: must be > 0, got 0']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, leakyAlpha: 2 } }))).toEqual(['model.leakyAlpha: must be <= 1, got 2']);
    expect(messages(withPatch({ probe: { histogramBins: 1 } }))).toEqual(['probe.histogramBins: must be >= 2, got 1']);
  });

  it('unknown fields, at the top and nested', () => {
    expect(messages(withPatch({ foo: 1 }))).toEqual(['foo: is not a known field']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, depth: 3 } }))).toEqual(['model.depth: is not a known field']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, depth: 3, size: 1 } }))).toEqual(['model: unknown fields: depth, size']);
    // Fields of another data set kind are unknown for this one.
    expect(messages(withPatch({ dataset: { kind: 'moons', features: 3 } }))).toEqual(['dataset.features: is not a known field']);
  });

  it('wrong enum values', () => {
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, activation: 'sigmoid' } }))).toEqual([
      'model.activation: must be one of relu, leaky_relu, prelu, elu, selu, gelu, swish, tanh, got "sigmoid"',
    ]);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, init: 'zeros' } }))).toEqual([
      'model.init: must be one of he_normal, he_uniform, glorot_normal, glorot_uniform, lecun_normal, normal, rai, got "zeros"',
    ]);
    expect(messages(withPatch({ training: { learningRate: 0.1, epochs: 2, optimizer: 'lbfgs' } }))).toEqual([
      'training.optimizer: must be one of sgd, momentum, adam, rmsprop, got "lbfgs"',
    ]);
    expect(messages(withPatch({ dataset: { kind: 'cifar' } }))).toEqual([
      'dataset.kind: must be one of blobs, spirals, moons, abs1d, mnist, iris, csv, got "cifar"',
    ]);
  });

  it('wrong types', () => {
    expect(messages(withPatch({ training: { learningRate: 'fast', epochs: 2 } }))).toEqual(['training.learningRate: must be a number, got "fast"']);
    expect(messages(withPatch({ training: { learningRate: null, epochs: 2 } }))).toEqual(['training.learningRate: must be a number, got null']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 4, batchNorm: 'yes' } }))).toEqual(['model.batchNorm: must be true or false, got "yes"']);
    expect(messages(withPatch({ model: 'big' }))).toEqual(['model: must be an object, got "big"']);
    expect(messages(withPatch({ name: 42 }))).toEqual(['name: must be a string, got 42']);
    expect(messages(withPatch({ model: { widths: 4 } }))).toEqual(['model.widths: must be a list, got 4']);
  });

  it('missing required fields', () => {
    expect(messages({ name: 'x', dataset: { kind: 'moons' }, model: { hiddenLayers: 2, width: 4 }, training: { epochs: 2 } })).toEqual([
      'training.learningRate: is required',
    ]);
    expect(messages({})).toEqual(['name: is required', 'dataset: is required', 'model: is required', 'training: is required']);
    expect(messages(withPatch({ dataset: { kind: 'csv' } }))).toEqual(['dataset.path: is required', 'dataset.labelColumn: is required', 'dataset.task: is required']);
    expect(messages(withPatch({ name: '   ' }))).toEqual(['name: must not be empty']);
  });

  it('whole-number rules', () => {
    expect(messages(withPatch({ model: { hiddenLayers: 2.5, width: 4 } }))).toEqual(['model.hiddenLayers: must be a whole number, got 2.5']);
    expect(messages(withPatch({ model: { hiddenLayers: 2, width: 0 } }))).toEqual(['model.width: must be >= 1, got 0']);
    expect(messages(withPatch({ model: { hiddenLayers: 101, width: 4 } }))).toEqual(['model.hiddenLayers: must be <= 100, got 101']);
    expect(messages(withPatch({ training: { learningRate: 0.1, epochs: 1.5 } }))).toEqual(['training.epochs: must be a whole number, got 1.5']);
    expect(messages(withPatch({ training: { learningRate: 0.1, epochs: 2, batchSize: 0 } }))).toEqual(['training.batchSize: must be >= 1, got 0']);
    expect(messages(withPatch({ model: { widths: [4, 2.5, 0] } }))).toEqual([
      'model.widths[1]: must be a whole number, got 2.5',
      'model.widths[2]: must be >= 1, got 0',
    ]);
  });

  it('widths, width and hiddenLayers must agree', () => {
    expect(messages(withPatch({ model: { hiddenLayers: 3, widths: [4, 4] } }))).toEqual([
      'model.widths: must have one entry per hidden layer (hiddenLayers is 3), got 2',
    ]);
    expect(messages(withPatch({ model: { hiddenLayers: 3 } }))).toEqual(['model.width: is required unless widths is given']);
    expect(messages(withPatch({ model: { width: 3 } }))).toEqual(['model.hiddenLayers: is required unless widths is given']);
    expect(messages(withPatch({ model: { widths: [] } }))).toEqual(['model.widths: must have at least 1 entry, got 0']);
    // widths alone is enough, and overrides width.
    const ok = validateExperiment(withPatch({ model: { widths: [5, 3], width: 8 } }));
    expect(ok.ok && ok.runs[0].config.model.widths).toEqual([5, 3]);
  });

  it('abs1d range must be [lo, hi] with lo < hi', () => {
    expect(messages(withPatch({ dataset: { kind: 'abs1d', range: [1, -1] } }))).toEqual(['dataset.range: must be [lo, hi] with lo < hi, got [1,-1]']);
    expect(messages(withPatch({ dataset: { kind: 'abs1d', range: [1, 1] } }))).toEqual(['dataset.range: must be [lo, hi] with lo < hi, got [1,1]']);
    expect(messages(withPatch({ dataset: { kind: 'abs1d', range: [0, 'a'] } }))).toEqual(['dataset.range[1]: must be a number, got "a"']);
    const ok = validateExperiment(withPatch({ dataset: { kind: 'abs1d' } }));
    expect(ok.ok && ok.runs[0].config.dataset).toMatchObject({ range: [-Math.sqrt(3), Math.sqrt(3)], sampling: 'grid' });
  });

  it('seeds as a list', () => {
    expect(messages(withPatch({ seeds: [1, -2, 1.5] }))).toEqual(['seeds[1]: must be >= 0, got -2', 'seeds[2]: must be a whole number, got 1.5']);
    expect(messages(withPatch({ seeds: [] }))).toEqual(['seeds: must have at least 1 entry, got 0']);
    expect(messages(withPatch({ seeds: [2 ** 31] }))).toEqual([`seeds[0]: must be <= ${2 ** 31 - 1}, got ${2 ** 31}`]);
    const ok = validateExperiment(withPatch({ seeds: [7, 3] }));
    expect(ok.ok && ok.runs.map((r) => r.seed)).toEqual([7, 3]);
  });

  it('seeds as { from, count }', () => {
    expect(messages(withPatch({ seeds: { from: -1, count: 0 } }))).toEqual(['seeds.from: must be >= 0, got -1', 'seeds.count: must be >= 1, got 0']);
    expect(messages(withPatch({ seeds: { from: 1, count: 2, step: 3 } }))).toEqual(['seeds.step: is not a known field']);
    expect(messages(withPatch({ seeds: { from: 1 } }))).toEqual(['seeds.count: is required']);
    expect(messages(withPatch({ seeds: 'abc' }))).toEqual([
      'seeds: has the wrong form: expected a list of whole numbers or { "from": N, "count": N }, got "abc"',
    ]);
    const ok = validateExperiment(withPatch({ seeds: { from: 10, count: 3 } }));
    expect(ok.ok && ok.runs.map((r) => r.seed)).toEqual([10, 11, 12]);
  });

  it('sweep values are checked one by one, pointing at the value', () => {
    expect(messages(withPatch({ sweep: { 'training.learningRate': [0.1, -1, 0] } }))).toEqual([
      'sweep["training.learningRate"][1]: must be > 0, got -1',
      'sweep["training.learningRate"][2]: must be > 0, got 0',
    ]);
    expect(messages(withPatch({ sweep: { 'model.activation': ['relu', 'sigmoid'] } }))).toEqual([
      'sweep["model.activation"][1]: must be one of relu, leaky_relu, prelu, elu, selu, gelu, swish, tanh, got "sigmoid"',
    ]);
    expect(messages(withPatch({ sweep: { 'model.width': [4, 'wide'] } }))).toEqual(['sweep["model.width"][1]: must be a number, got "wide"']);
    expect(messages(withPatch({ sweep: { 'training.learningRate': [] } }))).toEqual(['sweep["training.learningRate"]: must have at least 1 entry, got 0']);
    expect(messages(withPatch({ sweep: { 'training.learningRate': 0.1 } }))).toEqual(['sweep["training.learningRate"]: must be a list, got 0.1']);
    // A value that breaks a rule involving another field names both.
    expect(messages(withPatch({ model: { widths: [4, 4] }, sweep: { 'model.hiddenLayers': [2, 3] } }))).toEqual([
      'sweep["model.hiddenLayers"][1] → model.widths: must have one entry per hidden layer (hiddenLayers is 3), got 2',
    ]);
  });

  it('sweep paths must be known, dotted, and describe a run', () => {
    expect(messages(withPatch({ sweep: { 'model.depth': [1, 2] } }))).toEqual(['sweep["model.depth"]: model.depth is not a known config field']);
    expect(messages(withPatch({ sweep: { lr: [1, 2] } }))).toEqual(['sweep["lr"]: must be a dotted config path such as "model.activation"']);
    expect(messages(withPatch({ sweep: { 'seeds.from': [1, 2] } }))).toEqual(['sweep["seeds.from"]: cannot change seeds per run']);
    expect(messages(withPatch({ sweep: { 'sweep.x': [1, 2] } }))).toEqual(['sweep["sweep.x"]: cannot change sweep per run']);
  });

  it('variants', () => {
    expect(messages(withPatch({ variants: [{ name: 'a', set: {} }, { name: 'a', set: {} }] }))).toEqual([
      'variants[1].name: duplicates the name of an earlier variant, got "a"',
    ]);
    expect(messages(withPatch({ variants: [{ name: 'a', set: { 'training.learningRate': 0 } }] }))).toEqual([
      'variants[0].set["training.learningRate"]: must be > 0, got 0',
    ]);
    expect(messages(withPatch({ variants: [{ name: 'a', set: { 'model.foo': 1 } }] }))).toEqual([
      'variants[0].set["model.foo"]: model.foo is not a known config field',
    ]);
    expect(messages(withPatch({ sweep: { 'model.width': [2, 3] }, variants: [{ name: 'a', set: { 'model.width': 5 } }] }))).toEqual([
      'variants[0].set["model.width"]: is also swept; a field can be set by the sweep or by variants, not both',
    ]);
    expect(messages(withPatch({ variants: [{ name: ' ', set: {} }] }))).toEqual(['variants[0].name: must not be empty']);
    expect(messages(withPatch({ variants: [{ name: 'a', sett: {} }] }))).toEqual(['variants[0].sett: is not a known field']);
    expect(messages(withPatch({ variants: [{ set: {} }] }))).toEqual(['variants[0].name: is required']);
  });

  it('variants × sweep × seeds expand in order, with the variant name recorded', () => {
    const raw = withPatch({
      seeds: [1, 2],
      sweep: { 'model.width': [3, 5] },
      variants: [
        { name: 'base', set: {} },
        { name: 'leaky', set: { 'model.activation': 'leaky_relu', 'training.learningRate': 0.01 } },
      ],
    });
    const result = validateExperiment(raw);
    if (!result.ok) throw new Error(formatIssues(result.issues));
    expect(result.runs).toHaveLength(8);
    expect(countRuns(raw)).toBe(8);
    expect(result.runs.map((r) => [r.sweep.variant, r.sweep['model.width'], r.seed])).toEqual([
      ['base', 3, 1], ['base', 3, 2], ['base', 5, 1], ['base', 5, 2],
      ['leaky', 3, 1], ['leaky', 3, 2], ['leaky', 5, 1], ['leaky', 5, 2],
    ]);
    expect(result.runs[0].config.model.activation).toBe('relu');
    expect(result.runs[6].config.model).toMatchObject({ activation: 'leaky_relu', width: 5 });
    expect(result.runs[6].config.training.learningRate).toBe(0.01);
  });

  it('too many runs', () => {
    const issues = issuesOf(withPatch({ seeds: { from: 0, count: 5000 }, sweep: { 'model.width': [1, 2, 3] } }));
    expect(formatIssues(issues)).toBe(
      `sweep: expands to 15000 runs (variants × sweep combinations × seeds); at most ${MAX_RUNS_PER_EXPERIMENT} are allowed`,
    );
    expect(validateExperiment(withPatch({ seeds: { from: 0, count: 5000 }, sweep: { 'model.width': [1, 2] } })).ok).toBe(true);
  });

  it('reports every problem at once, in field order', () => {
    expect(
      messages({
        name: '',
        dataset: { kind: 'moons', samples: 2 },
        model: { hiddenLayers: 0, width: 4, activation: 'x' },
        training: { learningRate: 0, epochs: 1.5 },
        seeds: [-1],
      }),
    ).toEqual([
      'name: must not be empty',
      'dataset.samples: must be >= 4, got 2',
      'model.hiddenLayers: must be >= 1, got 0',
      'model.activation: must be one of relu, leaky_relu, prelu, elu, selu, gelu, swish, tanh, got "x"',
      'training.learningRate: must be > 0, got 0',
      'training.epochs: must be a whole number, got 1.5',
      'seeds[0]: must be >= 0, got -1',
    ]);
    // Several bad sweep values and variants together.
    expect(
      messages(withPatch({ sweep: { 'training.learningRate': [-1], 'model.width': [0] }, variants: [{ name: 'v', set: { 'model.init': 'x' } }] })),
    ).toEqual([
      'sweep["training.learningRate"][0]: must be > 0, got -1',
      'sweep["model.width"][0]: must be >= 1, got 0',
      'variants[0].set["model.init"]: must be one of he_normal, he_uniform, glorot_normal, glorot_uniform, lecun_normal, normal, rai, got "x"',
    ]);
  });

  it('issues carry the path separately from the message', () => {
    expect(issuesOf(withPatch({ training: { learningRate: -1, epochs: 2 } }))).toEqual([{ path: 'training.learningRate', message: 'must be > 0, got -1' }]);
  });
});

describe('parseAssignment', () => {
  it('reads the value as JSON when it parses, else as a string', () => {
    expect(parseAssignment('training.learningRate=0.01')).toEqual({ path: 'training.learningRate', value: 0.01 });
    expect(parseAssignment('model.activation=elu')).toEqual({ path: 'model.activation', value: 'elu' });
    expect(parseAssignment('model.batchNorm=true')).toEqual({ path: 'model.batchNorm', value: true });
    expect(parseAssignment('seeds=[1,2]')).toEqual({ path: 'seeds', value: [1, 2] });
    expect(parseAssignment('seeds={"from":1,"count":3}')).toEqual({ path: 'seeds', value: { from: 1, count: 3 } });
    expect(parseAssignment('model.width="8"')).toEqual({ path: 'model.width', value: '8' });
    expect(parseAssignment('x=null')).toEqual({ path: 'x', value: null });
    expect(parseAssignment(' name = hi there ')).toEqual({ path: 'name', value: 'hi there' });
    // Only the first = separates path and value.
    expect(parseAssignment('name=a=b')).toEqual({ path: 'name', value: 'a=b' });
    expect(parseAssignment('name=')).toEqual({ path: 'name', value: '' });
  });

  it('rejects what is not path=value', () => {
    expect(parseAssignment('training.learningRate')).toEqual({ error: '--set: expected path=value, got "training.learningRate"' });
    expect(parseAssignment('=3')).toEqual({ error: '--set: expected path=value, got "=3"' });
    expect(parseAssignment('a..b=1')).toEqual({ error: '--set: "a..b" is not a dotted config path such as training.learningRate' });
    expect(parseAssignment('model.1x=1')).toHaveProperty('error');
  });
});

describe('countRuns', () => {
  it('multiplies variants, sweep combinations and seeds', () => {
    expect(countRuns(base())).toBe(1);
    expect(countRuns(withPatch({ seeds: [1, 2, 3] }))).toBe(3);
    expect(countRuns(withPatch({ seeds: { from: 3, count: 4 }, sweep: { 'model.width': [1, 2], 'training.learningRate': [0.1, 0.2, 0.3] } }))).toBe(24);
    expect(countRuns(withPatch({ seeds: [1, 2], variants: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }))).toBe(6);
    expect(countRuns(withPatch({ variants: [] }))).toBe(1);
  });

  it('is null for a config that is not valid yet', () => {
    expect(countRuns({})).toBeNull();
    expect(countRuns(withPatch({ training: { learningRate: -1, epochs: 2 } }))).toBeNull();
    expect(countRuns(null)).toBeNull();
  });
});
