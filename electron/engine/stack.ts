/**
 * The tensors of runs that train together. One run (`stacked` false) trains on its own network; a
 * stack of runs that share an architecture has its weights stacked along a leading axis, so that every
 * step is one batched computation for all of them. Each run keeps its own seed, data, batch order,
 * probe set, learning rate and momentum; a run that ends leaves the stack (the others' tensors are
 * narrowed to the runs left), and nothing is ever summed across runs.
 *
 * Each step is the hand-written forward and backward pass of mlp.ts (no gradient tape), with the
 * batch's rows copied from the run's own arrays (one upload per batch, no gather or slice of a large
 * tensor: the wasm backend copies a whole tensor to slice it).
 */
import * as tf from '@tensorflow/tfjs';
import { layerWidths, usesTrainingOptions } from '../../shared/config.js';
import type { EpochMetrics } from '../../shared/metrics.js';
import { Rng } from './rng.js';
import { batchNormMomentum, initialValues, networkFromValues, trainableVariables, type Network } from './model.js';
import { backwardPass, correctCount, forwardPass, lossAndGradient, mapParameters, movingStatistics, updateRule, type Grads, type NetTensors, type PerRun, type UpdateRule } from './mlp.js';
import { ParameterUpdate } from './optimizer.js';
import { GradientOptions, usesGradientOptions } from './training-options.js';
import { shrinkAndPerturb, shrinksBefore, UnitInterventions } from './interventions.js';
import { rowsOf } from './rows.js';
import type { GroupMember, TrainHooks, TrainResult } from './outcome.js';
import { TaskSchedule } from './tasks.js';

/**
 * Why these runs cannot train as one stack (null when they can): they must share the network's
 * shape and kind (layer widths, activation and its slope, batch norm), the optimizer, batch size,
 * epochs and probe, and their data must have the same shape. Seeds, learning rates, momentum,
 * initializations and data values may differ.
 */
