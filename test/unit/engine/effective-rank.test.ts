/** The effective rank (Roy & Vetterli 2007) of a layer's representation, on hand-computed and constructed matrices. */
import { beforeAll, describe, expect, it } from 'vitest';
import { effectiveRank, effectiveRankOfEigenvalues, effectiveRankOfFloat32Gram, symmetricEigenvalues } from '../../../electron/engine/effective-rank.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { RunGroup } from '../../../electron/engine/train.js';
import { PreviousTrainer } from '../../../electron/engine/previous.js';
import type { Dataset } from '../../../electron/engine/types.js';
import { runConfig } from '../../../bench/workloads.js';
import { measureLayer } from '../../../electron/engine/probe.js';
import { measureConvLayer } from '../../../electron/engine/conv-probe.js';
import { Rng } from '../../../electron/engine/rng.js';

/** exp(entropy) of singular values, straight from the definition. */
function fromSingularValues(sigma: number[]): number {
  const total = sigma.reduce((a, b) => a + b, 0);
  return Math.exp(-sigma.filter((s) => s > 0).reduce((h, s) => h + (s / total) * Math.log(s / total), 0));
}

/** A rows × cols matrix U·diag(σ)·Vᵀ with orthonormal columns U, V (Gram–Schmidt on seeded normals). */
function withSingularValues(rows: number, cols: number, sigma: number[], seed: number): Float64Array {
  const rng = new Rng(seed, 'matrix');
  const orthonormal = (n: number, k: number) => {
    const q: number[][] = [];
    while (q.length < k) {
      const v = Array.from({ length: n }, () => rng.normal());
      for (const u of q) {
        const d = v.reduce((s, x, i) => s + x * u[i], 0);
        for (let i = 0; i < n; i++) v[i] -= d * u[i];
      }
      const norm = Math.hypot(...v);
      q.push(v.map((x) => x / norm));
    }
    return q;
  };
  const u = orthonormal(rows, sigma.length);
  const v = orthonormal(cols, sigma.length);
  const out = new Float64Array(rows * cols);
  sigma.forEach((s, k) => {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] += s * u[k][r] * v[k][c];
  });
  return out;
}

