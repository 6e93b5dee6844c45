/**
 * The interventions (interventions.ts) on hand-made networks of one hidden layer: ReDo recycles exactly
 * the dormant units, continual backprop replaces the right number of the least useful mature units,
 * shrink and perturb follows its formula; and a run with a unit intervention records `unitsReset`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { loadDataset } from '../../../electron/engine/datasets/index.js';
import { initialValues, initKernel, networkFromValues, trainableVariables, type Network } from '../../../electron/engine/model.js';
import { forwardPass, updateRule } from '../../../electron/engine/mlp.js';
import { ParameterUpdate } from '../../../electron/engine/optimizer.js';
import { shrinkAndPerturb, shrinksBefore, UnitInterventions } from '../../../electron/engine/interventions.js';
import { Rng } from '../../../electron/engine/rng.js';
import { trainRun } from '../../../electron/engine/train.js';

const SEED = 5;

function config(training: Record<string, unknown>, model: Record<string, unknown> = { hiddenLayers: 1, width: 4 }): RunConfig {
  const result = validateExperiment({
    name: 'interventions',
    dataset: { kind: 'blobs', samples: 60, features: 3, classes: 2 },
    model,
    training: { optimizer: 'adam', learningRate: 0.05, batchSize: 16, epochs: 2, ...training },
    probe: { samples: 16 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

/** A 3 → 4 → 2 network with the given hidden kernel (3 × 4, row-major), hidden bias and output kernel (4 × 2). */
function handNet(cfg: RunConfig, kernel: number[], bias: number[], outKernel: number[]): Network {
  const values = initialValues(cfg.model, 3, 2, SEED);
  values.hidden[0].kernel = Float32Array.from(kernel);
  values.hidden[0].bias = Float32Array.from(bias);
  values.outKernel = Float32Array.from(outKernel);
  values.outBias = Float32Array.from([0.3, -0.3]);
  return networkFromValues([values], false);
}

const read = (v: tf.Variable) => Array.from(v.dataSync());

/** Column j of a row-major rows × cols matrix, row i of it. */
const column = (m: number[], cols: number, j: number) => m.filter((_, k) => k % cols === j);
const row = (m: number[], cols: number, i: number) => m.slice(i * cols, (i + 1) * cols);

beforeAll(async () => {
  await initBackend('cpu');
});

