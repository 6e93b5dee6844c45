/**
 * Publication figures: a declarative FigureSpec rendered to a standalone SVG document. Pure
 * TypeScript (no Node, no DOM), shared by the app (preview, SVG export) and the CLI, which turns
 * the SVG into PNG / PDF with electron/figure/convert.ts.
 */
export * from './types.js';
export { FIGURE_PRESETS, CSS_PX_PER_IN, PT_PER_IN, figureSize, figurePixelSize, panelGrid, pixelSizeAt, svgPhysicalSize } from './layout.js';
export { figureNotesHeight, renderFigureSvg } from './render.js';
export { FONT_STACKS, fallbackWidthFactor, measureText, resolveFontFamily, type FontStackName } from './text.js';
export { GROUP_COLORS, GROUP_DASHES, slotStyle, themeColor, darkThemeColor, type GroupStyle } from './palette.js';
export { colorScale, colorScaleRgb, lightness, parseHexColor } from './colormap.js';
export { linearTicks, logTicks, labelText, niceStep, type Tick, type TickLabel } from './ticks.js';
export {
  axisDomain,
  axisModel,
  axisTicks,
  categoryTicks,
  floorOnLog,
  niceLinearDomain,
  niceLogDomain,
  offAxisCount,
  onAxis,
  validDomain,
  valueExtent,
  type AxisModel,
  type AxisOptions,
} from './axis.js';
export { escapeXml } from './xml.js';
