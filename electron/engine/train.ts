/**
 * The training loop. Observation (the probe, logging, cancel, divergence) plugs in through hooks
 * (outcome.ts); the probe is measured at epoch 0 (before any update) and after every epoch.
 *
 * One loop serves one run (`Trainer`) and runs that share an architecture (`RunGroup` with `stacked`):
 * their tensors form one stack (stack.ts) and every step is one batched computation for all of them,
 * while each run is measured on its own (measure.ts), reported through its own hooks and ends on its
 * own: a run that diverges or is cancelled leaves the stack at once.
 */
import type { RunConfig } from '../../shared/config.js';
import type { EpochMetrics, LayerMetrics } from '../../shared/metrics.js';
import type { Dataset } from './types.js';
import { networkValues, type Network } from './model.js';
import { ArtifactLayout } from './artifacts.js';
import { createTrainer } from './autodiff-train.js';
import { evaluateRun, probeRuns, type ProbeResult } from './measure.js';
import { enterEpochTask, memberState, RunStack, type MemberState } from './stack.js';
import { trialSteps, type TrialResult } from './trial.js';
import { divergenceReason, type GroupMember, type RunOutcome, type TrainHooks, type TrainResult } from './outcome.js';

type RunEnd = { member: MemberState; status: RunOutcome; reason: string | null };

/**
 * Runs trained together. `stacked` false: exactly one run, trained on its own network. `stacked`
 * true: any number of runs that pass `stackProblem` (stack.ts).
 */
export class RunGroup {
  readonly members: readonly MemberState[];
  private readonly stack: RunStack;
  private readonly classification: boolean;
  private layout: ArtifactLayout | null = null;

  /** `probeGroupValues`: the memory bound of one probe pass over stacked runs (see RunStack.probeGroups). */
  constructor(members: GroupMember[], options: { stacked: boolean; probeGroupValues?: number }) {
    this.members = members.map(memberState);
    this.stack = new RunStack(this.members, options.stacked, options.probeGroupValues);
    this.classification = members[0].data.task === 'classification';
  }

  /** The group's network (a single run's own variables when not stacked). */
  get net(): Network {
    return this.stack.net;
  }

  private get active(): readonly MemberState[] {
    return this.stack.active;
  }

  /** Every run's result so far; a run still training has none. */
  results(): (TrainResult | null)[] {
    return this.members.map((m) => m.result);
  }

  /** Loss and accuracy of each run in the stack on a whole split (inference mode). */
  evaluate(split: 'train' | 'val'): { loss: number; accuracy: number | null }[] {
    return this.active.map((member, position) => {
      const { net, release } = this.stack.runNet(position);
      try {
        return evaluateRun(net, member.data, split);
      } finally {
        release();
      }
    });
  }

  /** The probe measurement of every hidden layer of each run in the stack (see probeRuns). */
  measure(): LayerMetrics[][] {
    return this.measureWithLoss().map((m) => m.layers);
  }

  /** measure(), with each run's loss and accuracy on its probe set. */
  private measureWithLoss(): ProbeResult[] {
    const results: ProbeResult[] = [];
    for (const group of this.stack.probeGroups()) results.push(...probeRuns(group.net, group.x, group.y, group.runs));
    return results;
  }

  /** Ends runs (in the stack) with their artifacts from the current weights. */
  private finish(ends: RunEnd[]): void {
    if (ends.length === 0) return;
    const values = networkValues(this.stack.net);
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
    this.stack.narrow();
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
    // Unit interventions train one run alone: its units reset since the last measurement.
    const resets = this.stack.takeUnitsReset();
    if (resets) layers[0].forEach((layer, l) => (layer.unitsReset = resets[l]));
    const coversTraining = runs[0].probeIndices.length === runs[0].data.nTrain;
    train ??= coversTraining ? probed.map((p) => ({ loss: p.loss, accuracy: this.classification ? p.accuracy : null })) : this.evaluate('train');
    const val = runs[0].data.nVal > 0 ? this.evaluate('val') : null;
    const ends: RunEnd[] = [];
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
        task: member.schedule ? member.schedule.task : null,
        layers: layers[i],
      };
      member.epochs.push(metrics);
      member.hooks.onEpoch?.(metrics);
      const reason = divergenceReason(metrics);
      if (reason !== null) ends.push({ member, status: 'diverged', reason });
    });
    this.finish(ends);
    this.stack.narrow();
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
        // In a task sequence, a new task starts with new data (and probe rows).
        const switched = this.active.map((m) => enterEpochTask(m, epoch)).some(Boolean);
        if (switched) this.stack.dataChanged();
        this.stack.beginEpoch(epoch);
        for (const m of this.active) {
          m.order = m.shuffleRng.permutation(n);
          m.lossSum = 0;
          m.correctSum = 0;
        }
        for (let b = 0; b < batchesPerEpoch; b++) {
          if (this.cancelRequested()) break train;
          const start = b * batchSize;
          const size = Math.min(batchSize, n - start);
          const { loss, correct } = this.stack.step(start, size);
          const ends: RunEnd[] = [];
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
          this.stack.narrow();
          if (this.active.length === 0) break train;
        }
        const seconds = (performance.now() - t0) / 1000;
        if (this.cancelRequested()) break train;
        const train = this.active.map((m) => ({ loss: m.lossSum / n, accuracy: this.classification ? m.correctSum / n : null }));
        this.record(epoch, train, seconds, started);
        if (this.active.length === 0) break train;
      }
      this.finish(this.active.map((member) => ({ member, status: 'completed' as const, reason: null })));
      this.stack.narrow();
    }
    return this.members.map((m) => m.result!);
  }

  /** A short trial for the divergence check (one run): up to `steps` optimizer steps, no measurements (see trial.ts). */
  trainSteps(steps: number, shouldStop?: () => boolean): TrialResult {
    const member = this.active[0];
    const n = member.data.nTrain;
    const batchSize = Math.min(member.config.training.batchSize, n);
    // The stack's step takes the rows of each run's current order.
    const step = (order: Int32Array, start: number, size: number) => {
      member.order = order;
      return this.stack.step(start, size).loss[0];
    };
    return trialSteps(steps, n, batchSize, member.shuffleRng, step, shouldStop);
  }

  dispose(): void {
    this.stack.dispose();
  }
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

  trainSteps(steps: number, shouldStop?: () => boolean): TrialResult {
    return this.group.trainSteps(steps, shouldStop);
  }

  dispose(): void {
    this.group.dispose();
  }
}

/** Trains one run start to finish and frees its tensors. */
export function trainRun(config: RunConfig, seed: number, data: Dataset, hooks: TrainHooks = {}): TrainResult {
  // Plain MLPs get this module's Trainer, other networks autodiff-train.ts' (which imports this module too).
  const trainer = createTrainer(config, seed, data);
  try {
    return trainer.run(hooks);
  } finally {
    trainer.dispose();
  }
}
