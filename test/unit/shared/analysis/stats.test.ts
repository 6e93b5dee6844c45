import { describe, expect, it } from 'vitest';
import {
  band,
  bandHalfWidth,
  ci95HalfWidth,
  finiteValues,
  hasBand,
  MIN_BAND_RUNS,
  mean,
  normalQuantile,
  regularizedIncompleteBeta,
  sampleStd,
  standardError,
  studentTCdf,
  studentTQuantile,
  tCritical95,
} from '../../../../shared/analysis/index.js';

describe('descriptive statistics', () => {
  it('gives the known numbers for [1, 2, 3, 4]', () => {
    const xs = [1, 2, 3, 4];
    expect(mean(xs)).toBe(2.5);
    expect(sampleStd(xs)).toBeCloseTo(1.290994, 6);
    expect(standardError(xs)).toBeCloseTo(0.645497, 6);
    expect(ci95HalfWidth(xs)).toBeCloseTo(2.054260, 6); // t(0.975, 3) = 3.182446 × SE 0.645497 (the rounded 3.182 × 0.6455 gives 2.0540)
  });

  it('uses n − 1: no spread can be estimated from a single value (NaN), nor from none', () => {
    expect(sampleStd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(2.13809, 5);
    expect(sampleStd([3])).toBeNaN();
    expect(standardError([3])).toBeNaN();
    expect(ci95HalfWidth([3])).toBeNaN();
    expect(mean([])).toBeNaN();
    expect(sampleStd([])).toBeNaN();
    expect(ci95HalfWidth([])).toBeNaN();
  });

  it('excludes non-finite values (diverged runs) and counts only the rest', () => {
    const xs = [1, NaN, 2, Infinity, 3, -Infinity, 4];
    expect(finiteValues(xs)).toEqual([1, 2, 3, 4]);
    expect(mean(xs)).toBe(2.5);
    expect(sampleStd(xs)).toBeCloseTo(1.290994, 6);
    expect(band(xs, 'ci95')).toMatchObject({ mean: 2.5, n: 4 });
    expect(band([NaN, NaN], 'std')).toEqual({ mean: NaN, lo: NaN, hi: NaN, n: 0 });
  });

  it('accepts typed arrays', () => {
    expect(mean(new Float32Array([1, 2, 3]))).toBe(2);
  });

  it('builds bands of every kind', () => {
    const xs = [1, 2, 3, 4];
    const std = band(xs, 'std');
    expect(std.lo).toBeCloseTo(2.5 - 1.290994, 6);
    expect(std.hi).toBeCloseTo(2.5 + 1.290994, 6);
    expect(std.n).toBe(4);
    const se = band(xs, 'se');
    expect(se.hi - se.mean).toBeCloseTo(0.645497, 6);
    const ci = band(xs, 'ci95');
    expect(ci.hi - ci.mean).toBeCloseTo(2.054260, 6);
    expect(ci.mean - ci.lo).toBeCloseTo(2.054260, 6);
    // No band without one (band 'none') or with fewer than two runs: lo and hi are NaN, never a zero-width band.
    expect(band(xs, 'none')).toEqual({ mean: 2.5, lo: NaN, hi: NaN, n: 4 });
    for (const kind of ['std', 'se', 'ci95'] as const) expect(band([7], kind)).toEqual({ mean: 7, lo: NaN, hi: NaN, n: 1 });
    expect(band([7, NaN, Infinity], 'std')).toEqual({ mean: 7, lo: NaN, hi: NaN, n: 1 });
    expect(hasBand(band([1, 2], 'se'))).toBe(true);
    expect(hasBand(band([1], 'se'))).toBe(false);
    expect(MIN_BAND_RUNS).toBe(2);
    expect(bandHalfWidth(xs, 'none')).toBe(0);
  });
});

describe('Student t distribution', () => {
  it('has the published two-sided 95% critical values', () => {
    const table: [number, number][] = [
      [1, 12.7062047],
      [2, 4.3026527],
      [3, 3.1824463],
      [4, 2.7764451],
      [5, 2.5705818],
      [10, 2.2281389],
      [20, 2.0859634],
      [29, 2.0452296],
      [30, 2.0422725],
      [31, 2.0395134],
      [60, 2.0002978],
      [120, 1.9799304],
      [1e6, 1.9599659],
    ];
    for (const [df, t] of table) expect(tCritical95(df), `df ${df}`).toBeCloseTo(t, 6);
  });

  it('gives other quantiles, symmetric about 0', () => {
    expect(studentTQuantile(0.995, 1)).toBeCloseTo(63.6567412, 6);
    expect(studentTQuantile(0.995, 10)).toBeCloseTo(3.1692727, 6);
    expect(studentTQuantile(0.95, 5)).toBeCloseTo(2.0150484, 6);
    expect(studentTQuantile(0.9, 30)).toBeCloseTo(1.3104150, 6);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.5705818, 6);
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(1, 7)).toBe(Infinity);
    expect(studentTQuantile(0.5, 0)).toBeNaN();
  });

  it('inverts its CDF', () => {
    for (const df of [1, 2, 3, 7, 30, 250]) {
      for (const p of [0.6, 0.9, 0.975, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
    }
    expect(studentTCdf(0, 4)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.75, 12); // Cauchy
  });

  it('has correct building blocks', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 6);
    expect(regularizedIncompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    expect(regularizedIncompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(regularizedIncompleteBeta(0.2, 2, 3)).toBeCloseTo(0.1808, 12);
  });
});
