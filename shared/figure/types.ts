/**
 * Declarative description of a publication figure: what `renderFigureSvg` draws. Pure data (JSON
 * compatible: a `null` coordinate is a gap, like NaN), so the app, the CLI and saved comparisons can
 * all build, store and render the same spec.
 */

export const FIGURE_PRESET_NAMES = ['screen', 'single-column', 'double-column'] as const;
export type FigurePresetName = (typeof FIGURE_PRESET_NAMES)[number];

export type SizeUnit = 'in' | 'px';
export type AxisScale = 'linear' | 'log';
export type LegendPosition = 'top' | 'right' | 'bottom' | 'none';

/** A number, or `null` / NaN for "no value" (a gap in a line, a missing cell). */
export type MaybeNumber = number | null;

export interface LinePoint {
  x: number;
  y: MaybeNumber;
}

export interface BandPoint {
  x: number;
  lo: MaybeNumber;
  hi: MaybeNumber;
}

export interface LineSeries {
  /** Legend label; series with the same name in several panels share one legend entry. */
  name: string;
  /** CSS colour (`#RRGGBB` recommended); default: Okabe–Ito by series index. */
  color?: string;
  /** SVG stroke-dasharray in units of the line width ('' = solid); default: solid, or by index when grayscale-safe. */
  dash?: string;
  points: LinePoint[];
  /** Mean ± band (std / SE / CI): drawn as a translucent polygon under the line. */
  band?: BandPoint[];
  /** An individual run under its group's mean: thinner, lighter, not in the legend. */
  thin?: boolean;
  /** Marker shape index (0–7) drawn on a few points; default: none, or by index when grayscale-safe. */
  marker?: number;
}

export interface BarGroupValue {
  /** Group (legend) name. */
  name: string;
  color?: string;
  value: MaybeNumber;
  /** Error bar ends (absolute values, not offsets). */
  lo?: MaybeNumber;
  hi?: MaybeNumber;
}

export interface BarCategory {
  /** Label under the bars (e.g. the hidden layer or the activation). */
  category: string;
  groups: BarGroupValue[];
}

export type ColorScheme = 'viridis' | 'magma';

export interface ColorScale {
  /** Perceptually uniform, colour-blind safe; default viridis. */
  scheme?: ColorScheme;
  /** Value range mapped to the scale ends; default: the finite min and max of the values. */
  domain?: [number, number];
  /** Colour-bar label (with units). */
  label: string;
  /** Flip the scale (high values dark). */
  reverse?: boolean;
}

export interface HeatmapData {
  /** Column centres (numeric axis) or column labels (categorical axis). */
  xs: number[] | string[];
  /** Row centres or labels; row 0 is drawn at the bottom. */
  ys: number[] | string[];
  /** values[row][column]; null / NaN cells are left empty. */
  values: MaybeNumber[][];
  colorScale: ColorScale;
}

export interface Ridge {
  /** Row label (e.g. "epoch 10"). */
  label: string;
  /** Equal-width bins over [lo, hi] (the shape of `Histogram` in shared/metrics.ts). */
  lo: number;
  hi: number;
  counts: number[];
  color?: string;
}

interface PanelBase {
  title?: string;
  /** Axis label with units, e.g. "Epoch" or "Dead fraction (%)". */
  xLabel: string;
  yLabel: string;
  xScale?: AxisScale;
  yScale?: AxisScale;
  /** Fixed axis range; default: from the data (log axes: positive data only). */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** The y axis reaches 0, as a fraction's or a count's should (a panel of only zeros reads 0 to 1); bars always do. */
  yFromZero?: boolean;
  /** Light grid lines at the major ticks; default: on for the screen preset, off for paper. */
  grid?: boolean;
  /** Thin grey reference lines, e.g. x = 0 in a pre-activation histogram. */
  refLines?: { axis: 'x' | 'y'; value: number; label?: string }[];
}

export interface LinesPanel extends PanelBase {
  kind: 'lines';
  series: LineSeries[];
}

export interface BarsPanel extends PanelBase {
  kind: 'bars';
  bars: BarCategory[];
}

export interface HeatmapPanel extends PanelBase {
  kind: 'heatmap';
  heatmap: HeatmapData;
}

export interface RidgesPanel extends PanelBase {
  kind: 'ridges';
  ridges: Ridge[];
  /** How far a ridge may rise into the rows above, in rows (default 1.6). */
  overlap?: number;
  /** Scale each ridge to its own maximum ('each', default) or all to the largest ('global'). */
  normalize?: 'each' | 'global';
}

export type FigurePanel = LinesPanel | BarsPanel | HeatmapPanel | RidgesPanel;
export type PanelKind = FigurePanel['kind'];

export interface FigureSpec {
  title: string;
  subtitle?: string;
  /** 'screen' (px), 'single-column' (3.5 in wide) or 'double-column' (7 in wide). */
  preset: FigurePresetName;
  /** Override the preset size; `unit` defaults to the preset's ('in' for paper, 'px' for screen). */
  width?: number;
  height?: number;
  unit?: SizeUnit;
  /** A key of FONT_STACKS ('sans', 'serif', 'dejavu') or a CSS font-family list; default 'sans'. */
  fontFamily?: string;
  /** Base font size in points; default from the preset (8 pt paper, 10 pt screen). */
  fontSize?: number;
  /** Distinct dash patterns, markers and bar hatching, so groups stay apart in black-and-white print. */
  grayscaleSafe?: boolean;
  panels: FigurePanel[];
  /** Grid columns for small multiples; default: all in one row up to 3 (2 for single-column). */
  columns?: number;
  legend?: LegendPosition;
  /** Extra lines under the figure (sources, n runs, band definition). */
  notes?: string[];
  /** Prefix of element ids (clip paths, patterns), for several figures inlined in one page. */
  idPrefix?: string;
  /** Background fill; default white ('none' for transparent). */
  background?: string;
}

export interface FigurePreset {
  unit: SizeUnit;
  width: number;
  /** Height of a figure with one row of panels. */
  height: number;
  /** Height added by each further row of panels. */
  rowHeight: number;
  fontSize: number;
  lineWidth: number;
  grid: boolean;
}

/** Physical size of a figure: what `figurePixelSize` and the PNG / PDF converters use. */
export interface FigureSize {
  unit: SizeUnit;
  width: number;
  height: number;
  widthIn: number;
  heightIn: number;
  /** The SVG user unit is the point: viewBox = widthIn × 72 by heightIn × 72. */
  widthPt: number;
  heightPt: number;
}
