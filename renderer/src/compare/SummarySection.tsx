/** The groups table: the config fields that differ, runs, diverged runs, final epoch and summary metrics, sortable. */
import { useMemo, useState } from 'react';
import { nextSort, sortByColumn, type SortState } from '../../../shared/analysis/index.js';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { SummaryTable } from '../../../shared/comparison-view.js';
import { SortableHeader } from '../ui/SortableHeader.js';
import { statLabel, summaryColumns, summaryHelpText } from './summary.js';
import { SummaryTableRow } from './SummaryTableRow.js';

export function SummarySection({ table, spec }: { table: SummaryTable; spec: ComparisonSpec }) {
  const columns = useMemo(() => summaryColumns(table, spec), [table, spec]);
  const [sort, setSort] = useState<SortState | null>(null);
  const rows = useMemo(() => sortByColumn(table.rows, columns, sort), [table, columns, sort]);
  // A header that sorts by its column; titled with the column's full name.
  const header = (id: string, props: { label?: string; rowSpan?: number; className?: string }) => {
    const column = columns.find((c) => c.id === id);
    return (
      <SortableHeader
        key={id}
        label={props.label ?? column?.label ?? id}
        title={column?.label}
        rowSpan={props.rowSpan}
        className={props.className}
        direction={sort?.columnId === id ? sort.direction : null}
        onSort={() => setSort(nextSort(sort, id))}
      />
    );
  };
  return (
    <section aria-labelledby="summary-title" className="summary-section">
      <h2 id="summary-title" className="section-title">
        Groups: what differs, and how they did
      </h2>
      <p className="muted small summary-help">
        {summaryHelpText(spec)}
      </p>
      <div className="table-wrap">
        <table className="table summary-table">
          <thead>
            <tr>
              {header('group', { rowSpan: 2, className: 'sticky-left' })}
              {header('runs', { rowSpan: 2, className: 'num' })}
              {header('diverged', { rowSpan: 2, className: 'num' })}
              {header('finalEpoch', { rowSpan: 2, className: 'num' })}
              {table.fields.length > 0 && (
                <th colSpan={table.fields.length} className="group-head">
                  Config (differs)
                </th>
              )}
              {table.metrics.map((m) => (
                <th key={m.id} colSpan={table.stats.length} className="group-head">
                  {m.label}
                </th>
              ))}
            </tr>
            <tr>
              {table.fields.map((f) => header(`field:${f}`, { label: f, className: 'mono-head' }))}
              {table.metrics.flatMap((m) =>
                table.stats.map((stat) => header(`${m.id}.${stat}`, { label: statLabel(stat, table, spec.atEpoch), className: 'num' })),
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <SummaryTableRow key={row.key} row={row} table={table} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
