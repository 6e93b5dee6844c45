/**
 * The engine's previous training loop, kept as it was for comparison (`npm run bench`
 * and the engine tests): the TF.js gradient tape over a dense layer with a custom gradient, TF.js'
 * optimizers, a gather of each batch's rows, and a probe that runs the network twice and reads every
 * statistic back on its own. It gives the same numbers as the current loop (train.ts) within float
 * rounding; the current loop is what the lab trains with.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/config.js';
import type { EpochMetrics, LayerMetrics } from '../../shared/metrics.js';
import type { Dataset } from './types.js';
import { Rng } from './rng.js';
import { buildNetwork, disposeNetwork, forward, trainableVariables, updateMovingStatistics, type Network } from './model.js';
import { l2norm, measureLayer } from './probe.js';
import { exportArtifacts } from './artifacts.js';
import { trialSteps, type TrialResult } from './trial.js';
import { divergenceReason, type RunOutcome, type TrainHooks, type TrainResult } from './outcome.js';

/** Rows per chunk when evaluating a whole split, to bound memory on large data sets. */
const EVAL_CHUNK = 4096;

export class PreviousTrainer {
  readonly net: Network;
  private readonly optimizer: tf.Optimizer;
  private readonly xTrain: tf.Tensor2D;
  private readonly yTrain: tf.Tensor;
  private readonly xVal: tf.Tensor2D | null;
  private readonly yVal: tf.Tensor | null;
  readonly probeIndices: number[];
  private readonly probeX: tf.Tensor2D;
  private readonly probeY: tf.Tensor;
  private readonly shuffleRng: Rng;
  private readonly classification: boolean;
  private trainable: tf.Variable[] | null = null;

  constructor(
    readonly config: RunConfig,
    readonly seed: number,
    readonly data: Dataset,
  ) {
    this.classification = data.task === 'classification';
    this.net = buildNetwork(config.model, data.inputSize, data.outputSize, seed);
    this.optimizer = makeOptimizer(config.training);
    this.xTrain = tf.tensor2d(data.xTrain, [data.nTrain, data.inputSize]);
    this.yTrain = this.targets(data.yTrain, data.nTrain);
    this.xVal = data.nVal > 0 ? tf.tensor2d(data.xVal, [data.nVal, data.inputSize]) : null;
    this.yVal = data.nVal > 0 ? this.targets(data.yVal, data.nVal) : null;
    this.probeIndices = new Rng(seed, 'probe').sample(data.nTrain, Math.min(config.probe.samples, data.nTrain));
    const idx = tf.tensor1d(this.probeIndices, 'int32');
    this.probeX = tf.gather(this.xTrain, idx);
    this.probeY = tf.gather(this.yTrain, idx);
    idx.dispose();
    this.shuffleRng = new Rng(seed, 'shuffle');
  }

