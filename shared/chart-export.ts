/**
 * A comparison chart's data (shared/charts.ts) as an exported figure spec (for the SVG, PDF and PNG
 * renderer in shared/figure/) and as the CSV of exactly what it plots.
 */
import type { ComparisonSpec } from './compare.js';
import { CSS_PX_PER_IN, figureSize, PT_PER_IN } from './figure/layout.js';
import { figureNotesHeight } from './figure/render.js';
import type { FigurePanel, FigurePresetName, FigureSpec, LineSeries, LinesPanel } from './figure/types.js';
import { MAX_LABELLED_TASKS, taskLabel, type TaskBoundary } from './analysis/index.js';
import { csvField, csvNumber } from './csv.js';
import { barErrorBars, type ChartData } from './charts.js';

export interface FigureOptions {
  preset: FigurePresetName;
  fontFamily?: string;
  fontSize?: number;
  grayscaleSafe?: boolean;
  /** Overrides the chart's title. */
  title?: string;
}

/** The chart as a publication figure: same groups, colours, dashes, bands and axes as on screen. */
export function chartToFigure(chart: ChartData, spec: ComparisonSpec, options: FigureOptions): FigureSpec {
  const base = {
    title: options.title ?? chart.title,
    notes: chart.notes,
    preset: options.preset,
    fontFamily: options.fontFamily,
    fontSize: options.fontSize,
    grayscaleSafe: options.grayscaleSafe,
  };
  const xScale = spec.logX ? ('log' as const) : ('linear' as const);
  const yScale = spec.logY ? ('log' as const) : ('linear' as const);
  let panels: FigurePanel[];
  switch (chart.kind) {
    case 'lines':
      panels = chart.panels.map((p) => ({
        kind: 'lines',
        title: chart.panels.length > 1 || p.title !== 'mean over layers' ? p.title : undefined,
        xLabel: chart.xLabel,
        yLabel: p.yLabel,
        xScale,
        yScale,
        ...(chart.fromZero ? { yFromZero: true } : {}),
        ...(chart.taskBoundaries.length > 0 ? { refLines: taskRefLines(chart.taskBoundaries) } : {}),
        series: p.series.flatMap((s): LineSeries[] => [
          ...s.runs.map((r) => ({ name: `${s.name} run ${r.runId}`, color: s.color, dash: s.dash, thin: true, points: r.points.map((q) => ({ x: q.x, y: q.y })) })),
          {
            name: s.legendName,
            color: s.color,
            dash: s.dash,
            points: s.points.map((q) => ({ x: q.x, y: q.mean })),
            ...(spec.band !== 'none' ? { band: s.points.map((q) => ({ x: q.x, lo: q.lo, hi: q.hi })) } : {}),
          },
        ]),
      }));
      break;
    case 'bars':
      panels = chart.panels.map((p) => ({
        kind: 'bars',
        title: p.title,
        xLabel: chart.xLabel,
        yLabel: p.yLabel,
        yScale,
        bars: p.categories.map((category, i) => ({
          category,
          groups: p.groups.map((g) => ({
            name: g.legendName,
            color: g.color,
            value: g.values[i]?.mean ?? null,
            ...(barErrorBars(chart, spec) ? { lo: g.values[i]?.lo ?? null, hi: g.values[i]?.hi ?? null } : {}),
          })),
        })),
      }));
      break;
    case 'heatmap':
      panels = [
        {
          kind: 'heatmap',
          xLabel: 'Epoch',
          yLabel: 'Hidden layer',
          heatmap: {
            xs: chart.epochs,
            ys: chart.layers.map((l) => `${l + 1}`),
            values: chart.values,
            colorScale: { scheme: 'viridis', domain: chart.domain, label: 'Dead fraction' },
          },
        },
      ];
      break;
    case 'ridges':
      panels = [
        {
          kind: 'ridges',
          xLabel: 'Pre-activation z',
          yLabel: '',
          refLines: [{ axis: 'x', value: 0, label: 'z = 0' }],
          ridges: chart.ridges.map((r) => ({ label: `epoch ${r.epoch}`, lo: r.lo, hi: r.hi, counts: r.counts })),
        },
      ];
      break;
  }
  // The notes are added below the preset's height, so they never squeeze the plots.
  const figure: FigureSpec = { ...base, panels };
  const extraPt = figureNotesHeight({ ...figure, notes: [] }, chart.notes);
  const size = figureSize(figure);
  if (extraPt <= 0) return figure;
  // Rounded up to what the SVG writes (1/100 in, whole px), so the PNG's size is exactly figurePixelSize's.
  const height = size.unit === 'in' ? Math.ceil((size.height + extraPt / PT_PER_IN) * 100) / 100 : Math.ceil(size.height + (extraPt / PT_PER_IN) * CSS_PX_PER_IN);
  return { ...figure, height };
}

