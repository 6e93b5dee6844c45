/**
 * Applies an update rule (mlp.ts) to a network's trainable variables and keeps the optimizer state.
 *
 * Rules with state (Adam, RMSProp) on small networks update every parameter at once: the values and
 * gradients are concatenated into one flat vector (per run of a stack), updated with one pass of the
 * rule's dozen element-wise operations, and split back, instead of running the rule once per
 * parameter: a 9-layer network has 20 parameters, so this turns ~260 kernel calls per step into ~60.
 * Large networks update per parameter (splitting a large vector costs more than it saves).
 */
import * as tf from '@tensorflow/tfjs';
import type { PerRun, UpdateRule } from './mlp.js';

/** Networks with at most this many parameters per run update as one flat vector (rules with state). */
const FLAT_UPDATE_MAX_PARAMETERS = 1 << 16;

export class ParameterUpdate {
  /** One entry per parameter (per-parameter mode) or one entry (flat mode), each with the rule's slots. */
  private slots: tf.Tensor[][];
  private readonly flat: boolean;
  private readonly stacked: boolean;
  /** Where each parameter starts in the flat vector (flat mode, one run). */
  private readonly offsets: number[];

  constructor(
    private readonly rule: UpdateRule,
    params: tf.Variable[],
    stacked: boolean,
  ) {
    this.stacked = stacked;
    const perRun = params.reduce((n, p) => n + p.size, 0) / (stacked ? params[0].shape[0] : 1);
    this.flat = rule.slots > 0 && perRun <= FLAT_UPDATE_MAX_PARAMETERS;
    this.offsets = [];
    let offset = 0;
    for (const p of params) {
      this.offsets.push(offset);
      offset += p.size;
    }
    if (rule.slots === 0) {
      this.slots = [];
    } else if (this.flat) {
      const shape = stacked ? [params[0].shape[0], perRun] : [perRun];
      this.slots = [Array.from({ length: rule.slots }, () => tf.zeros(shape))];
    } else {
      this.slots = params.map((p) => Array.from({ length: rule.slots }, () => tf.zerosLike(p)));
    }
  }

  /**
   * One update of `params` with `grads` (same order). The learning rate and momentum are numbers for
   * one run, S×1×1 tensors for a stack. Call inside tf.tidy: the new state is kept, the old freed.
   */
  apply(params: tf.Variable[], grads: tf.Tensor[], learningRate: PerRun, momentum: PerRun): void {
    this.rule.beginStep();
    if (!this.flat) {
      const next = params.map((p, i) => {
        const { value, slots } = this.rule.update(p, grads[i], this.slots[i] ?? [], learningRate, momentum);
        p.assign(value);
        return slots.map((s) => tf.keep(s));
      });
      this.replaceSlots(next);
      return;
    }
    const s = this.stacked ? params[0].shape[0] : 0;
    const flatten = (t: tf.Tensor) => (this.stacked ? tf.reshape(t, [s, -1]) : tf.reshape(t, [-1]));
    const axis = this.stacked ? 1 : 0;
    const values = tf.concat(params.map(flatten), axis);
    const gradient = tf.concat(grads.map(flatten), axis);
    // Per-run numbers of a stack broadcast over its S×P layout.
    const perRun = (v: PerRun) => (typeof v === 'number' ? v : tf.reshape(v, [s, 1]));
    const { value, slots } = this.rule.update(values, gradient, this.slots[0], perRun(learningRate), perRun(momentum));
    const parts = tf.split(value, params.map((p) => p.size / (this.stacked ? s : 1)), axis);
    params.forEach((p, i) => p.assign(tf.reshape(parts[i], p.shape)));
    this.replaceSlots([slots.map((t) => tf.keep(t))]);
  }

  /**
   * Sets the optimizer state (momentum, Adam's moments, RMSProp's averages) of some elements to zero,
   * as if they had never been updated: `elements[i]` are flat indices into parameter i (one run, not a
   * stack), for the units an intervention re-initializes. Adam's step count stays the network's.
   */
  zeroState(elements: ReadonlyMap<number, readonly number[]>): void {
    if (this.stacked) throw new Error('zeroState applies to one run, not a stack');
    if (this.slots.length === 0 || elements.size === 0) return;
    const zeroed = (slot: tf.Tensor, indices: Iterable<number>): tf.Tensor => {
      const values = (slot.dataSync() as Float32Array).slice();
      for (const i of indices) values[i] = 0;
      return tf.keep(tf.tensor(values, slot.shape));
    };
    const next = this.slots.map((slots, entry) =>
      slots.map((slot) => {
        if (this.flat) return zeroed(slot, [...elements].flatMap(([param, indices]) => indices.map((i) => this.offsets[param] + i)));
        const indices = elements.get(entry);
        return indices ? zeroed(slot, indices) : tf.keep(tf.clone(slot));
      }),
    );
    this.replaceSlots(next);
  }

  /** The optimizer state of parameter `index` (one run), one flat array per slot of the rule. */
  stateOf(index: number, size: number): Float32Array[] {
    if (this.slots.length === 0) return [];
    if (!this.flat) return this.slots[index].map((t) => (t.dataSync() as Float32Array).slice());
    return this.slots[0].map((t) => (t.dataSync() as Float32Array).slice(this.offsets[index], this.offsets[index] + size));
  }

  /** Keeps the state of the runs at `positions` of a stack (in that order), when others leave it. */
  keepRuns(positions: tf.Tensor1D): void {
    this.replaceSlots(this.slots.map((slots) => slots.map((t) => tf.keep(tf.gather(t, positions)))));
  }

  private replaceSlots(next: tf.Tensor[][]): void {
    for (const slots of this.slots) tf.dispose(slots);
    this.slots = next;
  }

  dispose(): void {
    this.replaceSlots([]);
  }
}
