/**
 * Sweep views over the runs table's runs: a scatter of a summary metric against a numeric field (one
 * dot per run, coloured by another field, with the mean ± band per value and the n it rests on) and
 * parallel coordinates over the swept fields (one line per run, the metric as the last axis). The lab
 * computes the chart from the runs a filter keeps (`sweepChart`); the page and every export draw it
 * with `sweepFigure` and `sweepCsv`, so the screen and the files show the same numbers. Pure TypeScript.
 */
import { z } from 'zod';
import { band as bandOf, finiteValues } from './analysis/stats.js';
import { compareFieldValues, formatFieldValue, shortFieldName } from './analysis/fields.js';
import { BAND_KINDS, type BandKind } from './compare.js';
import { csvField, csvNumber } from './csv.js';
import { GROUP_COLORS } from './figure/palette.js';
import { growForNotes } from './figure/index.js';
import type { FigurePresetName, FigureSpec } from './figure/types.js';
import type { RunCell } from './run-table.js';

export const SWEEP_VIEWS = ['scatter', 'parallel'] as const;
export type SweepView = (typeof SWEEP_VIEWS)[number];

const column = z.string().trim().min(1).max(200);

export const sweepRequestSchema = z.strictObject({
  view: z.enum(SWEEP_VIEWS).default('scatter'),
  /** The runs: a runs-table filter ('' = every run). */
  filter: z.string().max(4000).default(''),
  /** The summary metric plotted (a numeric column of the runs table). */
  metric: column.default('final dead'),
  /** Scatter: the numeric field along x (default: the first numeric field that varies). */
  x: column.nullable().default(null),
  /** The field whose values colour the runs (null: one colour). */
  colorBy: column.nullable().default(null),
  /** Parallel coordinates: the fields, one axis each (default: every field that varies, up to 8, the colour's too). */
  axes: z.array(column).max(12).default([]),
  /** The epoch of a `dead at epoch` metric. */
  atEpoch: z.int().min(0).max(1_000_000).nullable().default(null),
  band: z.enum(BAND_KINDS).default('ci95'),
  logX: z.boolean().default(false),
});
export type SweepRequest = z.output<typeof sweepRequestSchema>;
export type SweepRequestInput = z.input<typeof sweepRequestSchema>;

/** One run as the sweep sees it: its values of the requested fields and its metric value. */
export interface SweepRun {
  runId: number;
  diverged: boolean;
  /** By field, in the order of `SweepInput.fields`. */
  values: RunCell[];
  y: number | null;
}

export interface SweepGroup {
  name: string;
  color: string;
}

export interface ScatterMean {
  x: number;
  mean: number;
  /** Band limits (NaN where n < 2 or no band). */
  lo: number;
  hi: number;
  /** Runs with a finite value at this x (diverged ones included: they are results). */
  n: number;
  diverged: number;
}

export interface ScatterChart {
  view: 'scatter';
  title: string;
  xLabel: string;
  yLabel: string;
  logX: boolean;
  yFraction: boolean;
  groups: (SweepGroup & { runs: { runId: number; x: number; y: number; diverged: boolean }[]; means: ScatterMean[] })[];
  notes: string[];
}

export interface ParallelAxis {
  label: string;
  /** Category labels of a non-numeric axis, in order; null: numeric. */
  categories: string[] | null;
  log: boolean;
}

export interface ParallelChart {
  view: 'parallel';
  title: string;
  axes: ParallelAxis[];
  groups: SweepGroup[];
  lines: { runId: number; values: (number | string | null)[]; group: number; diverged: boolean }[];
  notes: string[];
}

export type SweepChart = ScatterChart | ParallelChart;