  private targets(y: Float32Array, n: number): tf.Tensor {
    if (this.classification) {
      return tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), this.data.outputSize).toFloat());
    }
    return tf.tensor2d(y, [n, this.data.outputSize]);
  }

  private loss(output: tf.Tensor2D, y: tf.Tensor): tf.Scalar {
    if (this.classification) return tf.losses.softmaxCrossEntropy(y, output) as tf.Scalar;
    return tf.mean(tf.square(tf.sub(output, y))) as tf.Scalar;
  }

  private correct(output: tf.Tensor2D, y: tf.Tensor): tf.Scalar {
    return tf.sum(tf.cast(tf.equal(tf.argMax(output, 1), tf.argMax(y, 1)), 'float32')) as tf.Scalar;
  }

  /** Loss and accuracy of a whole split in inference mode. */
  evaluate(x: tf.Tensor2D, y: tf.Tensor): { loss: number; accuracy: number | null } {
    const n = x.shape[0];
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < n; start += EVAL_CHUNK) {
      const size = Math.min(EVAL_CHUNK, n - start);
      const [l, c] = tf.tidy(() => {
        const xb = tf.slice(x, [start, 0], [size, -1]);
        const yb = tf.slice(y, [start, 0], [size, -1]);
        const out = forward(this.net, xb, false).output;
        return [tf.mul(this.loss(out, yb), size), this.classification ? this.correct(out, yb) : tf.scalar(0)];
      });
      lossSum += (l.dataSync() as Float32Array)[0];
      correct += (c.dataSync() as Float32Array)[0];
      l.dispose();
      c.dispose();
    }
    return { loss: lossSum / n, accuracy: this.classification ? correct / n : null };
  }

  /** Probe measurement of every hidden layer (pre-activations, activations, gradient norms). */
  measure(): LayerMetrics[] {
    const { probe } = this.config;
    const kernels = this.net.hidden.map((h) => h.kernel);
    // Gradient of the loss on the probe set w.r.t. each hidden kernel (batch norm in inference mode).
    const { grads, value } = tf.variableGrads(() => this.loss(forward(this.net, this.probeX, false).output, this.probeY), kernels);
    value.dispose();
    // null only when there is no gradient at all; a NaN or infinite gradient is reported as NaN.
    const gradNorms = this.net.hidden.map((h) => {
      const g = grads[h.kernel.name];
      if (!g) return null;
      const norm = l2norm(g.dataSync());
      return Number.isFinite(norm) ? norm : NaN;
    });
    tf.dispose(Object.values(grads));

    const n = this.probeIndices.length;
    const layers = this.net.hidden.length;
    const outputs = tf.tidy(() => {
      const f = forward(this.net, this.probeX, false);
      return [...f.preActs, ...f.acts];
    });
    try {
      return this.net.hidden.map((h, l) =>
        measureLayer({
          layer: l,
          n,
          units: h.units,
          preActs: outputs[l].dataSync() as Float32Array,
          acts: outputs[layers + l].dataSync() as Float32Array,
          dormantThreshold: probe.dormantThreshold,
          histogramBins: probe.histogramBins,
          gradNorm: gradNorms[l],
          preluAlphas: h.preluAlpha ? Float32Array.from(h.preluAlpha.dataSync()) : null,
          weightMagnitude: null,
        }),
      );
    } finally {
      tf.dispose(outputs);
    }
  }

  /**
   * One optimizer step on the training rows `indices` (batch norm in training mode, its moving
   * statistics updated). Returns the batch's mean loss (before the step) and its correct count.
   */
  private trainBatch(indices: Int32Array): { loss: number; correct: number } {
    const size = indices.length;
    const vars = this.vars;
    const [lossT, correctT] = tf.tidy(() => {
      const idx = tf.tensor1d(indices, 'int32');
      const xb = tf.gather(this.xTrain, idx);
      const yb = tf.gather(this.yTrain, idx);
      // variableGrads frees everything its function creates except the loss: keep what we read later.
      let stats: ReturnType<typeof forward>['batchStats'] = [];
      let correct: tf.Scalar | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const f = forward(this.net, xb, true);
        stats = f.batchStats.map((s) => ({ mean: tf.keep(s.mean), variance: tf.keep(s.variance) }));
        if (this.classification) correct = tf.keep(this.correct(f.output, yb));
        return this.loss(f.output, yb);
      }, vars);
      this.optimizer.applyGradients(grads);
      if (stats.length > 0) updateMovingStatistics(this.net, stats, size);
      for (const s of stats) tf.dispose([s.mean, s.variance]);
      return [value, correct ?? tf.scalar(0)];
    });
    const loss = lossT.dataSync()[0];
    const correct = correctT.dataSync()[0];
    lossT.dispose();
    correctT.dispose();
    return { loss, correct };
  }

  private get vars(): tf.Variable[] {
    this.trainable ??= trainableVariables(this.net);
    return this.trainable;
  }

  /** Runs the whole schedule. Never throws for divergence: that is a result. */
  run(hooks: TrainHooks = {}): TrainResult {
    const { training } = this.config;
    const started = performance.now();
    const epochs: EpochMetrics[] = [];
    const elapsed = () => (performance.now() - started) / 1000;

    const record = (epoch: number, trainLoss: number, trainAccuracy: number | null, seconds: number) => {
      const t0 = performance.now();
      const layers = this.measure();
      const probeMs = performance.now() - t0;
      const val = this.xVal && this.yVal ? this.evaluate(this.xVal, this.yVal) : null;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss,
        trainAccuracy,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        seconds,
        elapsedSeconds: elapsed(),
        probeMs,
        task: null,
        layers,
      };
      epochs.push(metrics);
      hooks.onEpoch?.(metrics);
      return metrics;
    };

    if (hooks.shouldStop?.()) return this.finish('cancelled', null, epochs);
    const init = this.evaluate(this.xTrain, this.yTrain);
    const initial = divergenceReason(record(0, init.loss, init.accuracy, 0));
    if (initial !== null) return this.finish('diverged', initial, epochs);

    const n = this.data.nTrain;
    const batchSize = Math.min(training.batchSize, n);
    const batchesPerEpoch = Math.ceil(n / batchSize);
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      const t0 = performance.now();
      const order = this.shuffleRng.permutation(n);
      let lossSum = 0;
      let correctSum = 0;
      for (let b = 0; b < batchesPerEpoch; b++) {
        if (hooks.shouldStop?.()) return this.finish('cancelled', null, epochs);
        const start = b * batchSize;
        const size = Math.min(batchSize, n - start);
        const batch = this.trainBatch(order.subarray(start, start + size));
        correctSum += batch.correct;
        if (!Number.isFinite(batch.loss)) {
          // Keep what was measured so far; the diverged epoch itself is not a measurement point.
          return this.finish('diverged', `loss became ${batch.loss} in epoch ${epoch}, batch ${b + 1}`, epochs);
        }
        lossSum += batch.loss * size;
        hooks.onProgress?.((epoch - 1 + (b + 1) / batchesPerEpoch) / training.epochs);
      }
      const seconds = (performance.now() - t0) / 1000;
      if (hooks.shouldStop?.()) return this.finish('cancelled', null, epochs);
      const reason = divergenceReason(record(epoch, lossSum / n, this.classification ? correctSum / n : null, seconds));
      if (reason !== null) return this.finish('diverged', reason, epochs);
    }
    return this.finish('completed', null, epochs);
  }

  /** A short trial for the divergence check: up to `steps` optimizer steps, no measurements (see trial.ts). */
  trainSteps(steps: number, shouldStop?: () => boolean): TrialResult {
    const n = this.data.nTrain;
    const batchSize = Math.min(this.config.training.batchSize, n);
    return trialSteps(steps, n, batchSize, this.shuffleRng, (order, start, size) => this.trainBatch(order.subarray(start, start + size)).loss, shouldStop);
  }

  private finish(status: RunOutcome, reason: string | null, epochs: EpochMetrics[]): TrainResult {
    const artifacts = exportArtifacts(this.net, this.data.task, this.probeIndices, this.probeX);
    return { status, reason, epochs, artifacts };
  }

  dispose(): void {
    disposeNetwork(this.net);
    this.optimizer.dispose();
    // TF.js' MomentumOptimizer.dispose() does not call SGDOptimizer's, so its learning-rate scalar `c` leaks.
    if (this.optimizer instanceof tf.MomentumOptimizer) (this.optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
    tf.dispose([this.xTrain, this.yTrain, this.probeX, this.probeY]);
    if (this.xVal) this.xVal.dispose();
    if (this.yVal) this.yVal.dispose();
  }
}

function makeOptimizer(t: RunConfig['training']): tf.Optimizer {
  switch (t.optimizer) {
    case 'sgd':
      return tf.train.sgd(t.learningRate);
    case 'momentum':
      return tf.train.momentum(t.learningRate, t.momentum);
    case 'adam':
      return tf.train.adam(t.learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(t.learningRate);
  }
}
