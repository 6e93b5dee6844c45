/**
 * The Compare view's pure logic (no DOM, no React): the comparison spec in the page address and
 * back, the group-by choices and the summary table (the charts' rows are shaped in
 * renderer/src/charts/rows.ts). The numbers themselves always come from shared/charts.ts.
 */
import { BAND_KINDS, comparisonSpecSchema, DIVERGED_RUNS, type BandKind, type ComparisonSpec, type ComparisonSpecInput } from '../../../shared/compare.js';
import { divergenceLabel, type ComparisonModel, type ComparedRun } from '../../../shared/charts.js';
import {
  configDiff,
  differingFields,
  metricSeries,
  summarizeGroup,
  type BandValue,
  type CellValue,
  type DiffCell,
  type EpochValue,
  type SeriesMetric,
  type TableColumn,
} from '../../../shared/analysis/index.js';
import { VARIANT_KEY } from '../../../shared/config.js';

// ---------- The spec in the address: #/compare?exp=1,2&runs=3&group=variant&band=se… ----------

export const DEFAULT_SPEC: ComparisonSpec = comparisonSpecSchema.parse({});

/** What the compare address holds: the spec, plus the name of the saved comparison it was opened from. */
export interface CompareAddress {
  spec: ComparisonSpec;
  /** Name of the saved comparison this is (shown in the header, proposed when saving). */
  saved: string | null;
  /** Parameters that could not be read (ignored, the rest still applies). */
  warnings: string[];
}

const BAND_PARAM: Record<BandKind, string> = { none: 'none', std: 'std', se: 'se', ci95: 'ci95' };

function idList(ids: readonly number[]): string {
  return [...ids].join(',');
}

/**
 * URL parameters of a spec: only what differs from the defaults, so addresses stay short. Layers are
 * 1-based in the address (`layer=2` is the second hidden layer), as in the CLI.
 */
export function specToParams(input: ComparisonSpecInput, saved: string | null = null): URLSearchParams {
  const spec = comparisonSpecSchema.parse(input);
  const p = new URLSearchParams();
  if (spec.experimentIds.length > 0) p.set('exp', idList(spec.experimentIds));
  if (spec.runIds.length > 0) p.set('runs', idList(spec.runIds));
  for (const field of spec.groupBy) p.append('group', field);
  if (spec.band !== DEFAULT_SPEC.band) p.set('band', BAND_PARAM[spec.band]);
  if (spec.showRuns) p.set('showRuns', '1');
  if (spec.layer !== DEFAULT_SPEC.layer) p.set('layer', typeof spec.layer === 'number' ? String(spec.layer + 1) : spec.layer);
  if (spec.xAxis !== DEFAULT_SPEC.xAxis) p.set('x', spec.xAxis);
  if (spec.logX) p.set('logX', '1');
  if (spec.logY) p.set('logY', '1');
  if (spec.smoothing !== 0) p.set('smooth', String(spec.smoothing));
  if (spec.atEpoch !== null) p.set('at', String(spec.atEpoch));
  if (spec.focusGroup !== null) p.set('focus', spec.focusGroup);
  if (spec.divergedRuns !== DEFAULT_SPEC.divergedRuns) p.set('diverged', spec.divergedRuns);
  for (const key of spec.hiddenGroups) p.append('hide', key);
  const names = Object.entries(spec.groupNames).filter(([, v]) => v.trim() !== '');
  if (names.length > 0) p.set('names', JSON.stringify(Object.fromEntries(names)));
  if (saved !== null && saved !== '') p.set('saved', saved);
  return p;
}

/** The hash of the compare view showing `spec`. */
export function compareHref(spec: ComparisonSpecInput, saved: string | null = null): string {
  const q = specToParams(spec, saved).toString();
  return q ? `#/compare?${q}` : '#/compare';
}

function parseIds(text: string): number[] | null {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return [];
  if (!parts.every((s) => /^\d+$/.test(s) && Number(s) > 0 && Number.isSafeInteger(Number(s)))) return null;
  return [...new Set(parts.map(Number))];
}