/** What `sweepChart` needs: the resolved request and the runs the filter kept. */
export interface SweepInput {
  request: SweepRequest;
  /** The fields the runs' values are given for: x (scatter) or the axes (parallel), then colorBy when set. */
  fields: string[];
  runs: SweepRun[];
  /** Runs in the lab the filter left out. */
  filteredOut: number;
  metricLabel: string;
  yFraction: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const BAND_NOTE: Record<BandKind, string> = {
  none: '',
  std: '± one standard deviation',
  se: '± one standard error',
  ci95: '95 % confidence interval of the mean (Student t)',
};

/** Groups by the colour field's values (in field order), or one group `all runs`. */
function groupsOf(input: SweepInput, colorIndex: number | null): { groups: SweepGroup[]; of: (r: SweepRun) => number } {
  if (colorIndex === null) return { groups: [{ name: 'all runs', color: GROUP_COLORS[0] }], of: () => 0 };
  const values = [...new Map(input.runs.map((r) => [JSON.stringify(r.values[colorIndex]), r.values[colorIndex]])).values()].sort(compareFieldValues);
  const index = new Map(values.map((v, i) => [JSON.stringify(v), i]));
  const field = shortFieldName(input.fields[colorIndex]);
  return {
    groups: values.map((v, i) => ({ name: `${field} ${formatFieldValue(v)}`, color: GROUP_COLORS[i % GROUP_COLORS.length] })),
    of: (r) => index.get(JSON.stringify(r.values[colorIndex])) ?? 0,
  };
}

/** The chart of a sweep: every run counted, those without a value named in the notes. */
export function sweepChart(input: SweepInput): SweepChart {
  const { request, runs } = input;
  const colorIndex = request.colorBy === null ? null : input.fields.length - 1;
  const { groups, of } = groupsOf(input, colorIndex);
  const notes: string[] = [];
  const diverged = runs.filter((r) => r.diverged).length;
  const noY = runs.filter((r) => r.y === null || !Number.isFinite(r.y));
  if (input.filteredOut > 0) notes.push(`${plural(runs.length, 'run')} match the filter “${request.filter}” (${input.filteredOut} left out).`);
  if (request.view === 'scatter') {
    const xField = input.fields[0];
    const placed: ScatterChart['groups'] = groups.map((g) => ({ ...g, runs: [], means: [] }));
    let noX = 0;
    for (const r of runs) {
      const x = r.values[0];
      if (typeof x !== 'number' || !Number.isFinite(x) || (request.logX && x <= 0)) {
        noX++;
        continue;
      }
      if (r.y === null || !Number.isFinite(r.y)) continue;
      placed[of(r)].runs.push({ runId: r.runId, x, y: r.y, diverged: r.diverged });
    }
    for (const g of placed) {
      const byX = new Map<number, { ys: number[]; diverged: number }>();
      for (const p of g.runs) {
        const e = byX.get(p.x) ?? { ys: [], diverged: 0 };
        e.ys.push(p.y);
        if (p.diverged) e.diverged++;
        byX.set(p.x, e);
      }
      g.means = [...byX.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([x, e]) => {
          const b = bandOf(finiteValues(e.ys), request.band);
          return { x, mean: b.mean, lo: b.lo, hi: b.hi, n: e.ys.length, diverged: e.diverged };
        });
    }
    const ns = placed.flatMap((g) => g.means.map((m) => m.n));
    const plotted = placed.reduce((s, g) => s + g.runs.length, 0);
    notes.push(
      ns.length === 0
        ? 'No run has a value to plot.'
        : `${plural(plotted, 'run')} plotted; n per point (runs at one ${shortFieldName(xField)}${colorIndex === null ? '' : ' and colour'}) ${Math.min(...ns) === Math.max(...ns) ? `= ${ns[0]}` : `from ${Math.min(...ns)} to ${Math.max(...ns)}`}.`,
    );
    if (request.band !== 'none') notes.push(`Band: ${BAND_NOTE[request.band]}, drawn where n ≥ 2.`);
    if (diverged > 0) notes.push(`${plural(diverged, 'run')} diverged (loss NaN or ∞): drawn as open circles, with the value measured before; counted in n.`);
    if (noY.length > 0) notes.push(`${plural(noY.length, 'run')} without a finite ${input.metricLabel} (not measured, or NaN) not plotted.`);
    if (noX > 0) notes.push(`${plural(noX, 'run')} without a ${request.logX ? 'positive ' : ''}numeric ${xField} not plotted.`);
    return {
      view: 'scatter',
      title: `${input.metricLabel} vs ${shortFieldName(xField)}`,
      xLabel: xField,
      yLabel: input.metricLabel,
      logX: request.logX,
      yFraction: input.yFraction,
      groups: placed,
      notes,
    };
  }
  const axisCount = input.fields.length - (colorIndex === null ? 0 : 1);
  const axes: ParallelAxis[] = input.fields.slice(0, axisCount).map((f, i) => {
    const values = runs.map((r) => r.values[i]);
    const numeric = values.every((v) => v === null || typeof v === 'number');
    const positive = numeric && values.every((v) => v === null || (v as number) > 0);
    const spread = numeric ? Math.max(...finiteValues(values.filter((v): v is number => typeof v === 'number'))) / Math.min(...finiteValues(values.filter((v): v is number => typeof v === 'number'))) : 0;
    const categories = numeric ? null : [...new Set(values.map((v) => formatFieldValue(v)))].sort((a, b) => compareFieldValues(a, b));
    return { label: f, categories, log: positive && spread >= 100 };
  });
  axes.push({ label: input.metricLabel, categories: null, log: false });
  const lines = runs.map((r) => ({
    runId: r.runId,
    values: [...r.values.slice(0, axisCount).map((v, i) => (axes[i].categories === null ? (v as number | null) : formatFieldValue(v))), r.y !== null && Number.isFinite(r.y) ? r.y : null],
    group: of(r),
    diverged: r.diverged,
  }));
  notes.push(`One line per run: ${plural(runs.length, 'run')}${colorIndex === null ? '' : `, coloured by ${shortFieldName(input.fields[colorIndex])}`}.`);
  if (axes.some((a) => a.log)) notes.push(`Log scale on ${axes.filter((a) => a.log).map((a) => shortFieldName(a.label)).join(', ')} (values spanning 100× or more).`);
  if (diverged > 0) notes.push(`${plural(diverged, 'run')} diverged (loss NaN or ∞): dashed lines, with the value measured before.`);
  if (noY.length > 0) notes.push(`${plural(noY.length, 'run')} without a finite ${input.metricLabel} (not measured, or NaN) end before the last axis.`);
  return { view: 'parallel', title: `${input.metricLabel} over the swept fields`, axes, groups, lines, notes };
}

export interface SweepFigureOptions {
  preset: FigurePresetName;
  fontFamily?: string;
  fontSize?: number;
  grayscaleSafe?: boolean;
  title?: string;
}

/** The chart as a figure (the screen draws this too); the notes add to its height, never squeeze it. */
export function sweepFigure(chart: SweepChart, options: SweepFigureOptions): FigureSpec {
  const panel: FigureSpec['panels'][number] =
    chart.view === 'scatter'
      ? {
          kind: 'scatter',
          xLabel: chart.xLabel,
          yLabel: chart.yLabel,
          xScale: chart.logX ? 'log' : 'linear',
          yFromZero: chart.yFraction,
          groups: chart.groups.map((g) => ({
            name: g.name,
            color: g.color,
            points: g.runs.map((p) => ({ x: p.x, y: p.y, open: p.diverged })),
            means: g.means.map((m) => ({ x: m.x, y: m.mean, lo: m.lo, hi: m.hi, n: m.n })),
          })),
        }
      : {
          kind: 'parallel',
          xLabel: '',
          yLabel: '',
          axes: chart.axes.map((a) => ({ label: shortFieldName(a.label), categories: a.categories ?? undefined, scale: a.log ? 'log' : 'linear' })),
          // By group, so the legend lists the groups in their order.
          lines: [...chart.lines].sort((a, b) => a.group - b.group).map((l) => ({ name: chart.groups[l.group].name, color: chart.groups[l.group].color, values: l.values, dashed: l.diverged })),
        };
  return growForNotes({
    title: options.title ?? chart.title,
    preset: options.preset,
    fontFamily: options.fontFamily,
    fontSize: options.fontSize,
    grayscaleSafe: options.grayscaleSafe,
    legend: chart.view === 'parallel' && chart.groups.length === 1 ? 'none' : 'top',
    notes: chart.notes,
    panels: [panel],
  });
}

/** Exactly the plotted values: every run, and (scatter) every mean with its band and n. */
export function sweepCsv(chart: SweepChart): string {
  const lines: string[] = [];
  const row = (cells: unknown[]) => lines.push(cells.map((c) => (typeof c === 'number' ? csvNumber(c) : csvField(c))).join(','));
  if (chart.view === 'scatter') {
    row(['group', 'series', 'run_id', chart.xLabel, chart.yLabel, 'mean', 'lo', 'hi', 'n', 'diverged']);
    for (const g of chart.groups) {
      for (const m of g.means) row([g.name, 'mean', '', m.x, '', m.mean, m.lo, m.hi, m.n, m.diverged]);
      for (const p of g.runs) row([g.name, 'run', p.runId, p.x, p.y, '', '', '', '', p.diverged ? 1 : 0]);
    }
  } else {
    row(['run_id', 'group', ...chart.axes.map((a) => a.label), 'diverged']);
    for (const l of chart.lines) row([l.runId, chart.groups[l.group].name, ...l.values.map((v) => v ?? ''), l.diverged ? 1 : 0]);
  }
  return `${lines.join('\n')}\n`;
}