describe('ReDo', () => {
  it('re-initializes exactly the dormant units: incoming weights drawn again, bias and outgoing weights 0, their optimizer moments 0', () => {
    const cfg = config({ interventions: { redo: { everySteps: 1, threshold: 0.1 } } });
    // On inputs of ones: unit 0 gives 3, unit 1 is dead (z = −1), unit 2 gives 0.003 (dormant, not
    // dead: its score 0.003 / 1.126 is under τ), unit 3 gives 1.5.
    const kernel = [1, 0, 0.001, 0.5, 1, 0, 0.001, 0.5, 1, 0, 0.001, 0.5];
    const net = handNet(cfg, kernel, [0, -1, 0, 0], [1, -1, 2, -2, 3, -3, 4, -4]);
    const trainable = trainableVariables(net);
    const update = new ParameterUpdate(updateRule('adam', tf.backend().epsilon()), trainable, false);
    try {
      // One Adam update so that every moment is non-zero.
      tf.tidy(() => update.apply(trainable, trainable.map((p) => tf.onesLike(p)), 0.01, 0));
      const before = trainable.map(read);
      const stateBefore = trainable.map((p, i) => update.stateOf(i, p.size));
      const x = tf.ones([5, 3]);
      const meanAbsActs = tf.tidy(() => forwardPass(net, x, true, false).layers.map((l) => tf.mean(tf.abs(l.a), 0).dataSync() as Float32Array));
      x.dispose();
      const redo = UnitInterventions.of(cfg, [4], SEED)!;
      redo.afterStep(0, meanAbsActs, { net, trainable, update });
      expect(redo.takeCounts()).toEqual([2]);
      expect(redo.takeCounts()).toEqual([0]);

      // Units 1 and 2, in that order, get new draws of he_normal with the layer's fans (3 in, 4 out).
      const rng = new Rng(SEED, 'interventions');
      const drawn = [1, 2].map(() => Array.from(initKernel('he_normal', 3, 4, rng, cfg.model.initStd, 3)));
      const [hiddenKernel, hiddenBias, outKernel, outBias] = trainable.map(read);
      expect(column(hiddenKernel, 4, 1)).toEqual(drawn[0]);
      expect(column(hiddenKernel, 4, 2)).toEqual(drawn[1]);
      for (const j of [0, 3]) expect(column(hiddenKernel, 4, j)).toEqual(column(before[0], 4, j));
      expect(hiddenBias).toEqual([before[1][0], 0, 0, before[1][3]]);
      expect(row(outKernel, 2, 1)).toEqual([0, 0]);
      expect(row(outKernel, 2, 2)).toEqual([0, 0]);
      for (const j of [0, 3]) expect(row(outKernel, 2, j)).toEqual(row(before[2], 2, j));
      expect(outBias).toEqual(before[3]);

      // Adam's two moments: 0 for exactly the re-initialized weights.
      const reset = [
        (k: number) => k % 4 === 1 || k % 4 === 2,
        (k: number) => k === 1 || k === 2,
        (k: number) => Math.floor(k / 2) === 1 || Math.floor(k / 2) === 2,
        () => false,
      ];
      trainable.forEach((p, i) => {
        const state = update.stateOf(i, p.size);
        expect(state).toHaveLength(2);
        state.forEach((slot, s) =>
          slot.forEach((value, k) => {
            expect(stateBefore[i][s][k]).not.toBe(0);
            expect(value, `parameter ${i}, slot ${s}, element ${k}`).toBe(reset[i](k) ? 0 : stateBefore[i][s][k]);
          }),
        );
      });
    } finally {
      update.dispose();
      trainable.forEach((v) => v.dispose());
    }
  });

  it('acts every everySteps steps only', () => {
    const cfg = config({ optimizer: 'sgd', interventions: { redo: { everySteps: 3 } } });
    const net = handNet(cfg, new Array(12).fill(0), [0, 0, 0, 0], new Array(8).fill(1));
    const trainable = trainableVariables(net);
    const update = new ParameterUpdate(updateRule('sgd', tf.backend().epsilon()), trainable, false);
    const redo = UnitInterventions.of(cfg, [4], SEED)!;
    // Every unit's activation is 0: the whole layer is dormant.
    const silent = [new Float32Array(4)];
    const counts = [0, 1, 2, 3, 4, 5].map((step) => {
      redo.afterStep(step, silent, { net, trainable, update });
      return redo.takeCounts()[0];
    });
    expect(counts).toEqual([0, 0, 4, 0, 0, 4]);
    trainable.forEach((v) => v.dispose());
  });
});

