/**
 * The training loop. Observation (the probe, logging, cancel, divergence) plugs in through hooks; the
 * probe is measured at epoch 0 (before any update) and after every epoch.
 *
 * One loop serves one run (`Trainer`) and runs that share an architecture (`RunGroup` with `stacked`):
 * their weights are stacked along a leading axis and every step, probe and evaluation is one batched
 * computation for all of them. Each run of a stack keeps its own seed, data, batch order, probe set,
 * learning rate and result; a run that diverges or is cancelled leaves the stack at once (the others'
 * tensors are narrowed to the runs left), and nothing is ever summed across runs.
 *
 * Each step is the hand-written forward and backward pass of mlp.ts (no gradient tape), with the
 * batch's rows copied from the run's own arrays (one upload per batch, no gather or slice of a large
 * tensor: the wasm backend copies a whole tensor to slice it).
 */
import * as tf from '@tensorflow/tfjs';
import type { RunConfig } from '../../shared/config.js';
import { layerWidths } from '../../shared/config.js';
import type { EpochMetrics, LayerMetrics, RunArtifacts } from '../../shared/metrics.js';
import type { Dataset } from './types.js';
import { Rng } from './rng.js';
import { initialValues, networkFromValues, networkValues, trainableVariables, type Network } from './model.js';
import { backwardPass, correctCount, forwardPass, lossAndGradient, movingStatistics, updateRule, type Grads, type NetTensors, type PerRun, type UpdateRule } from './mlp.js';
import { ParameterUpdate } from './optimizer.js';
import { l2norm, measureLayer } from './probe.js';
import { ArtifactLayout } from './artifacts.js';
// autodiff-train.ts imports this module too; each uses the other's exports only when called.
import { createTrainer } from './autodiff-train.js';

export type RunOutcome = 'completed' | 'diverged' | 'cancelled';

export interface TrainHooks {
  /** Called after each measurement point (epoch 0 = initialization). */
  onEpoch?(metrics: EpochMetrics): void;
  /** Polled between batches; returning true stops the run as `cancelled`. */
  shouldStop?(): boolean;
  /** Called after every batch with the fraction of the run done (for progress bars). */
  onProgress?(fraction: number): void;
  /** Called once when the run ends, with its result (runs of a stack end at different times). */
  onEnd?(result: TrainResult): void;
}

export interface TrainResult {
  status: RunOutcome;
  /** Why the run stopped early (divergence), null otherwise. */
  reason: string | null;
  epochs: EpochMetrics[];
  artifacts: RunArtifacts;
}

/** One run of a group: its config, seed and data (already loaded). */
export interface GroupMember {
  config: RunConfig;
  seed: number;
  data: Dataset;
}

/** Rows per chunk when evaluating a whole split, to bound memory on large data sets. */
export const EVAL_CHUNK = 4096;

/**
 * Why these runs cannot train as one stack (null when they can): they must share the network's
 * shape and kind (layer widths, activation and its slope, batch norm), the optimizer, batch size,
 * epochs and probe, and their data must have the same shape. Seeds, learning rates, momentum,
 * initializations and data values may differ.
 */
export function stackProblem(members: GroupMember[]): string | null {
  const [first, ...rest] = members;
  if (!first) return 'no runs';
  const shape = (m: GroupMember) =>
    JSON.stringify({
      widths: layerWidths(m.config.model),
      activation: m.config.model.activation,
      leakyAlpha: m.config.model.activation === 'leaky_relu' ? m.config.model.leakyAlpha : null,
      batchNorm: m.config.model.batchNorm,
      optimizer: m.config.training.optimizer,
      batchSize: m.config.training.batchSize,
      epochs: m.config.training.epochs,
      probe: m.config.probe,
      data: [m.data.task, m.data.inputSize, m.data.outputSize, m.data.nTrain, m.data.nVal],
    });
  const expected = shape(first);
  for (const m of rest) if (shape(m) !== expected) return `run with seed ${m.seed} differs from run with seed ${first.seed} in ${expected} vs ${shape(m)}`;
  return null;
}

