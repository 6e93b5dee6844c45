import { describe, expect, it } from 'vitest';
import { deadFractionHeatmap, groupDeadFractionHeatmap } from '../../../../shared/analysis/index.js';

const epoch = (e: number, dead: number[]) => ({ epoch: e, layers: dead.map((deadFraction, layer) => ({ layer, deadFraction })) });

describe('dead-fraction heatmap', () => {
  it('lays one run out as layer × epoch', () => {
    const h = deadFractionHeatmap([epoch(1, [0.5, 0.75]), epoch(0, [0, 0.25])]);
    expect(h.layers).toEqual([0, 1]);
    expect(h.epochs).toEqual([0, 1]);
    expect(h.values).toEqual([
      [0, 0.5],
      [0.25, 0.75],
    ]);
  });

  it('averages a group, counting only runs that have each cell', () => {
    const h = groupDeadFractionHeatmap([
      [epoch(0, [0, 0.5]), epoch(1, [0.5, 1]), epoch(2, [1, 1])],
      [epoch(0, [0.5, 0.5]), epoch(1, [NaN, 0])],
    ]);
    expect(h.epochs).toEqual([0, 1, 2]);
    expect(h.values).toEqual([
      [0.25, 0.5, 1],
      [0.5, 0.5, 1],
    ]);
    expect(h.counts).toEqual([
      [2, 1, 1],
      [2, 2, 1],
    ]);
    expect(groupDeadFractionHeatmap([])).toEqual({ layers: [], epochs: [], values: [], counts: [] });
  });

  it('leaves cells without data as NaN', () => {
    const h = groupDeadFractionHeatmap([[epoch(0, [0.1, 0.2])], [epoch(1, [0.3])]]);
    expect(h.values[1][1]).toBeNaN();
    expect(h.counts[1][1]).toBe(0);
  });
});