function flag(text: string | null): boolean | null {
  if (text === null) return null;
  if (text === '1' || text === 'true' || text === '') return true;
  if (text === '0' || text === 'false') return false;
  return null;
}

/**
 * Reads a spec from the compare view's parameters. Unreadable parameters are ignored one by one
 * (with a warning), so a hand-edited or old address still opens what it can.
 */
export function paramsToSpec(params: URLSearchParams): CompareAddress {
  const warnings: string[] = [];
  const input: Record<string, unknown> = {};
  const bad = (name: string, value: string, why: string) => warnings.push(`Ignored ${name}=${value}: ${why}`);

  const exp = params.get('exp');
  if (exp !== null) {
    const ids = parseIds(exp);
    if (ids === null) bad('exp', exp, 'expected experiment ids such as 1,2');
    else input.experimentIds = ids;
  }
  const runs = params.get('runs');
  if (runs !== null) {
    const ids = parseIds(runs);
    if (ids === null) bad('runs', runs, 'expected run ids such as 3,4');
    else input.runIds = ids;
  }
  const groups = params.getAll('group').filter((g) => g.trim() !== '');
  if (groups.length > 0) input.groupBy = [...new Set(groups)];
  const band = params.get('band');
  if (band !== null) {
    if ((BAND_KINDS as readonly string[]).includes(band)) input.band = band;
    else bad('band', band, `expected one of ${BAND_KINDS.join(', ')}`);
  }
  for (const [name, key] of [
    ['showRuns', 'showRuns'],
    ['logX', 'logX'],
    ['logY', 'logY'],
  ] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    const v = flag(raw);
    if (v === null) bad(name, raw, 'expected 1 or 0');
    else input[key] = v;
  }
  const layer = params.get('layer');
  if (layer !== null) {
    if (layer === 'mean' || layer === 'all') input.layer = layer;
    else if (/^\d+$/.test(layer) && Number(layer) >= 1) input.layer = Number(layer) - 1;
    else bad('layer', layer, 'expected mean, all or a layer number from 1');
  }
  const x = params.get('x');
  if (x !== null) {
    if (x === 'epoch' || x === 'time') input.xAxis = x;
    else bad('x', x, 'expected epoch or time');
  }
  const smooth = params.get('smooth');
  if (smooth !== null) {
    const v = Number(smooth);
    if (smooth.trim() !== '' && Number.isFinite(v) && v >= 0 && v < 1) input.smoothing = v;
    else bad('smooth', smooth, 'expected a number in [0, 1)');
  }
  const at = params.get('at');
  if (at !== null) {
    if (/^\d+$/.test(at)) input.atEpoch = Number(at);
    else bad('at', at, 'expected an epoch number');
  }
  const focus = params.get('focus');
  if (focus !== null && focus !== '') input.focusGroup = focus;
  const diverged = params.get('diverged');
  if (diverged !== null) {
    if ((DIVERGED_RUNS as readonly string[]).includes(diverged)) input.divergedRuns = diverged;
    else bad('diverged', diverged, `expected one of ${DIVERGED_RUNS.join(', ')}`);
  }
  const hidden = params.getAll('hide').filter((k) => k !== '');
  if (hidden.length > 0) input.hiddenGroups = [...new Set(hidden)];
  const names = params.get('names');
  if (names !== null) {
    try {
      const parsed: unknown = JSON.parse(names);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input.groupNames = parsed;
    } catch {
      bad('names', names, 'expected a JSON object of group names');
    }
  }

  // The shared schema has the last word (limits, types): drop what it refuses, field by field.
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = comparisonSpecSchema.safeParse(input);
    if (result.success) {
      const saved = params.get('saved');
      return { spec: result.data, saved: saved && saved.trim() !== '' ? saved : null, warnings };
    }
    const keys = new Set(result.error.issues.map((i) => String(i.path[0] ?? '')));
    for (const key of keys) {
      const issue = result.error.issues.find((i) => String(i.path[0] ?? '') === key)!;
      warnings.push(`Ignored ${key}: ${issue.message}`);
      delete input[key];
    }
    if (keys.has('')) break;
  }
  return { spec: DEFAULT_SPEC, saved: null, warnings };
}