describe('effective rank', () => {
  it('a hand-computed case: diag(3, 1) has p = (3/4, 1/4)', () => {
    const expected = Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)));
    expect(effectiveRank([3, 0, 0, 1], 2, 2)).toBeCloseTo(expected, 12);
    // [[1, 1], [1, 1]] has one singular value (2): rank 1. The identity of size 3: rank 3.
    expect(effectiveRank([1, 1, 1, 1], 2, 2)).toBeCloseTo(1, 12);
    expect(effectiveRank([1, 0, 0, 0, 1, 0, 0, 0, 1], 3, 3)).toBeCloseTo(3, 12);
    // A column of zeros (a dead unit) adds nothing.
    expect(effectiveRank([3, 0, 0, 0, 1, 0], 2, 3)).toBeCloseTo(expected, 12);
  });

  it('k equal singular values give exactly k; other spectra give the definition’s value, tall or wide', () => {
    for (const k of [1, 2, 5]) expect(effectiveRank(withSingularValues(40, 12, Array(k).fill(2.5), k), 40, 12), `rank ${k}`).toBeCloseTo(k, 6);
    const sigma = [5, 3, 1, 0.5];
    const m = withSingularValues(30, 9, sigma, 7);
    expect(effectiveRank(m, 30, 9)).toBeCloseTo(fromSingularValues(sigma), 6);
    // Fewer rows than columns (the other Gram matrix): the same value.
    const wide = withSingularValues(6, 20, sigma, 8);
    expect(effectiveRank(wide, 6, 20)).toBeCloseTo(fromSingularValues(sigma), 6);
    // Scaling does not change it.
    expect(effectiveRank(m.map((x) => x * 1e3), 30, 9)).toBeCloseTo(fromSingularValues(sigma), 6);
  });

  it('a zero matrix has effective rank 0; a non-finite one NaN; an empty one 0', () => {
    expect(effectiveRank(new Float32Array(12), 4, 3)).toBe(0);
    expect(effectiveRank([1, NaN, 0, 1], 2, 2)).toBeNaN();
    expect(effectiveRank([1, Infinity, 0, 1], 2, 2)).toBeNaN();
    expect(effectiveRank([], 0, 5)).toBe(0);
    expect(effectiveRankOfEigenvalues([0, 0])).toBe(0);
    expect(() => effectiveRank([1, 2, 3], 2, 2)).toThrow(/expected 2×2 values, got 3/);
  });

  it('the eigenvalues of a symmetric matrix keep its trace and its Frobenius norm', () => {
    const rng = new Rng(3, 'symmetric');
    for (const n of [1, 2, 7, 60]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rng.normal();
      let trace = 0;
      let frobenius = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i];
      for (const x of a) frobenius += x * x;
      const eigen = symmetricEigenvalues(a.slice(), n);
      expect(eigen.reduce((s, x) => s + x, 0), `n ${n} trace`).toBeCloseTo(trace, 9);
      expect(eigen.reduce((s, x) => s + x * x, 0), `n ${n} Frobenius`).toBeCloseTo(frobenius, 8);
    }
  });

  it('the probe reports it for the activations (post-activation), NaN when the layer is not finite', () => {
    // Units as columns: unit 0 and 1 proportional activations, unit 2 dead.
    const z = new Float32Array([1, 2, -1, 2, 4, -1, 3, 6, -2]);
    const a = z.map((v) => Math.max(0, v));
    const input = { layer: 0, n: 3, units: 3, preActs: z, acts: a, dormantThreshold: 0.025, histogramBins: 4, gradNorm: null, preluAlphas: null, weightMagnitude: 0.5 };
    const m = measureLayer(input);
    expect(m.effectiveRank).toBeCloseTo(1, 9);
    expect(m.weightMagnitude).toBe(0.5);
    expect(measureLayer({ ...input, preActs: new Float32Array([NaN, 0, 0, 0, 0, 0, 0, 0, 0]) }).effectiveRank).toBeNaN();
  });

  it('a convolutional layer: of the (input, position) × channels matrix', () => {
    // 2 inputs × 2 positions × 2 channels (NHWC): channel 1 is twice channel 0 at every position, so rank 1.
    const acts = new Float32Array([1, 2, 0, 0, 3, 6, 0.5, 1]);
    const m = measureConvLayer({ layer: 0, n: 2, channels: 2, positions: 2, preActs: acts, acts, dormantThreshold: 0.025, histogramBins: 4, gradNorm: null, preluAlphas: null, weightMagnitude: 0.1 });
    expect(m.effectiveRank).toBeCloseTo(1, 9);
    const independent = new Float32Array([1, 0, 0, 1, 1, 0, 0, 1]);
    expect(measureConvLayer({ layer: 0, n: 2, channels: 2, positions: 2, preActs: independent, acts: independent, dormantThreshold: 0.025, histogramBins: 4, gradNorm: null, preluAlphas: null, weightMagnitude: 0.1 }).effectiveRank).toBeCloseTo(2, 9);
  });
});

