/**
 * The runs table across experiments: its columns (run facts, summary metrics, config fields), the
 * page a renderer asks for and the page the lab answers with. Paging, sorting and filtering happen in
 * the lab (db/run-summaries.ts), so 10,000 runs cost the page only what it shows. Pure TypeScript.
 *
 * Columns are named the way a researcher types them in a filter (`final dead > 0.2`):
 * - run facts: `run`, `experiment`, `status`, `seed`, `diverged`, `epochs`;
 * - summary metrics: `final dead`, `min dead`, `max dead`, `dead at epoch` (the mean over hidden
 *   layers of the dead fraction; at the run's last measured epoch, its minimum or maximum over the
 *   epochs, or at the epoch the query names), each also per hidden layer with a suffix `L1`, `L2`, …
 *   (`final dead L2`), and `final loss`, `min loss`, `final val loss`, `final accuracy`,
 *   `final val accuracy`;
 * - config fields: a dotted path of the run's config (`training.learningRate`) or a sweep key
 *   (`variant`), also by its last segment when that is unambiguous (`learningRate`), and `lr`.
 */
import { z } from 'zod';
import { shortFieldName } from './analysis/fields.js';

/** The most rows one page may hold. */
export const MAX_PAGE_ROWS = 500;

/** Run facts: columns of the runs table itself. */
export const RUN_COLUMNS = ['run', 'experiment', 'status', 'seed', 'diverged', 'epochs'] as const;
export type RunColumnId = (typeof RUN_COLUMNS)[number];

/** Per-layer summary metrics (the mean over layers, or one layer with `L<n>`). */
export const DEAD_METRICS = ['final dead', 'min dead', 'max dead', 'dead at epoch'] as const;
export type DeadMetric = (typeof DEAD_METRICS)[number];

/** Per-run summary metrics (no layer). */
export const RUN_METRICS = ['final loss', 'min loss', 'final val loss', 'final accuracy', 'final val accuracy'] as const;
export type RunMetricId = (typeof RUN_METRICS)[number];

/** A column, resolved: what it reads. */
export type ColumnRef =
  | { kind: 'run'; id: RunColumnId }
  | { kind: 'dead'; metric: DeadMetric; /** 0-based hidden layer, null: the mean over layers. */ layer: number | null }
  | { kind: 'metric'; id: RunMetricId }
  | { kind: 'field'; path: string };

/** Short names of common fields, beside the last path segment. */
export const FIELD_ALIASES: Readonly<Record<string, string>> = {
  lr: 'training.learningRate',
};

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Whether `text` is a well-formed dotted field path (letters, digits and `_` between dots). */
export function isFieldPath(text: string): boolean {
  return FIELD_PATH.test(text) && text.length <= 200;
}

/** The column's id: its name in filters, sorts, the column chooser and the address. */
export function columnId(ref: ColumnRef): string {
  switch (ref.kind) {
    case 'run':
      return ref.id;
    case 'dead':
      return ref.layer === null ? ref.metric : `${ref.metric} L${ref.layer + 1}`;
    case 'metric':
      return ref.id;
    case 'field':
      return ref.path;
  }
}

/** Whether a column holds numbers (so `<`, `>` apply and the sweep views may plot it). */
export function isNumericColumn(ref: ColumnRef, numericFields: ReadonlySet<string> = new Set()): boolean {
  if (ref.kind === 'dead' || ref.kind === 'metric') return true;
  if (ref.kind === 'run') return ref.id === 'run' || ref.id === 'experiment' || ref.id === 'seed' || ref.id === 'epochs';
  return numericFields.has(ref.path);
}

/**
 * The column a name stands for: a run fact, a summary metric (with an optional `L<n>` layer suffix),
 * a field alias, one of `fields` or its unambiguous last segment, or any dotted path. Null when it is
 * none of those (a bare name two fields end in is ambiguous). Case and extra spaces in metric names do not matter.
 */
export function resolveColumn(name: string, fields: readonly string[] = []): ColumnRef | null {
  const text = name.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  if ((RUN_COLUMNS as readonly string[]).includes(lower)) return { kind: 'run', id: lower as RunColumnId };
  if ((RUN_METRICS as readonly string[]).includes(lower)) return { kind: 'metric', id: lower as RunMetricId };
  for (const metric of DEAD_METRICS) {
    if (lower === metric) return { kind: 'dead', metric, layer: null };
    const m = lower.startsWith(`${metric} `) ? /^l(\d{1,3})$/.exec(lower.slice(metric.length + 1)) : null;
    if (m && Number(m[1]) >= 1) return { kind: 'dead', metric, layer: Number(m[1]) - 1 };
  }
  if (Object.prototype.hasOwnProperty.call(FIELD_ALIASES, text)) return { kind: 'field', path: FIELD_ALIASES[text] };
  if (!isFieldPath(text)) return null;
  if (fields.includes(text)) return { kind: 'field', path: text };
  const byShortName = fields.filter((f) => shortFieldName(f) === text);
  if (byShortName.length === 1) return { kind: 'field', path: byShortName[0] };
  // A bare name must be a field the runs have (or name one unambiguously); a dotted path may be any.
  return text.includes('.') ? { kind: 'field', path: text } : null;
}