describe('continual backprop', () => {
  it('replaces the owed number of mature units with the lowest bias-corrected utility, carrying the remainder', () => {
    const cfg = config({ optimizer: 'sgd', interventions: { continualBackprop: { replacementRate: 0.5, maturityThreshold: 1, decay: 0.9 } } });
    const net = handNet(cfg, new Array(12).fill(0.5), [0, 0, 0, 0], new Array(8).fill(1));
    const trainable = trainableVariables(net);
    const update = new ParameterUpdate(updateRule('sgd', tf.backend().epsilon()), trainable, false);
    const cbp = UnitInterventions.of(cfg, [4], SEED)!;
    const target = { net, trainable, update };
    // Utility |h|·Σ|w_out|: each unit's outgoing weights sum to 2, so û = 2·|h| (the same |h| every step).
    const h = [new Float32Array([1, 0.1, 2, 0.05])];
    const rng = new Rng(SEED, 'interventions');
    try {
      // Step 0: every unit is 1 step old, none mature (age > 1).
      cbp.afterStep(0, h, target);
      expect(cbp.takeCounts()).toEqual([0]);
      // Step 1: all 4 mature, 0.5 × 4 = 2 owed: units 3 and 1, the least useful.
      cbp.afterStep(1, h, target);
      expect(cbp.takeCounts()).toEqual([2]);
      const drawn = [1, 3].map(() => Array.from(initKernel('he_normal', 3, 4, rng, cfg.model.initStd, 3)));
      let kernel = read(trainable[0]);
      expect(column(kernel, 4, 1)).toEqual(drawn[0]);
      expect(column(kernel, 4, 3)).toEqual(drawn[1]);
      expect(column(kernel, 4, 0)).toEqual([0.5, 0.5, 0.5]);
      expect(read(trainable[2])).toEqual([1, 1, 0, 0, 1, 1, 0, 0]);
      // Step 2: units 1 and 3 are young again; 0.5 × 2 mature = 1 owed: unit 0 (û 2 < 4).
      cbp.afterStep(2, h, target);
      expect(cbp.takeCounts()).toEqual([1]);
      kernel = read(trainable[0]);
      expect(column(kernel, 4, 0)).toEqual(Array.from(initKernel('he_normal', 3, 4, rng, cfg.model.initStd, 3)));
      expect(column(kernel, 4, 2)).toEqual([0.5, 0.5, 0.5]);
    } finally {
      trainable.forEach((v) => v.dispose());
    }
  });

  it('replaces nothing while the owed count is below one, and the fraction carries over', () => {
    const cfg = config({ optimizer: 'sgd', interventions: { continualBackprop: { replacementRate: 0.3, maturityThreshold: 0, decay: 0.5 } } });
    const net = handNet(cfg, new Array(12).fill(0.5), [0, 0, 0, 0], new Array(8).fill(1));
    const trainable = trainableVariables(net);
    const update = new ParameterUpdate(updateRule('sgd', tf.backend().epsilon()), trainable, false);
    const cbp = UnitInterventions.of(cfg, [4], SEED)!;
    const h = [new Float32Array([1, 0.1, 2, 0.05])];
    // Owed 0.3 × 4 = 1.2: one unit replaced, 0.2 carried; then all 4 are mature again (the new unit is
    // 1 step old, > 0): 0.2 + 1.2 = 1.4, one more.
    const counts = [0, 1].map((step) => {
      cbp.afterStep(step, h, { net, trainable, update });
      return cbp.takeCounts()[0];
    });
    expect(counts).toEqual([1, 1]);
    trainable.forEach((v) => v.dispose());
  });
});

describe('shrink and perturb', () => {
  it('moves every parameter to λ·w + σ·ε with seeded standard normals', () => {
    const a = tf.variable(tf.tensor2d([1, -2, 3, 4], [2, 2]));
    const b = tf.variable(tf.tensor1d([0.5, -0.5]));
    shrinkAndPerturb([a, b], 0.4, 0.01, new Rng(9, 'shrink-perturb'));
    const rng = new Rng(9, 'shrink-perturb');
    const expected = (values: number[]) => Array.from(Float32Array.from(values.map((w) => 0.4 * w + 0.01 * rng.normal())));
    expect(read(a)).toEqual(expected([1, -2, 3, 4]));
    expect(read(b)).toEqual(expected([0.5, -0.5]));
    tf.dispose([a, b]);
  });

  it('runs after every everyEpochs-th epoch, before the next one', () => {
    expect([1, 2, 3, 4, 5, 6].map((e) => shrinksBefore(e, 2))).toEqual([false, false, true, false, true, false]);
    expect([1, 2, 3].map((e) => shrinksBefore(e, 1))).toEqual([false, true, true]);
  });

  it('with λ = 1 and σ = 0 a run trains to the plain run\'s numbers; with λ < 1 it does not', () => {
    const numbers = (training: Record<string, unknown>) => {
      const cfg = config(training);
      return trainRun(cfg, SEED, loadDataset(cfg.dataset, SEED)).epochs.map((e) => [e.trainLoss, e.valLoss, ...e.layers.map((l) => l.preActMean)]);
    };
    const plain = numbers({ epochs: 3 });
    expect(numbers({ epochs: 3, interventions: { shrinkPerturb: { everyEpochs: 1, shrink: 1, noise: 0 } } })).toEqual(plain);
    const shrunk = numbers({ epochs: 3, interventions: { shrinkPerturb: { everyEpochs: 1, shrink: 0.5, noise: 0 } } });
    expect(shrunk.slice(0, 2)).toEqual(plain.slice(0, 2));
    expect(shrunk[2]).not.toEqual(plain[2]);
  });
});

