import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { buildNetwork, disposeNetwork, forward, type Network } from '../../../electron/engine/model.js';
import { dormantFraction, histogram, l2norm, measureLayer, type LayerProbeInput } from '../../../electron/engine/probe.js';
import { Trainer } from '../../../electron/engine/train.js';
import type { Dataset } from '../../../electron/engine/types.js';

/** Row-major n × units from per-unit columns (easier to read in a test). */
function fromColumns(columns: number[][]): Float32Array {
  const n = columns[0].length;
  const out = new Float32Array(n * columns.length);
  columns.forEach((col, j) => col.forEach((v, i) => (out[i * columns.length + j] = v)));
  return out;
}

function probeInput(preActs: number[][], acts: number[][], extra: Partial<LayerProbeInput> = {}): LayerProbeInput {
  return {
    layer: 0,
    n: preActs[0].length,
    units: preActs.length,
    preActs: fromColumns(preActs),
    acts: fromColumns(acts),
    dormantThreshold: 0.025,
    histogramBins: 8,
    gradNorm: null,
    preluAlphas: null,
    weightMagnitude: null,
    ...extra,
  };
}

const relu = (col: number[]) => col.map((z) => Math.max(0, z));

describe('measureLayer on hand-made numbers', () => {
  // 4 probe inputs, 4 units:
  //   unit 0: never positive (0 counts as not positive) → dead
  //   unit 1: positive on 2 of 4 inputs, tiny activations → alive but dormant at τ = 0.025
  //   unit 2: positive on every input → alive
  //   unit 3: negative everywhere → dead
  const z = [
    [-1, 0, -3, -0.5],
    [0.01, -2, 0.01, -1],
    [1, 2, 0.5, 0.5],
    [-4, -4, -4, -4],
  ];
  const a = z.map(relu);

  it('counts dead units, the activity probability and the dead mask', () => {
    const m = measureLayer(probeInput(z, a, { layer: 3, gradNorm: 1.5 }));
    expect(m.layer).toBe(3);
    expect(m.units).toBe(4);
    expect(m.deadFraction).toBe(0.5);
    expect(Array.from(m.deadMask)).toEqual([1, 0, 0, 1]);
    // Positive entries: 0 + 2 + 4 + 0 of 16.
    expect(m.activeProbability).toBe(6 / 16);
    expect(m.gradNorm).toBe(1.5);
    expect(m.preluAlphas).toBeNull();
  });

  it('dormant fraction follows τ (ReDo: mean |activation| over the layer mean)', () => {
    // Mean |a| per unit: 0, 0.005, 1, 0 → layer mean 0.25125; unit 1 scores 0.0199.
    expect(measureLayer(probeInput(z, a, { dormantThreshold: 0.025 })).dormantFraction).toBe(0.75);
    expect(measureLayer(probeInput(z, a, { dormantThreshold: 0.01 })).dormantFraction).toBe(0.5);
    expect(measureLayer(probeInput(z, a, { dormantThreshold: 0 })).dormantFraction).toBe(0.5);
    // τ = 1: everything at or below the layer mean is dormant; only unit 2 (score 3.98) is not.
    expect(measureLayer(probeInput(z, a, { dormantThreshold: 1 })).dormantFraction).toBe(0.75);
  });

  it('pre-activation statistics and the histogram', () => {
    const m = measureLayer(probeInput(z, a, { histogramBins: 8 }));
    const flat = z.flat();
    const mean = flat.reduce((s, v) => s + v, 0) / flat.length;
    const std = Math.sqrt(flat.reduce((s, v) => s + (v - mean) ** 2, 0) / flat.length);
    expect(m.preActMean).toBeCloseTo(mean, 6);
    expect(m.preActStd).toBeCloseTo(std, 5);
    expect(m.histogram.lo).toBe(-4);
    expect(m.histogram.hi).toBe(2);
    expect(m.histogram.counts).toHaveLength(8);
    expect(m.histogram.counts.reduce((s, c) => s + c, 0)).toBe(16);
    // Bin width 0.75: the four -4s fall in bin 0, the maximum 2 in the last bin.
    expect(m.histogram.counts[0]).toBe(4);
    expect(m.histogram.counts[7]).toBe(1);
  });

  it('deadness is decided by the pre-activation, not the activation (leaky units)', () => {
    const leaky = z.map((col) => col.map((v) => (v > 0 ? v : 0.01 * v)));
    const m = measureLayer(probeInput(z, leaky));
    expect(Array.from(m.deadMask)).toEqual([1, 0, 0, 1]);
    expect(m.deadFraction).toBe(0.5);
    // Unit 3's leaky output has mean |a| 0.04: not dormant at τ = 0.025 relative to the layer.
    expect(m.dormantFraction).toBeLessThan(1);
  });

  it('a layer with every unit dead: dead and dormant fraction 1, activity 0', () => {
    const dead = [
      [-1, -2, -3],
      [0, 0, 0],
    ];
    const m = measureLayer(probeInput(dead, dead.map(relu)));
    expect(m.deadFraction).toBe(1);
    expect(m.dormantFraction).toBe(1);
    expect(m.activeProbability).toBe(0);
    expect(Array.from(m.deadMask)).toEqual([1, 1]);
  });

  it('one positive probe input is enough to be alive', () => {
    const m = measureLayer(probeInput([[-5, -5, -5, 1e-6]], [[0, 0, 0, 1e-6]]));
    expect(m.deadFraction).toBe(0);
    expect(m.activeProbability).toBe(0.25);
  });

  it('a layer with non-finite pre-activations is not judged: NaN metrics, no unit flagged dead, finite values still in the histogram', () => {
    const z = [
      [1, NaN, 3, Infinity],
      [-1, -2, -3, -4],
    ];
    const m = measureLayer(probeInput(z, z.map(relu), { histogramBins: 4, gradNorm: NaN }));
    for (const key of ['deadFraction', 'activeProbability', 'dormantFraction', 'preActMean', 'preActStd'] as const) expect(m[key], key).toBeNaN();
    expect(m.gradNorm).toBeNaN();
    expect(Array.from(m.deadMask)).toEqual([0, 0]);
    // The histogram still shows the finite values (6 of 8) over their range.
    expect(m.histogram.counts.reduce((s, c) => s + c, 0)).toBe(6);
    expect(m.histogram.lo).toBe(-4);
    expect(m.histogram.hi).toBe(3);
  });

  it('a layer whose pre-activations are all NaN is not reported as dead with mean 0', () => {
    const z = [
      [NaN, NaN, NaN],
      [NaN, NaN, NaN],
    ];
    const m = measureLayer(probeInput(z, z));
    expect(m.deadFraction).toBeNaN();
    expect(m.preActMean).toBeNaN();
    expect(m.preActStd).toBeNaN();
    expect(Array.from(m.deadMask)).toEqual([0, 0]);
    expect(m.histogram.counts.every((c) => c === 0)).toBe(true);
  });

  it('rejects arrays of the wrong size', () => {
    const input = probeInput(z, a);
    expect(() => measureLayer({ ...input, n: 5 })).toThrow(/layer 0: expected 5×4 values, got 16 pre-activations and 16 activations/);
  });
});