/** An n × units layer f(xW + 0.1) on `inputs`-dimensional normal inputs, W normal / √inputs. */
function layer(rng: Rng, n: number, units: number, inputs: number, f: (z: number) => number): Float32Array {
  const w = Array.from({ length: inputs * units }, () => rng.normal() / Math.sqrt(inputs));
  const x = Array.from({ length: n * inputs }, () => rng.normal());
  const out = new Float32Array(n * units);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < units; j++) {
      let z = 0.1;
      for (let k = 0; k < inputs; k++) z += x[r * inputs + k] * w[k * units + j];
      out[r * units + j] = f(z);
    }
  }
  return out;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`effective rank from the backend's float32 Gram matrix (${backend})`, () => {
    beforeAll(async () => {
      expect((await initBackend(backend)).backend).toBe(backend);
    });

    /** ΦᵀΦ the way the probe computes it: an explicit transpose, then an untransposed product. */
    function backendGram(acts: Float32Array, n: number, units: number): Float32Array {
      return tf.tidy(() => {
        const a = tf.tensor2d(acts, [n, units]);
        return tf.matMul(tf.transpose(a), a).dataSync() as Float32Array;
      });
    }

    const relu = (z: number) => Math.max(0, z);
    it('gives the float64 value within 1e-6 (relative) on well-spread layers, dead units included', () => {
      const rng = new Rng(4, 'layers');
      const cases = [
        { name: 'relu, 200 inputs', units: 128, acts: layer(rng, 512, 128, 200, relu) },
        { name: 'relu, 10 inputs', units: 64, acts: layer(rng, 512, 64, 10, relu) },
        { name: 'tanh, 50 inputs', units: 64, acts: layer(rng, 256, 64, 50, Math.tanh) },
      ];
      const halfDead = layer(rng, 512, 128, 50, relu);
      for (let k = 0; k < halfDead.length; k += 2) halfDead[k] = 0;
      cases.push({ name: 'relu, every other unit dead', units: 128, acts: halfDead });
      for (const { name, units, acts } of cases) {
        const n = acts.length / units;
        const fast = effectiveRankOfFloat32Gram(backendGram(acts, n, units), units, n);
        const exact = effectiveRank(acts, n, units);
        expect(fast, name).not.toBeNull();
        expect(Math.abs(fast! - exact) / exact, name).toBeLessThan(1e-6);
      }
    });

    it('refuses nearly rank-deficient layers, where float32 round-off would change the value; the probe then computes it in float64', () => {
      const rng = new Rng(5, 'layers');
      // Proportional units (rank 1): float32 round-off alone would add spurious singular values.
      const [n, units] = [512, 128];
      const proportional = new Float32Array(n * units);
      for (let r = 0; r < n; r++) {
        const v = Math.abs(rng.normal());
        for (let j = 0; j < units; j++) proportional[r * units + j] = v * (1 + j / units);
      }
      const twoInputs = layer(rng, n, units, 2, relu);
      for (const acts of [proportional, twoInputs]) {
        const gram = backendGram(acts, n, units);
        expect(effectiveRankOfFloat32Gram(gram, units, n)).toBeNull();
        const probed = measureLayer({ layer: 0, n, units, preActs: acts, acts, dormantThreshold: 0.025, histogramBins: 4, gradNorm: null, preluAlphas: null, weightMagnitude: null, gram });
        expect(probed.effectiveRank).toBe(effectiveRank(acts, n, units));
      }
      expect(effectiveRank(proportional, n, units)).toBeCloseTo(1, 6);
    });

    it('the probe of wide layers (Gram matrix on the backend), alone and stacked, gives the float64 path’s values', () => {
      const config = runConfig({
        name: 'wide probe',
        dataset: { kind: 'blobs', features: 20, classes: 3, samples: 300, validationSplit: 0 },
        model: { widths: [48, 40], activation: 'relu', init: 'he_normal' },
        training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 50, epochs: 1 },
        probe: { samples: 200 },
      });
      const rng = new Rng(6, 'data');
      const n = 300;
      const data: Dataset = {
        task: 'classification', inputSize: 20, outputSize: 3, nTrain: n, nVal: 0, description: 'uniform inputs',
        xTrain: Float32Array.from({ length: n * 20 }, () => rng.next()), yTrain: Float32Array.from({ length: n }, () => rng.int(3)),
        xVal: new Float32Array(0), yVal: new Float32Array(0),
      };
      const group = new RunGroup([1, 2].map((seed) => ({ config, seed, data })), { stacked: true });
      const alone = new RunGroup([{ config, seed: 2, data }], { stacked: false });
      try {
        const stacked = group.measure();
        const single = alone.measure()[0];
        [1, 2].forEach((seed, r) => {
          const reference = new PreviousTrainer(config, seed, data);
          try {
            reference.measure().forEach((layer, l) => {
              expect(Math.abs(stacked[r][l].effectiveRank! - layer.effectiveRank!) / layer.effectiveRank!, `seed ${seed} layer ${l}`).toBeLessThan(1e-5);
            });
          } finally {
            reference.dispose();
          }
        });
        single.forEach((layer, l) => expect(Math.abs(layer.effectiveRank! - stacked[1][l].effectiveRank!) / layer.effectiveRank!).toBeLessThan(1e-5));
      } finally {
        group.dispose();
        alone.dispose();
      }
    });

    it('a zero Gram matrix gives 0, a non-finite one is left to the float64 path', () => {
      expect(effectiveRankOfFloat32Gram(new Float32Array(9), 3, 10)).toBe(0);
      expect(effectiveRankOfFloat32Gram(new Float32Array([1, 0, 0, Infinity]), 2, 10)).toBeNull();
      expect(() => effectiveRankOfFloat32Gram(new Float32Array(3), 2, 10)).toThrow(/expected 2×2 values, got 3/);
    });
  });
}