/** Whether the spec names anything to compare. */
export function hasSelection(spec: Pick<ComparisonSpec, 'runIds' | 'experimentIds'>): boolean {
  return spec.runIds.length > 0 || spec.experimentIds.length > 0;
}

/** Same spec with the patch applied; settings that no longer make sense are reset. */
export function patchSpec(spec: ComparisonSpec, patch: Partial<ComparisonSpec>): ComparisonSpec {
  const next = { ...spec, ...patch };
  // Grouping changes the groups: names and the focus keyed by old group keys would point at nothing.
  if (patch.groupBy !== undefined && patch.groupBy.join('\n') !== spec.groupBy.join('\n')) {
    if (patch.focusGroup === undefined) next.focusGroup = null;
  }
  return comparisonSpecSchema.parse(next);
}

/** The patch that hides a group from the charts, or shows it again. */
export function toggleHidden(spec: Pick<ComparisonSpec, 'hiddenGroups'>, key: string): Pick<ComparisonSpec, 'hiddenGroups'> {
  return { hiddenGroups: spec.hiddenGroups.includes(key) ? spec.hiddenGroups.filter((k) => k !== key) : [...spec.hiddenGroups, key] };
}

// ---------- Group-by choices ----------

/** Fields the runs can be grouped by: those that differ between them (seed excluded), `variant` always when runs have one. */
export function groupByChoices(runs: readonly Pick<ComparedRun, 'sweep' | 'config'>[], current: readonly string[] = []): string[] {
  const fields = differingFields(runs);
  const hasVariant = runs.some((r) => Object.prototype.hasOwnProperty.call(r.sweep, VARIANT_KEY));
  const out = hasVariant && !fields.includes(VARIANT_KEY) ? [VARIANT_KEY, ...fields] : [...fields];
  // Keep a field of the spec shown even if it no longer differs, so it can be unticked.
  for (const f of current) if (!out.includes(f)) out.push(f);
  return out;
}

/** "variant" → "variant"; "training.learningRate" → "learningRate (training)". */
export function fieldLabel(field: string): string {
  const i = field.lastIndexOf('.');
  return i < 0 ? field : `${field.slice(i + 1)} (${field.slice(0, i)})`;
}

// ---------- Summary table ----------

export type SummaryMetricId = 'dead' | 'loss' | 'accuracy';
export type SummaryStat = 'final' | 'min' | 'max' | 'atEpoch';

export interface SummaryMetric {
  id: SummaryMetricId;
  label: string;
  /** Series metric read from each run. */
  metric: SeriesMetric;
  percent: boolean;
}

export interface SummaryRow {
  key: string;
  name: string;
  color: string;
  dash: string;
  /** Every run of the group. */
  runCount: number;
  /** The runs its numbers rest on (diverged runs left out when they are excluded; runs without measurements never count). */
  countedRuns: number;
  /** Diverged runs of the group (counted or not). */
  divergedCount: number;
  /** "2/3 diverged", null when none did. */
  divergence: string | null;
  divergedExcluded: boolean;
  /** Hidden from the charts (still listed here). */
  hidden: boolean;
  /** The epoch "final" is read at: the last epoch all counted runs reached. */
  finalEpoch: number | null;
  /** Config diff cells, in the order of `SummaryTable.fields`. */
  cells: DiffCell[];
  stats: Record<string, BandValue>;
}

export interface SummaryTable {
  /** Config fields that differ between the groups (the diff's rows, shown as columns). */
  fields: string[];
  metrics: SummaryMetric[];
  stats: SummaryStat[];
  rows: SummaryRow[];
  columns: TableColumn<SummaryRow>[];
}