/** A run's state inside its group. */
interface MemberState extends GroupMember {
  readonly index: number;
  hooks: TrainHooks;
  readonly shuffleRng: Rng;
  readonly probeIndices: number[];
  readonly probeInputs: Float32Array;
  readonly probeTargets: Float32Array;
  readonly epochs: EpochMetrics[];
  result: TrainResult | null;
  /** This epoch's batch order. */
  order: Int32Array;
  lossSum: number;
  correctSum: number;
}

/**
 * Runs trained together. `stacked` false: exactly one run, trained on its own network (the variables
 * of `net` are the run's, as tests and the artifacts expect). `stacked` true: any number of runs that
 * pass `stackProblem`.
 */
export class RunGroup {
  readonly net: Network;
  readonly members: readonly MemberState[];
  readonly stacked: boolean;
  private active: MemberState[];
  private readonly classification: boolean;
  private readonly rule: UpdateRule;
  private readonly update: ParameterUpdate;
  private layout: ArtifactLayout | null = null;
  /** Per-run learning rate, −learning rate and momentum (numbers for one run, S×1×1 for a stack). */
  private learningRate: PerRun = 0;
  private negLearningRate: PerRun = 0;
  private momentum: PerRun = 0;
  private probeX: tf.Tensor | null = null;
  private probeY: tf.Tensor | null = null;
  private trainable: tf.Variable[];

  constructor(members: GroupMember[], options: { stacked: boolean }) {
    if (!options.stacked && members.length !== 1) throw new Error('an unstacked group trains exactly one run');
    const problem = stackProblem(members);
    if (problem) throw new Error(`these runs cannot train as one stack: ${problem}`);
    this.stacked = options.stacked;
    const first = members[0];
    this.classification = first.data.task === 'classification';
    this.members = members.map((m, index) => {
      const probeIndices = new Rng(m.seed, 'probe').sample(m.data.nTrain, Math.min(m.config.probe.samples, m.data.nTrain));
      const { x, y } = rowsOf(m.data, 'train', Int32Array.from(probeIndices), 0, probeIndices.length);
      return {
        ...m,
        index,
        hooks: {},
        shuffleRng: new Rng(m.seed, 'shuffle'),
        probeIndices,
        probeInputs: x,
        probeTargets: y,
        epochs: [],
        result: null,
        order: new Int32Array(0),
        lossSum: 0,
        correctSum: 0,
      };
    });
    this.active = [...this.members];
    const { inputSize, outputSize } = first.data;
    this.net = networkFromValues(
      members.map((m) => initialValues(m.config.model, inputSize, outputSize, m.seed)),
      this.stacked,
    );
    this.trainable = trainableVariables(this.net);
    this.rule = updateRule(first.config.training.optimizer, tf.backend().epsilon());
    this.update = new ParameterUpdate(this.rule, this.trainable, this.stacked);
    this.setRunTensors();
  }

  /** The per-run tensors of the runs in the stack (rebuilt when runs leave it). */
  private setRunTensors(): void {
    tf.dispose([this.probeX, this.probeY].filter((t): t is tf.Tensor => t !== null));
    for (const v of [this.learningRate, this.negLearningRate, this.momentum]) if (typeof v !== 'number') v.dispose();
    this.learningRate = this.negLearningRate = this.momentum = 0;
    this.probeX = this.probeY = null;
    const runs = this.active;
    if (runs.length === 0) return;
    const perRun = (pick: (m: MemberState) => number): PerRun =>
      this.stacked ? tf.tensor3d(runs.map(pick), [runs.length, 1, 1]) : pick(runs[0]);
    this.learningRate = perRun((m) => m.config.training.learningRate);
    this.negLearningRate = perRun((m) => -m.config.training.learningRate);
    this.momentum = perRun((m) => m.config.training.momentum);
    if (!this.stacked) {
      const p = runs[0].probeIndices.length;
      this.probeX = tf.tensor2d(runs[0].probeInputs, [p, runs[0].data.inputSize]);
      this.probeY = tf.tensor2d(runs[0].probeTargets, [p, runs[0].data.outputSize]);
    }
  }

  /** Rows of every run in the stack as one tensor (rows × width, or S × rows × width). */
  private batchTensor(parts: Float32Array[], rows: number, width: number): tf.Tensor {
    if (!this.stacked) return tf.tensor2d(parts[0], [rows, width]);
    const all = new Float32Array(parts.length * rows * width);
    parts.forEach((part, i) => all.set(part, i * rows * width));
    return tf.tensor3d(all, [parts.length, rows, width]);
  }

