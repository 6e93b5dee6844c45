/** The live charts of a run as data: thinning that keeps extremes, axes from the shared axis model, the group palette. */
import { describe, expect, it } from 'vitest';
import type { SlimEpoch } from '../../../renderer/src/app/live.js';
import { chartColors, groupStroke, seriesStyle } from '../../../renderer/src/charts/colors.js';
import { epochAxis, fractionAxis, LIVE_MAX_POINTS, lossAxis, lossRows, unitRows } from '../../../renderer/src/charts/live.js';
import { axisModel } from '../../../shared/figure/axis.js';
import { darkThemeColor, GROUP_COLORS, slotStyle } from '../../../shared/figure/palette.js';
import { labelText } from '../../../shared/figure/ticks.js';

function epochs(n: number, at: (e: number) => Partial<SlimEpoch> = () => ({})): SlimEpoch[] {
  return Array.from({ length: n }, (_, epoch) => ({
    epoch,
    trainLoss: 2 / (epoch + 1),
    valLoss: 2.2 / (epoch + 1),
    trainAccuracy: 0.5,
    valAccuracy: 0.5,
    elapsedSeconds: epoch,
    task: null,
    dead: [0.1, 0.2],
    dormant: [0, 0],
    ...at(epoch),
  }));
}

const labels = (axis: { ticks: { label: { text: string; sup?: string } | null }[] }) => axis.ticks.filter((t) => t.label !== null).map((t) => labelText(t.label!));

describe('live chart rows', () => {
  it('a loss spike and a layer that died for one epoch survive thinning a long run (the same downsampler as Compare)', () => {
    const points = epochs(5000, (e) => (e === 4 ? { trainLoss: 40 } : e === 3001 ? { dead: [0.1, 0.95] } : {}));
    const loss = lossRows(points, 'loss');
    expect(loss.length).toBeLessThanOrEqual(LIVE_MAX_POINTS);
    expect(loss.find((r) => r.epoch === 4)?.train).toBe(40);
    expect(loss[0].epoch).toBe(0);
    expect(loss[loss.length - 1].epoch).toBe(4999);
    const dead = unitRows(points, 2, 'dead');
    expect(dead.length).toBeLessThanOrEqual(LIVE_MAX_POINTS);
    expect(dead.find((r) => r.epoch === 3001)?.l1).toBe(0.95);
  });

  it('non-finite values are gaps; short runs are kept whole', () => {
    const rows = lossRows(epochs(4, (e) => (e === 3 ? { trainLoss: NaN, valLoss: null } : {})), 'loss');
    expect(rows.map((r) => r.epoch)).toEqual([0, 1, 2, 3]);
    expect(rows[3].train).toBeNull();
    expect(rows[3].val).toBeNull();
    expect(unitRows(epochs(3), 2, 'dormant').map((r) => [r.l0, r.l1])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('live chart axes', () => {
  it('the epoch axis spans the planned epochs with whole-epoch ticks, or the data for very long runs', () => {
    const x = epochAxis(4, epochs(2));
    expect(x.domain).toEqual([0, 4]);
    expect(labels(x)).toEqual(['0', '1', '2', '3', '4']);
    expect(epochAxis(100, epochs(120)).domain).toEqual([0, 119]);
    expect(epochAxis(10_000, epochs(50)).domain).toEqual([0, 49]);
    expect(x.ticks.every((t) => Number.isInteger(t.value))).toBe(true);
  });

  it('loss from 0 on a linear axis, in decades on a log axis; accuracy and unit fractions 0–100 %', () => {
    const rows = lossRows(epochs(10), 'loss');
    const linear = lossAxis(rows, 'loss', false);
    expect(linear.domain[0]).toBe(0);
    expect(linear.domain[1]).toBeGreaterThanOrEqual(2.2);
    const log = lossAxis(rows, 'loss', true);
    expect(log.scale).toBe('log');
    expect(log.domain).toEqual([0.1, 10]);
    expect(labels(log)).toEqual(['0.1', '1', '10']);
    // The same model the Compare view and the figures use.
    expect(log).toEqual(axisModel(rows.flatMap((r) => [r.train, r.val]), { scale: 'log' }));
    expect(labels(lossAxis(rows, 'accuracy', false))).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
    expect(fractionAxis().domain).toEqual([0, 1]);
  });
});

describe('live chart colours', () => {
  it('layers take the group palette, lightened on the dark theme; validation is slot 1 with its dash', () => {
    expect(seriesStyle(0, false)).toEqual({ stroke: GROUP_COLORS[0], strokeDasharray: undefined });
    expect(seriesStyle(2, true).stroke).toBe(darkThemeColor(GROUP_COLORS[2]));
    expect(seriesStyle(GROUP_COLORS.length, false).strokeDasharray).toBe(slotStyle(GROUP_COLORS.length).dash);
    expect(groupStroke(slotStyle(1), false)).toEqual({ stroke: GROUP_COLORS[1], strokeDasharray: '6 3' });
    expect(chartColors(true).diverged).not.toBe(chartColors(false).diverged);
  });
});
