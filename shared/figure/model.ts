/**
 * A figure panel before and after layout: its axes (the shared axis model plus a label, categories
 * and the count of values a log axis left out), the data-to-point scales and the panel's place.
 * Pure TypeScript.
 */
import type { AxisModel } from './axis.js';
import type { Rect } from './draw.js';
import type { Tick } from './ticks.js';
import type { AxisScale, FigurePanel } from './types.js';

export interface Axis extends AxisModel {
  label: string;
  /** Categorical axis: category i is centred at i + 0.5 in a [0, n] domain. */
  categories: string[] | null;
  /** Non-positive values dropped from a log axis. */
  dropped: number;
}

/** Data value → position in points. */
export type Scale = (v: number) => number;

/** The scale of `axis` onto [from, to]; NaN for a value a log axis cannot place. */
export function makeScale(axis: Axis, from: number, to: number): Scale {
  const [d0, d1] = axis.domain;
  if (axis.scale === 'log') {
    const l0 = Math.log10(d0);
    const span = Math.log10(d1) - l0 || 1;
    return (v) => (v > 0 ? from + ((Math.log10(v) - l0) / span) * (to - from) : NaN);
  }
  const span = d1 - d0 || 1;
  return (v) => from + ((v - d0) / span) * (to - from);
}

export interface PanelModel {
  panel: FigurePanel;
  x: Axis;
  y: Axis;
  /** Nothing to draw: the plot says "No data". */
  empty: boolean;
  colorbar: { domain: [number, number]; label: string; ticks: Tick[] } | null;
  /** Heatmaps: the cell boundaries along x and y, in axis units (n + 1 each). */
  cells?: { x: number[]; y: number[] };
}

/** The scale a panel asks for ('linear' unless it says 'log'). */
export function scaleOf(s: AxisScale | undefined): AxisScale {
  return s === 'log' ? 'log' : 'linear';
}

/** A panel placed on the page: its cell, its plot area, whether x labels rotate, where its colour bar goes. */
export interface PanelLayout {
  model: PanelModel;
  cell: Rect;
  plot: Rect;
  rotateX: boolean;
  colorbarX: number;
}

/** Sizes of ticks and labels, in points, the same for every panel of a figure. */
export interface TickSizes {
  tickFs: number;
  tickLen: number;
  labelGap: number;
  colorbarW: number;
}
