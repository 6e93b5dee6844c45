/**
 * The interventions of `training.interventions` (README.md): ReDo and continual backprop, which
 * re-initialize single hidden units of a plain MLP, and shrink-and-perturb, which moves every
 * parameter. They act on one run's network (never a stack: such runs train alone), between optimizer
 * steps, with seeded streams of their own (`Rng(seed, "interventions")` for the unit interventions,
 * `Rng(seed, "shrink-perturb")` for shrink and perturb), so a run is reproducible.
 *
 * Re-initializing unit j of hidden layer l (both unit interventions, as Sokar et al. 2023 and Dohare
 * et al. 2024 do it): its incoming weights (column j of the layer's kernel) are drawn again from the
 * layer's initializer (`model.init`, the layer's fans), its bias becomes 0, its outgoing weights (row j
 * of the next layer's kernel, or of the output kernel) become 0, and the optimizer state of all these
 * weights is set to 0. Batch-norm gains and offsets and PReLU slopes are left as they are.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig, RunConfig } from '../../shared/config.js';
import { initHiddenLayer, type Network } from './model.js';
import type { ParameterUpdate } from './optimizer.js';
import { dormantMask } from './probe.js';
import { Rng } from './rng.js';

type Interventions = NonNullable<RunConfig['training']['interventions']>;

/** What a unit intervention changes: the run's network, its trainable variables (in update order) and their optimizer. */
export interface UnitResetTarget {
  net: Network;
  trainable: readonly tf.Variable[];
  update: ParameterUpdate;
}

/**
 * ReDo and continual backprop of one run. `afterStep` is called after every optimizer step with the
 * mean |activation| of each hidden unit over that step's batch (from the step's own forward pass).
 */
export class UnitInterventions {
  private readonly counts: number[];
  private readonly rng: Rng;
  /** Continual backprop: per layer, each unit's age (steps since it was last re-initialized) and running utility. */
  private readonly ages: Float64Array[];
  private readonly utilities: Float64Array[];
  /** Continual backprop: per layer, the replacements owed but not yet made (the fractional remainder). */
  private readonly owed: number[];

  constructor(
    private readonly interventions: Interventions,
    private readonly model: ModelConfig,
    /** τ of ReDo when `redo.threshold` is not given (`probe.dormantThreshold`). */
    private readonly probeThreshold: number,
    widths: readonly number[],
    seed: number,
  ) {
    this.counts = widths.map(() => 0);
    this.rng = new Rng(seed, 'interventions');
    this.ages = widths.map((w) => new Float64Array(w));
    this.utilities = widths.map((w) => new Float64Array(w));
    this.owed = widths.map(() => 0);
  }

  /** The unit interventions of a run, or null when it has none. */
  static of(config: RunConfig, widths: readonly number[], seed: number): UnitInterventions | null {
    const interventions = config.training.interventions;
    if (!interventions || (!interventions.redo && !interventions.continualBackprop)) return null;
    return new UnitInterventions(interventions, config.model, config.probe.dormantThreshold, widths, seed);
  }

  /** Units re-initialized per hidden layer since the last call (the epoch's `unitsReset`). */
  takeCounts(): number[] {
    const out = [...this.counts];
    this.counts.fill(0);
    return out;
  }

  /**
   * After optimizer step `step` (0-based): ReDo every `everySteps` steps, continual backprop every step.
   * `meanAbsActs[l][j]`: unit j of hidden layer l's mean |activation| over the step's batch.
   */
  afterStep(step: number, meanAbsActs: readonly Float32Array[], target: UnitResetTarget): void {
    const { redo, continualBackprop } = this.interventions;
    if (continualBackprop) this.continualBackprop(continualBackprop, meanAbsActs, target);
    if (redo && (step + 1) % redo.everySteps === 0) {
      const threshold = redo.threshold ?? this.probeThreshold;
      meanAbsActs.forEach((scores, l) => {
        // A layer whose activations are not finite cannot be scored (the run is diverging).
        if (!scores.every(Number.isFinite)) return;
        const mask = dormantMask(scores, threshold);
        const units: number[] = [];
        mask.forEach((dormant, j) => dormant && units.push(j));
        if (units.length > 0) this.reset(l, units, target);
      });
    }
  }