  /** Drops the runs that finished from the stack. */
  private narrow(): void {
    const left = this.active.filter((m) => m.result === null);
    if (left.length === this.active.length) return;
    if (this.stacked && left.length > 0) {
      const positions = tf.tensor1d(
        left.map((m) => this.active.indexOf(m)),
        'int32',
      );
      const replace = (v: tf.Variable | null): tf.Variable | null => {
        if (!v) return null;
        const kept = tf.tidy(() => tf.gather(v, positions));
        const next = tf.variable(kept, v.trainable);
        kept.dispose();
        v.dispose();
        return next;
      };
      for (const h of this.net.hidden) {
        h.kernel = replace(h.kernel)!;
        h.bias = replace(h.bias)!;
        h.gamma = replace(h.gamma);
        h.beta = replace(h.beta);
        h.movingMean = replace(h.movingMean);
        h.movingVariance = replace(h.movingVariance);
        h.preluAlpha = replace(h.preluAlpha);
      }
      this.net.outKernel = replace(this.net.outKernel)!;
      this.net.outBias = replace(this.net.outBias)!;
      this.net.stack = left.length;
      this.trainable = trainableVariables(this.net);
      this.update.keepRuns(positions);
      positions.dispose();
    }
    this.active = left;
    this.setRunTensors();
  }

  /** Every run's result so far; a run still training has none. */
  results(): (TrainResult | null)[] {
    return this.members.map((m) => m.result);
  }

  /**
   * The run at `position` of the stack as one run's tensors (its slices of the stacked variables), or
   * the group's own variables when it is not stacked. Measurements use these: a measurement pass over
   * many rows is faster as one run's products than as a stack's, and it gives the run exactly the
   * numbers it would get alone.
   */
  private runNet(position: number): { net: NetTensors; release(): void } {
    if (!this.stacked) return { net: this.net, release: () => undefined };
    const made: tf.Tensor[] = [];
    const take = (v: tf.Variable | null, vector: boolean): tf.Tensor | null => {
      if (!v) return null;
      const t = tf.tidy(() => {
        const slice = tf.slice(v, [position, 0, 0], [1, -1, -1]);
        // A copy, not a reshaped view: the wasm backend reads a fused product's bias rank from the data.
        return tf.clone(vector ? tf.reshape(slice, [v.shape[2]!]) : tf.reshape(slice, [v.shape[1]!, v.shape[2]!]));
      });
      made.push(t);
      return t;
    };
    const net: NetTensors = {
      config: this.net.config,
      hidden: this.net.hidden.map((h) => ({
        units: h.units,
        kernel: take(h.kernel, false)!,
        bias: take(h.bias, true)!,
        gamma: take(h.gamma, true),
        beta: take(h.beta, true),
        movingMean: take(h.movingMean, true),
        movingVariance: take(h.movingVariance, true),
        preluAlpha: take(h.preluAlpha, true),
      })),
      outKernel: take(this.net.outKernel, false)!,
      outBias: take(this.net.outBias, true)!,
    };
    return { net, release: () => tf.dispose(made) };
  }

  /** Loss and accuracy of each run in the stack on a whole split (inference mode). */
  evaluate(split: 'train' | 'val'): { loss: number; accuracy: number | null }[] {
    return this.active.map((member, position) => {
      const { net, release } = this.runNet(position);
      try {
        return evaluateRun(net, member.data, split);
      } finally {
        release();
      }
    });
  }

  /**
   * The probe measurement of every hidden layer of each run in the stack: one forward pass over the
   * probe set gives the pre-activations and activations, one backward pass the kernels' gradients
   * (batch norm in inference mode), and each layer's values are read back in one piece.
   */
  measure(): LayerMetrics[][] {
    return this.measureWithLoss().map((m) => m.layers);
  }