export const STAT_LABELS: Record<SummaryStat, string> = { final: 'final', min: 'min', max: 'max', atEpoch: 'at epoch' };

/** Header of a stat column: "final" says its epoch when every group shares it, "at epoch" says which. */
export function statLabel(stat: SummaryStat, table: Pick<SummaryTable, 'rows'>, atEpoch: number | null): string {
  if (stat === 'atEpoch') return `at epoch ${atEpoch}`;
  if (stat !== 'final') return STAT_LABELS[stat];
  const epochs = new Set(table.rows.map((r) => r.finalEpoch));
  const only = [...epochs][0];
  return epochs.size === 1 && only !== null && only !== undefined ? `final (epoch ${only})` : 'final (see epoch)';
}

export function statColumnId(metric: SummaryMetricId, stat: SummaryStat): string {
  return `${metric}.${stat}`;
}

function cellSortValue(cell: DiffCell | undefined): CellValue {
  if (!cell || cell.values.length !== 1) return cell?.text ?? null;
  const v = cell.values[0];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : cell.text;
}

/**
 * Per group (hidden ones too, marked): the config fields that differ between the groups (`configDiff`),
 * its runs, diverged runs and final epoch, and final / min / max / value-at-epoch of the dead fraction
 * (the spec's layer, mean over layers for 'mean' and 'all'), the loss and the accuracy (validation when
 * measured, else training), each as mean and band over the runs with its n. "Final" is one epoch per
 * group, the last all its counted runs reached; min and max stop there too.
 */
export function summaryTable(model: ComparisonModel, spec: ComparisonSpec): SummaryTable {
  const diff = configDiff(model.groups.map((g) => ({ key: g.key, label: g.label, runs: g.allRuns })));
  const fields = diff.rows.map((r) => r.field);
  const layer = typeof spec.layer === 'number' ? spec.layer : 'mean';
  const allRuns = model.groups.flatMap((g) => g.runs);
  const any = (pick: (e: ComparedRun['epochs'][number]) => number | null) => allRuns.some((r) => r.epochs.some((e) => pick(e) !== null));
  const metrics: SummaryMetric[] = [
    { id: 'dead', label: layer === 'mean' ? 'Dead fraction (mean over layers)' : `Dead fraction (layer ${layer + 1})`, metric: 'deadFraction', percent: true },
    any((e) => e.valLoss) ? { id: 'loss', label: 'Validation loss', metric: 'valLoss', percent: false } : { id: 'loss', label: 'Training loss', metric: 'trainLoss', percent: false },
  ];
  if (any((e) => e.valAccuracy)) metrics.push({ id: 'accuracy', label: 'Validation accuracy', metric: 'valAccuracy', percent: true });
  else if (any((e) => e.trainAccuracy)) metrics.push({ id: 'accuracy', label: 'Training accuracy', metric: 'trainAccuracy', percent: true });
  const stats: SummaryStat[] = spec.atEpoch === null ? ['final', 'min', 'max'] : ['final', 'min', 'max', 'atEpoch'];

  const rows: SummaryRow[] = model.groups.map((g, gi) => {
    const values: Record<string, BandValue> = {};
    for (const m of metrics) {
      const perRun: EpochValue[][] = g.runs.map((r) => metricSeries(r.epochs, m.metric, { layer }).map((p) => ({ epoch: p.epoch ?? p.x, value: p.y })));
      const s = summarizeGroup(perRun, spec.atEpoch, spec.band, g.finalEpoch);
      // Bands clipped to the range the metric can take, as the charts do (a fraction's band stays in [0, 1]).
      const [min, max] = m.percent ? [0, 1] : [m.metric === 'trainLoss' || m.metric === 'valLoss' ? 0 : -Infinity, Infinity];
      for (const stat of stats) {
        const v = s[stat];
        values[statColumnId(m.id, stat)] = { ...v, lo: Math.min(max, Math.max(min, v.lo)), hi: Math.min(max, Math.max(min, v.hi)) };
      }
    }
    return {
      key: g.key,
      name: g.name,
      color: g.color,
      dash: g.dash,
      runCount: g.allRuns.length,
      countedRuns: g.runs.length,
      divergedCount: g.diverged.length,
      divergence: divergenceLabel(g),
      divergedExcluded: g.divergedExcluded,
      hidden: g.hidden,
      finalEpoch: g.finalEpoch,
      cells: diff.rows.map((r) => r.cells[gi]),
      stats: values,
    };
  });

  const columns: TableColumn<SummaryRow>[] = [
    { id: 'group', label: 'Group', value: (r) => r.name },
    { id: 'runs', label: 'Runs', value: (r) => r.runCount },
    { id: 'diverged', label: 'Diverged', value: (r) => r.divergedCount },
    { id: 'finalEpoch', label: 'Final epoch', value: (r) => r.finalEpoch },
    ...fields.map((f, i): TableColumn<SummaryRow> => ({ id: `field:${f}`, label: f, value: (r) => cellSortValue(r.cells[i]) })),
    ...metrics.flatMap((m) =>
      stats.map((stat): TableColumn<SummaryRow> => {
        const id = statColumnId(m.id, stat);
        return { id, label: `${m.label}: ${stat === 'atEpoch' ? `at epoch ${spec.atEpoch}` : STAT_LABELS[stat]}`, value: (r) => r.stats[id]?.mean ?? null };
      }),
    ),
  ];
  return { fields, metrics, stats, rows, columns };
}