  /**
   * Dohare et al. 2024, continual backprop: each unit's contribution utility |h|·Σ|w_out| (the step's
   * mean |activation| times the sum of its outgoing weights' magnitudes after the step) is averaged
   * with decay η and bias-corrected by its age, û = u / (1 − η^age); every step a layer owes
   * ρ × (its mature units, age > m) more replacements and replaces the whole number owed of its mature
   * units with the lowest û (ties: the lower index), which start again at age 0 and utility 0.
   */
  private continualBackprop(options: NonNullable<Interventions['continualBackprop']>, meanAbsActs: readonly Float32Array[], target: UnitResetTarget): void {
    const { replacementRate, maturityThreshold, decay } = options;
    const { net } = target;
    const outgoing = net.hidden.map((_, l) => {
      const next = l + 1 < net.hidden.length ? net.hidden[l + 1].kernel : net.outKernel;
      return tf.tidy(() => tf.sum(tf.abs(next), 1).dataSync() as Float32Array);
    });
    net.hidden.forEach((_, l) => {
      const ages = this.ages[l];
      const utilities = this.utilities[l];
      const mature: number[] = [];
      for (let j = 0; j < ages.length; j++) {
        ages[j] += 1;
        utilities[j] = decay * utilities[j] + (1 - decay) * meanAbsActs[l][j] * outgoing[l][j];
        if (ages[j] > maturityThreshold) mature.push(j);
      }
      this.owed[l] += replacementRate * mature.length;
      const count = Math.min(Math.floor(this.owed[l]), mature.length);
      if (count < 1) return;
      this.owed[l] -= count;
      const corrected = (j: number) => utilities[j] / (1 - decay ** ages[j]);
      const chosen = mature
        .map((j) => ({ j, u: corrected(j) }))
        .sort((a, b) => a.u - b.u || a.j - b.j)
        .slice(0, count)
        .map((c) => c.j)
        .sort((a, b) => a - b);
      for (const j of chosen) {
        ages[j] = 0;
        utilities[j] = 0;
      }
      this.reset(l, chosen, target);
    });
  }

  /** Re-initializes `units` (sorted) of hidden layer `l` (see the file's header). */
  private reset(l: number, units: readonly number[], target: UnitResetTarget): void {
    const { net, trainable, update } = target;
    const layer = net.hidden[l];
    const width = layer.units;
    const fanIn = layer.kernel.shape[0];
    const next = l + 1 < net.hidden.length ? net.hidden[l + 1].kernel : net.outKernel;
    const nextWidth = next.shape[1]!;
    const kernel = (layer.kernel.dataSync() as Float32Array).slice();
    const bias = (layer.bias.dataSync() as Float32Array).slice();
    const outgoing = (next.dataSync() as Float32Array).slice();
    const elements = { kernel: [] as number[], bias: [] as number[], outgoing: [] as number[] };
    for (const j of units) {
      // One unit's column, drawn with the layer's fans; RAI draws the bias with it, other inits leave it at 0.
      const fresh = initHiddenLayer(this.model, fanIn, width, this.rng, 1);
      for (let i = 0; i < fanIn; i++) {
        kernel[i * width + j] = fresh.kernel[i];
        elements.kernel.push(i * width + j);
      }
      bias[j] = this.model.init === 'rai' ? fresh.bias[0] : 0;
      elements.bias.push(j);
      for (let k = 0; k < nextWidth; k++) {
        outgoing[j * nextWidth + k] = 0;
        elements.outgoing.push(j * nextWidth + k);
      }
    }
    tf.tidy(() => {
      layer.kernel.assign(tf.tensor(kernel, layer.kernel.shape));
      layer.bias.assign(tf.tensor(bias, layer.bias.shape));
      next.assign(tf.tensor(outgoing, next.shape));
    });
    const index = (v: tf.Variable) => {
      const i = trainable.indexOf(v);
      if (i < 0) throw new Error('unit reset: a parameter is not among the trainable variables');
      return i;
    };
    update.zeroState(
      new Map([
        [index(layer.kernel), elements.kernel],
        [index(layer.bias), elements.bias],
        [index(next), elements.outgoing],
      ]),
    );
    this.counts[l] += units.length;
  }
}

/**
 * Ash & Adams 2020, shrink and perturb: every parameter becomes w ← λ·w + σ·ε, ε ~ N(0, 1) drawn from
 * `rng` (parameter by parameter, element by element in order). The optimizer state is kept.
 */
export function shrinkAndPerturb(params: readonly tf.Variable[], shrink: number, noise: number, rng: Rng): void {
  for (const p of params) {
    const values = p.dataSync() as Float32Array;
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = shrink * values[i] + noise * rng.normal();
    tf.tidy(() => p.assign(tf.tensor(out, p.shape)));
  }
}

/** Whether shrink-and-perturb runs before the first step of `epoch` (1-based): after every `everyEpochs`-th epoch. */
export function shrinksBefore(epoch: number, everyEpochs: number): boolean {
  return epoch > 1 && (epoch - 1) % everyEpochs === 0;
}