/** The label of a column's header. */
export function columnLabel(ref: ColumnRef): string {
  if (ref.kind === 'field') return shortFieldName(ref.path);
  return columnId(ref);
}

/** What a column means, for its header's tooltip and the column chooser. */
export function columnTitle(ref: ColumnRef, atEpoch: number | null = null): string {
  const layer = ref.kind === 'dead' ? (ref.layer === null ? 'mean over hidden layers of the dead fraction' : `dead fraction of hidden layer ${ref.layer + 1}`) : '';
  switch (ref.kind) {
    case 'run':
      return {
        run: 'run id',
        experiment: 'the experiment the run belongs to',
        status: 'the run’s status',
        seed: 'the run’s seed',
        diverged: 'whether the run diverged (its loss became NaN or ±∞)',
        epochs: 'the last measured epoch',
      }[ref.id];
    case 'dead':
      return {
        'final dead': `${layer} at the run’s last measured epoch`,
        'min dead': `smallest ${layer} over the run’s epochs`,
        'max dead': `largest ${layer} over the run’s epochs`,
        'dead at epoch': `${layer} at epoch ${atEpoch ?? '(choose one)'}; empty when the run did not reach it`,
      }[ref.metric];
    case 'metric':
      return {
        'final loss': 'training loss at the last measured epoch',
        'min loss': 'smallest finite training loss over the epochs',
        'final val loss': 'validation loss at the last measured epoch',
        'final accuracy': 'training accuracy at the last measured epoch',
        'final val accuracy': 'validation accuracy at the last measured epoch',
      }[ref.id];
    case 'field':
      return `config field ${ref.path}`;
  }
}

/** The summary-metric columns of runs with up to `layers` hidden layers, in the chooser's order. */
export function metricColumns(layers: number): ColumnRef[] {
  const out: ColumnRef[] = [];
  for (const metric of DEAD_METRICS) out.push({ kind: 'dead', metric, layer: null });
  for (const id of RUN_METRICS) out.push({ kind: 'metric', id });
  for (let layer = 0; layer < layers; layer++) for (const metric of DEAD_METRICS) out.push({ kind: 'dead', metric, layer });
  return out;
}

/** Columns shown when nothing was chosen: run facts, the fields that vary (up to 6), the main metrics. */
export function defaultColumns(fields: readonly string[]): string[] {
  return ['run', 'experiment', 'status', 'seed', ...fields.slice(0, 6), 'final dead', 'max dead', 'final loss', 'final val accuracy', 'epochs'];
}

// ---------- The API's shapes ----------

export const SORT_DIRECTIONS = ['asc', 'desc'] as const;

export const runTableQuerySchema = z.strictObject({
  offset: z.int().min(0).max(10_000_000).default(0),
  limit: z.int().min(1).max(MAX_PAGE_ROWS).default(100),
  /** Filter text (see shared/run-filter.ts); '' keeps every run. */
  filter: z.string().max(4000).default(''),
  sort: z.strictObject({ column: z.string().min(1).max(200), direction: z.enum(SORT_DIRECTIONS) }).nullable().default(null),
  /** The columns whose values the rows carry (ids as `columnId` writes them). */
  columns: z.array(z.string().min(1).max(200)).max(200).default([]),
  /** The epoch of the `dead at epoch` columns. */
  atEpoch: z.int().min(0).max(1_000_000).nullable().default(null),
});
export type RunTableQuery = z.output<typeof runTableQuerySchema>;
export type RunTableQueryInput = z.input<typeof runTableQuerySchema>;

/** A cell: a number (NaN and ±Infinity kept), text, a flag, or null (no value: not measured, not reached, not set). */
export type RunCell = number | string | boolean | null;

export interface RunTableRow {
  id: number;
  experimentId: number;
  experimentName: string;
  /** By column id, for the query's columns. */
  cells: Record<string, RunCell>;
}

export interface RunTablePage {
  rows: RunTableRow[];
  /** Runs matching the filter. */
  total: number;
  /** Runs in the database. */
  all: number;
  offset: number;
  /** The query's columns, resolved (unknown ids are refused before anything is read). */
  columns: string[];
  /** Time the lab spent answering, in milliseconds. */
  ms: number;
}

/** A config field offered as a column: one whose value differs between runs. */
export interface RunTableField {
  path: string;
  /** Every value is a number. */
  numeric: boolean;
  /** Its distinct values, in field order (at most 50; `distinct` counts them all). */
  values: RunCell[];
  distinct: number;
}

/** What the table offers: the fields that vary, the most hidden layers and epochs of any run. */
export interface RunTableInfo {
  fields: RunTableField[];
  layers: number;
  maxEpoch: number;
  runs: number;
  ms: number;
}
