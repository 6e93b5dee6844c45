/** Epochs with chosen dead fractions per layer, for the run-summary tests. */
import { sampleEpoch, sampleLayer } from './helpers.js';

/** An epoch whose hidden layers have these dead fractions (4 units each, 32 histogram bins). */
export function epochWithDead(epoch: number, dead: number[], trainLoss = 1 / (epoch + 1)) {
  const e = sampleEpoch(epoch, dead.length, 4);
  e.trainLoss = trainLoss;
  e.layers = dead.map((d, l) => sampleLayer(l, 4, { deadFraction: d, histogram: { lo: -1, hi: 1, counts: Array<number>(32).fill(1) } }));
  return e;
}
