/**
 * The hand-written training step (mlp.ts) against the engine's previous step: the same numbers, within
 * float rounding, on fixed configs recorded before the change (fixtures/previous-step.json), and the
 * same gradients as TF.js' automatic differentiation for every activation, with and without batch
 * norm, in training and inference mode.
 */
import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS, validateExperiment, type RunConfig } from '../../../shared/config.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { buildNetwork, disposeNetwork, forward, trainableVariables } from '../../../electron/engine/model.js';
import { backwardPass, forwardPass, lossAndGradient } from '../../../electron/engine/mlp.js';
import { trainRun } from '../../../electron/engine/train.js';
import { REFERENCE_CASES, recordRun, referenceConfig, referenceData, type RecordedRun } from './reference-cases.js';

const recorded = JSON.parse(fs.readFileSync(new URL('./fixtures/previous-step.json', import.meta.url), 'utf8')) as Record<string, Record<string, RecordedRun>>;

function close(actual: number | null, expected: number | null, rel: number, abs: number, what: string): void {
  if (expected === null || actual === null) {
    expect(actual, what).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(abs + rel * Math.abs(expected));
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`the training step on ${backend}`, () => {
    beforeAll(async () => {
      expect((await initBackend(backend)).backend).toBe(backend);
    });

    it("reproduces the previous step's recorded numbers: every activation, batch norm, each optimizer, both tasks", () => {
      for (const c of REFERENCE_CASES) {
        for (const seed of [1, 2]) {
          const where = `${c.name}, seed ${seed}`;
          const expected = recorded[backend][`${c.name} seed ${seed}`];
          const result = trainRun(referenceConfig(c), seed, referenceData(c, seed));
          const actual = recordRun(result.status, result.epochs, result.artifacts);
          expect(actual.status, where).toBe(expected.status);
          expect(actual.probeIndices, where).toEqual(expected.probeIndices);
          expect(actual.epochs.map((e) => e.epoch), where).toEqual(expected.epochs.map((e) => e.epoch));
          // Adam divides each gradient by its own running size, so the gradient of a bias followed by
          // batch norm (zero but for rounding noise) moves that bias by up to the learning rate per step,
          // differently for any two ways of summing. The bias cancels in the batch-normalized forward
          // pass, so training is unaffected, but the moving mean it feeds (inference mode: validation,
          // probe) follows the noise. For those runs only training-mode numbers and the other weights
          // are compared.
          const noisyBias = c.model.batchNorm === true && c.training.optimizer === 'adam';
          actual.epochs.forEach((e, i) => {
            const x = expected.epochs[i];
            const at = `${where}, epoch ${e.epoch}`;
            close(e.trainLoss, x.trainLoss, 1e-4, 1e-6, `${at} trainLoss`);
            if (noisyBias && e.epoch > 0) return;
            close(e.trainAccuracy, x.trainAccuracy, 0, 1e-9, `${at} trainAccuracy`);
            close(e.valLoss, x.valLoss, 1e-4, 1e-6, `${at} valLoss`);
            close(e.valAccuracy, x.valAccuracy, 0, 1e-9, `${at} valAccuracy`);
            e.layers.forEach((l, j) => {
              const y = x.layers[j];
              const lat = `${at}, layer ${j}`;
              expect(l.deadMask, `${lat} deadMask`).toEqual(y.deadMask);
              close(l.deadFraction, y.deadFraction, 0, 1e-12, `${lat} deadFraction`);
              close(l.activeProbability, y.activeProbability, 0, 1e-12, `${lat} activeProbability`);
              close(l.dormantFraction, y.dormantFraction, 0, 1e-12, `${lat} dormantFraction`);
              close(l.gradNorm, y.gradNorm, 1e-4, 1e-7, `${lat} gradNorm`);
              close(l.preActMean, y.preActMean, 1e-4, 1e-6 + 1e-4 * y.preActStd, `${lat} preActMean`);
              close(l.preActStd, y.preActStd, 1e-4, 1e-6, `${lat} preActStd`);
              close(l.histogram.lo, y.histogram.lo, 1e-4, 1e-6, `${lat} histogram lo`);
              close(l.histogram.hi, y.histogram.hi, 1e-4, 1e-6, `${lat} histogram hi`);
              // A value on a bin edge may land in the neighbouring bin.
              const moved = l.histogram.counts.reduce((s, n, k) => s + Math.abs(n - y.histogram.counts[k]), 0);
              expect(moved, `${lat} histogram counts ${l.histogram.counts} vs ${y.histogram.counts}`).toBeLessThanOrEqual(2);
              if (y.preluAlphas) l.preluAlphas!.forEach((a, k) => close(a, y.preluAlphas![k], 1e-4, 1e-6, `${lat} alpha ${k}`));
              else expect(l.preluAlphas).toBeNull();
            });
          });
          // The final weights, in stored order; with a noisy bias, skip the biases of batch-normalized
          // layers and the moving means they feed.
          const scale = maxAbs(expected.weights);
          let offset = 0;
          for (const spec of result.artifacts.weightSpecs) {
            const size = spec.shape.reduce((a, b) => a * b, 1);
            const skip = noisyBias && (/^hidden\d+\/bias$/.test(spec.name) || spec.name.endsWith('moving_mean'));
            if (!skip) {
              for (let k = offset; k < offset + size; k++) {
                expect(Math.abs(actual.weights[k] - expected.weights[k]) / scale, `${where}: ${spec.name}`).toBeLessThan(1e-4);
              }
            }
            offset += size;
          }
          expect(offset).toBe(expected.weights.length);
        }
      }
    });

    it("the hand-written backward pass gives TF.js' gradients: every activation, batch norm off and on, training and inference mode", () => {
      for (const activation of ACTIVATIONS) {
        for (const batchNorm of [false, true]) {
          for (const task of ['classification', 'regression'] as const) {
            const where = `${activation}, batchNorm ${batchNorm}, ${task}`;
            const cfg = gradConfig(activation, batchNorm);
            const outputs = task === 'classification' ? 3 : 2;
            const net = buildNetwork(cfg.model, 4, outputs, 11);
            const x = tf.randomNormal([13, 4], 0, 1.5, 'float32', 5) as tf.Tensor2D;
            const y = task === 'classification' ? tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 2, 1, 0, 0, 1, 2, 0], 'int32'), 3).toFloat() : tf.randomNormal([13, 2], 0, 1, 'float32', 6);
            const vars = trainableVariables(net);
            for (const training of [true, false]) {
              const mode = `${where}, ${training ? 'training' : 'inference'}`;
              const reference = tf.variableGrads(() => {
                const out = forward(net, x, training).output;
                return (task === 'classification' ? tf.losses.softmaxCrossEntropy(y, out) : tf.mean(tf.square(tf.sub(out, y)))) as tf.Scalar;
              }, vars);
              const mine = tf.tidy(() => {
                const pass = forwardPass(net, x, training, false);
                const { loss, dOutput } = lossAndGradient(pass.output, y, task, 1);
                const g = backwardPass(net, pass, dOutput!, training);
                const list: tf.Tensor[] = [];
                net.hidden.forEach((h, l) => {
                  list.push(g.hidden[l].kernel, g.hidden[l].bias!);
                  if (h.gamma) list.push(g.hidden[l].gamma!, g.hidden[l].beta!);
                  if (h.preluAlpha) list.push(g.hidden[l].preluAlpha!);
                });
                list.push(g.outKernel, g.outBias!);
                return [loss, ...list];
              });
              close(mine[0].dataSync()[0], reference.value.dataSync()[0], 1e-5, 1e-6, `${mode}: loss`);
              vars.forEach((v, i) => {
                const a = mine[i + 1].dataSync();
                const b = reference.grads[v.name].dataSync();
                expect(mine[i + 1].shape, `${mode}: ${v.name}`).toEqual(v.shape);
                // A bias followed by batch norm has a zero gradient in training mode, up to rounding.
                const scale = Math.max(1e-3, maxAbs(b));
                const limit = batchNorm && training && /hidden\d+\/bias$/.test(v.name) ? 1e-3 : 1e-4;
                let worst = 0;
                for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
                expect(worst / scale, `${mode}: ${v.name}`).toBeLessThan(limit);
              });
              tf.dispose([reference.value, ...Object.values(reference.grads), ...mine]);
            }
            tf.dispose([x, y]);
            disposeNetwork(net);
          }
        }
      }
    });
  });
}

function gradConfig(activation: (typeof ACTIVATIONS)[number], batchNorm: boolean): RunConfig {
  const result = validateExperiment({
    name: 'gradients',
    dataset: { kind: 'blobs', samples: 20, features: 4, classes: 3 },
    model: { widths: [7, 5], activation, batchNorm, biasInit: 0.1 },
    training: { learningRate: 0.1, epochs: 1 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}
