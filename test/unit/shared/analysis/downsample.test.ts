import { describe, expect, it } from 'vitest';
import { downsample, downsampleBand, downsampleIndices, downsampleRows } from '../../../../shared/analysis/index.js';
import { rng } from '../../figure/fixtures.js';

describe('downsampling for drawing', () => {
  it('thins 100k points to at most N, keeping endpoints, a single spike, the global min and order', () => {
    const rand = rng(7);
    const n = 100_000;
    const pts = Array.from({ length: n }, (_, i) => ({ x: i * 0.5, y: Math.sin(i / 5000) + 0.01 * rand() }));
    pts[43_217].y = 50; // one-point spike
    pts[77_001].y = -20; // one-point dip
    const out = downsample(pts, 500);
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.length).toBeGreaterThan(200);
    expect(out[0]).toBe(pts[0]);
    expect(out[out.length - 1]).toBe(pts[n - 1]);
    expect(out).toContain(pts[43_217]);
    expect(out).toContain(pts[77_001]);
    expect(Math.max(...out.map((p) => p.y))).toBe(50);
    expect(Math.min(...out.map((p) => p.y))).toBe(-20);
    for (let i = 1; i < out.length; i++) expect(out[i].x).toBeGreaterThan(out[i - 1].x);
  });

  it('keeps every local extreme of each bucket: a spike anywhere survives', () => {
    for (const at of [0, 1, 499, 500, 998, 999]) {
      const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: 0 }));
      pts[at].y = 1;
      expect(downsample(pts, 40)).toContain(pts[at]);
    }
  });

  it('returns short series unchanged and never fewer than one bucket of points', () => {
    const pts = [
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 2 },
    ];
    expect(downsample(pts, 10)).toEqual(pts);
    const long = Array.from({ length: 100 }, (_, i) => ({ x: i, y: i === 40 ? -1 : i === 60 ? 9 : 0 }));
    const tiny = downsample(long, 2);
    expect(tiny.map((p) => p.x)).toEqual([0, 40, 60, 99]);
    expect(() => downsample(long, 1)).toThrow(RangeError);
  });

  it('buckets by x: a dense region is thinned, a sparse one kept', () => {
    const xs = [...Array.from({ length: 1000 }, (_, i) => i / 1000), 10, 20, 30, 40, 50];
    const ys = xs.map((_, i) => i % 7);
    const idx = downsampleIndices(xs, [ys], 40);
    expect(idx.length).toBeLessThanOrEqual(40);
    for (const i of [1000, 1001, 1002, 1003, 1004]) expect(idx).toContain(i);
  });

  it('keeps NaN gaps visible and ignores NaN for extremes', () => {
    const pts = Array.from({ length: 1000 }, (_, i) => ({ x: i, y: i >= 600 ? NaN : i === 300 ? 5 : 1 }));
    const out = downsample(pts, 100);
    expect(out).toContain(pts[300]);
    expect(out.some((p) => Number.isNaN(p.y))).toBe(true);
    expect(out[out.length - 1]).toBe(pts[999]);
  });

  it('keeps the extremes of a band series (mean, lower and upper edges)', () => {
    const pts = Array.from({ length: 10_000 }, (_, i) => ({ x: i, mean: 0, lo: -1, hi: 1, n: 3 }));
    pts[1234].hi = 7;
    pts[8765].lo = -7;
    pts[5555].mean = 3;
    const out = downsampleBand(pts, 160);
    expect(out.length).toBeLessThanOrEqual(160);
    expect(out).toContain(pts[1234]);
    expect(out).toContain(pts[8765]);
    expect(out).toContain(pts[5555]);
  });

  it('thins rows of several channels with gaps, keeping the spike of every channel and the rows as they are', () => {
    const rows = Array.from({ length: 5000 }, (_, epoch) => ({ epoch, train: epoch === 4 ? 9 : 1 / (epoch + 1), val: epoch % 1000 === 7 ? null : 2 / (epoch + 1), dip: epoch === 2222 ? -1 : 0 }));
    const out = downsampleRows(rows, (r) => r.epoch, [(r) => r.train, (r) => r.val ?? NaN, (r) => r.dip], 600);
    expect(out.length).toBeLessThanOrEqual(600);
    expect(out[0]).toBe(rows[0]);
    expect(out[out.length - 1]).toBe(rows[4999]);
    expect(out).toContain(rows[4]);
    expect(out).toContain(rows[2222]);
    expect(out.map((r) => r.epoch)).toEqual([...out.map((r) => r.epoch)].sort((a, b) => a - b));
  });
});

