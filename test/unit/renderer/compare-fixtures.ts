/** Runs of two variants (2 seeds each, 2 layers, 3 epochs) with dead fractions chosen per epoch and layer, for the Compare view's tests. */
import type { EpochMetricsDto } from '../../../shared/api.js';
import type { ComparedRun } from '../../../shared/charts.js';
import { validateExperiment } from '../../../shared/config.js';

const base = validateExperiment({
  name: 'x',
  dataset: { kind: 'blobs' },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 2 },
});
if (!base.ok) throw new Error('bad base config');
export const config = base.runs[0].config;

/** A run of a variant whose layer-l dead fraction at epoch e is `dead(e, l)`. */
export function run(id: number, seed: number, variant: string, activation: string, dead: (e: number, l: number) => number, epochs = 3): ComparedRun {
  const list: EpochMetricsDto[] = [];
  for (let e = 0; e < epochs; e++) {
    list.push({
      epoch: e,
      trainLoss: 1 / (e + 1) + seed / 100,
      trainAccuracy: 0.5,
      valLoss: 2 / (e + 1),
      valAccuracy: 0.4 + e / 10,
      seconds: e === 0 ? 0 : 1,
      elapsedSeconds: e + seed / 10,
      probeMs: 1,
      task: null,
      layers: [0, 1].map((l) => {
        const d = dead(e, l);
        return {
          layer: l,
          units: 4,
          deadFraction: d,
          activeProbability: 1 - d,
          dormantFraction: d,
          gradNorm: 1,
          preActMean: 0,
          preActStd: 1,
          histogram: { lo: -2, hi: 2, counts: [1, 3, 4, 2] },
          deadMask: [0, 0, 0, 0],
          effectiveRank: null,
          weightMagnitude: null,
          preluAlphas: null,
          unitsReset: null,
        };
      }),
    });
  }
  return {
    id,
    experimentId: 7,
    seed,
    sweep: { variant },
    config: { ...config, seed, model: { ...config.model, activation: activation as 'relu' } },
    status: 'completed',
    name: null,
    epochs: list,
  };
}

export const runs = [
  run(1, 1, 'ReLU baseline', 'relu', (e, l) => 0.25 * e * (l + 1) * 0.5),
  run(2, 2, 'ReLU baseline', 'relu', (e) => (e === 0 ? 0 : 0.5)),
  run(3, 1, 'Leaky ReLU', 'leaky_relu', () => 0),
  run(4, 2, 'Leaky ReLU', 'leaky_relu', (e) => (e === 1 ? 0.25 : 0)),
];
