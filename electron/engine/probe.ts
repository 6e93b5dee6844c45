/**
 * The dead-unit probe: turns one hidden layer's pre-activations and activations over the probe set
 * into the metrics defined in README.md ("Metrics"). Pure arithmetic on arrays, kept apart from
 * the optimizer step so it can be tested on hand-made numbers.
 */
import type { Histogram, LayerMetrics } from '../../shared/metrics.js';
import { effectiveRank, effectiveRankOfFloat32Gram } from './effective-rank.js';

export interface LayerProbeInput {
  layer: number;
  /** Probe inputs (rows). */
  n: number;
  units: number;
  /** n × units pre-activations z_j(x), row-major (after batch norm in inference mode when on). */
  preActs: Float32Array;
  /** n × units activations f(z_j(x)), row-major. */
  acts: Float32Array;
  /** τ of the dormant score. */
  dormantThreshold: number;
  histogramBins: number;
  gradNorm: number | null;
  preluAlphas: Float32Array | null;
  /** Mean |w| of the layer's incoming kernel (null when not measured). */
  weightMagnitude: number | null;
  /**
   * The activations' Gram matrix ΦᵀΦ (units × units) computed by the backend in float32, when the
   * caller has it (wide layers with n ≥ units); the effective rank then comes from it unless float32 round-off could
   * change the result (effective-rank.ts), else from `acts` in float64.
   */
  gram?: Float32Array | null;
}

/**
 * Measures one layer. A unit is dead when z ≤ 0 on every probe input.
 *
 * A layer whose pre-activations contain NaN or ±Infinity cannot be judged: NaN compares false with
 * 0, so it would look "never positive", i.e. dead. Such a layer reports NaN for deadFraction,
 * activeProbability, dormantFraction, preActMean and preActStd, and no unit is flagged dead in its
 * mask; the histogram still counts its finite values. (A NaN deadFraction therefore always means
 * non-finite pre-activations: the training loop ends such a run as diverged.) Its effectiveRank is NaN too.
 */
export function measureLayer(input: LayerProbeInput): LayerMetrics {
  const { n, units, preActs, acts } = input;
  if (preActs.length !== n * units || acts.length !== n * units) {
    throw new Error(`layer ${input.layer}: expected ${n}×${units} values, got ${preActs.length} pre-activations and ${acts.length} activations`);
  }
  const positive = new Uint32Array(units);
  const meanAbsAct = new Float64Array(units);
  let sum = 0;
  let sumSq = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let finiteCount = 0;
  const total = n * units;
  const finite = (z: number) => z - z === 0; // false for NaN and ±Infinity
  if (units <= 16) {
    // Narrow layers: one unit (a column of the row-major values) at a time, counters in locals.
    for (let j = 0; j < units; j++) {
      let unitPositive = 0;
      let unitAbs = 0;
      for (let k = j; k < total; k += units) {
        const z = preActs[k];
        if (z > 0) unitPositive++;
        const a = acts[k];
        unitAbs += a < 0 ? -a : a;
        if (finite(z)) {
          sum += z;
          sumSq += z * z;
          finiteCount++;
          if (z < lo) lo = z;
          if (z > hi) hi = z;
        }
      }
      positive[j] = unitPositive;
      meanAbsAct[j] = unitAbs;
    }
  } else {
    for (let row = 0; row < total; row += units) {
      for (let j = 0; j < units; j++) {
        const z = preActs[row + j];
        if (z > 0) positive[j]++;
        const a = acts[row + j];
        meanAbsAct[j] += a < 0 ? -a : a;
        if (finite(z)) {
          sum += z;
          sumSq += z * z;
          finiteCount++;
          if (z < lo) lo = z;
          if (z > hi) hi = z;
        }
      }
    }
  }

  const deadMask = new Uint8Array(units);
  let dead = 0;
  let activeCount = 0;
  for (let j = 0; j < units; j++) {
    if (positive[j] === 0) {
      deadMask[j] = 1;
      dead++;
    }
    activeCount += positive[j];
    meanAbsAct[j] = n > 0 ? meanAbsAct[j] / n : 0;
  }

  const nonFinite = n * units - finiteCount;
  const hist = histogram(preActs, input.histogramBins, lo, hi);
  if (nonFinite > 0) {
    return {
      layer: input.layer,
      units,
      deadFraction: NaN,
      activeProbability: NaN,
      dormantFraction: NaN,
      gradNorm: input.gradNorm,
      preActMean: NaN,
      preActStd: NaN,
      histogram: hist,
      deadMask: new Uint8Array(units),
      preluAlphas: input.preluAlphas,
      effectiveRank: NaN,
      weightMagnitude: input.weightMagnitude,
      unitsReset: null,
    };
  }

  const mean = finiteCount > 0 ? sum / finiteCount : 0;
  const variance = finiteCount > 0 ? Math.max(0, sumSq / finiteCount - mean * mean) : 0;

  return {
    layer: input.layer,
    units,
    deadFraction: units > 0 ? dead / units : 0,
    activeProbability: n * units > 0 ? activeCount / (n * units) : 0,
    dormantFraction: dormantFraction(meanAbsAct, input.dormantThreshold),
    gradNorm: input.gradNorm,
    preActMean: mean,
    preActStd: Math.sqrt(variance),
    histogram: hist,
    deadMask,
    preluAlphas: input.preluAlphas,
    effectiveRank: (input.gram && effectiveRankOfFloat32Gram(input.gram, units, n)) ?? effectiveRank(acts, n, units),
    weightMagnitude: input.weightMagnitude,
    unitsReset: null,
  };
}

