/**
 * Descriptive statistics for groups of runs (runs that differ only by seed): mean, spread and the
 * band drawn around a group's mean. Pure TypeScript (no Node, no DOM).
 *
 * Every function skips non-finite values (NaN/±Infinity from diverged runs); `n` always counts the
 * values actually used.
 */
import type { BandKind } from '../compare.js';

/** A group's value at one point: the mean and the band [lo, hi] drawn around it, over `n` finite values. */
export interface BandValue {
  mean: number;
  lo: number;
  hi: number;
  n: number;
}

/** The finite values of a list, so diverged runs (NaN, ±Infinity) don't poison a group's statistics. */
export function finiteValues(values: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) out.push(v);
  }
  return out;
}

/** Arithmetic mean of the finite values (NaN when there are none). */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? NaN : sum / n;
}

/** Sample standard deviation (n − 1 denominator) of the finite values: NaN for fewer than two (no spread can be estimated from one run). */
export function sampleStd(values: ArrayLike<number>): number {
  const xs = finiteValues(values);
  if (xs.length < 2) return NaN;
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

/** Standard error of the mean, std / √n, of the finite values (NaN for fewer than two). */
export function standardError(values: ArrayLike<number>): number {
  const n = finiteValues(values).length;
  if (n < 2) return NaN;
  return sampleStd(values) / Math.sqrt(n);
}

/** Half-width of the two-sided 95% Student-t confidence interval of the mean, t(0.975, n−1) · SE (NaN for fewer than two values). */
export function ci95HalfWidth(values: ArrayLike<number>): number {
  const n = finiteValues(values).length;
  if (n < 2) return NaN;
  return tCritical95(n - 1) * standardError(values);
}

/** Half-width of the band of the given kind ('none' → 0): what is added and subtracted around the mean. */
export function bandHalfWidth(values: ArrayLike<number>, kind: BandKind): number {
  switch (kind) {
    case 'none':
      return finiteValues(values).length === 0 ? NaN : 0;
    case 'std':
      return sampleStd(values);
    case 'se':
      return standardError(values);
    case 'ci95':
      return ci95HalfWidth(values);
  }
}

/** A band needs at least this many runs: one run has no spread, and a zero-width band would claim agreement. */
export const MIN_BAND_RUNS = 2;

/**
 * The mean of the finite values and the band around it (mean ± std, ± SE or ± CI95 half-width). Where
 * there is no band (kind 'none', or fewer than `MIN_BAND_RUNS` finite values) lo and hi are NaN, so
 * nothing is drawn; all NaN when no value is finite.
 */
export function band(values: ArrayLike<number>, kind: BandKind): BandValue {
  const xs = finiteValues(values);
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const m = mean(xs);
  if (kind === 'none' || n < MIN_BAND_RUNS) return { mean: m, lo: NaN, hi: NaN, n };
  const h = bandHalfWidth(xs, kind);
  return { mean: m, lo: m - h, hi: m + h, n };
}

/** Whether a band value has a band to draw (finite limits). */
export function hasBand(value: Pick<BandValue, 'lo' | 'hi'>): boolean {
  return Number.isFinite(value.lo) && Number.isFinite(value.hi);
}

// ---------- Student t and normal distributions ----------

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; relative error ~1e-15). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz; Numerical Recipes `betacf`). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  const EPS = 1e-16;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), the CDF of the Beta(a, b) distribution at x. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Upper tail P(T > t) of Student's t with `df` degrees of freedom, for t ≥ 0 (precise far in the tail). */
function studentTUpperTail(t: number, df: number): number {
  return 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student-t CDF P(T ≤ t) with `df` > 0 degrees of freedom (exact, via the incomplete beta function). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = studentTUpperTail(Math.abs(t), df);
  return t > 0 ? 1 - tail : tail;
}

/** Student-t density with `df` degrees of freedom. */
function studentTDensity(t: number, df: number): number {
  const lnC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(lnC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** Cornish–Fisher expansion of the t quantile around the normal one (Abramowitz & Stegun 26.7.5). */
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}

/** Above this many degrees of freedom the Cornish–Fisher expansion is exact to ~1e-12 and is used as is. */
const CORNISH_FISHER_DF = 1000;

/**
 * Student-t quantile: the t with P(T ≤ t) = p for `df` > 0 degrees of freedom. Closed forms for df 1
 * and 2; otherwise the Cornish–Fisher estimate refined by safeguarded Newton steps on the exact CDF
 * (accurate to ~1e-12); Cornish–Fisher alone above 1000 degrees of freedom.
 */
export function studentTQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  const q = 1 - p; // upper tail, p > 0.5
  const guess = cornishFisherT(normalQuantile(p), df);
  if (df > CORNISH_FISHER_DF) return guess;
  // Bracket the root of tail(t) − q (tail decreasing in t), then Newton with bisection fallback.
  let lo = 0;
  let hi = Math.max(guess, 1);
  while (studentTUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
  }
  let t = Math.min(Math.max(guess, lo), hi);
  for (let i = 0; i < 200; i++) {
    const g = studentTUpperTail(t, df) - q;
    if (g === 0) return t;
    if (g > 0) lo = t;
    else hi = t;
    let next = t + g / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

const T95_CACHE = new Map<number, number>();

/** t(0.975, df): the multiplier of the standard error for a two-sided 95% confidence interval (cached). */
export function tCritical95(df: number): number {
  let t = T95_CACHE.get(df);
  if (t === undefined) {
    t = studentTQuantile(0.975, df);
    T95_CACHE.set(df, t);
  }
  return t;
}

// ---------- Proportions ----------

/** z of a two-sided 95 % normal interval, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

/** A share of runs with its interval: `count` of `n`, the share p = count / n and [lo, hi]. */
export interface ProportionInterval {
  count: number;
  n: number;
  p: number;
  lo: number;
  hi: number;
}

/**
 * The Wilson score interval of a binomial proportion (Wilson 1927): with p̂ = k/n and z = Φ⁻¹(1 − α/2),
 * centre (p̂ + z²/2n) / (1 + z²/n), half-width z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²). Unlike p̂ ± z·SE it
 * stays inside [0, 1] and is not empty at 0 or n of n (0/10 → [0, 0.278]). n = 0: all NaN.
 */
export function wilsonInterval(count: number, n: number, z = Z95): ProportionInterval {
  if (!Number.isInteger(count) || !Number.isInteger(n) || count < 0 || n < 0 || count > n) throw new RangeError(`wilsonInterval: need whole numbers 0 ≤ count ≤ n, got ${count} of ${n}`);
  if (n === 0) return { count, n, p: NaN, lo: NaN, hi: NaN };
  const p = count / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // The exact ends (0 of n, n of n) stay exact rather than off by a rounding error.
  return { count, n, p, lo: count === 0 ? 0 : Math.max(0, centre - half), hi: count === n ? 1 : Math.min(1, centre + half) };
}