  /** measure(), with each run's loss and accuracy on its probe set. */
  private measureWithLoss(): ProbeResult[] {
    return this.active.map((member, position) => {
      const { net, release } = this.runNet(position);
      const own = !this.stacked && this.probeX && this.probeY;
      const x = own ? this.probeX! : tf.tensor2d(member.probeInputs, [member.probeIndices.length, member.data.inputSize]);
      const y = own ? this.probeY! : tf.tensor2d(member.probeTargets, [member.probeIndices.length, member.data.outputSize]);
      try {
        return probeRun(net, x, y, member);
      } finally {
        if (!own) tf.dispose([x, y]);
        release();
      }
    });
  }

  /**
   * One optimizer step of every run in the stack on its rows `start`…`start + size` of this epoch's
   * order (batch norm in training mode, its moving statistics updated). Returns each run's batch
   * loss (before the step) and correct count.
   */
  private step(start: number, size: number): { loss: Float32Array; correct: Float32Array | null } {
    const runs = this.active;
    const first = runs[0].data;
    const rows = runs.map((m) => rowsOf(m.data, 'train', m.order, start, size));
    const x = this.batchTensor(rows.map((r) => r.x), size, first.inputSize);
    const y = this.batchTensor(rows.map((r) => r.y), size, first.outputSize);
    const [lossT, correctT] = tf.tidy(() => {
      const pass = forwardPass(this.net, x, true, false);
      const scale = this.rule.foldsLearningRate ? this.negLearningRate : 1;
      const { loss, dOutput } = lossAndGradient(pass.output, y, first.task, scale);
      const correct = this.classification ? correctCount(pass.output, y) : null;
      const grads = backwardPass(this.net, pass, dOutput!, true);
      this.update.apply(this.trainable, gradientList(this.net, grads), this.learningRate, this.momentum);
      this.net.hidden.forEach((layer, l) => {
        if (!layer.movingMean || !layer.movingVariance) return;
        const next = movingStatistics(layer, pass.layers[l], size);
        layer.movingMean.assign(next.mean);
        layer.movingVariance.assign(next.variance);
      });
      return correct ? [loss, correct] : [loss];
    });
    const loss = lossT.dataSync() as Float32Array;
    const correct = correctT ? (correctT.dataSync() as Float32Array) : null;
    tf.dispose([x, y, lossT, ...(correctT ? [correctT] : [])]);
    return { loss, correct };
  }

  /** Ends runs (in the stack) with their artifacts from the current weights. */
  private finish(ends: { member: MemberState; status: RunOutcome; reason: string | null }[]): void {
    if (ends.length === 0) return;
    const values = networkValues(this.net);
    const { config, data } = this.members[0];
    this.layout ??= new ArtifactLayout(config.model, data.inputSize, data.outputSize, data.task);
    for (const { member, status, reason } of ends) {
      const position = this.active.indexOf(member);
      const artifacts = this.layout.write(values[position], member.probeIndices, member.probeInputs);
      member.result = { status, reason, epochs: member.epochs, artifacts };
    }
    for (const { member } of ends) member.hooks.onEnd?.(member.result!);
  }

  /** Cancels the runs whose hook says so; true when none is left. */
  private cancelRequested(): boolean {
    this.finish(this.active.filter((m) => m.hooks.shouldStop?.()).map((member) => ({ member, status: 'cancelled' as const, reason: null })));
    this.narrow();
    return this.active.length === 0;
  }

