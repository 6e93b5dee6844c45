import { describe, expect, it } from 'vitest';
import { hasTasks, taskAccuracySeries, taskBoundaries } from '../../../../shared/analysis/index.js';

/** Epochs 0..n−1 of a run with `epochsPerTask` epochs per task (epoch 0, the initialization, on task 0). */
function run(n: number, epochsPerTask: number, accuracy: (epoch: number) => number) {
  return Array.from({ length: n }, (_, epoch) => ({ epoch, task: epoch === 0 ? 0 : Math.floor((epoch - 1) / epochsPerTask), trainAccuracy: accuracy(epoch) }));
}

describe('task sequences', () => {
  it('a boundary lies halfway between the last epoch of a task and the first of the next', () => {
    expect(taskBoundaries([run(10, 3, () => 0.5)])).toEqual([
      { x: 3.5, task: 1, epoch: 4 },
      { x: 6.5, task: 2, epoch: 7 },
    ]);
  });

  it('the boundaries of several runs are their union; runs without tasks add none', () => {
    const plain = Array.from({ length: 5 }, (_, epoch) => ({ epoch, trainAccuracy: 0.5 }));
    expect(taskBoundaries([run(7, 3, () => 0), run(7, 2, () => 0), plain]).map((b) => b.x)).toEqual([2.5, 3.5, 4.5]);
    expect(hasTasks(plain)).toBe(false);
    expect(hasTasks(run(3, 1, () => 0))).toBe(true);
    expect(taskBoundaries([plain])).toEqual([]);
  });

  it('online accuracy per task: the mean training accuracy over the task’s epochs, epoch 0 left out', () => {
    // Epochs 1–3: task 0 (0.1, 0.2, 0.3), 4–6: task 1 (0.4, 0.5, 0.6); epoch 0 (0.9) is the untrained network.
    const series = taskAccuracySeries(run(7, 3, (e) => (e === 0 ? 0.9 : e / 10)));
    expect(series.map((p) => p.x)).toEqual([0, 1]);
    expect(series[0].y).toBeCloseTo(0.2, 12);
    expect(series[1].y).toBeCloseTo(0.5, 12);
  });

  it('skips epochs without an accuracy and keeps a NaN one (the group’s n shows it)', () => {
    const epochs = [
      { epoch: 1, task: 0, trainAccuracy: null },
      { epoch: 2, task: 0, trainAccuracy: 0.5 },
      { epoch: 3, task: 1, trainAccuracy: NaN },
    ];
    const series = taskAccuracySeries(epochs);
    expect(series[0]).toEqual({ x: 0, y: 0.5 });
    expect(Number.isNaN(series[1].y)).toBe(true);
    expect(taskAccuracySeries([{ epoch: 1, trainAccuracy: 0.5 }])).toEqual([]);
  });
});
