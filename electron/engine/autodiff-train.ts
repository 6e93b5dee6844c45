/**
 * The training loop of one run whose network trains with automatic differentiation (autodiff.ts:
 * convolutional networks, residual and layer-normalized MLPs). Same schedule, measurements, hooks,
 * divergence rules and optimizer arithmetic as the MLP loop (train.ts): the update rules of mlp.ts
 * applied by optimizer.ts, to gradients from tf.variableGrads. These runs always train alone.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/config.js';
import { imageShapeOf, trainsWithAutodiff } from '../../shared/architecture.js';
import type { EpochMetrics, LayerMetrics } from '../../shared/metrics.js';
import type { Dataset } from './types.js';
import { Rng } from './rng.js';
import { buildGraphNet, disposeGraphNet, graphForward, graphTrainable, type GraphNet } from './autodiff.js';
import { batchNormMomentum } from './model.js';
import { correctCount, lossAndGradient, movingStatistics, updateRule, type LayerCache, type UpdateRule } from './mlp.js';
import { ParameterUpdate } from './optimizer.js';
import { GradientOptions, usesGradientOptions } from './training-options.js';
import { shrinkAndPerturb, shrinksBefore } from './interventions.js';
import { measureLayer } from './probe.js';
import { measureConvLayer } from './conv-probe.js';
import { ArtifactLayout } from './artifacts.js';
import { Trainer } from './train.js';
import { rowsOf } from './rows.js';
import { divergenceReason, type TrainHooks, type TrainResult, type RunOutcome } from './outcome.js';
import { TaskSchedule } from './tasks.js';
import { evaluateSplit, weightMagnitude } from './measure.js';
import { trialSteps, type TrialResult } from './trial.js';

interface Probed {
  layers: LayerMetrics[];
  loss: number;
  accuracy: number;
}

export class GraphTrainer {
  readonly net: GraphNet;
  readonly probeIndices: number[];
  /** The data trained on: the run's data, or in a task sequence the current task's. */
  data: Dataset;
  private readonly schedule: TaskSchedule | null;
  private probeInputs: Float32Array;
  private probeX: tf.Tensor2D;
  private probeY: tf.Tensor2D;
  private readonly shuffleRng: Rng;
  private readonly rule: UpdateRule;
  private readonly update: ParameterUpdate;
  private readonly trainable: tf.Variable[];
  private readonly classification: boolean;
  private readonly options: GradientOptions | null;
  private readonly shrinkRng: Rng;
  /** Optimizer steps taken so far. */
  private steps = 0;

  constructor(
    readonly config: RunConfig,
    readonly seed: number,
    loaded: Dataset,
  ) {
    this.schedule = config.training.tasks ? new TaskSchedule(config.training.tasks, loaded) : null;
    const data = this.schedule ? this.schedule.data : loaded;
    this.data = data;
    this.classification = data.task === 'classification';
    this.probeIndices = new Rng(seed, 'probe').sample(data.nTrain, Math.min(config.probe.samples, data.nTrain));
    const probe = rowsOf(data, 'train', Int32Array.from(this.probeIndices), 0, this.probeIndices.length);
    this.probeInputs = probe.x;
    this.probeX = tf.tensor2d(probe.x, [this.probeIndices.length, data.inputSize]);
    this.probeY = tf.tensor2d(probe.y, [this.probeIndices.length, data.outputSize]);
    this.shuffleRng = new Rng(seed, 'shuffle');
    this.net = buildGraphNet(config.model, imageShapeOf(config.dataset), data.inputSize, data.outputSize, seed);
    this.trainable = graphTrainable(this.net);
    this.rule = updateRule(config.training.optimizer, tf.backend().epsilon());
    this.update = new ParameterUpdate(this.rule, this.trainable, false);
    const batches = Math.ceil(data.nTrain / Math.min(config.training.batchSize, data.nTrain));
    this.options = usesGradientOptions(config.training) ? new GradientOptions(config.training, this.trainable, config.training.epochs * batches) : null;
    // ReDo and continual backprop are refused for these networks by the config's validation.
    this.shrinkRng = new Rng(seed, 'shrink-perturb');
  }

  /** In a task sequence, moves to the task of `epoch`: its data and probe rows. */
  private enterEpochTask(epoch: number): void {
    if (!this.schedule?.at(epoch)) return;
    this.data = this.schedule.data;
    const probe = rowsOf(this.data, 'train', Int32Array.from(this.probeIndices), 0, this.probeIndices.length);
    tf.dispose([this.probeX, this.probeY]);
    this.probeInputs = probe.x;
    this.probeX = tf.tensor2d(probe.x, [this.probeIndices.length, this.data.inputSize]);
    this.probeY = tf.tensor2d(probe.y, [this.probeIndices.length, this.data.outputSize]);
  }

  /** One optimizer step on rows `order[start…start + size)`; the batch's loss (before the step) and correct count. */
  private step(order: Int32Array, start: number, size: number): { loss: number; correct: number } {
    const { data, options } = this;
    const { momentum } = this.config.training;
    const learningRate = options ? options.learningRate(this.steps) : this.config.training.learningRate;
    this.steps++;
    const rows = rowsOf(data, 'train', order, start, size);
    const x = tf.tensor2d(rows.x, [size, data.inputSize]);
    const y = tf.tensor2d(rows.y, [size, data.outputSize]);
    const kept: tf.Tensor[] = [];
    try {
      const [lossT, correctT] = tf.tidy(() => {
        let stats: ({ mean: tf.Tensor; variance: tf.Tensor; count: number } | null)[] = [];
        let output: tf.Tensor | null = null;
        const keep = <T extends tf.Tensor>(t: T): T => {
          kept.push(tf.keep(t));
          return t;
        };
        const { value, grads } = tf.variableGrads(() => {
          const pass = graphForward(this.net, x, true);
          stats = pass.batchStats.map((s) => s && { mean: keep(s.mean), variance: keep(s.variance), count: s.count });
          output = keep(pass.output);
          return lossAndGradient(pass.output, y, data.task, null).loss as tf.Scalar;
        }, this.trainable);
        const raw = this.trainable.map((v) => grads[v.name]);
        const list = options ? options.adjust(raw, this.trainable) : raw;
        // SGD's rule takes the gradient already multiplied by −lr (see mlp.ts, UpdateRule).
        this.update.apply(this.trainable, this.rule.foldsLearningRate ? list.map((g) => tf.mul(g, -learningRate)) : list, learningRate, momentum);
        this.net.layers.forEach((layer, l) => {
          const s = stats[l];
          if (!s || !layer.movingMean || !layer.movingVariance) return;
          const next = movingStatistics(layer, { batchMean: s.mean, batchVariance: s.variance } as LayerCache, s.count, batchNormMomentum(this.config.model));
          layer.movingMean.assign(next.mean);
          layer.movingVariance.assign(next.variance);
        });
        return [value, this.classification ? correctCount(output!, y) : tf.scalar(0)];
      });
      const loss = lossT.dataSync()[0];
      const correct = correctT.dataSync()[0];
      tf.dispose([lossT, correctT]);
      return { loss, correct };
    } finally {
      tf.dispose([x, y, ...kept]);
    }
  }

  /** Probe measurement of every hidden layer, with the loss and accuracy on the probe set (inference mode). */
  private probe(): Probed {
    const { probe } = this.config;
    const n = this.probeIndices.length;
    const kernels = this.net.layers.map((l) => l.kernel);
    const kept: tf.Tensor[] = [];
    try {
      const [summary, ...gradSquares] = tf.tidy(() => {
        let correct: tf.Tensor = tf.scalar(0);
        const { value, grads } = tf.variableGrads(() => {
          const pass = graphForward(this.net, this.probeX, false);
          for (let l = 0; l < pass.preActs.length; l++) kept.push(tf.keep(pass.preActs[l]), tf.keep(pass.acts[l]));
          if (this.classification) correct = tf.keep(correctCount(pass.output, this.probeY));
          return lossAndGradient(pass.output, this.probeY, this.data.task, null).loss as tf.Scalar;
        }, kernels);
        kept.push(correct);
        return [tf.stack([value, correct, ...kernels.map((k) => weightMagnitude(k))]), ...kernels.map((k) => tf.sum(tf.square(grads[k.name])))];
      });
      const [loss, correct, ...magnitudes] = summary.dataSync();
      const layers = this.net.layers.map((layer, l) => {
        const z = kept[2 * l];
        const norm = Math.sqrt(gradSquares[l].dataSync()[0]);
        const common = {
          layer: l,
          n,
          preActs: z.dataSync() as Float32Array,
          acts: kept[2 * l + 1].dataSync() as Float32Array,
          dormantThreshold: probe.dormantThreshold,
          histogramBins: probe.histogramBins,
          // A NaN or infinite gradient is reported as NaN.
          gradNorm: Number.isFinite(norm) ? norm : NaN,
          preluAlphas: layer.preluAlpha ? (layer.preluAlpha.dataSync() as Float32Array).slice() : null,
          weightMagnitude: magnitudes[l],
        };
        return layer.kind === 'conv'
          ? measureConvLayer({ ...common, channels: layer.units, positions: z.shape[1]! * z.shape[2]! })
          : measureLayer({ ...common, units: layer.units });
      });
      tf.dispose([summary, ...gradSquares]);
      return { layers, loss, accuracy: correct / n };
    } finally {
      tf.dispose(kept);
    }
  }

  /** Probe measurement of every hidden layer (conv layers per channel, dense layers per unit). */
  measure(): LayerMetrics[] {
    return this.probe().layers;
  }

  /** Loss and accuracy of a whole split in inference mode, in chunks of rows. */
  evaluate(split: 'train' | 'val'): { loss: number; accuracy: number | null } {
    return evaluateSplit(this.data, split, (x) => graphForward(this.net, x, false).output);
  }

  /** Runs the whole schedule (see train.ts, RunGroup.run). Never throws for divergence: that is a result. */
  run(hooks: TrainHooks = {}): TrainResult {
    const started = performance.now();
    const { training } = this.config;
    const n = this.data.nTrain;
    const batchSize = Math.min(training.batchSize, n);
    const batches = Math.ceil(n / batchSize);
    const epochs: EpochMetrics[] = [];
    const end = (status: RunOutcome, reason: string | null): TrainResult => {
      const layout = new ArtifactLayout(this.config.model, this.data.inputSize, this.data.outputSize, this.data.task, this.net.image);
      const result = { status, reason, epochs, artifacts: layout.write(this.net, this.probeIndices, this.probeInputs) };
      hooks.onEnd?.(result);
      return result;
    };
    const record = (epoch: number, train: { loss: number; accuracy: number | null } | null, seconds: number): string | null => {
      const t0 = performance.now();
      const probed = this.probe();
      const probeMs = performance.now() - t0;
      train ??= this.probeIndices.length === n ? { loss: probed.loss, accuracy: this.classification ? probed.accuracy : null } : this.evaluate('train');
      const val = this.data.nVal > 0 ? this.evaluate('val') : null;
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: train.loss,
        trainAccuracy: train.accuracy,
        valLoss: val ? val.loss : null,
        valAccuracy: val ? val.accuracy : null,
        seconds,
        elapsedSeconds: (performance.now() - started) / 1000,
        probeMs,
        task: this.schedule ? this.schedule.task : null,
        layers: probed.layers,
      };
      epochs.push(metrics);
      hooks.onEpoch?.(metrics);
      return divergenceReason(metrics);
    };
    if (hooks.shouldStop?.()) return end('cancelled', null);
    const initial = record(0, null, 0);
    if (initial !== null) return end('diverged', initial);
    for (let epoch = 1; epoch <= training.epochs; epoch++) {
      const t0 = performance.now();
      this.enterEpochTask(epoch);
      const shrink = training.interventions?.shrinkPerturb;
      if (shrink && shrinksBefore(epoch, shrink.everyEpochs)) shrinkAndPerturb(this.trainable, shrink.shrink, shrink.noise, this.shrinkRng);
      const order = this.shuffleRng.permutation(n);
      let lossSum = 0;
      let correctSum = 0;
      for (let b = 0; b < batches; b++) {
        if (hooks.shouldStop?.()) return end('cancelled', null);
        const start = b * batchSize;
        const size = Math.min(batchSize, n - start);
        const { loss, correct } = this.step(order, start, size);
        // Keep what was measured so far; the diverged epoch itself is not a measurement point.
        if (!Number.isFinite(loss)) return end('diverged', `loss became ${loss} in epoch ${epoch}, batch ${b + 1}`);
        lossSum += loss * size;
        correctSum += correct;
        hooks.onProgress?.((epoch - 1 + (b + 1) / batches) / training.epochs);
      }
      if (hooks.shouldStop?.()) return end('cancelled', null);
      const reason = record(epoch, { loss: lossSum / n, accuracy: this.classification ? correctSum / n : null }, (performance.now() - t0) / 1000);
      if (reason !== null) return end('diverged', reason);
    }
    return end('completed', null);
  }

  /** A short trial for the divergence check: up to `steps` optimizer steps, no measurements (see trial.ts). */
  trainSteps(steps: number, shouldStop?: () => boolean): TrialResult {
    const n = this.data.nTrain;
    const batchSize = Math.min(this.config.training.batchSize, n);
    return trialSteps(steps, n, batchSize, this.shuffleRng, (order, start, size) => this.step(order, start, size).loss, shouldStop);
  }

  dispose(): void {
    tf.dispose([this.probeX, this.probeY]);
    disposeGraphNet(this.net);
    this.update.dispose();
    this.options?.dispose();
  }
}

/** One run's trainer: the MLP step for plain MLPs, automatic differentiation for every other network. */
export function createTrainer(config: RunConfig, seed: number, data: Dataset): Trainer | GraphTrainer {
  return trainsWithAutodiff(config.model) ? new GraphTrainer(config, seed, data) : new Trainer(config, seed, data);
}
