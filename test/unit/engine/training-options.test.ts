/**
 * The gradient-level training options (training-options.ts) on a network of one hidden layer and the
 * output layer: one full-batch SGD step of a run with the option against the hand computation from
 * the same run's plain step (whose update is −lr·g, so g is read from it), and the schedule's values.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { loadDataset } from '../../../electron/engine/datasets/index.js';
import { trainableVariables } from '../../../electron/engine/model.js';
import { graphTrainable } from '../../../electron/engine/autodiff.js';
import { createTrainer } from '../../../electron/engine/autodiff-train.js';
import { Trainer } from '../../../electron/engine/train.js';
import { CLIP_EPSILON, GradientOptions, scheduledLearningRate } from '../../../electron/engine/training-options.js';

const LR = 0.1;

/** 4-feature blobs, 40 training rows, one full batch; one hidden layer of 5 units (or 2 residual layers). */
function config(training: Record<string, unknown>, model: Record<string, unknown> = { hiddenLayers: 1, width: 5 }): RunConfig {
  const result = validateExperiment({
    name: 'options',
    dataset: { kind: 'blobs', samples: 40, features: 4, classes: 3, validationSplit: 0 },
    model,
    training: { optimizer: 'sgd', learningRate: LR, batchSize: 40, epochs: 1, ...training },
    probe: { samples: 8 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

/** The parameters' values before the first step of a run and after each of its `steps` steps. */
function steps(cfg: RunConfig, count: number, seed = 3): Float32Array[][] {
  const trainer = createTrainer(cfg, seed, loadDataset(cfg.dataset, seed));
  try {
    const params = trainer instanceof Trainer ? trainableVariables(trainer.net) : graphTrainable(trainer.net);
    const read = () => params.map((p) => (p.dataSync() as Float32Array).slice());
    const values = [read()];
    for (let i = 0; i < count; i++) {
      trainer.trainSteps(1);
      values.push(read());
    }
    return values;
  } finally {
    trainer.dispose();
  }
}

function oneStep(cfg: RunConfig, seed = 3): { before: Float32Array[]; after: Float32Array[] } {
  const [before, after] = steps(cfg, 1, seed);
  return { before, after };
}

/** The loss gradient of the plain step: (w₀ − w₁)/lr. */
function plainGradient(model?: Record<string, unknown>): { before: Float32Array[]; g: Float32Array[] } {
  const { before, after } = oneStep(config({}, model));
  return { before, g: before.map((w0, i) => w0.map((w, k) => (w - after[i][k]) / LR)) };
}

function expectClose(actual: Float32Array[], expected: Float32Array[], tolerance = 2e-5): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, i) => values.forEach((v, k) => expect(Math.abs(v - expected[i][k]), `parameter ${i}[${k}]: ${v} vs ${expected[i][k]}`).toBeLessThanOrEqual(tolerance)));
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('training options', () => {
  it('weight decay adds λ·w to every parameter\'s gradient (kernels and biases)', () => {
    const { before, g } = plainGradient();
    const { after } = oneStep(config({ weightDecay: 0.5 }));
    expectClose(after, before.map((w0, i) => w0.map((w, k) => w - LR * (g[i][k] + 0.5 * w))));
  });

  it('clipping scales the whole gradient to the norm c when it is longer, and leaves a shorter one alone', () => {
    const { before, g } = plainGradient();
    let squares = 0;
    for (const part of g) for (const v of part) squares += v * v;
    const norm = Math.sqrt(squares);
    const c = norm / 4;
    const { after } = oneStep(config({ clipNorm: c }));
    const coefficient = c / (norm + CLIP_EPSILON);
    expectClose(after, before.map((w0, i) => w0.map((w, k) => w - LR * coefficient * g[i][k])));
    const loose = oneStep(config({ clipNorm: norm * 2 }));
    expectClose(loose.after, before.map((w0, i) => w0.map((w, k) => w - LR * g[i][k])));
  });

  it('L2 toward the initial weights adds λ·(w − w₀) to every gradient', () => {
    tf.tidy(() => {
      const w = tf.variable(tf.tensor1d([1, -2, 3]));
      const options = new GradientOptions(config({ l2Init: 0.5 }).training, [w], 10);
      w.assign(tf.tensor1d([2, -2, 1]));
      const [adjusted] = options.adjust([tf.tensor1d([0.1, 0.2, 0.3])], [w]);
      expect(Array.from(adjusted.dataSync())).toEqual([0.1 + 0.5 * 1, 0.2, 0.3 + 0.5 * -2].map(Math.fround));
      options.dispose();
      w.dispose();
    });
    // At the first step w = w₀: the step is the plain one. The second step starts from the same w₁, so
    // it is the plain second step (full batch: the same gradient g(w₁)) minus lr·λ·(w₁ − w₀).
    const plain = steps(config({}), 2);
    const [w0, w1, w2] = steps(config({ l2Init: 3 }), 2);
    expectClose(w1, plain[1]);
    expectClose(w2, plain[2].map((p, i) => p.map((w, k) => w - LR * 3 * (w1[i][k] - w0[i][k]))));
  });

  it('the schedule warms up linearly, then decays linearly or by a cosine to the final fraction', () => {
    const warmup = { warmupSteps: 4, decay: 'linear' as const, finalFraction: 0.1 };
    [0.025, 0.05, 0.075, 0.1].forEach((rate, t) => expect(scheduledLearningRate(0.1, warmup, t, 14)).toBeCloseTo(rate, 12));
    expect(scheduledLearningRate(0.1, warmup, 4, 14)).toBeCloseTo(0.1, 12);
    // 9 steps after the warmup: p = 5/9 at step 9, 1 at the last step (13).
    expect(scheduledLearningRate(0.1, warmup, 9, 14)).toBeCloseTo(0.1 * (0.1 + 0.9 * (4 / 9)), 12);
    expect(scheduledLearningRate(0.1, warmup, 13, 14)).toBeCloseTo(0.01, 12);
    const cosine = { warmupSteps: 4, decay: 'cosine' as const, finalFraction: 0.1 };
    expect(scheduledLearningRate(0.1, cosine, 8, 13)).toBeCloseTo(0.1 * (0.1 + 0.9 * 0.5), 12);
    expect(scheduledLearningRate(0.1, cosine, 12, 13)).toBeCloseTo(0.01, 12);
    expect(scheduledLearningRate(0.1, { warmupSteps: 0, decay: 'none', finalFraction: 0 }, 7, 13)).toBe(0.1);
    expect(scheduledLearningRate(0.1, undefined, 7, 13)).toBe(0.1);
    // A run's first step uses the warmed-up rate: lr/4.
    const { before, g } = plainGradient();
    expectClose(oneStep(config({ schedule: { warmupSteps: 4 } })).after, before.map((w0, i) => w0.map((w, k) => w - (LR / 4) * g[i][k])));
  });

  it('networks trained with autodiff get the same options (weight decay on a residual MLP)', () => {
    const model = { hiddenLayers: 2, width: 5, residual: true };
    const { before, g } = plainGradient(model);
    const { after } = oneStep(config({ weightDecay: 0.25 }, model));
    expectClose(after, before.map((w0, i) => w0.map((w, k) => w - LR * (g[i][k] + 0.25 * w))));
  });
});