export function stackProblem(members: GroupMember[]): string | null {
  const [first, ...rest] = members;
  if (!first) return 'no runs';
  const alone = members.find((m) => usesTrainingOptions(m.config.training));
  if (rest.length > 0 && alone) return `run with seed ${alone.seed} uses training options or interventions, which train one run at a time`;
  const shape = (m: GroupMember) =>
    JSON.stringify({
      widths: layerWidths(m.config.model),
      activation: m.config.model.activation,
      leakyAlpha: m.config.model.activation === 'leaky_relu' ? m.config.model.leakyAlpha : null,
      batchNorm: m.config.model.batchNorm,
      batchNormMomentum: m.config.model.batchNormMomentum,
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

/**
 * Moves a run to the task of `epoch` (task sequences): its data and its probe rows become the task's.
 * True when the data changed (the stack's probe tensors must then be rebuilt, RunStack.dataChanged).
 */
export function enterEpochTask(member: MemberState, epoch: number): boolean {
  if (!member.schedule?.at(epoch)) return false;
  member.data = member.schedule.data;
  const { x, y } = rowsOf(member.data, 'train', Int32Array.from(member.probeIndices), 0, member.probeIndices.length);
  member.probeInputs = x;
  member.probeTargets = y;
  return true;
}

/** Default of the most values of one layer's pre-activations in one probe pass over stacked runs (32 MB). */
export const PROBE_GROUP_VALUES = 1 << 23;

/** A run's state while it trains with others. */
export interface MemberState extends GroupMember {
  readonly index: number;
  hooks: TrainHooks;
  readonly shuffleRng: Rng;
  /** The run's task sequence (null without one); `data` is then the current task's data. */
  readonly schedule: TaskSchedule | null;
  readonly probeIndices: number[];
  /** The probe rows of the current data (they change with the task). */
  probeInputs: Float32Array;
  probeTargets: Float32Array;
  readonly epochs: EpochMetrics[];
  result: TrainResult | null;
  /** This epoch's batch order. */
  order: Int32Array;
  lossSum: number;
  correctSum: number;
}

/**
 * A run's state before its first step: its probe set drawn and copied, its shuffle seeded, and in a
 * task sequence the data of the first task.
 */
export function memberState(m: GroupMember, index: number): MemberState {
  const tasks = m.config.training.tasks;
  const schedule = tasks ? new TaskSchedule(tasks, m.data) : null;
  const data = schedule ? schedule.data : m.data;
  const probeIndices = new Rng(m.seed, 'probe').sample(data.nTrain, Math.min(m.config.probe.samples, data.nTrain));
  const { x, y } = rowsOf(data, 'train', Int32Array.from(probeIndices), 0, probeIndices.length);
  return {
    ...m,
    data,
    schedule,
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
}

/**
 * The network, optimizer state and per-run tensors of the runs still training. `stacked` false:
 * exactly one run, on its own network (the variables of `net` are the run's, as tests and the
 * artifacts expect). `stacked` true: any number of runs that pass `stackProblem`.
 */
export class RunStack {
  readonly net: Network;
  private runs: MemberState[];
  private readonly classification: boolean;
  private readonly rule: UpdateRule;
  private readonly update: ParameterUpdate;
  /** Batch norm's moving-average momentum (the same for every run of a stack: `stackProblem` checks it). */
  private readonly batchNormMomentum: number;
  /** Per-run learning rate, −learning rate and momentum (numbers for one run, S×1×1 for a stack). */
  private learningRate: PerRun = 0;
  private negLearningRate: PerRun = 0;
  private momentum: PerRun = 0;
  private probeX: tf.Tensor | null = null;
  private probeY: tf.Tensor | null = null;
  private trainable: tf.Variable[];
  /** One run's optional training options and interventions (runs using them never train stacked). */
  private readonly options: GradientOptions | null = null;
  private readonly unitInterventions: UnitInterventions | null = null;
  private readonly shrinkRng: Rng | null = null;
  /** Optimizer steps taken so far. */
  private steps = 0;

  constructor(
    members: readonly MemberState[],
    readonly stacked: boolean,
    private readonly probeGroupValues = PROBE_GROUP_VALUES,
  ) {
    if (!stacked && members.length !== 1) throw new Error('an unstacked group trains exactly one run');
    const problem = stackProblem([...members]);
    if (problem) throw new Error(`these runs cannot train as one stack: ${problem}`);
    this.runs = [...members];
    const { inputSize, outputSize, task } = members[0].data;
    this.classification = task === 'classification';
    this.batchNormMomentum = batchNormMomentum(members[0].config.model);
    this.net = networkFromValues(
      members.map((m) => initialValues(m.config.model, inputSize, outputSize, m.seed)),
      stacked,
    );
    this.trainable = trainableVariables(this.net);
    this.rule = updateRule(members[0].config.training.optimizer, tf.backend().epsilon());
    this.update = new ParameterUpdate(this.rule, this.trainable, stacked);
    const { config, seed, data } = members[0];
    if (usesTrainingOptions(config.training)) {
      if (stacked) throw new Error('runs with training options or interventions train one at a time');
      const batches = Math.ceil(data.nTrain / Math.min(config.training.batchSize, data.nTrain));
      if (usesGradientOptions(config.training)) this.options = new GradientOptions(config.training, this.trainable, config.training.epochs * batches);
      this.unitInterventions = UnitInterventions.of(config, this.net.hidden.map((h) => h.units), seed);
      this.shrinkRng = new Rng(seed, 'shrink-perturb');
    }
    this.setRunTensors();
  }

  /** Units re-initialized per hidden layer since the last call (one run; null without a unit intervention). */
  takeUnitsReset(): number[] | null {
    return this.unitInterventions?.takeCounts() ?? null;
  }

  /** Before the first step of `epoch` (1-based): shrink and perturb, when it is due. */
  beginEpoch(epoch: number): void {
    const shrink = this.runs[0]?.config.training.interventions?.shrinkPerturb;
    if (!shrink || !this.shrinkRng || !shrinksBefore(epoch, shrink.everyEpochs)) return;
    shrinkAndPerturb(this.trainable, shrink.shrink, shrink.noise, this.shrinkRng);
  }

  /** The runs in the stack, in stack order. */
  get active(): readonly MemberState[] {
    return this.runs;
  }

  /** The per-run tensors of the runs in the stack (rebuilt when runs leave it). */
  private setRunTensors(): void {
    tf.dispose([this.probeX, this.probeY].filter((t): t is tf.Tensor => t !== null));
    for (const v of [this.learningRate, this.negLearningRate, this.momentum]) if (typeof v !== 'number') v.dispose();
    this.learningRate = this.negLearningRate = this.momentum = 0;
    this.probeX = this.probeY = null;
    const runs = this.runs;
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

  /** Rebuilds the per-run tensors after runs' data changed (a new task). */
  dataChanged(): void {
    this.setRunTensors();
  }

  /** Drops the runs that have a result from the stack. */
  narrow(): void {
    const left = this.runs.filter((m) => m.result === null);
    if (left.length === this.runs.length) return;
    if (this.stacked && left.length > 0) {
      const positions = tf.tensor1d(
        left.map((m) => this.runs.indexOf(m)),
        'int32',
      );
      const kept = mapParameters(this.net, (v) => {
        const rows = tf.tidy(() => tf.gather(v, positions));
        const next = tf.variable(rows, (v as tf.Variable).trainable);
        rows.dispose();
        v.dispose();
        return next;
      });
      kept.hidden.forEach((layer, l) => Object.assign(this.net.hidden[l], layer));
      this.net.outKernel = kept.outKernel;
      this.net.outBias = kept.outBias;
      this.net.stack = left.length;
      this.trainable = trainableVariables(this.net);
      this.update.keepRuns(positions);
      positions.dispose();
    }
    this.runs = left;
    this.setRunTensors();
  }

  /**
   * The run at `position` of the stack as one run's tensors (its slices of the stacked variables), or
   * the stack's own variables when it is not stacked (for evaluating a whole split, in chunks of rows).
   */
  runNet(position: number): { net: NetTensors; release(): void } {
    if (!this.stacked) return { net: this.net, release: () => undefined };
    const made: tf.Tensor[] = [];
    const net: NetTensors = {
      config: this.net.config,
      ...mapParameters(this.net, (v, vector) => {
        const t = tf.tidy(() => {
          const slice = tf.slice(v, [position, 0, 0], [1, -1, -1]);
          // A copy, not a reshaped view: the wasm backend reads a fused product's bias rank from the data.
          return tf.clone(vector ? tf.reshape(slice, [v.shape[2]!]) : tf.reshape(slice, [v.shape[1]!, v.shape[2]!]));
        });
        made.push(t);
        return t;
      }),
    };
    return { net, release: () => tf.dispose(made) };
  }

  /**
   * The runs of the stack in groups for the probe, each group's slice of the stacked variables and
   * its runs' probe sets (S × P × width), so that one pass measures them all; one group holding the
   * single run's own variables and probe set when not stacked. Groups are sized so that one layer's
   * pre-activations of a group stay under `probeGroupValues` values.
   */
  *probeGroups(): Generator<{ runs: MemberState[]; net: NetTensors; x: tf.Tensor; y: tf.Tensor }> {
    if (!this.stacked) {
      yield { runs: [...this.runs], net: this.net, x: this.probeX!, y: this.probeY! };
      return;
    }
    const { probeIndices, data } = this.runs[0];
    const widest = Math.max(...this.net.hidden.map((h) => h.units));
    const size = Math.max(1, Math.floor(this.probeGroupValues / (probeIndices.length * widest)));
    const p = probeIndices.length;
    for (let from = 0; from < this.runs.length; from += size) {
      const runs = this.runs.slice(from, from + size);
      const made: tf.Tensor[] = [];
      const net: NetTensors = {
        config: this.net.config,
        ...mapParameters(this.net, (v) => {
          if (runs.length === this.runs.length) return v;
          const t = tf.slice(v, [from, 0, 0], [runs.length, -1, -1]);
          made.push(t);
          return t;
        }),
      };
      const x = this.batchTensor(runs.map((m) => m.probeInputs), p, data.inputSize);
      const y = this.batchTensor(runs.map((m) => m.probeTargets), p, data.outputSize);
      made.push(x, y);
      try {
        yield { runs, net, x, y };
      } finally {
        tf.dispose(made);
      }
    }
  }

  /**
   * One optimizer step of every run in the stack on its rows `start`…`start + size` of this epoch's
   * order (batch norm in training mode, its moving statistics updated). Returns each run's batch
   * loss (before the step) and correct count.
   */
  step(start: number, size: number): { loss: Float32Array; correct: Float32Array | null } {
    const runs = this.runs;
    const first = runs[0].data;
    const rows = runs.map((m) => rowsOf(m.data, 'train', m.order, start, size));
    const x = this.batchTensor(rows.map((r) => r.x), size, first.inputSize);
    const y = this.batchTensor(rows.map((r) => r.y), size, first.outputSize);
    const options = this.options;
    const step = this.steps++;
    let activity: tf.Tensor[] = [];
    const [lossT, correctT] = tf.tidy(() => {
      const pass = forwardPass(this.net, x, true, false);
      // With options the gradient is adjusted before the learning rate applies, so SGD's is not folded.
      const fold = this.rule.foldsLearningRate && !options;
      const scale = fold ? this.negLearningRate : 1;
      const { loss, dOutput } = lossAndGradient(pass.output, y, first.task, scale);
      const correct = this.classification ? correctCount(pass.output, y) : null;
      const grads = backwardPass(this.net, pass, dOutput!, true);
      let list = gradientList(this.net, grads);
      let learningRate = this.learningRate;
      if (options) {
        const rate = options.learningRate(step);
        list = options.adjust(list, this.trainable);
        if (this.rule.foldsLearningRate) list = list.map((g) => tf.mul(g, -rate));
        learningRate = rate;
      }
      if (this.unitInterventions) activity = pass.layers.map((layer) => tf.keep(tf.mean(tf.abs(layer.a), 0)));
      this.update.apply(this.trainable, list, learningRate, this.momentum);
      this.net.hidden.forEach((layer, l) => {
        if (!layer.movingMean || !layer.movingVariance) return;
        const next = movingStatistics(layer, pass.layers[l], size, this.batchNormMomentum);
        layer.movingMean.assign(next.mean);
        layer.movingVariance.assign(next.variance);
      });
      return correct ? [loss, correct] : [loss];
    });
    const loss = lossT.dataSync() as Float32Array;
    const correct = correctT ? (correctT.dataSync() as Float32Array) : null;
    tf.dispose([x, y, lossT, ...(correctT ? [correctT] : [])]);
    if (this.unitInterventions) {
      const meanAbsActs = activity.map((t) => t.dataSync() as Float32Array);
      tf.dispose(activity);
      this.unitInterventions.afterStep(step, meanAbsActs, { net: this.net, trainable: this.trainable, update: this.update });
    }
    return { loss, correct };
  }

  dispose(): void {
    this.runs = [];
    this.setRunTensors();
    for (const v of trainableVariables(this.net)) v.dispose();
    for (const h of this.net.hidden) tf.dispose([h.movingMean, h.movingVariance].filter((t): t is tf.Variable => t !== null));
    this.update.dispose();
    this.options?.dispose();
  }
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