describe('probe helpers', () => {
  it('dormantFraction', () => {
    expect(dormantFraction([0, 0, 0], 0.025)).toBe(1);
    expect(dormantFraction([1, 1, 1, 1], 0.025)).toBe(0);
    expect(dormantFraction([1, 0.01, 2, 0], 0.025)).toBe(0.5);
    expect(dormantFraction([], 0.025)).toBe(0);
  });

  it('histogram of constant values spreads a unit range around them', () => {
    const h = histogram(Float32Array.from([2, 2, 2]), 4);
    expect(h.lo).toBe(1.5);
    expect(h.hi).toBe(2.5);
    expect(h.counts.reduce((s, c) => s + c, 0)).toBe(3);
    expect(histogram(new Float32Array(0), 3)).toEqual({ lo: 0, hi: 0, counts: [0, 0, 0] });
  });

  it('l2norm', () => {
    expect(l2norm([3, 4])).toBe(5);
    expect(l2norm([])).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// A real network with hand-set weights: which units are dead is known exactly.

function runConfig(model: Record<string, unknown>): RunConfig {
  const result = validateExperiment({
    name: 'probe',
    dataset: { kind: 'moons', samples: 64 },
    model,
    training: { learningRate: 0.1, epochs: 1 },
    probe: { samples: 32, histogramBins: 8 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

/** 40 training inputs in [-1, 1]², labels by the sign of x0. */
function handData(): Dataset {
  const n = 40;
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i * 2] = Math.sin(i * 1.7);
    x[i * 2 + 1] = Math.cos(i * 0.9);
    y[i] = x[i * 2] > 0 ? 1 : 0;
  }
  return { task: 'classification', inputSize: 2, outputSize: 2, xTrain: x, yTrain: y, xVal: x.slice(0, 8), yVal: y.slice(0, 4), nTrain: n, nVal: 4, description: 'hand-made' };
}

/**
 * Layer 0 (2 → 4): small weights (|w·x| < 0.5), biases −100, +100, 5, −100 → units 0 and 3 dead.
 * Layer 1 (4 → 3): zero kernel, biases 1, −1, 0 → z equals the bias: unit 1 dead, and unit 2 (z = 0 exactly) dead too.
 */
function setHandWeights(net: Network): void {
  const [h0, h1] = net.hidden;
  h0.kernel.assign(tf.tensor2d([0.1, -0.2, 0.3, 0.1, -0.1, 0.2, -0.3, 0.1], [2, 4]));
  h0.bias.assign(tf.tensor1d([-100, 100, 5, -100]));
  h1.kernel.assign(tf.zeros([4, 3]));
  h1.bias.assign(tf.tensor1d([1, -1, 0]));
}

describe('a hand-weighted network', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const toDispose: { dispose(): void }[] = [];
  afterEach(() => {
    for (const d of toDispose.splice(0)) d.dispose();
  });

  it('Trainer.measure() reports exactly the units made dead', () => {
    const trainer = new Trainer(runConfig({ widths: [4, 3], activation: 'relu' }), 1, handData());
    toDispose.push(trainer);
    setHandWeights(trainer.net);
    const layers = trainer.measure();
    expect(layers).toHaveLength(2);
    expect(Array.from(layers[0].deadMask)).toEqual([1, 0, 0, 1]);
    expect(layers[0].deadFraction).toBe(0.5);
    expect(Array.from(layers[1].deadMask)).toEqual([0, 1, 1]);
    expect(layers[1].deadFraction).toBeCloseTo(2 / 3, 10);
    // Layer 1's pre-activations are exactly its biases on every probe input.
    expect(layers[1].activeProbability).toBeCloseTo(1 / 3, 10);
    expect(layers[1].preActMean).toBeCloseTo(0, 6);
    for (const l of layers) {
      expect(l.histogram.counts.reduce((s, c) => s + c, 0)).toBe(32 * l.units);
      expect(l.gradNorm).not.toBeNull();
      expect(Number.isFinite(l.gradNorm)).toBe(true);
    }
    // The probe set is 32 distinct training rows.
    expect(new Set(trainer.probeIndices).size).toBe(32);
  });

  it('forward + measureLayer agree with the trainer', () => {
    const net = buildNetwork(runConfig({ widths: [4, 3], activation: 'relu' }).model, 2, 2, 7);
    toDispose.push({ dispose: () => disposeNetwork(net) });
    setHandWeights(net);
    const data = handData();
    const x = tf.tensor2d(data.xTrain, [data.nTrain, 2]);
    const f = forward(net, x, false);
    const measured = net.hidden.map((h, l) =>
      measureLayer({
        layer: l,
        n: data.nTrain,
        units: h.units,
        preActs: f.preActs[l].dataSync() as Float32Array,
        acts: f.acts[l].dataSync() as Float32Array,
        dormantThreshold: 0.025,
        histogramBins: 8,
        gradNorm: null,
        preluAlphas: null,
        weightMagnitude: null,
      }),
    );
    tf.dispose([x, f.output, ...f.preActs, ...f.acts]);
    expect(Array.from(measured[0].deadMask)).toEqual([1, 0, 0, 1]);
    expect(Array.from(measured[1].deadMask)).toEqual([0, 1, 1]);
    // Dead units have zero activation, so they are dormant too; unit 2 (≈ 5 against a layer mean ≈ 26) is not.
    expect(measured[0].dormantFraction).toBe(0.5);
  });

  it('a leaky or PReLU unit with z ≤ 0 everywhere is dead by the same rule, and slopes are reported', () => {
    for (const activation of ['leaky_relu', 'prelu'] as const) {
      const trainer = new Trainer(runConfig({ widths: [4, 3], activation }), 1, handData());
      toDispose.push(trainer);
      setHandWeights(trainer.net);
      const layers = trainer.measure();
      expect(Array.from(layers[0].deadMask)).toEqual([1, 0, 0, 1]);
      expect(Array.from(layers[1].deadMask)).toEqual([0, 1, 1]);
      if (activation === 'prelu') {
        expect(Array.from(layers[0].preluAlphas!)).toEqual([0.25, 0.25, 0.25, 0.25]);
        expect(Array.from(layers[1].preluAlphas!)).toEqual([0.25, 0.25, 0.25]);
      } else {
        expect(layers[0].preluAlphas).toBeNull();
      }
    }
  });

  it('a dead unit gets no gradient: its kernel column stays unchanged after training', () => {
    const trainer = new Trainer(runConfig({ widths: [4, 3], activation: 'relu' }), 1, handData());
    toDispose.push(trainer);
    setHandWeights(trainer.net);
    const before = trainer.net.hidden[0].kernel.arraySync() as number[][];
    const result = trainer.run();
    expect(result.status).toBe('completed');
    const after = trainer.net.hidden[0].kernel.arraySync() as number[][];
    for (const row of [0, 1]) {
      expect(after[row][0]).toBe(before[row][0]);
      expect(after[row][3]).toBe(before[row][3]);
    }
    expect(Array.from(result.epochs[1].layers[0].deadMask)).toEqual([1, 0, 0, 1]);
  });
});
