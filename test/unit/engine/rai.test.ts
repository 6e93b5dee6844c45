/** Lu et al.'s randomized asymmetric initialization (`model.init: "rai"`). */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment, type RunConfig } from '../../../shared/config.js';
import { initBackend } from '../../../electron/engine/backend.js';
import { loadDataset } from '../../../electron/engine/datasets/index.js';
import { initHiddenLayer, initialValues, RAI_SIGMA } from '../../../electron/engine/model.js';
import { Rng } from '../../../electron/engine/rng.js';
import { Trainer } from '../../../electron/engine/train.js';
import { trainRun } from '../../../electron/engine/train.js';

function bornDeadConfig(init: 'he_normal' | 'rai', width: number): RunConfig {
  // Lu et al.'s born-dead setting (the born-dead preset), smaller: one input on a grid, 9 narrow layers.
  const result = validateExperiment({
    name: 'born dead',
    dataset: { kind: 'abs1d', samples: 64, sampling: 'grid', validationSplit: 0 },
    model: { hiddenLayers: 9, width, activation: 'relu', init, biasInit: 0 },
    training: { learningRate: 0.01, epochs: 0 },
    probe: { samples: 64 },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.runs[0].config;
}

describe('RAI', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('draws each unit’s weights and bias N(0, σ²/fan_in) with one entry replaced by a Beta(2, 1) draw; seeded', () => {
    const config = { init: 'rai' as const, initStd: 0.05, biasInit: 0 };
    const fanIn = 400;
    const units = 300;
    const a = initHiddenLayer(config, fanIn, units, new Rng(1, 'init'));
    const b = initHiddenLayer(config, fanIn, units, new Rng(1, 'init'));
    expect(Array.from(a.kernel)).toEqual(Array.from(b.kernel));
    expect(Array.from(a.bias)).toEqual(Array.from(b.bias));
    // Per unit, its largest entry (weights and bias) is almost always the Beta draw: ~σ/√fan_in × 3.5 at most otherwise.
    const std = RAI_SIGMA / Math.sqrt(fanIn);
    let replaced = 0;
    let sumSquares = 0;
    let count = 0;
    let biasReplaced = 0;
    for (let j = 0; j < units; j++) {
      const entries = [...Array.from({ length: fanIn }, (_, i) => a.kernel[i * units + j]), a.bias[j]];
      const big = entries.filter((v) => v > 6 * std);
      expect(big.length, `unit ${j}`).toBeLessThanOrEqual(1);
      if (big.length === 1) replaced++;
      if (a.bias[j] > 6 * std) biasReplaced++;
      for (const v of entries) {
        if (v > 6 * std) continue;
        sumSquares += v * v;
        count++;
      }
    }
    // Beta(2, 1) exceeds 6σ/√fan_in ≈ 0.18 with probability 1 − 0.18² ≈ 0.97.
    expect(replaced).toBeGreaterThan(0.9 * units);
    expect(biasReplaced).toBeLessThan(5);
    expect(Math.sqrt(sumSquares / count)).toBeGreaterThan(0.9 * std);
    expect(Math.sqrt(sumSquares / count)).toBeLessThan(1.1 * std);
    // Other initializers leave the bias at biasInit and draw as before.
    const he = initHiddenLayer({ init: 'he_normal', initStd: 0.05, biasInit: 0.25 }, 3, 2, new Rng(1, 'init'));
    expect(Array.from(he.bias)).toEqual([0.25, 0.25]);
  });

  it('is the network’s hidden initialization, stacked or not, and the output layer keeps outputInit', () => {
    const config = bornDeadConfig('rai', 3).model;
    const values = initialValues(config, 1, 1, 4);
    expect(values.hidden.every((h) => h.bias.some((b) => b !== 0))).toBe(true);
    expect(Array.from(values.outBias)).toEqual([0]);
    const again = initialValues(config, 1, 1, 4);
    expect(Array.from(again.hidden[5].kernel)).toEqual(Array.from(values.hidden[5].kernel));
  });

  it('deep narrow ReLU networks are born dead less often than with He normal (50 seeds)', () => {
    const share = (init: 'he_normal' | 'rai') => {
      const config = bornDeadConfig(init, 3);
      let dead = 0;
      for (let seed = 1; seed <= 50; seed++) {
        const trainer = new Trainer(config, seed, loadDataset(config.dataset, seed));
        try {
          if (trainer.measure().some((l) => l.deadFraction === 1)) dead++;
        } finally {
          trainer.dispose();
        }
      }
      return dead / 50;
    };
    const he = share('he_normal');
    const rai = share('rai');
    expect(he).toBeGreaterThan(0.1);
    expect(rai).toBeLessThan(he);
  });

  it('trains a small network, and a CNN', () => {
    const result = validateExperiment({
      name: 'rai',
      dataset: { kind: 'mnist', samples: 40 },
      model: { kind: 'cnn', convFilters: [2], hiddenLayers: 1, width: 4, init: 'rai' },
      training: { learningRate: 0.05, epochs: 1, batchSize: 16 },
      probe: { samples: 16 },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const config = result.runs[0].config;
    const run = trainRun(config, 1, loadDataset(config.dataset, 1));
    expect(run.status).toBe('completed');
    expect(run.epochs[1].layers.every((l) => Number.isFinite(l.effectiveRank) && l.weightMagnitude! > 0)).toBe(true);
  });

  it('refuses a bias init other than 0 and RAI for the output layer', () => {
    const issues = (model: Record<string, unknown>) => {
      const r = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 1, width: 4, ...model }, training: { learningRate: 0.1, epochs: 1 } });
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues({ init: 'rai', biasInit: 0.1 })).toEqual(['model.biasInit: must be 0 when model.init is "rai" (RAI draws the hidden biases itself), got 0.1']);
    expect(issues({ outputInit: 'rai' })[0]).toMatch(/^model\.outputInit: must be one of/);
    expect(issues({ init: 'rai' })).toEqual([]);
  });
});
