/**
 * Every built-in preset shows the effect its `expectation` claims. Each runs in-process, reduced
 * (fewer samples, epochs, seeds or probe inputs) so that it takes a few seconds; the full presets
 * were checked with `relu-lab run --preset NAME` (numbers in the report of the tuning change).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment, validateExperiment, withValueAt, type RunSpec } from '../../shared/config.js';
import { findPreset, PRESETS } from '../../shared/presets.js';
import type { EpochMetrics } from '../../shared/metrics.js';
import { initBackend } from '../../electron/engine/backend.js';
import { loadDataset } from '../../electron/engine/datasets/index.js';
import { trainRun } from '../../electron/engine/train.js';

interface RunOutcome {
  spec: RunSpec;
  status: string;
  epochs: EpochMetrics[];
}

/** The preset's config with some fields replaced, as `--set` would. */
function reduced(name: string, sets: Record<string, unknown>): RunSpec[] {
  const preset = findPreset(name);
  if (!preset) throw new Error(`no preset ${name}`);
  let raw: Record<string, unknown> = JSON.parse(JSON.stringify(preset.config)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(sets)) raw = withValueAt(raw, path, value);
  const result = validateExperiment(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs;
}

/** Trained outcomes by design, so two tests of the same reduced design train it once. */
const trained = new Map<string, RunOutcome[]>();

function runAll(specs: RunSpec[]): RunOutcome[] {
  const key = JSON.stringify(specs);
  const done = trained.get(key);
  if (done) return done;
  const outcomes = specs.map((spec) => {
    const result = trainRun(spec.config, spec.seed, loadDataset(spec.config.dataset, spec.seed));
    return { spec, status: result.status, epochs: result.epochs };
  });
  trained.set(key, outcomes);
  return outcomes;
}

/** Mean over layers of the dead fraction at one measurement point. */
function meanDead(e: EpochMetrics): number {
  return e.layers.reduce((s, l) => s + l.deadFraction, 0) / e.layers.length;
}

/** The last measured point (a diverged run counts as its last measurement before the divergence). */
function last(run: RunOutcome): EpochMetrics {
  return run.epochs[run.epochs.length - 1];
}

/** Runs grouped by the value of one sweep key, in sweep order. */
function groupBy(runs: RunOutcome[], key: string): Map<unknown, RunOutcome[]> {
  const groups = new Map<unknown, RunOutcome[]>();
  for (const run of runs) {
    const k = run.spec.sweep[key];
    groups.set(k, [...(groups.get(k) ?? []), run]);
  }
  return groups;
}

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Per group, the mean over its runs of `f(run)`. */
function groupMeans(groups: Map<unknown, RunOutcome[]>, f: (run: RunOutcome) => number): [unknown, number][] {
  return [...groups].map(([k, runs]) => [k, mean(runs.map(f))]);
}

function expectIncreasing(values: number[], what: string): void {
  for (let i = 1; i < values.length; i++) expect(values[i], `${what}: ${values.map((v) => v.toFixed(3)).join(' < ')}`).toBeGreaterThan(values[i - 1]);
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('the preset designs', () => {
  it('are valid and keep their documented structure', () => {
    const runs = Object.fromEntries(PRESETS.map((p) => {
      const v = validateExperiment(p.config);
      if (!v.ok) throw new Error(`${p.name}: ${JSON.stringify(v.issues)}`);
      return [p.name, v.runs.length];
    }));
    expect(runs).toEqual({ 'large-learning-rate': 12, 'bad-initialization': 12, 'negative-inputs': 12, mitigations: 18, 'cnn-mitigations': 18, 'born-dead': 1000, 'born-dead-rai': 1600, plasticity: 9 });
    for (const p of PRESETS) {
      expect(p.expectation.length).toBeGreaterThan(10);
      expect(p.description.length).toBeGreaterThan(50);
    }

    const mitigations = findPreset('mitigations')!.config;
    expect(mitigations.model).toMatchObject({ activation: 'relu', init: 'normal', biasInit: 0 });
    expect(mitigations.training).toMatchObject({ optimizer: 'adam' });
    expect(mitigations.seeds).toEqual([1, 2, 3]);
    expect(mitigations.variants).toEqual([
      { name: 'ReLU baseline', set: {} },
      { name: 'Leaky ReLU', set: { 'model.activation': 'leaky_relu' } },
      { name: 'PReLU', set: { 'model.activation': 'prelu' } },
      { name: 'He init', set: { 'model.init': 'he_normal' } },
      { name: 'Lower learning rate', set: { 'training.learningRate': 0.001 } },
      { name: 'Batch norm', set: { 'model.batchNorm': true } },
    ]);
    // "initialized far too narrow": well below He for the 64-wide hidden layers; "high learning rate": ten times the lower one.
    expect(mitigations.model.initStd).toBeLessThan(Math.sqrt(2 / 64) / 4);
    expect(mitigations.training.learningRate).toBe(0.01);

    const cnn = findPreset('cnn-mitigations')!.config;
    expect(cnn.dataset).toMatchObject({ kind: 'mnist' });
    expect(cnn.model).toMatchObject({ kind: 'cnn', activation: 'relu', init: 'normal' });
    // The same mitigations, batch norm at momentum 0.9: 8 epochs are too short for Keras' 0.99 (README, model.batchNormMomentum).
    expect(cnn.variants).toEqual(mitigations.variants!.map((v) => (v.name === 'Batch norm' ? { ...v, set: { ...v.set, 'model.batchNormMomentum': 0.9 } } : v)));

    const bornDead = findPreset('born-dead')!.config;
    expect(bornDead.model).toMatchObject({ hiddenLayers: 9, activation: 'relu', init: 'he_normal', biasInit: 0 });
    expect(bornDead.training.epochs).toBe(0);
    expect(bornDead.dataset).toMatchObject({ kind: 'abs1d', sampling: 'grid', range: [-Math.sqrt(3), Math.sqrt(3)] });
    expect(bornDead.sweep).toEqual({ 'model.width': [2, 3, 4, 5, 10] });
  });
});

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The design a `relu-lab run …` command line trains (preset or file, then its --set assignments). */
function designOf(command: string): unknown {
  const args = command.trim().split(/\s+/).slice(2);
  let raw: unknown;
  const preset = args.indexOf('--preset');
  if (preset >= 0) raw = JSON.parse(JSON.stringify(findPreset(args[preset + 1])!.config));
  else raw = JSON.parse(fs.readFileSync(path.join(ROOT, args[0]), 'utf8'));
  args.forEach((arg, i) => {
    if (arg !== '--set') return;
    const assignment = parseAssignment(args[i + 1]);
    if ('error' in assignment) throw new Error(assignment.error);
    raw = withValueAt(raw, assignment.path, assignment.value);
  });
  return raw;
}

describe("README's examples", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5));
  const commands = [...quickStart.matchAll(/^npx (relu-lab run [^#\n]*)/gm)].map((m) => m[1].trim());

  it('the first command trains a design whose runs show the point: none diverges, the ReLU baseline is the deadest', () => {
    expect(commands.length).toBeGreaterThan(0);
    const raw = withValueAt(withValueAt(designOf(commands[0]), 'training.epochs', 4), 'probe.samples', 256);
    const result = validateExperiment(raw);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const runs = runAll(result.runs);
    expect(runs.filter((r) => r.status === 'diverged').map((r) => `${JSON.stringify(r.spec.sweep)} seed ${r.spec.seed}`)).toEqual([]);
    const means = new Map(groupMeans(groupBy(runs, 'variant'), (r) => meanDead(last(r))) as [string, number][]);
    const baseline = means.get('ReLU baseline')!;
    for (const [variant, m] of means) if (variant !== 'ReLU baseline') expect(m, variant).toBeLessThan(baseline);
  });

  it('every command and every file in examples/ is a valid design', () => {
    for (const command of commands) expect(validateExperiment(designOf(command)).ok, command).toBe(true);
    for (const file of fs.readdirSync(path.join(ROOT, 'examples'))) {
      const result = validateExperiment(JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8')));
      expect(result.ok, file).toBe(true);
    }
  });
});

describe('each preset shows its effect (reduced runs)', () => {
  it('large-learning-rate: the final dead fraction grows with the learning rate', () => {
    const runs = runAll(reduced('large-learning-rate', { 'training.epochs': 5, 'probe.samples': 256 }));
    const means = groupMeans(groupBy(runs, 'training.learningRate'), (r) => meanDead(last(r)));
    const lrs = means.map(([lr]) => lr as number);
    expect(lrs).toEqual([...lrs].sort((a, b) => a - b));
    expectIncreasing(means.map(([, m]) => m), 'mean final dead fraction by learning rate');
    expect(means[means.length - 1][1] - means[0][1]).toBeGreaterThan(0.1);
    // The effect is not carried by diverged runs.
    expect(runs.filter((r) => r.status === 'diverged').length).toBeLessThanOrEqual(1);
  });

  it('bad-initialization: more negative biases → more dead units, at epoch 0 and at the end', () => {
    const runs = runAll(reduced('bad-initialization', { 'dataset.samples': 512, 'training.epochs': 3, 'probe.samples': 256 }));
    const groups = groupBy(runs, 'model.biasInit');
    expect([...groups.keys()]).toEqual([0, -1, -1.5, -2]);
    expectIncreasing(groupMeans(groups, (r) => meanDead(r.epochs[0])).map(([, m]) => m), 'dead fraction at epoch 0');
    expectIncreasing(groupMeans(groups, (r) => meanDead(last(r))).map(([, m]) => m), 'final dead fraction');
    expect(runs.every((r) => r.status === 'completed')).toBe(true);
  });

  it('negative-inputs: the first layer’s dead fraction grows with |inputShift|', () => {
    const runs = runAll(reduced('negative-inputs', { 'dataset.samples': 512, 'training.epochs': 3, 'probe.samples': 256 }));
    const groups = groupBy(runs, 'dataset.inputShift');
    const shifts = [...groups.keys()] as number[];
    expect(shifts.map(Math.abs)).toEqual([...shifts.map(Math.abs)].sort((a, b) => a - b));
    const firstLayer = groupMeans(groups, (r) => last(r).layers[0].deadFraction).map(([, m]) => m);
    expect(firstLayer[0]).toBe(0);
    expectIncreasing(firstLayer, 'first-layer dead fraction by |shift|');
    // Already at initialization, before any update.
    expectIncreasing(groupMeans(groups, (r) => r.epochs[0].layers[0].deadFraction).map(([, m]) => m), 'first-layer dead fraction at epoch 0');
  });

  it('mitigations: the ReLU baseline ends with more dead units than every mitigation', () => {
    const runs = runAll(reduced('mitigations', { 'training.epochs': 4, 'probe.samples': 256 }));
    // Every variant trains to the end, PReLU included (a diverged run would show nothing).
    const statuses = runs.map((r) => `${String(r.spec.sweep.variant)} seed ${r.spec.seed}: ${r.status}`);
    expect(statuses).toEqual(runs.map((r) => `${String(r.spec.sweep.variant)} seed ${r.spec.seed}: completed`));
    const means = new Map(groupMeans(groupBy(runs, 'variant'), (r) => meanDead(last(r))) as [string, number][]);
    expect([...means.keys()]).toEqual(['ReLU baseline', 'Leaky ReLU', 'PReLU', 'He init', 'Lower learning rate', 'Batch norm']);
    const baseline = means.get('ReLU baseline')!;
    expect(baseline).toBeGreaterThan(0.2);
    for (const [variant, m] of means) {
      if (variant === 'ReLU baseline') continue;
      // Clearly fewer dead units, not just by noise: at most 60% of the baseline's dead fraction.
      expect(m, `${variant} (${m.toFixed(3)}) vs baseline (${baseline.toFixed(3)})`).toBeLessThan(baseline * 0.6);
    }
  });

  it('born-dead: completely dead layers at initialization are more common at width 2 than at width 10', () => {
    const runs = runAll(reduced('born-dead', { 'dataset.samples': 256, 'probe.samples': 256, seeds: { from: 1, count: 60 } }));
    expect(runs.every((r) => r.epochs.length === 1 && r.epochs[0].epoch === 0)).toBe(true);
    const groups = groupBy(runs, 'model.width');
    expect([...groups.keys()]).toEqual([2, 3, 4, 5, 10]);
    const share = groupMeans(groups, (r) => (r.epochs[0].layers.some((l) => l.deadFraction === 1) ? 1 : 0)).map(([, s]) => s);
    for (let i = 1; i < share.length; i++) expect(share[i], share.join(' ≥ ')).toBeLessThanOrEqual(share[i - 1]);
    expect(share[0] - share[share.length - 1]).toBeGreaterThan(0.5);
    expect(share[0]).toBeGreaterThan(0.6);
  });
});

describe('cnn-mitigations (reduced runs)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  // The heaviest reduced preset (convolutions train with autodiff): six runs on 500 digits, 2 epochs.
  it('the ReLU baseline CNN ends with more dead channels in its convolutional layers than Leaky ReLU and a lower learning rate', { timeout: 900_000 }, () => {
    const variants = ['ReLU baseline', 'Leaky ReLU', 'Lower learning rate'];
    const specs = reduced('cnn-mitigations', { seeds: [1, 2], 'dataset.samples': 500, 'training.epochs': 2, 'probe.samples': 128 }).filter((s) => variants.includes(String(s.sweep.variant)));
    const runs = runAll(specs);
    for (const run of runs) {
      expect(run.status).toBe('completed');
      expect(last(run).layers.map((l) => l.units)).toEqual([8, 16, 32]);
    }
    // Mean over the two seeds of the convolutional layers' dead fraction (channels) at the last epoch.
    const convDead = (variant: string) => {
      const group = runs.filter((r) => r.spec.sweep.variant === variant);
      expect(group).toHaveLength(2);
      return group.reduce((s, r) => s + (last(r).layers[0].deadFraction + last(r).layers[1].deadFraction) / 2, 0) / group.length;
    };
    const baseline = convDead('ReLU baseline');
    expect(baseline).toBeGreaterThan(0);
    for (const mitigation of variants.slice(1)) expect(convDead(mitigation), mitigation).toBeLessThan(baseline);
  });
});

describe('non-stationary and initialization presets (reduced runs)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('born-dead-rai: at every width fewer runs are born dead with RAI than with He initialization', () => {
    const runs = runAll(reduced('born-dead-rai', { 'dataset.samples': 256, 'probe.samples': 256, seeds: { from: 1, count: 60 }, sweep: { 'model.width': [2, 3] } }));
    expect(runs.every((r) => r.status === 'completed' && r.epochs.length === 1)).toBe(true);
    const bornDead = (r: RunOutcome) => (r.epochs[0].layers.some((l) => l.deadFraction === 1) ? 1 : 0);
    for (const width of [2, 3]) {
      const share = (init: string) => {
        const group = runs.filter((r) => r.spec.sweep['model.width'] === width && r.spec.sweep.variant === init);
        expect(group).toHaveLength(60);
        return group.reduce((s, r) => s + bornDead(r), 0) / group.length;
      };
      const he = share('He normal');
      const rai = share('RAI');
      // Lu et al.: RAI lowers the born-dead probability markedly (here about 0.9 → 0.3 at width 2).
      expect(rai, `width ${width}: RAI ${rai} vs He ${he}`).toBeLessThan(he - 0.2);
    }
  });

  it('plasticity: the ReLU baseline loses units over the tasks, ReDo and continual backprop far fewer', { timeout: 600_000 }, () => {
    const runs = runAll(reduced('plasticity', { seeds: [1], 'dataset.samples': 800, 'training.epochs': 12, 'training.tasks.count': 12, 'probe.samples': 256 }));
    expect(runs.map((r) => `${String(r.spec.sweep.variant)}: ${r.status}`)).toEqual(['ReLU baseline: completed', 'ReDo: completed', 'Continual backprop: completed']);
    const [baseline, redo, cbp] = runs;
    // Every epoch knows its task; the tasks follow one another.
    expect(baseline.epochs.map((e) => e.task)).toEqual([0, ...Array.from({ length: 12 }, (_, i) => i)]);
    const firstLayerDead = (r: RunOutcome, at: number) => r.epochs[at].layers[0].deadFraction;
    expect(firstLayerDead(baseline, 12)).toBeGreaterThan(firstLayerDead(baseline, 1));
    expect(meanDead(last(baseline))).toBeGreaterThan(meanDead(last(redo)));
    expect(meanDead(last(baseline))).toBeGreaterThan(meanDead(last(cbp)));
    // The interventions acted and recorded it; the baseline has no unit-resetting intervention.
    expect(last(baseline).layers.every((l) => l.unitsReset === null)).toBe(true);
    const resets = (r: RunOutcome) => r.epochs.reduce((s, e) => s + e.layers.reduce((t, l) => t + (l.unitsReset ?? 0), 0), 0);
    expect(resets(redo)).toBeGreaterThan(0);
    expect(resets(cbp)).toBeGreaterThan(0);
  });
});
