/**
 * Thinning of long series for drawing, without losing what matters: per x bucket the first, last,
 * minimum and maximum points are kept, so spikes, the global extremes and both endpoints survive.
 * Downsample AFTER smoothing and aggregation. Pure TypeScript (no Node, no DOM).
 */

/** Whether xs is finite and non-decreasing (then buckets can be equal x intervals). */
function sortedFinite(xs: ArrayLike<number>): boolean {
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i])) return false;
    if (i > 0 && xs[i] < xs[i - 1]) return false;
  }
  return true;
}

/**
 * Indices (ascending) of the points kept when thinning a series to about `maxPoints`: the x range is
 * cut into equal buckets (index buckets if xs is not sorted) and each keeps its first and last point
 * and, per channel, its minimum and maximum (finite values; NaN gaps survive as first/last points).
 * Hence both endpoints and every channel's global min and max are always kept. At most `maxPoints`
 * indices, except that one bucket (2 + 2·channels points) is the floor.
 */
export function downsampleIndices(xs: ArrayLike<number>, channels: readonly ArrayLike<number>[], maxPoints: number): number[] {
  if (!(maxPoints >= 2)) throw new RangeError(`maxPoints must be at least 2, got ${maxPoints}`);
  const n = xs.length;
  for (const c of channels) if (c.length !== n) throw new RangeError('every channel must have one value per x');
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  const perBucket = 2 + 2 * channels.length;
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const byX = sortedFinite(xs) && xs[n - 1] > xs[0];
  const x0 = xs[0];
  const span = xs[n - 1] - x0;
  const bucketOf = (i: number): number =>
    Math.min(buckets - 1, Math.floor(byX ? ((xs[i] - x0) / span) * buckets : (i * buckets) / n));

  const out: number[] = [];
  const mins = new Array<number>(channels.length);
  const maxs = new Array<number>(channels.length);
  let current = -1;
  let first = 0;
  let last = 0;
  const flush = (): void => {
    const picked = [first, last];
    for (let c = 0; c < channels.length; c++) {
      if (mins[c] >= 0) picked.push(mins[c]);
      if (maxs[c] >= 0) picked.push(maxs[c]);
    }
    picked.sort((a, b) => a - b);
    for (let j = 0; j < picked.length; j++) if (j === 0 || picked[j] !== picked[j - 1]) out.push(picked[j]);
  };
  for (let i = 0; i < n; i++) {
    const b = bucketOf(i);
    if (b !== current) {
      if (current >= 0) flush();
      current = b;
      first = i;
      mins.fill(-1);
      maxs.fill(-1);
    }
    last = i;
    for (let c = 0; c < channels.length; c++) {
      const v = channels[c][i];
      if (!Number.isFinite(v)) continue;
      if (mins[c] < 0 || v < channels[c][mins[c]]) mins[c] = i;
      if (maxs[c] < 0 || v > channels[c][maxs[c]]) maxs[c] = i;
    }
  }
  flush();
  return out;
}

/**
 * Rows thinned to about `maxPoints`, keeping the first and last row and, per channel, each bucket's
 * minimum and maximum (see `downsampleIndices`): one thinning for every chart, whatever its rows hold.
 * A channel returns NaN where a row has no value.
 */
export function downsampleRows<R>(rows: readonly R[], x: (row: R) => number, channels: readonly ((row: R) => number)[], maxPoints: number): R[] {
  const idx = downsampleIndices(
    rows.map(x),
    channels.map((c) => rows.map(c)),
    maxPoints,
  );
  return idx.map((i) => rows[i]);
}

/** A series thinned to about `maxPoints` points keeping endpoints, spikes and the global min and max of y. */
export function downsample<P extends { x: number; y: number }>(points: readonly P[], maxPoints: number): P[] {
  return downsampleRows(points, (p) => p.x, [(p) => p.y], maxPoints);
}

/** A band series thinned to about `maxPoints` points, keeping the extremes of its mean, lower and upper edges. */
export function downsampleBand<P extends { x: number; mean: number; lo: number; hi: number }>(points: readonly P[], maxPoints: number): P[] {
  return downsampleRows(points, (p) => p.x, [(p) => p.mean, (p) => p.lo, (p) => p.hi], maxPoints);
}
