/**
 * Axis ticks: linear axes step by 1, 2 or 5 × 10^k; log axes put major ticks on decades (every
 * n-th decade when there are many) with minor ticks at 2…9 × 10^k.
 */

/** A tick label: `text`, optionally followed by a superscript (exponent) `sup`. */
export interface TickLabel {
  text: string;
  sup?: string;
}

export interface Tick {
  value: number;
  /** Minor ticks have no label. */
  label: TickLabel | null;
}

const MINUS = '\u2212';

/** Typographic minus sign instead of the hyphen. */
export function withMinus(s: string): string {
  return s.startsWith('-') ? MINUS + s.slice(1) : s;
}

/** The 1-2-5 step that gives closest to `target` intervals over `span`. */
export function niceStep(span: number, target: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, target);
  const exp = Math.floor(Math.log10(raw));
  let best = 10 ** exp;
  let bestErr = Infinity;
  for (const e of [exp - 1, exp, exp + 1]) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** e;
      const err = Math.abs(Math.log(span / step / Math.max(1, target)));
      if (err < bestErr - 1e-12) {
        bestErr = err;
        best = step;
      }
    }
  }
  return best;
}

/** Digits after the point that ticks `step` apart need. */
export function decimalsOfStep(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/** `v` rounded to `decimals` digits after the point, never −0. */
export function roundTo(v: number, decimals: number): number {
  const r = Number(v.toFixed(Math.min(20, decimals)));
  return Object.is(r, -0) ? 0 : r;
}

/** A zero-width range widened around its value (0 → [−1, 1], v → v ± 10 %). */
export function widenDegenerate(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo > Math.abs(hi) * 1e-12) return [lo, hi];
  const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
  return [lo - pad, hi + pad];
}

/** Format a number with `decimals` digits after the point (or in scientific form when huge / tiny). */
export function formatNumber(v: number, decimals: number): TickLabel {
  if (v === 0) return { text: '0' };
  const mag = Math.abs(v);
  if (mag >= 1e6 || decimals > 5) {
    const exp = Math.floor(Math.log10(mag) + 1e-9);
    const mant = v / 10 ** exp;
    const mantText = Number(mant.toPrecision(3)).toString();
    return { text: `${withMinus(mantText)}\u00d710`, sup: withMinus(String(exp)) };
  }
  return { text: withMinus(roundTo(v, decimals).toFixed(decimals)) };
}

/** A fraction as a percent label (0.25 → "25%") with the digits that ticks `step` apart need. */
export function percentLabel(v: number, step: number): TickLabel {
  const decimals = decimalsOfStep(Math.abs(step) * 100);
  return { text: `${withMinus(roundTo(v * 100, decimals).toFixed(decimals))}%` };
}

/** Ticks of a linear axis over [lo, hi] (all labelled). */
export function linearTicks(lo: number, hi: number, target: number): Tick[] {
  [lo, hi] = widenDegenerate(lo, hi);
  const step = niceStep(hi - lo, target);
  const decimals = decimalsOfStep(step);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: Tick[] = [];
  for (let i = first; i <= last && ticks.length < 100; i++) {
    const value = roundTo(i * step, decimals + 1);
    ticks.push({ value, label: formatNumber(value, decimals) });
  }
  return ticks;
}

function decadeLabel(exp: number, plain: boolean): TickLabel {
  if (plain) return { text: exp >= 0 ? String(10 ** exp) : (10 ** exp).toFixed(-exp) };
  return { text: '10', sup: withMinus(String(exp)) };
}

function mantissaLabel(m: number, exp: number, plain: boolean): TickLabel {
  if (plain) {
    const v = m * 10 ** exp;
    return { text: exp >= 0 ? String(Math.round(v)) : v.toFixed(-exp) };
  }
  return { text: `${m}\u00d710`, sup: withMinus(String(exp)) };
}

/** Ticks of a log axis over [lo, hi] (lo > 0): labelled decades, minor ticks in between. */
export function logTicks(lo: number, hi: number, target: number): Tick[] {
  if (!(lo > 0) || !(hi > lo)) return [];
  const eps = 1e-9;
  const la = Math.log10(lo);
  const lb = Math.log10(hi);
  const kmin = Math.floor(la + eps);
  const kmax = Math.ceil(lb - eps);
  const decades = Math.max(1, Math.ceil(lb - la - eps));
  const stride = Math.max(1, Math.ceil(decades / Math.max(1, target)));
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const majors: number[] = [];
  for (let k = kmin; k <= kmax; k++) if (((k % stride) + stride) % stride === 0 && inside(10 ** k)) majors.push(k);
  const exps = majors.length > 0 ? majors : [kmin, kmax];
  const plain = Math.min(...exps) >= -2 && Math.max(...exps) <= 3;
  const ticks: Tick[] = [];
  if (majors.length >= 2 && lb - la > 1 + eps) {
    for (let k = kmin; k <= kmax; k++) {
      const v = 10 ** k;
      if (inside(v)) ticks.push({ value: v, label: majors.includes(k) ? decadeLabel(k, plain) : null });
      if (stride === 1) for (let m = 2; m <= 9; m++) if (inside(m * v)) ticks.push({ value: m * v, label: null });
    }
    return ticks;
  }
  // One decade or less visible: label 1, 2 and 5 × 10^k too.
  let labelled = 0;
  for (let k = kmin - 1; k <= kmax; k++) {
    for (let m = 1; m <= 9; m++) {
      const v = m * 10 ** k;
      if (!inside(v)) continue;
      const show = m === 1 || m === 2 || m === 5;
      if (show) labelled++;
      ticks.push({ value: v, label: show ? (m === 1 ? decadeLabel(k, plain) : mantissaLabel(m, k, plain)) : null });
    }
  }
  if (labelled >= 2) return ticks;
  // Very narrow range: linear ticks placed on the log axis.
  return linearTicks(lo, hi, Math.max(2, target));
}

/** Label as plain text (for tests and titles): "10^−3" for superscripts. */
export function labelText(label: TickLabel): string {
  return label.sup === undefined ? label.text : `${label.text}^${label.sup}`;
}
