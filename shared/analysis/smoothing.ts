/**
 * Debiased exponential moving average, exactly as TensorBoard's scalar charts smooth. Apply it to a
 * run's FULL series, before any downsampling (smoothing a thinned series changes the curve).
 * Pure TypeScript (no Node, no DOM).
 */

/** Throws unless `weight` is a valid smoothing weight, in [0, 1). */
function checkWeight(weight: number): void {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
}

/**
 * TensorBoard's debiased EMA: s_t = w·s_{t−1} + (1−w)·y_t with s_0 = 0, reported as s_t / (1 − w^t),
 * where t counts the finite points so far. Non-finite points (NaN from a diverged run) stay as they are
 * and leave the average untouched; a series whose finite values are all equal is returned unchanged
 * (as TensorBoard does, avoiding rounding noise); w = 0 returns the values themselves.
 */
export function smoothEma(values: ArrayLike<number>, weight: number): number[] {
  checkWeight(weight);
  const out = Array.from(values);
  if (weight === 0) return out;
  let first: number | undefined;
  let constant = true;
  for (const v of out) {
    if (!Number.isFinite(v)) continue;
    if (first === undefined) first = v;
    else if (v !== first) {
      constant = false;
      break;
    }
  }
  if (constant) return out;
  let last = 0;
  let count = 0;
  for (let i = 0; i < out.length; i++) {
    const y = out[i];
    if (!Number.isFinite(y)) continue;
    last = last * weight + (1 - weight) * y;
    count++;
    out[i] = last / (1 - Math.pow(weight, count));
  }
  return out;
}

/** Smooths the `y` of a series of points (x untouched), with `smoothEma`. */
export function smoothSeries<P extends { y: number }>(points: readonly P[], weight: number): P[] {
  const ys = smoothEma(
    points.map((p) => p.y),
    weight,
  );
  return points.map((p, i) => ({ ...p, y: ys[i] }));
}