/** Task boundaries as dashed vertical lines, labelled with the task that starts while there are few enough to read. */
function taskRefLines(boundaries: readonly TaskBoundary[]): NonNullable<LinesPanel['refLines']> {
  const labelled = boundaries.length <= MAX_LABELLED_TASKS;
  return boundaries.map((b) => ({ axis: 'x', value: b.x, ...(labelled ? { label: taskLabel(b.task) } : {}) }));
}

/** Exactly the plotted values, aggregates included, one row per point, each with n (the runs it rests on). */
export function chartToCsv(chart: ChartData): string {
  const lines: string[] = [];
  const row = (cells: unknown[]) => lines.push(cells.map((c) => (typeof c === 'number' ? csvNumber(c) : csvField(c))).join(','));
  switch (chart.kind) {
    case 'lines':
      row(['chart', 'panel', 'group', 'series', 'run_id', 'seed', { epoch: 'epoch', time: 'seconds', task: 'task' }[chart.xAxis], 'mean', 'lo', 'hi', 'n', 'value']);
      for (const p of chart.panels) {
        for (const s of p.series) {
          for (const q of s.points) row([chart.chart, p.title, s.name, 'mean', '', '', q.x, q.mean, q.lo, q.hi, q.n, '']);
          for (const r of s.runs) for (const q of r.points) row([chart.chart, p.title, s.name, 'run', r.runId, r.seed, q.x, '', '', '', '', q.y]);
        }
      }
      break;
    case 'bars': {
      // Bars of a share of runs also say how many of the n runs have the property.
      const counts = chart.panels.some((p) => p.groups.some((g) => g.values.some((v) => v.count !== undefined)));
      row(['chart', 'panel', 'group', 'category', 'epoch', 'mean', 'lo', 'hi', 'n', ...(counts ? ['count'] : [])]);
      for (const p of chart.panels) {
        for (const g of p.groups) for (const v of g.values) row([chart.chart, p.title, g.name, v.category, v.epoch ?? '', v.mean, v.lo, v.hi, v.n, ...(counts ? [v.count ?? ''] : [])]);
      }
      break;
    }
    case 'heatmap':
      row(['chart', 'group', 'layer', 'epoch', 'dead_fraction', 'n']);
      chart.layers.forEach((layer, i) => chart.epochs.forEach((epoch, j) => row([chart.chart, chart.groupName, layer + 1, epoch, chart.values[i][j], chart.counts[i][j]])));
      break;
    case 'ridges':
      row(['chart', 'group', 'run_id', 'layer', 'epoch', 'bin_lo', 'bin_hi', 'count']);
      for (const r of chart.ridges) {
        const width = (r.hi - r.lo) / r.counts.length;
        r.counts.forEach((count, b) => row([chart.chart, chart.groupName, chart.runId, chart.layer + 1, r.epoch, r.lo + b * width, r.lo + (b + 1) * width, count]));
      }
      break;
  }
  return `${lines.join('\n')}\n`;
}
