/** The one axis model of the screen charts and the exported figures: domain, ticks, log handling. */
import { describe, expect, it } from 'vitest';
import { axisDomain, axisModel, axisTicks, floorOnLog, offAxisCount, onAxis, validDomain } from '../../../shared/figure/axis.js';
import { labelText, renderFigureSvg, type FigureSpec } from '../../../shared/figure/index.js';

const labels = (ticks: ReturnType<typeof axisTicks>): string[] => ticks.filter((t) => t.label !== null).map((t) => labelText(t.label!));

describe('axis domain', () => {
  it('y axes round to ticks, x axes span the data exactly', () => {
    expect(axisDomain([0.02, 0.5, 0.93])).toEqual([0, 1]);
    expect(axisDomain([3, 17], { nice: false })).toEqual([3, 17]);
    expect(axisDomain([0.02, 0.4], { scale: 'log' })).toEqual([0.01, 1]);
    expect(axisDomain([0.02, 0.4], { scale: 'log', nice: false })).toEqual([0.02, 0.4]);
  });

  it('a zero-based axis reaches 0, and data that is all 0 shows [0, 1] rather than a range around 0', () => {
    expect(axisDomain([0.3, 0.6], { includeZero: true })).toEqual([0, 0.6]);
    expect(axisDomain([0, 0, 0], { includeZero: true })).toEqual([0, 1]);
    expect(axisDomain([], { includeZero: true })).toEqual([0, 1]);
    expect(axisDomain([-2, -1], { includeZero: true, nice: false })).toEqual([-2, 0]);
    // Without it, a constant is widened around its value.
    expect(axisDomain([0, 0])).toEqual([-1, 1]);
  });

  it('takes a fixed domain only when the scale can use it', () => {
    expect(axisDomain([5, 6], { fixed: [0, 1] })).toEqual([0, 1]);
    expect(axisDomain([5, 6], { fixed: [1, 0] })).toEqual([0, 1]);
    expect(validDomain([0, 10], 'log')).toBeNull();
    expect(validDomain([2, 2], 'linear')).toBeNull();
    expect(validDomain([0, NaN], 'linear')).toBeNull();
    expect(axisDomain([0.5, 50], { scale: 'log', fixed: [0, 10] })).toEqual([0.1, 100]);
  });

  it('no data: [0, 1] linear, [1, 10] log', () => {
    expect(axisDomain([])).toEqual([0, 1]);
    expect(axisDomain([NaN, null, undefined])).toEqual([0, 1]);
    expect(axisDomain([], { scale: 'log' })).toEqual([1, 10]);
    expect(axisDomain([0, -3], { scale: 'log' })).toEqual([1, 10]);
  });
});

describe('axis ticks', () => {
  it('whole numbers only on an epoch axis, labelled without decimals', () => {
    const x = axisModel([0, 1, 2], { integer: true, nice: false, target: 6 });
    expect(x.domain).toEqual([0, 2]);
    expect(labels(x.ticks)).toEqual(['0', '1', '2']);
    // Too few whole ticks inside: the whole-number ends.
    expect(axisTicks('linear', [3, 4], { integer: true, target: 1 }).map((t) => t.value)).toEqual([3, 4]);
  });

  it('percent labels for fractions, with the digits the step needs', () => {
    expect(labels(axisTicks('linear', [0, 1], { target: 4, percent: true }))).toEqual(['0%', '20%', '40%', '60%', '80%', '100%']);
    expect(labels(axisTicks('linear', [0, 0.01], { target: 5, percent: true }))).toEqual(['0.0%', '0.2%', '0.4%', '0.6%', '0.8%', '1.0%']);
  });

  it('log axes: labelled decades with unlabelled minor ticks', () => {
    const y = axisModel([0.02, 3], { scale: 'log' });
    expect(y.domain).toEqual([0.01, 10]);
    expect(labels(y.ticks)).toEqual(['0.01', '0.1', '1', '10']);
    expect(y.ticks.some((t) => t.label === null)).toBe(true);
  });
});

describe('values a log axis cannot place', () => {
  it('are left out and counted; a band or error bar reaching 0 ends at the bottom of the axis', () => {
    expect(onAxis('log', 0)).toBe(false);
    expect(onAxis('log', 1e-300)).toBe(true);
    expect(onAxis('linear', -5)).toBe(true);
    expect(onAxis('linear', NaN)).toBe(false);
    expect(offAxisCount('log', [1, 0, -2, NaN, null, 3])).toBe(2);
    expect(offAxisCount('linear', [1, 0, -2])).toBe(0);
    const y = axisModel([0.05, 0.4], { scale: 'log' });
    expect(floorOnLog(y, -0.1)).toBe(y.domain[0]);
    expect(floorOnLog(y, 0)).toBe(y.domain[0]);
    expect(floorOnLog(y, 0.2)).toBe(0.2);
    expect(floorOnLog(axisModel([0.05, 0.4]), -0.1)).toBe(-0.1);
  });
});

describe('figures use the same axis as the screen', () => {
  it('a bar panel of nothing but zeros (no unit came back) has a count axis from 0 to 1, as on screen, not one from −1', () => {
    const spec: FigureSpec = {
      title: 'Revival',
      preset: 'single-column',
      panels: [{ kind: 'bars', xLabel: 'Hidden layer', yLabel: 'Units per run', bars: ['Layer 1', 'Layer 2'].map((category) => ({ category, groups: [{ name: 'ReLU', value: 0, lo: 0, hi: 0 }] })) }],
    };
    const svg = renderFigureSvg(spec);
    const tickLabels = [...svg.matchAll(/<text class="tick-label"[^>]*text-anchor="end"[^>]*>([^<]*)</g)].map((m) => m[1]);
    expect(tickLabels[0]).toBe('0');
    expect(tickLabels[tickLabels.length - 1]).toBe('1.0');
    expect(tickLabels.some((t) => t.startsWith('\u2212'))).toBe(false);
    const screen = axisModel([0, 0, 0, 0], { includeZero: true });
    expect(tickLabels).toEqual(labels(axisTicks('linear', screen.domain, { target: tickLabels.length - 1 })));
  });

  it('a lines panel from zero (a fraction) starts at 0, and one whose values are all 0 reads 0 to 1', () => {
    const panel = (ys: number[]): FigureSpec => ({
      title: 'Dead',
      preset: 'single-column',
      panels: [{ kind: 'lines', xLabel: 'Epoch', yLabel: 'Dead fraction', yFromZero: true, series: [{ name: 'ReLU', points: ys.map((y, x) => ({ x, y })) }] }],
    });
    const yLabels = (svg: string) => [...svg.matchAll(/<text class="tick-label"[^>]*text-anchor="end"[^>]*>([^<]*)</g)].map((m) => m[1]);
    const zeros = yLabels(renderFigureSvg(panel([0, 0, 0])));
    expect(zeros[0]).toBe('0');
    expect(zeros[zeros.length - 1]).toBe('1.0');
    const high = yLabels(renderFigureSvg(panel([0.3, 0.45, 0.6])));
    expect(high[0]).toBe('0');
  });
});