// ---------- Files ----------

/** Decodes base64 (a `FileData` from the lab) into bytes for `saveFile`. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The base64 part of a `data:` URL (what FileReader.readAsDataURL gives). */
export function dataUrlBase64(dataUrl: string): string {
  const i = dataUrl.indexOf(',');
  return i < 0 ? '' : dataUrl.slice(i + 1);
}

/** "imported 1 experiment, 18 runs; 0 skipped". */
export function importSummaryText(summary: { experiments: number; runs: number; skipped: number }): string {
  const n = (count: number, one: string) => `${count.toLocaleString('en-US')} ${count === 1 ? one : `${one}s`}`;
  return `Imported ${n(summary.experiments, 'experiment')}, ${n(summary.runs, 'run')}; ${summary.skipped.toLocaleString('en-US')} skipped`;
}

/** A file name for an exported chart: "<saved comparison>-<chart>.<ext>" or the lab's own name. */
export function exportFileName(suggested: string, saved: string | null): string {
  if (!saved) return suggested;
  const slug = saved
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug ? `${slug}-${suggested}` : suggested;
}

// ---------- Figure export options (remembered between charts and sessions) ----------

export interface ExportOptions {
  preset: 'screen' | 'single-column' | 'double-column';
  fontFamily: 'sans' | 'serif';
  /** Points; null: the preset's. */
  fontSize: number | null;
  grayscaleSafe: boolean;
  dpi: number;
}

export const DEFAULT_EXPORT_OPTIONS: ExportOptions = { preset: 'single-column', fontFamily: 'sans', fontSize: null, grayscaleSafe: false, dpi: 300 };

/** Export options read back from storage: anything unreadable falls back to the default. */
export function readExportOptions(raw: unknown): ExportOptions {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const d = DEFAULT_EXPORT_OPTIONS;
  return {
    preset: o.preset === 'screen' || o.preset === 'single-column' || o.preset === 'double-column' ? o.preset : d.preset,
    fontFamily: o.fontFamily === 'serif' || o.fontFamily === 'sans' ? o.fontFamily : d.fontFamily,
    fontSize: typeof o.fontSize === 'number' && o.fontSize >= 4 && o.fontSize <= 48 ? o.fontSize : null,
    grayscaleSafe: typeof o.grayscaleSafe === 'boolean' ? o.grayscaleSafe : d.grayscaleSafe,
    dpi: typeof o.dpi === 'number' && Number.isInteger(o.dpi) && o.dpi >= 36 && o.dpi <= 1200 ? o.dpi : d.dpi,
  };
}
