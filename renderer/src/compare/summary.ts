/**
 * The Compare view's summary table as the page shows it (pure): column headers, sortable columns and
 * cells. The table itself (per group: the config fields that differ and the final, min, max and
 * value-at-epoch of the dead fraction, the loss and the accuracy, each with its n) comes with the
 * comparison view from the lab (shared/comparison-view.ts).
 */
import type { ComparisonSpec } from '../../../shared/compare.js';
import { statColumnId, type SummaryRow, type SummaryStat, type SummaryTable } from '../../../shared/comparison-view.js';
import type { BandValue, CellValue, DiffCell, TableColumn } from '../../../shared/analysis/index.js';
import { formatNumber, formatPercent } from '../ui/format.js';

export const STAT_LABELS: Record<SummaryStat, string> = { final: 'final', min: 'min', max: 'max', atEpoch: 'at epoch' };

/** Header of a stat column: "final" says its epoch when every group shares it, "at epoch" says which. */
export function statLabel(stat: SummaryStat, table: Pick<SummaryTable, 'rows'>, atEpoch: number | null): string {
  if (stat === 'atEpoch') return `at epoch ${atEpoch}`;
  if (stat !== 'final') return STAT_LABELS[stat];
  const epochs = new Set(table.rows.map((r) => r.finalEpoch));
  const only = [...epochs][0];
  return epochs.size === 1 && only !== null && only !== undefined ? `final (epoch ${only})` : 'final (see epoch)';
}

/** The table's sortable columns: group, counts, the differing config fields, then every metric's stats. */
export function summaryColumns(table: SummaryTable, spec: Pick<ComparisonSpec, 'atEpoch'>): TableColumn<SummaryRow>[] {
  return [
    { id: 'group', label: 'Group', value: (r) => r.name },
    { id: 'runs', label: 'Runs', value: (r) => r.runCount },
    { id: 'diverged', label: 'Diverged', value: (r) => r.divergedCount },
    { id: 'finalEpoch', label: 'Final epoch', value: (r) => r.finalEpoch },
    ...table.fields.map((f, i): TableColumn<SummaryRow> => ({ id: `field:${f}`, label: f, value: (r) => cellSortValue(r.cells[i]) })),
    ...table.metrics.flatMap((m) =>
      table.stats.map((stat): TableColumn<SummaryRow> => {
        const id = statColumnId(m.id, stat);
        return { id, label: `${m.label}: ${stat === 'atEpoch' ? `at epoch ${spec.atEpoch}` : STAT_LABELS[stat]}`, value: (r) => r.stats[id]?.mean ?? null };
      }),
    ),
  ];
}

function cellSortValue(cell: DiffCell | undefined): CellValue {
  if (!cell || cell.values.length !== 1) return cell?.text ?? null;
  const v = cell.values[0];
  return typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : cell.text;
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
