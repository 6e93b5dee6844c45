import { describe, expect, it } from 'vitest';
import { downsample, smoothEma, smoothSeries } from '../../../../shared/analysis/index.js';

describe('debiased EMA (TensorBoard)', () => {
  it('keeps a constant series exactly', () => {
    expect(smoothEma([1, 1, 1], 0.9)).toEqual([1, 1, 1]);
    expect(smoothEma([0.3, NaN, 0.3], 0.6)).toEqual([0.3, NaN, 0.3]);
  });

  it('matches hand-computed values', () => {
    const [a, b] = smoothEma([0, 1], 0.5);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(2 / 3, 12); // (0.5·0 + 0.5·1) / (1 − 0.25)
    const s = smoothEma([1, 2, 3], 0.5);
    // by hand: s1 = 0.5, s2 = 0.25 + 1 = 1.25, s3 = 0.625 + 1.5 = 2.125; debiased ÷ 0.5, 0.75, 0.875
    expect(s).toEqual([1, 1.25 / 0.75, 2.125 / 0.875].map((v) => expect.closeTo(v, 12)));
    expect(s[1]).toBeCloseTo(1.666667, 6);
    expect(s[2]).toBeCloseTo(2.428571, 6);
  });

  it('is the identity for w = 0 and rejects weights outside [0, 1)', () => {
    const ys = [3, -1, 4, 1, 5, NaN, 9];
    expect(smoothEma(ys, 0)).toEqual(ys);
    expect(() => smoothEma(ys, 1)).toThrow(RangeError);
    expect(() => smoothEma(ys, -0.1)).toThrow(RangeError);
  });

  it('keeps NaN points as NaN without poisoning later points', () => {
    const s = smoothEma([0, NaN, 1], 0.5);
    expect(s[0]).toBe(0);
    expect(s[1]).toBeNaN();
    expect(s[2]).toBeCloseTo(2 / 3, 12); // same as [0, 1]: t counts finite points
    const lead = smoothEma([NaN, 2, 4], 0.5);
    expect(lead[0]).toBeNaN();
    expect(lead[1]).toBe(2);
    expect(lead[2]).toBeCloseTo((0.5 + 2) / 0.75, 12);
  });

  it('smooths point series and is applied before downsampling', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i % 2 }));
    const smoothed = smoothSeries(pts, 0.9);
    expect(smoothed[0]).toEqual({ x: 0, y: 0 });
    expect(smoothed[999].x).toBe(999);
    // Smoothing the full series then thinning keeps the smoothed values at the kept x.
    const thinned = downsample(smoothed, 100);
    for (const p of thinned) expect(p.y).toBe(smoothed[p.x].y);
  });
});
