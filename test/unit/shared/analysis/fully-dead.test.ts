import { describe, expect, it } from 'vitest';
import { fullyDeadLayerAt, fullyDeadShare, wilsonInterval, Z95, normalQuantile } from '../../../../shared/analysis/index.js';

describe('Wilson score interval', () => {
  it('gives the known values (0/10, 5/10, 10/10) and Newcombe 1998’s table', () => {
    const close = (k: number, n: number, lo: number, hi: number, digits = 3) => {
      const w = wilsonInterval(k, n);
      expect(w.p).toBe(k / n);
      expect(w.lo).toBeCloseTo(lo, digits);
      expect(w.hi).toBeCloseTo(hi, digits);
    };
    close(0, 10, 0, 0.278);
    close(5, 10, 0.237, 0.763);
    close(10, 10, 0.722, 1);
    // Newcombe, "Two-sided confidence intervals for the single proportion" (Stat. Med. 1998), method 3.
    close(81, 263, 0.2553, 0.3662, 4);
    close(15, 148, 0.0624, 0.1605, 4);
    close(0, 20, 0, 0.1611, 4);
    close(1, 29, 0.0061, 0.1718, 4);
  });

  it('is exact at 0 and n of n, symmetric in k ↔ n − k, inside [0, 1] and around p', () => {
    expect(wilsonInterval(0, 7).lo).toBe(0);
    expect(wilsonInterval(7, 7).hi).toBe(1);
    for (let n = 1; n <= 40; n++) {
      for (let k = 0; k <= n; k++) {
        const w = wilsonInterval(k, n);
        const mirror = wilsonInterval(n - k, n);
        expect(w.lo).toBeCloseTo(1 - mirror.hi, 12);
        expect(w.lo).toBeGreaterThanOrEqual(0);
        expect(w.hi).toBeLessThanOrEqual(1);
        expect(w.lo).toBeLessThanOrEqual(w.p);
        expect(w.hi).toBeGreaterThanOrEqual(w.p);
        expect(w.hi - w.lo).toBeGreaterThan(0);
      }
    }
  });

  it('uses z = Φ⁻¹(0.975) and meets the normal interval p ± z·√(p(1 − p)/n) for many runs', () => {
    expect(Z95).toBeCloseTo(normalQuantile(0.975), 8);
    const w = wilsonInterval(3000, 10_000);
    const half = Z95 * Math.sqrt((0.3 * 0.7) / 10_000);
    expect(w.lo).toBeCloseTo(0.3 - half, 3);
    expect(w.hi).toBeCloseTo(0.3 + half, 3);
  });

  it('has no interval without runs and refuses impossible counts', () => {
    const none = wilsonInterval(0, 0);
    expect([none.p, none.lo, none.hi].every(Number.isNaN)).toBe(true);
    expect(() => wilsonInterval(3, 2)).toThrow(/0 ≤ count ≤ n, got 3 of 2/);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(0.5, 2)).toThrow(RangeError);
  });
});

describe('fully dead layers', () => {
  const epochs = (...perEpoch: number[][]) => perEpoch.map((layers, epoch) => ({ epoch, layers: layers.map((deadFraction) => ({ deadFraction })) }));

  it('a run has a fully dead layer at an epoch when some layer’s dead fraction is exactly 1', () => {
    const run = epochs([0.5, 1, 0], [0.5, 0.75, 0.999], [NaN, 1], [NaN, 0.5]);
    expect(fullyDeadLayerAt(run, 0)).toBe('dead');
    expect(fullyDeadLayerAt(run, 1)).toBe('alive');
    // A fully dead layer is dead whatever the others; without one, a non-finite layer cannot be judged.
    expect(fullyDeadLayerAt(run, 2)).toBe('dead');
    expect(fullyDeadLayerAt(run, 3)).toBe('not-finite');
    expect(fullyDeadLayerAt(run, 4)).toBe('not-measured');
  });

  it('a group’s share counts the judged runs only, with the Wilson interval', () => {
    const runs = [epochs([1, 0]), epochs([0, 0]), epochs([0, 1]), epochs([0.5, 0]), epochs([NaN, 0]), []];
    const share = fullyDeadShare(runs, 0);
    expect(share).toMatchObject({ count: 2, n: 4, p: 0.5, notMeasured: 1, notFinite: 1 });
    const w = wilsonInterval(2, 4);
    expect([share.lo, share.hi]).toEqual([w.lo, w.hi]);
  });
});
