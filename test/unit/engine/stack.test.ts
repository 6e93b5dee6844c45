/**
 * Runs trained batched (RunGroup, weights stacked along a leading axis) against the same runs trained
 * one at a time: the same numbers within float rounding, each run with its own seed, data, batch
 * order, probe set and learning rate; a run that diverges or is cancelled leaves the stack alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { layerWidths, validateExperiment, type RunConfig } from '../../../shared/config.js';
import type { EpochMetrics } from '../../../shared/metrics.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { RunGroup, trainRun } from '../../../electron/engine/train.js';
import { stackProblem } from '../../../electron/engine/stack.js';
import type { TrainResult } from '../../../electron/engine/outcome.js';
import { REFERENCE_CASES, referenceConfig, referenceData } from './reference-cases.js';

function withTraining(config: RunConfig, training: Partial<RunConfig['training']>, model: Partial<RunConfig['model']> = {}): RunConfig {
  return { ...config, training: { ...config.training, ...training }, model: { ...config.model, ...model } };
}

function expectSameRun(stacked: TrainResult, alone: TrainResult, where: string): void {
  expect(stacked.status, where).toBe(alone.status);
  expect(stacked.reason, where).toBe(alone.reason);
  expect(stacked.epochs.map((e) => e.epoch), where).toEqual(alone.epochs.map((e) => e.epoch));
  const near = (a: number | null, b: number | null, what: string) => {
    if (a === null || b === null) return expect(a, what).toBe(b);
    expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(b));
  };
  stacked.epochs.forEach((e: EpochMetrics, i) => {
    const x = alone.epochs[i];
    const at = `${where}, epoch ${e.epoch}`;
    expect(e.task, `${at} task`).toBe(x.task);
    near(e.trainLoss, x.trainLoss, `${at} trainLoss`);
    near(e.trainAccuracy, x.trainAccuracy, `${at} trainAccuracy`);
    near(e.valLoss, x.valLoss, `${at} valLoss`);
    e.layers.forEach((l, j) => {
      const y = x.layers[j];
      expect(Array.from(l.deadMask), `${at} layer ${j} deadMask`).toEqual(Array.from(y.deadMask));
      near(l.activeProbability, y.activeProbability, `${at} layer ${j} activeProbability`);
      near(l.dormantFraction, y.dormantFraction, `${at} layer ${j} dormantFraction`);
      near(l.gradNorm, y.gradNorm, `${at} layer ${j} gradNorm`);
      near(l.preActMean, y.preActMean, `${at} layer ${j} preActMean`);
      near(l.preActStd, y.preActStd, `${at} layer ${j} preActStd`);
      near(l.effectiveRank, y.effectiveRank, `${at} layer ${j} effectiveRank`);
      near(l.weightMagnitude, y.weightMagnitude, `${at} layer ${j} weightMagnitude`);
    });
  });
  expect(stacked.artifacts.probeIndices, where).toEqual(alone.artifacts.probeIndices);
  expect(Array.from(stacked.artifacts.probeInputs), where).toEqual(Array.from(alone.artifacts.probeInputs));
  expect(stacked.artifacts.weightSpecs, where).toEqual(alone.artifacts.weightSpecs);
  // The same layers; only the model's generated name differs.
  const unnamed = (topology: unknown) => JSON.parse(JSON.stringify(topology).replace(/"name":"sequential_\d+"/, '"name":""'));
  expect(unnamed(stacked.artifacts.modelTopology), where).toEqual(unnamed(alone.artifacts.modelTopology));
  const a = new Float32Array(stacked.artifacts.weightData.buffer);
  const b = new Float32Array(alone.artifacts.weightData.buffer);
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  for (let k = 0; k < b.length; k++) expect(Math.abs(a[k] - b[k]) / scale, `${where}: weight ${k}`).toBeLessThan(1e-4);
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`runs trained batched on ${backend}`, () => {
    beforeAll(async () => {
      expect((await initBackend(backend)).backend).toBe(backend);
    });

    it('give each run the numbers it gets alone: seeds and learning rates of one architecture, each case', () => {
      const cases = ['relu sgd', 'prelu adam batch norm', 'selu sgd regression', 'tanh rmsprop batch norm', 'leaky_relu momentum batch norm', 'gelu adam regression batch norm', 'swish momentum', 'elu rmsprop'];
      for (const name of cases) {
        const c = REFERENCE_CASES.find((r) => r.name === name)!;
        const base = referenceConfig(c);
        const members = [1, 2, 3].map((seed, i) => ({
          config: withTraining(base, { learningRate: base.training.learningRate * (1 + 0.5 * i), momentum: 0.9 - 0.1 * i }, { biasInit: 0.05 * i }),
          seed,
          data: referenceData(c, seed),
        }));
        const group = new RunGroup(members, { stacked: true });
        let results: TrainResult[];
        try {
          results = group.run();
        } finally {
          group.dispose();
        }
        members.forEach((m, i) => {
          const alone = trainRun(m.config, m.seed, m.data);
          // Adam turns the rounding noise of a batch-normalized layer's bias gradient into moves of
          // that bias (see step.test.ts): compare training-mode numbers only there.
          if (m.config.model.batchNorm && m.config.training.optimizer === 'adam') {
            expect(results[i].status).toBe(alone.status);
            results[i].epochs.forEach((e, k) => expect(Math.abs(e.trainLoss - alone.epochs[k].trainLoss)).toBeLessThan(1e-4 * Math.abs(alone.epochs[k].trainLoss)));
          } else {
            expectSameRun(results[i], alone, `${name}, seed ${m.seed}`);
          }
        });
      }
    });

    it('task sequences and RAI: each run of a stack switches its own data at the task boundaries and gets its solo numbers', () => {
      const c = REFERENCE_CASES.find((r) => r.name === 'relu sgd')!;
      const base = referenceConfig(c);
      const kinds = ['permuted', 'shuffled-labels', 'shifted-inputs'] as const;
      for (const kind of kinds) {
        const config = withTraining(base, { epochs: 4, tasks: { kind, count: 2, epochsPerTask: 2, seed: 3 } }, { init: 'rai' });
        const members = [1, 2, 3].map((seed) => ({ config, seed, data: referenceData(c, seed) }));
        const group = new RunGroup(members, { stacked: true });
        let results: TrainResult[];
        try {
          results = group.run();
        } finally {
          group.dispose();
        }
        members.forEach((m, i) => {
          expect(results[i].epochs.map((e) => e.task)).toEqual([0, 0, 0, 1, 1]);
          expectSameRun(results[i], trainRun(m.config, m.seed, m.data), `${kind}, seed ${m.seed}`);
        });
      }
    });

    it('a stack whose probe pass would be too large is measured in groups of runs, each run with its solo numbers', () => {
      for (const name of ['relu sgd', 'prelu sgd', 'leaky_relu momentum batch norm']) {
        const c = REFERENCE_CASES.find((r) => r.name === name)!;
        // A small learning rate: the runs stay far from diverging, where float rounding is amplified.
        const base = referenceConfig(c);
        const config = withTraining(base, { learningRate: base.training.learningRate / 5 });
        const members = [1, 2, 3, 4, 5].map((seed) => ({ config, seed, data: referenceData(c, seed) }));
        // Room for two runs' widest layer over the probe set per pass: groups of 2, 2 and 1.
        const widest = Math.max(...layerWidths(config.model));
        const group = new RunGroup(members, { stacked: true, probeGroupValues: 2 * config.probe.samples * widest });
        let results: TrainResult[];
        try {
          results = group.run();
        } finally {
          group.dispose();
        }
        members.forEach((m, i) => expectSameRun(results[i], trainRun(m.config, m.seed, m.data), `${name}, seed ${m.seed}`));
      }
    });

    it('a run that diverges leaves the stack alone: the others train on and match their solo runs', () => {
      const c = REFERENCE_CASES.find((r) => r.name === 'selu sgd regression')!;
      const base = referenceConfig(c);
      const configs = [withTraining(base, { learningRate: 0.02 }), withTraining(base, { learningRate: 1 }), withTraining(base, { learningRate: 0.03 })];
      const members = configs.map((config, i) => ({ config, seed: i + 1, data: referenceData(c, i + 1) }));
      const seen: number[][] = [[], [], []];
      const group = new RunGroup(members, { stacked: true });
      let results: TrainResult[];
      try {
        results = group.run(members.map((_, i) => ({ onEpoch: (m) => seen[i].push(m.epoch) })));
      } finally {
        group.dispose();
      }
      const alone = members.map((m) => trainRun(m.config, m.seed, m.data));
      expect(alone[1].status).toBe('diverged');
      expect(results[1].status).toBe('diverged');
      expect(results[1].reason).toBe(alone[1].reason);
      expect(seen[1]).toEqual(alone[1].epochs.map((e) => e.epoch));
      expectSameRun(results[0], alone[0], 'first');
      expectSameRun(results[2], alone[2], 'third');
      expect(seen[0]).toEqual([0, 1, 2]);
    });

    it('cancelling one run stops it alone; cancelling every run stops the stack', () => {
      const c = REFERENCE_CASES.find((r) => r.name === 'relu sgd')!;
      const base = withTraining(referenceConfig(c), { epochs: 3 });
      const members = [1, 2, 3].map((seed) => ({ config: base, seed, data: referenceData(c, seed) }));
      let steps = 0;
      const group = new RunGroup(members, { stacked: true });
      let results: TrainResult[];
      try {
        results = group.run([
          {},
          // 5 batches per epoch: stops in epoch 2.
          { shouldStop: () => ++steps > 8, onProgress: () => undefined },
          {},
        ]);
      } finally {
        group.dispose();
      }
      expect(results.map((r) => r.status)).toEqual(['completed', 'cancelled', 'completed']);
      expect(results[1].epochs.map((e) => e.epoch)).toEqual([0, 1]);
      expectSameRun(results[0], trainRun(base, 1, referenceData(c, 1)), 'first');
      expectSameRun(results[2], trainRun(base, 3, referenceData(c, 3)), 'third');

      const all = new RunGroup(members, { stacked: true });
      let polls = 0;
      try {
        const stopped = all.run(members.map(() => ({ shouldStop: () => ++polls > 3 * 4 })));
        expect(stopped.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
        expect(stopped.every((r) => r.epochs.length === 1)).toBe(true);
      } finally {
        all.dispose();
      }
    });

    it('frees every tensor it creates, also when runs leave the stack', () => {
      const c = REFERENCE_CASES.find((r) => r.name === 'prelu adam batch norm')!;
      const base = referenceConfig(c);
      const members = [1, 2, 3].map((seed) => ({ config: seed === 2 ? withTraining(base, { learningRate: 1e6 }) : base, seed, data: referenceData(c, seed) }));
      const start = tf.memory().numTensors;
      const group = new RunGroup(members, { stacked: true });
      group.run([{}, {}, { shouldStop: () => true }]);
      group.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });
  });
}

describe('which runs can train as one stack', () => {
  const config = (model: Record<string, unknown>, training: Record<string, unknown> = {}) => {
    const v = validateExperiment({ name: 's', dataset: { kind: 'abs1d', samples: 64 }, model: { hiddenLayers: 2, width: 4, ...model }, training: { learningRate: 0.1, epochs: 1, ...training } });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    return v.runs[0].config;
  };
  const data = referenceData(REFERENCE_CASES[0], 1);
  const member = (model: Record<string, unknown>, training: Record<string, unknown> = {}) => ({ config: config(model, training), seed: 1, data });

  it('seeds, learning rates, momentum and initializations may differ; shapes, activation, optimizer and schedule may not', () => {
    expect(stackProblem([member({}), member({ init: 'glorot_uniform', biasInit: -1 }, { learningRate: 0.5, momentum: 0.5 })])).toBeNull();
    expect(stackProblem([member({}), member({ width: 5 })])).toMatch(/differs/);
    expect(stackProblem([member({}), member({ activation: 'tanh' })])).toMatch(/differs/);
    expect(stackProblem([member({}), member({ batchNorm: true })])).toMatch(/differs/);
    expect(stackProblem([member({}), member({}, { optimizer: 'adam' })])).toMatch(/differs/);
    expect(stackProblem([member({}), member({}, { batchSize: 8 })])).toMatch(/differs/);
    expect(stackProblem([member({}), member({}, { epochs: 2 })])).toMatch(/differs/);
  });
});