describe('a run with a unit intervention', () => {
  it('records the units reset per layer and epoch (0 at epoch 0); other runs record none', () => {
    const model = { hiddenLayers: 2, width: 6 };
    // A large negative bias makes most units dormant from the start.
    const cfg = config({ epochs: 2, interventions: { redo: { everySteps: 2, threshold: 0.5 } } }, { ...model, biasInit: -0.5 });
    const result = trainRun(cfg, SEED, loadDataset(cfg.dataset, SEED));
    expect(result.status).toBe('completed');
    const counts = result.epochs.map((e) => e.layers.map((l) => l.unitsReset));
    expect(counts[0]).toEqual([0, 0]);
    for (const epoch of counts) for (const n of epoch) expect(Number.isInteger(n) && n! >= 0 && n! <= 6 * 2).toBe(true);
    expect(counts.slice(1).flat().reduce((s, n) => s! + n!, 0)).toBeGreaterThan(0);
    const plain = config({ epochs: 1 }, model);
    expect(trainRun(plain, SEED, loadDataset(plain.dataset, SEED)).epochs.flatMap((e) => e.layers.map((l) => l.unitsReset))).toEqual([null, null, null, null]);
  });
});

describe('runs with every option and intervention', () => {
  it('train to the end and free every tensor they create, on the MLP and the autodiff step', () => {
    const everything = {
      epochs: 2,
      weightDecay: 0.001,
      l2Init: 0.01,
      clipNorm: 1,
      schedule: { warmupSteps: 2, decay: 'cosine' },
      interventions: { redo: { everySteps: 2 }, continualBackprop: { replacementRate: 0.05, maturityThreshold: 2 }, shrinkPerturb: { everyEpochs: 1 } },
    };
    const residual = { ...everything, interventions: { shrinkPerturb: { everyEpochs: 1 } } };
    for (const cfg of [config(everything, { hiddenLayers: 2, width: 6 }), config(residual, { hiddenLayers: 2, width: 6, residual: true })]) {
      const data = loadDataset(cfg.dataset, SEED);
      const before = tf.memory().numTensors;
      const result = trainRun(cfg, SEED, data);
      expect(tf.memory().numTensors).toBe(before);
      expect(result.status).toBe('completed');
      expect(result.epochs).toHaveLength(3);
    }
  });

  it('are reproducible: the same seed gives the same numbers, another seed others', () => {
    const cfg = config({ epochs: 2, interventions: { redo: { everySteps: 2, threshold: 0.3 }, continualBackprop: { replacementRate: 0.1, maturityThreshold: 1 }, shrinkPerturb: { everyEpochs: 1 } } }, { hiddenLayers: 2, width: 6, biasInit: -0.3 });
    const numbers = (seed: number) => trainRun(cfg, seed, loadDataset(cfg.dataset, seed)).epochs.map((e) => [e.trainLoss, ...e.layers.flatMap((l) => [l.preActMean, l.unitsReset])]);
    expect(numbers(SEED)).toEqual(numbers(SEED));
    expect(numbers(SEED + 1)).not.toEqual(numbers(SEED));
  });
});
