/**
 * The Compare view's summary table (pure): per group, the config fields that differ and the final,
 * min, max and value-at-epoch of the dead fraction, the loss and the accuracy, each with its n. The
 * numbers come from shared/analysis, the groups from shared/charts.ts.
 */
import type { ComparisonSpec } from '../../../shared/compare.js';
import { divergenceLabel, type ComparisonModel, type ComparedRun } from '../../../shared/charts.js';
import { configDiff, metricSeries, summarizeGroup, type BandValue, type CellValue, type DiffCell, type EpochValue, type SeriesMetric, type TableColumn } from '../../../shared/analysis/index.js';
import { formatNumber, formatPercent } from '../ui/format.js';
import { layerLabel } from '../../../shared/architecture.js';

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
    { id: 'dead', label: layer === 'mean' ? 'Dead fraction (mean over layers)' : `Dead fraction (${layerLabel(layer, model.layerModel)})`, metric: 'deadFraction', percent: true },
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

/** The paragraph above the table: what it shows and how "final" and the bands are read. */
export function summaryHelpText(spec: Pick<ComparisonSpec, 'band' | 'divergedRuns'>): string {
  const band = spec.band !== 'none' ? `, with the ${spec.band === 'ci95' ? '95 % CI' : spec.band === 'se' ? 'mean ± SE' : 'mean ± std'} under it (from n ≥ 2 runs)` : '';
  const diverged = spec.divergedRuns === 'exclude' ? ' (diverged runs excluded)' : ' (diverged runs count up to their last measured epoch)';
  return (
    'Only the config fields that differ between the groups are shown (“mixed” when a group’s runs disagree). Metrics: mean over the group’s runs' +
    `${band}, and n, the runs each value rests on. “Final” is read at one epoch per group, the last all its runs reached${diverged}; min and max stop there too. Click a header to sort.`
  );
}

export interface StatCell {
  /** The mean, "—" when nothing was measured. */
  text: string;
  /** "lo–hi" under it when there is a band (n ≥ 2), else null. */
  band: string | null;
  /** "n = 3", null when nothing was measured. */
  n: string | null;
  title: string;
}

/** One metric cell of the table: mean, band and n, as percentages for fractions. */
export function statCell(value: BandValue | undefined, percent: boolean): StatCell {
  const fmt = (x: number) => (percent ? formatPercent(x, 1) : formatNumber(x, 4));
  if (!value || !(value.n > 0) || !Number.isFinite(value.mean)) return { text: '—', band: null, n: null, title: 'not measured' };
  return {
    text: fmt(value.mean),
    band: Number.isFinite(value.lo) && Number.isFinite(value.hi) ? `${fmt(value.lo)}–${fmt(value.hi)}` : null,
    n: `n = ${value.n}`,
    title: `mean ${fmt(value.mean)}, ${Number.isFinite(value.lo) ? `band [${fmt(value.lo)}, ${fmt(value.hi)}]` : 'no band'}, n = ${value.n}`,
  };
}