  /**
   * Measures each run in the stack and reports it; runs whose measurement is not finite end diverged.
   * `train` null (epoch 0): the initial network's loss on the training split, which is the probe's
   * own loss when the probe set is the whole training split (its rows in order).
   */
  private record(epoch: number, train: { loss: number; accuracy: number | null }[] | null, seconds: number, started: number): void {
    const runs = this.active;
    const t0 = performance.now();
    const probed = this.measureWithLoss();
    const probeMs = performance.now() - t0;
    const layers = probed.map((p) => p.layers);
    const coversTraining = runs[0].probeIndices.length === runs[0].data.nTrain;
    train ??= coversTraining ? probed.map((p) => ({ loss: p.loss, accuracy: this.classification ? p.accuracy : null })) : this.evaluate('train');
    const val = runs[0].data.nVal > 0 ? this.evaluate('val') : null;
    const ends: Parameters<RunGroup['finish']>[0] = [];
    runs.forEach((member, i) => {
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: train[i].loss,
        trainAccuracy: train[i].accuracy,
        valLoss: val ? val[i].loss : null,
        valAccuracy: val ? val[i].accuracy : null,
        seconds,
        elapsedSeconds: (performance.now() - started) / 1000,
        probeMs,
        layers: layers[i],
      };
      member.epochs.push(metrics);
      member.hooks.onEpoch?.(metrics);
      const reason = divergenceReason(metrics);
      if (reason !== null) ends.push({ member, status: 'diverged', reason });
    });
    this.finish(ends);
    this.narrow();
  }

  /**
   * Runs the whole schedule, with each run's hooks (`hooks[i]` for `members[i]`). Never throws for
   * divergence: that is a result. Returns each run's result, in member order.
   */
  run(hooks: TrainHooks[] = []): TrainResult[] {
    this.members.forEach((m, i) => (m.hooks = hooks[i] ?? {}));
    const started = performance.now();
    const { training } = this.members[0].config;
    const n = this.members[0].data.nTrain;
    const batchSize = Math.min(training.batchSize, n);
    const batchesPerEpoch = Math.ceil(n / batchSize);
    train: {
      if (this.cancelRequested()) break train;
      this.record(0, null, 0, started);
      if (this.active.length === 0) break train;
      for (let epoch = 1; epoch <= training.epochs; epoch++) {
        const t0 = performance.now();
        for (const m of this.active) {
          m.order = m.shuffleRng.permutation(n);
          m.lossSum = 0;
          m.correctSum = 0;
        }
        for (let b = 0; b < batchesPerEpoch; b++) {
          if (this.cancelRequested()) break train;
          const start = b * batchSize;
          const size = Math.min(batchSize, n - start);
          const { loss, correct } = this.step(start, size);
          const ends: Parameters<RunGroup['finish']>[0] = [];
          this.active.forEach((m, i) => {
            if (correct) m.correctSum += correct[i];
            if (!Number.isFinite(loss[i])) {
              // Keep what was measured so far; the diverged epoch itself is not a measurement point.
              ends.push({ member: m, status: 'diverged', reason: `loss became ${loss[i]} in epoch ${epoch}, batch ${b + 1}` });
              return;
            }
            m.lossSum += loss[i] * size;
            m.hooks.onProgress?.((epoch - 1 + (b + 1) / batchesPerEpoch) / training.epochs);
          });
          this.finish(ends);
          this.narrow();
          if (this.active.length === 0) break train;
        }
        const seconds = (performance.now() - t0) / 1000;
        if (this.cancelRequested()) break train;
        const train = this.active.map((m) => ({ loss: m.lossSum / n, accuracy: this.classification ? m.correctSum / n : null }));
        this.record(epoch, train, seconds, started);
        if (this.active.length === 0) break train;
      }
      this.finish(this.active.map((member) => ({ member, status: 'completed' as const, reason: null })));
      this.narrow();
    }
    return this.members.map((m) => m.result!);
  }

  /**
   * A short trial for the divergence check (one run): up to `steps` optimizer steps over shuffled
   * batches, no measurements. Stops at the first non-finite batch loss, or when `shouldStop` says so.
   */
  trainSteps(steps: number, shouldStop?: () => boolean): { steps: number; divergedAtStep: number | null; lastLoss: number } {
    const member = this.active[0];
    const n = member.data.nTrain;
    return trialSteps(n, Math.min(member.config.training.batchSize, n), steps, {
      shuffle: () => (member.order = member.shuffleRng.permutation(n)),
      step: (start, size) => this.step(start, size).loss[0],
      shouldStop,
    });
  }

  dispose(): void {
    this.active = [];
    this.setRunTensors();
    for (const v of trainableVariables(this.net)) v.dispose();
    for (const h of this.net.hidden) tf.dispose([h.movingMean, h.movingVariance].filter((t): t is tf.Variable => t !== null));
    this.update.dispose();
  }
}

/**
 * The divergence check's trial loop: up to `steps` optimizer steps over shuffled batches of `n` rows
 * (`shuffle` starts a new pass, `step` trains one batch and returns its loss). Stops at the first
 * non-finite batch loss, or when `shouldStop` says so.
 */
