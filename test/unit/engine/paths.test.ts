/**
 * The training loop's cost structure, on every backend present: fewer kernel calls per epoch than the
 * previous loop (same numbers), a tensor count that does not grow from epoch to epoch, and the
 * native `tensorflow` backend taking the same path (where @tensorflow/tfjs-node is installed; the
 * tests on it report themselves skipped, with the reason, where it is not).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { PreviousTrainer } from '../../../electron/engine/previous.js';
import { RunGroup, Trainer, trainRun } from '../../../electron/engine/train.js';
import { REFERENCE_CASES, referenceConfig, referenceData } from './reference-cases.js';
import { narrowConfig, narrowData } from '../../../bench/workloads.js';

const require = createRequire(import.meta.url);

/** Why @tensorflow/tfjs-node cannot be used here, or null when it loads. */
function tfjsNodeProblem(): string | null {
  try {
    require('@tensorflow/tfjs-node');
    return null;
  } catch (err) {
    return `@tensorflow/tfjs-node could not be loaded: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`;
  }
}
const TFJS_NODE_PROBLEM = tfjsNodeProblem();

async function kernelCalls(run: () => void): Promise<number> {
  const profile = await tf.profile(run);
  return profile.kernels.length;
}

function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-4 * Math.abs(b) + 1e-6;
}

const backends: { name: 'wasm' | 'cpu' | 'tensorflow'; skip: string | null }[] = [
  { name: 'wasm', skip: null },
  { name: 'cpu', skip: null },
  { name: 'tensorflow', skip: TFJS_NODE_PROBLEM },
];

for (const { name, skip } of backends) {
  describe.skipIf(skip !== null)(`the training loop on ${name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
    it('issues at most 70 % of the previous loop’s kernel calls for every reference case, with the same losses', async () => {
      expect((await initBackend(name)).backend).toBe(name);
      for (const c of REFERENCE_CASES) {
        let current: ReturnType<Trainer['run']> | null = null;
        let previous: ReturnType<PreviousTrainer['run']> | null = null;
        const a = new Trainer(referenceConfig(c), 1, referenceData(c, 1));
        const b = new PreviousTrainer(referenceConfig(c), 1, referenceData(c, 1));
        try {
          const calls = await kernelCalls(() => void (current = a.run()));
          const previousCalls = await kernelCalls(() => void (previous = b.run()));
          expect(calls, `${c.name}: ${calls} kernel calls against ${previousCalls}`).toBeLessThanOrEqual(0.7 * previousCalls);
          current!.epochs.forEach((e, i) => expect(near(e.trainLoss, previous!.epochs[i].trainLoss), `${c.name}, epoch ${e.epoch}`).toBe(true));
        } finally {
          a.dispose();
          b.dispose();
        }
      }
    });

    it("steps the benchmark's narrow network (9 × 4 ReLU, SGD) through kernels alone, in under 58 % of the previous loop's calls", async () => {
      expect((await initBackend(name)).backend).toBe(name);
      const config = narrowConfig(1);
      const data = narrowData(config);
      const perStep: number[] = [];
      for (const trainer of [new Trainer(config, 1, data), new PreviousTrainer(config, 1, data)]) {
        try {
          trainer.trainSteps(1);
          const profile = await tf.profile(() => void trainer.trainSteps(4));
          perStep.push(profile.kernels.length / 4);
          if (trainer instanceof Trainer) {
            // No op with a gradient function of its own (tf.fused.matMul's), only the backend's kernels.
            const wrappers = profile.kernels.map((k) => k.name).filter((k) => !tf.getKernel(k, name));
            expect(wrappers, 'calls that are not kernels').toEqual([]);
          }
        } finally {
          trainer.dispose();
        }
      }
      const [current, previous] = perStep;
      expect(current, `${current} kernel calls per step against ${previous}`).toBeLessThan(0.58 * previous);
    });

    it('holds the same number of tensors after every epoch, alone and batched', async () => {
      expect((await initBackend(name)).backend).toBe(name);
      for (const c of [REFERENCE_CASES[0], REFERENCE_CASES[3], REFERENCE_CASES[7]]) {
        const config = { ...referenceConfig(c), training: { ...referenceConfig(c).training, epochs: 6 } };
        const alone: number[] = [];
        trainRun(config, 1, referenceData(c, 1), { onEpoch: () => alone.push(tf.memory().numTensors) });
        expect(new Set(alone).size, `${c.name}: ${alone}`).toBe(1);
        const stacked: number[] = [];
        const group = new RunGroup(
          [1, 2, 3].map((seed) => ({ config, seed, data: referenceData(c, seed) })),
          { stacked: true },
        );
        try {
          group.run([{ onEpoch: (m) => m && stacked.push(tf.memory().numTensors) }]);
        } finally {
          group.dispose();
        }
        expect(new Set(stacked).size, `${c.name} batched: ${stacked}`).toBe(1);
      }
    });

    it('forms each hidden layer with one fused product (bias and ReLU folded in) and no gradient tape', async () => {
      expect((await initBackend(name)).backend).toBe(name);
      const c = REFERENCE_CASES[0];
      const trainer = new Trainer({ ...referenceConfig(c), training: { ...referenceConfig(c).training, epochs: 1 } }, 1, referenceData(c, 1));
      try {
        const profile = await tf.profile(() => void trainer.run());
        const names = profile.kernels.map((k) => k.name);
        // 5 training steps × (2 hidden + 1 output layers) fused products.
        expect(names.filter((k) => k === '_FusedMatMul').length).toBeGreaterThanOrEqual(15);
        expect(names.filter((k) => k === 'Relu').length, 'ReLU outside the products only in the probe (2 layers × 2 measurements)').toBe(4);
        expect(tf.engine().state.activeTape).toBeFalsy();
      } finally {
        trainer.dispose();
      }
    });
  });
}
