import { describe, expect, it } from 'vitest';
import { colorScale, colorScaleRgb, labelText, lightness, linearTicks, logTicks, niceStep } from '../../../shared/figure/index.js';
import { niceLinearDomain } from '../../../shared/figure/axis.js';

const labels = (ticks: ReturnType<typeof linearTicks>): string[] => ticks.filter((t) => t.label !== null).map((t) => labelText(t.label!));

describe('linear ticks', () => {
  it('step by 1, 2 or 5 × 10^k', () => {
    for (const [lo, hi] of [[0, 1], [0, 37], [-3.2, 7.9], [0.0013, 0.0871], [100, 10_000], [-1, -0.2]]) {
      for (const target of [3, 5, 8]) {
        const step = niceStep(hi - lo, target);
        const mant = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
        expect([1, 2, 5]).toContain(Math.round(mant * 1e9) / 1e9);
        const ticks = linearTicks(lo, hi, target);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        for (const t of ticks) expect(t.value >= lo - 1e-9 && t.value <= hi + 1e-9).toBe(true);
      }
    }
  });

  it('labels without floating-point noise, with a real minus sign', () => {
    expect(labels(linearTicks(0, 1, 5))).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(labels(linearTicks(0, 0.3, 3))).toEqual(['0', '0.1', '0.2', '0.3']);
    expect(labels(linearTicks(-2, 2, 4))).toEqual(['\u22122', '\u22121', '0', '1', '2']);
    expect(labels(linearTicks(0, 4e6, 4))).toEqual(['0', '1\u00d710^6', '2\u00d710^6', '3\u00d710^6', '4\u00d710^6']);
  });

  it('nice y domains end on a tick or hug the data, and start at zero when the data nearly does', () => {
    expect(niceLinearDomain(0.02, 0.93, 5)).toEqual([0, 1]);
    const [a, b] = niceLinearDomain(-0.012, 0.65, 5);
    expect(a).toBeLessThan(-0.012);
    expect(a).toBeGreaterThan(-0.05);
    expect(b).toBe(0.7);
    const [c, d] = niceLinearDomain(3, 3, 5);
    expect(c).toBeLessThan(3);
    expect(d).toBeGreaterThan(3);
  });
});

describe('log ticks', () => {
  it('labels decades and puts minor ticks at 2…9 × 10^k', () => {
    const ticks = logTicks(0.001, 10, 5);
    expect(labels(ticks)).toEqual(['10^\u22123', '10^\u22122', '10^\u22121', '10^0', '10^1']);
    expect(ticks.filter((t) => t.label === null).length).toBe(4 * 8);
    expect(labels(logTicks(1, 1000, 5))).toEqual(['1', '10', '100', '1000']);
    expect(labels(logTicks(0.01, 1, 5))).toEqual(['0.01', '0.1', '1']);
  });

  it('thins decade labels over many decades', () => {
    const ticks = logTicks(1e-12, 1, 4);
    const l = labels(ticks);
    expect(l.length).toBeLessThanOrEqual(5);
    expect(l).toContain('10^0');
  });

  it('labels 1, 2, 5 within a single decade', () => {
    expect(labels(logTicks(1, 10, 5))).toEqual(['1', '2', '5', '10']);
    expect(labels(logTicks(1.5, 7, 5))).toEqual(['2', '5']);
  });
});

describe('colour scales', () => {
  it('viridis and magma end at the matplotlib colours', () => {
    expect(colorScale('viridis', 0)).toBe('#440154');
    expect(colorScale('viridis', 1)).toBe('#fde725');
    expect(colorScale('magma', 0)).toBe('#000004');
    expect(colorScale('magma', 1)).toBe('#fcfdbf');
    expect(colorScale('viridis', -1)).toBe('#440154');
    expect(colorScale('viridis', NaN)).toBe('#440154');
  });

  it('lightness rises monotonically: the scale survives grayscale printing', () => {
    for (const scheme of ['viridis', 'magma'] as const) {
      let prev = -Infinity;
      for (let i = 0; i <= 100; i++) {
        const l = lightness(colorScaleRgb(scheme, i / 100));
        expect(l).toBeGreaterThan(prev);
        prev = l;
      }
    }
  });
});