export function trialSteps(
  n: number,
  batchSize: number,
  steps: number,
  run: { shuffle(): void; step(start: number, size: number): number; shouldStop?: () => boolean },
): { steps: number; divergedAtStep: number | null; lastLoss: number } {
  let done = 0;
  let lastLoss = NaN;
  while (done < steps) {
    run.shuffle();
    for (let start = 0; start < n && done < steps; start += batchSize) {
      if (run.shouldStop?.()) return { steps: done, divergedAtStep: null, lastLoss };
      lastLoss = run.step(start, Math.min(batchSize, n - start));
      done++;
      if (!Number.isFinite(lastLoss)) return { steps: done, divergedAtStep: done, lastLoss };
    }
  }
  return { steps: done, divergedAtStep: null, lastLoss };
}

/** One run's loss and accuracy on a whole split, in chunks of rows (inference mode). */
function evaluateRun(net: NetTensors, data: Dataset, split: 'train' | 'val'): { loss: number; accuracy: number | null } {
  const n = split === 'train' ? data.nTrain : data.nVal;
  const classification = data.task === 'classification';
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += EVAL_CHUNK) {
    const size = Math.min(EVAL_CHUNK, n - start);
    const rows = rowsOf(data, split, null, start, size);
    const [l, c] = tf.tidy(() => {
      const x = tf.tensor2d(rows.x, [size, data.inputSize]);
      const y = tf.tensor2d(rows.y, [size, data.outputSize]);
      const output = forwardPass(net, x, false, false).output;
      const { loss } = lossAndGradient(output, y, data.task, null);
      return [tf.mul(loss, size), classification ? correctCount(output, y) : tf.zerosLike(loss)];
    });
    lossSum += l.dataSync()[0];
    correct += c.dataSync()[0];
    tf.dispose([l, c]);
  }
  return { loss: lossSum / n, accuracy: classification ? correct / n : null };
}

interface ProbeResult {
  layers: LayerMetrics[];
  /** Mean loss and accuracy (0 for regression) on the probe set. */
  loss: number;
  accuracy: number;
}

/** One run's probe measurement (see RunGroup.measure). */
function probeRun(net: NetTensors, x: tf.Tensor, y: tf.Tensor, member: MemberState): ProbeResult {
  const { probe } = member.config;
  const n = member.probeIndices.length;
  const classification = member.data.task === 'classification';
  const [summary, ...layerValues] = tf.tidy(() => {
    const pass = forwardPass(net, x, false, true);
    const { loss, dOutput } = lossAndGradient(pass.output, y, member.data.task, 1);
    const correct = classification ? correctCount(pass.output, y) : tf.zerosLike(loss);
    const grads = backwardPass(net, pass, dOutput!, false, true);
    const flat = (t: tf.Tensor) => tf.reshape(t, [-1]);
    return [
      tf.stack([loss, correct]),
      ...net.hidden.map((h, l) => {
        const parts = [pass.layers[l].z!, pass.layers[l].a, grads.hidden[l].kernel];
        if (h.preluAlpha) parts.push(h.preluAlpha);
        return tf.concat(parts.map(flat));
      }),
    ];
  });
  const [loss, correct] = summary.dataSync();
  summary.dispose();
  const layers = net.hidden.map((h, l) => {
    const row = layerValues[l].dataSync() as Float32Array;
    layerValues[l].dispose();
    const units = h.units;
    const values = n * units;
    const kernelSize = (l === 0 ? member.data.inputSize : net.hidden[l - 1].units) * units;
    const norm = l2norm(row.subarray(2 * values, 2 * values + kernelSize));
    return measureLayer({
      layer: l,
      n,
      units,
      preActs: row.subarray(0, values),
      acts: row.subarray(values, 2 * values),
      dormantThreshold: probe.dormantThreshold,
      histogramBins: probe.histogramBins,
      // A NaN or infinite gradient is reported as NaN.
      gradNorm: Number.isFinite(norm) ? norm : NaN,
      preluAlphas: h.preluAlpha ? row.slice(2 * values + kernelSize) : null,
    });
  });
  return { layers, loss, accuracy: correct / n };
}

/** The gradients in the order of trainableVariables(net). */
function gradientList(net: Network, grads: Grads): tf.Tensor[] {
  const list: tf.Tensor[] = [];
  net.hidden.forEach((h, l) => {
    const g = grads.hidden[l];
    list.push(g.kernel, g.bias!);
    if (h.gamma && h.beta) list.push(g.gamma!, g.beta!);
    if (h.preluAlpha) list.push(g.preluAlpha!);
  });
  list.push(grads.outKernel, grads.outBias!);
  return list;
}