/**
 * ReDo's dormant score (Sokar et al. 2023): a unit's mean |activation| divided by the layer's mean
 * of that score; dormant when ≤ τ. When every unit's score is 0 the whole layer is dormant.
 */
export function dormantFraction(meanAbsAct: ArrayLike<number>, threshold: number): number {
  const units = meanAbsAct.length;
  if (units === 0) return 0;
  let dormant = 0;
  for (const flag of dormantMask(meanAbsAct, threshold)) dormant += flag;
  return dormant / units;
}

/**
 * Per unit, 1 when it is dormant by ReDo's score (see dormantFraction): the probe counts them, ReDo
 * (interventions.ts) recycles them. A layer whose mean score is 0 or not finite is entirely dormant.
 */
export function dormantMask(meanAbsAct: ArrayLike<number>, threshold: number): Uint8Array {
  const units = meanAbsAct.length;
  const mask = new Uint8Array(units);
  let layerMean = 0;
  for (let j = 0; j < units; j++) layerMean += meanAbsAct[j];
  layerMean /= units;
  if (!(layerMean > 0) || !Number.isFinite(layerMean)) return mask.fill(1);
  for (let j = 0; j < units; j++) if (meanAbsAct[j] / layerMean <= threshold) mask[j] = 1;
  return mask;
}

/** Equal-width histogram over [lo, hi] of the finite values; an empty or constant range gets one centred bin set. */
export function histogram(values: Float32Array, bins: number, lo = Infinity, hi = -Infinity): Histogram {
  if (lo === Infinity || hi === -Infinity) {
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) return { lo: 0, hi: 0, counts: new Array<number>(bins).fill(0) };
  if (hi === lo) {
    // All values equal: spread a unit-wide range around them so the bins are well defined.
    lo -= 0.5;
    hi += 0.5;
  }
  const tally = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  const last = bins - 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) continue;
    const x = (v - lo) * scale;
    tally[x >= last ? last : x > 0 ? x | 0 : 0]++;
  }
  const counts = Array.from(tally);
  return { lo, hi, counts };
}

/** L2 norm of a flat array. */
export function l2norm(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}
