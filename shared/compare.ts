/**
 * What a comparison is: the runs it holds, how they are grouped and drawn. Saved by name in the
 * database and reopened by the app and by `relu-lab figure`. Pure TypeScript.
 */
import { z } from 'zod';
import { ValidationError } from './errors.js';
import { formatIssue, zodIssues } from './issues.js';
import { CHARTED_LAYER_FIELDS, type LayerChartKind } from './metric-fields.js';

export const BAND_KINDS = ['none', 'std', 'se', 'ci95'] as const;
export type BandKind = (typeof BAND_KINDS)[number];

/**
 * What diverged runs count for: 'include' counts them up to their last measured epoch (a group's n
 * drops after it, and the notes say so); 'exclude' leaves them out of their group entirely (counted
 * in the notes and the legend).
 */
export const DIVERGED_RUNS = ['include', 'exclude'] as const;
export type DivergedRuns = (typeof DIVERGED_RUNS)[number];

/** The charts that are not one layer field's lines (those come from the metric field table, `CHARTED_LAYER_FIELDS`). */
export const OTHER_CHART_KINDS = ['final-dead-bars', 'dead-heatmap', 'loss', 'accuracy', 'histograms', 'revival', 'born-dead', 'task-accuracy'] as const;
export type ChartKind = LayerChartKind | (typeof OTHER_CHART_KINDS)[number];

/** Every chart of a comparison: the layer fields' line charts (dead fraction first), then the others. */
export const CHART_KINDS = [...CHARTED_LAYER_FIELDS.map((f) => f.chart.kind as LayerChartKind), ...OTHER_CHART_KINDS] as unknown as readonly [ChartKind, ...ChartKind[]];

export const comparisonSpecSchema = z.strictObject({
  /** Runs compared. */
  runIds: z.array(z.int().min(1)).max(100_000).default([]),
  /** Whole experiments compared: their runs are resolved when the comparison is opened. */
  experimentIds: z.array(z.int().min(1)).max(10_000).default([]),
  /**
   * Config paths or sweep keys the runs are grouped by (e.g. `variant`, `model.activation`).
   * Empty: every field that differs between the runs except the seed.
   */
  groupBy: z.array(z.string().min(1)).max(20).default([]),
  band: z.enum(BAND_KINDS).default('std'),
  /** Draw the individual runs under each group's mean. */
  showRuns: z.boolean().default(false),
  /** Hidden layer shown by single-layer charts; 'mean' averages the layers; 'all' draws small multiples. */
  layer: z.union([z.int().min(0), z.enum(['mean', 'all'])]).default('mean'),
  xAxis: z.enum(['epoch', 'time']).default('epoch'),
  logX: z.boolean().default(false),
  logY: z.boolean().default(false),
  /** Debiased EMA weight in [0, 1): 0 = no smoothing. */
  smoothing: z.number().min(0).lt(1).default(0),
  /** Legend names chosen by the user, by group key. */
  groupNames: z.record(z.string(), z.string().max(100)).default({}),
  /** Epoch for the "value at epoch N" summary column (null: the last). */
  atEpoch: z.int().min(0).nullable().default(null),
  /** Run selected for single-run charts (heatmap, histograms), null: the first group's. */
  focusGroup: z.string().nullable().default(null),
  /** How diverged runs count (see `DIVERGED_RUNS`). */
  divergedRuns: z.enum(DIVERGED_RUNS).default('include'),
  /** Groups left out of the charts and their exports, by group key (legends, tables and notes still name them). */
  hiddenGroups: z.array(z.string().min(1).max(2000)).max(1000).default([]),
});

export type ComparisonSpec = z.output<typeof comparisonSpecSchema>;
export type ComparisonSpecInput = z.input<typeof comparisonSpecSchema>;

/**
 * A comparison spec checked against the schema, defaults filled in. Refused with a ValidationError
 * naming every problem (`invalid comparison spec: smoothing: must be < 1, got 1`).
 */
export function parseComparisonSpec(input: unknown): ComparisonSpec {
  const parsed = comparisonSpecSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`invalid comparison spec: ${zodIssues(parsed.error.issues, input).map(formatIssue).join('; ')}`);
  return parsed.data;
}

export interface SavedComparison {
  id: number;
  name: string;
  spec: ComparisonSpec;
  createdAt: string;
  updatedAt: string;
}