/**
 * Rows of a split as row-major arrays: inputs, and targets (one-hot for classification). `order`
 * picks rows `order[start…start + size)`; null takes rows `start…start + size` in place.
 */
export function rowsOf(data: Dataset, split: 'train' | 'val', order: Int32Array | null, start: number, size: number): { x: Float32Array; y: Float32Array } {
  const xs = split === 'train' ? data.xTrain : data.xVal;
  const ys = split === 'train' ? data.yTrain : data.yVal;
  const k = data.inputSize;
  const o = data.outputSize;
  const x = new Float32Array(size * k);
  const y = new Float32Array(size * o);
  const classification = data.task === 'classification';
  for (let i = 0; i < size; i++) {
    const r = order ? order[start + i] : start + i;
    x.set(xs.subarray(r * k, (r + 1) * k), i * k);
    if (classification) y[i * o + ys[r]] = 1;
    else y.set(ys.subarray(r * o, (r + 1) * o), i * o);
  }
  return { x, y };
}

/** The first hidden layer whose pre-activations were not finite at this measurement (its deadFraction is NaN). */
export function nonFiniteLayer(metrics: EpochMetrics): number | null {
  const layer = metrics.layers.find((l) => Number.isNaN(l.deadFraction));
  return layer ? layer.layer : null;
}

/**
 * Why a measurement ends its run as diverged, or null: a layer's pre-activations are not finite (the
 * last step of an epoch can overflow the weights although every batch loss was finite), the initial
 * loss is not finite, or the validation loss became non-finite.
 */
export function divergenceReason(metrics: EpochMetrics): string | null {
  const { epoch } = metrics;
  const broken = nonFiniteLayer(metrics);
  if (broken !== null) return nonFiniteReason(broken, epoch);
  if (epoch === 0 && !Number.isFinite(metrics.trainLoss)) return `loss is ${metrics.trainLoss} at initialization`;
  if (epoch > 0 && metrics.valLoss !== null && !Number.isFinite(metrics.valLoss)) return `validation loss became ${metrics.valLoss} after epoch ${epoch}`;
  return null;
}

export function nonFiniteReason(layer: number, epoch: number): string {
  const when = epoch === 0 ? 'at initialization (epoch 0)' : `after epoch ${epoch}`;
  return `the pre-activations of layer ${layer + 1} became NaN or ±Infinity ${when}`;
}

/** One run's training (the interface the lab, the quick check and the tests use). */
export class Trainer {
  private readonly group: RunGroup;

  constructor(
    readonly config: RunConfig,
    readonly seed: number,
    readonly data: Dataset,
  ) {
    this.group = new RunGroup([{ config, seed, data }], { stacked: false });
  }

  /** The run's network: its variables are the weights being trained. */
  get net(): Network {
    return this.group.net;
  }

  get probeIndices(): number[] {
    return this.group.members[0].probeIndices;
  }

  /** Probe measurement of every hidden layer (pre-activations, activations, gradient norms). */
  measure(): LayerMetrics[] {
    return this.group.measure()[0];
  }

  /** Loss and accuracy of a whole split in inference mode. */
  evaluate(split: 'train' | 'val'): { loss: number; accuracy: number | null } {
    return this.group.evaluate(split)[0];
  }

  /** Runs the whole schedule. Never throws for divergence: that is a result. */
  run(hooks: TrainHooks = {}): TrainResult {
    return this.group.run([hooks])[0];
  }

  trainSteps(steps: number, shouldStop?: () => boolean): { steps: number; divergedAtStep: number | null; lastLoss: number } {
    return this.group.trainSteps(steps, shouldStop);
  }

  dispose(): void {
    this.group.dispose();
  }
}

/** Trains one run start to finish (with its kind of trainer, see createTrainer) and frees its tensors. */
export function trainRun(config: RunConfig, seed: number, data: Dataset, hooks: TrainHooks = {}): TrainResult {
  const trainer = createTrainer(config, seed, data);
  try {
    return trainer.run(hooks);
  } finally {
    trainer.dispose();
  }
}
