/**
 * The axis model of every chart, on screen (recharts gets explicit `domain` and `ticks`) and in the
 * exported figures: from the values an axis must show and its options, the domain, the ticks with
 * their labels, and how values a log axis cannot place are treated. Pure TypeScript.
 *
 * Log axes: a value ≤ 0 (or not finite) has no place on a log axis. A point (a line's point, a
 * mean, a run, a bar) there is left out and counted (`offAxisCount`), so the chart can say how many;
 * the lower end of a band or an error bar at or below 0 is drawn at the bottom of the axis
 * (`floorOnLog`).
 */
import { decimalsOfStep, linearTicks, logTicks, niceStep, percentLabel, roundTo, widenDegenerate, type Tick } from './ticks.js';
import type { AxisScale } from './types.js';

export interface AxisOptions {
  scale?: AxisScale;
  /** About how many labelled ticks (default 5). */
  target?: number;
  /** Round the ends of the domain to ticks (default, y axes); false: span the data exactly (x axes). */
  nice?: boolean;
  /** A linear domain reaches 0 (fractions, counts, bars); data that is all 0 shows [0, 1]. */
  includeZero?: boolean;
  /** Ticks on whole numbers only (epochs), labelled as such. */
  integer?: boolean;
  /** Fixed domain, used when it is valid for the scale (finite, not empty, positive on a log axis). */
  fixed?: readonly [number, number];
  /** Labels in percent (0.25 → "25%"), for fractions. */
  percent?: boolean;
}

export interface AxisModel {
  scale: AxisScale;
  domain: [number, number];
  /** Tick positions; minor (unlabelled) ticks have a null label. */
  ticks: Tick[];
}

/** Whether `v` can be placed on an axis of this scale: finite, and positive on a log axis. */
export function onAxis(scale: AxisScale, v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (scale !== 'log' || v > 0);
}

/** How many finite values a log axis leaves out (those ≤ 0); 0 on a linear axis. */
export function offAxisCount(scale: AxisScale, values: Iterable<number | null | undefined>): number {
  if (scale !== 'log') return 0;
  let n = 0;
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && v <= 0) n++;
  return n;
}

/** Where a band's or an error bar's lower end `v` is drawn: on a log axis, at or below 0 means the bottom of the axis. */
export function floorOnLog(axis: Pick<AxisModel, 'scale' | 'domain'>, v: number): number {
  return axis.scale === 'log' && !(v > 0) ? axis.domain[0] : v;
}

/** The smallest and largest of `values` (null when there are none). */
export function valueExtent(values: Iterable<number>): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A fixed domain as [low, high], or null when the scale cannot use it. */
export function validDomain(d: readonly [number, number] | undefined, scale: AxisScale): [number, number] | null {
  if (d === undefined || !Array.isArray(d) || d.length !== 2) return null;
  const [a, b] = d;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return null;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (scale === 'log' && !(lo > 0)) return null;
  return [lo, hi];
}

/** Widen a positive range to whole decades. */
export function niceLogDomain(lo: number, hi: number): [number, number] {
  if (!(lo > 0) || !(hi > 0)) return [1, 10];
  if (hi < lo) [lo, hi] = [hi, lo];
  const a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (b <= a) b = a + 1;
  return [10 ** a, 10 ** b];
}

/**
 * Domain of a y axis from the data range: ends snap to the next tick when that adds at most half a
 * step, else the data range plus 4% (no large empty margins); a range that starts near zero
 * starts at zero. A zero-width range is widened around its value.
 */
export function niceLinearDomain(lo: number, hi: number, target: number): [number, number] {
  [lo, hi] = widenDegenerate(lo, hi);
  const span = hi - lo;
  if (lo > 0 && lo <= span * 0.25) lo = 0;
  if (hi < 0 && -hi <= span * 0.25) hi = 0;
  const step = niceStep(hi - lo, target);
  const d = decimalsOfStep(step) + 1;
  const pad = (hi - lo) * 0.04;
  let a = roundTo(Math.floor(lo / step + 1e-9) * step, d);
  if (lo - a > step * 0.5) a = lo - pad;
  let b = roundTo(Math.ceil(hi / step - 1e-9) * step, d);
  if (b - hi > step * 0.5) b = hi + pad;
  return [a, b];
}

/** The domain an axis with these options gives `values` (those it cannot place are ignored). */
export function axisDomain(values: Iterable<number | null | undefined>, options: AxisOptions = {}): [number, number] {
  const scale = options.scale ?? 'linear';
  const fixed = validDomain(options.fixed, scale);
  if (fixed !== null) return fixed;
  const nice = options.nice ?? true;
  const usable: number[] = [];
  for (const v of values) if (onAxis(scale, v)) usable.push(v);
  let data = valueExtent(usable);
  if (scale === 'log') {
    if (data === null) return [1, 10];
    return nice || data[0] === data[1] ? niceLogDomain(data[0], data[1]) : data;
  }
  if (options.includeZero === true) {
    data = data === null ? [0, 0] : [Math.min(0, data[0]), Math.max(0, data[1])];
    // Nothing but zeros (no unit ever died): 0 at the bottom, not a range around it.
    if (data[0] === 0 && data[1] === 0) data = [0, 1];
  }
  if (data === null) return [0, 1];
  return nice && options.integer !== true ? niceLinearDomain(data[0], data[1], options.target ?? 5) : widenDegenerate(data[0], data[1]);
}

/** The ticks of an axis over `domain`: decades on a log axis, 1-2-5 steps on a linear one. */
export function axisTicks(scale: AxisScale, domain: readonly [number, number], options: Pick<AxisOptions, 'target' | 'integer' | 'percent'> = {}): Tick[] {
  const target = options.target ?? 5;
  const [lo, hi] = domain;
  if (scale === 'log') return logTicks(lo, hi, target);
  let ticks = linearTicks(lo, hi, target);
  if (options.integer === true) {
    ticks = ticks.filter((t) => Number.isInteger(t.value)).map((t) => ({ value: t.value, label: { text: String(t.value) } }));
    if (ticks.length < 2) ticks = [lo, hi].filter(Number.isInteger).map((v) => ({ value: v, label: { text: String(v) } }));
  }
  if (options.percent === true) {
    const step = ticks.length > 1 ? ticks[1].value - ticks[0].value : 1;
    ticks = ticks.map((t) => ({ value: t.value, label: t.label === null ? null : percentLabel(t.value, step) }));
  }
  return ticks;
}

/** Ticks of a categorical axis (category i centred at i + 0.5 in a [0, n] domain), labelling every k-th so at most `maxLabels` show. */
export function categoryTicks(categories: readonly string[], maxLabels: number): Tick[] {
  const stride = Math.max(1, Math.ceil(categories.length / Math.max(1, maxLabels)));
  return categories.map((c, i) => ({ value: i + 0.5, label: i % stride === 0 ? { text: c } : null }));
}

/** Domain and ticks of an axis over `values`, see `axisDomain` and `axisTicks`. */
export function axisModel(values: Iterable<number | null | undefined>, options: AxisOptions = {}): AxisModel {
  const scale = options.scale ?? 'linear';
  const domain = axisDomain(values, options);
  return { scale, domain, ticks: axisTicks(scale, domain, options) };
}
