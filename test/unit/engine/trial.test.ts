/** The divergence check's trial loop, shared by every trainer, on a stand-in step. */
import { describe, expect, it } from 'vitest';
import { trialSteps } from '../../../electron/engine/trial.js';
import { Rng } from '../../../electron/engine/rng.js';

describe('trialSteps', () => {
  it('takes batches in a new seeded order per pass over the rows, the last batch of a pass shorter', () => {
    const seen: { order: Int32Array; start: number; size: number }[] = [];
    const result = trialSteps(5, 10, 4, new Rng(1, 'shuffle'), (order, start, size) => {
      seen.push({ order, start, size });
      return 0.5;
    });
    expect(result).toEqual({ steps: 5, divergedAtStep: null, lastLoss: 0.5 });
    expect(seen.map((s) => [s.start, s.size])).toEqual([[0, 4], [4, 4], [8, 2], [0, 4], [4, 4]]);
    const expected = new Rng(1, 'shuffle');
    const first = expected.permutation(10);
    const second = expected.permutation(10);
    expect(seen.slice(0, 3).every((s) => s.order === seen[0].order)).toBe(true);
    expect(Array.from(seen[0].order)).toEqual(Array.from(first));
    expect(Array.from(seen[3].order)).toEqual(Array.from(second));
  });

  it('stops at the first non-finite batch loss, and when asked to before a step', () => {
    const losses = [1, 2, Infinity, 3];
    let i = 0;
    expect(trialSteps(10, 8, 2, new Rng(2, 'shuffle'), () => losses[i++])).toEqual({ steps: 3, divergedAtStep: 3, lastLoss: Infinity });
    let polls = 0;
    expect(trialSteps(10, 8, 2, new Rng(2, 'shuffle'), () => 1, () => ++polls > 2)).toEqual({ steps: 2, divergedAtStep: null, lastLoss: 1 });
    expect(trialSteps(3, 8, 2, new Rng(2, 'shuffle'), () => 1, () => true)).toEqual({ steps: 0, divergedAtStep: null, lastLoss: NaN });
  });
});
