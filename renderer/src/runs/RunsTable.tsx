/** One page of runs: a select box per row, a sortable header per column, the run id linking to its page. */
import { columnLabel, columnTitle, resolveColumn, type RunTableRow } from '../../../shared/run-table.js';
import type { RunStatus } from '../../../shared/metrics.js';
import { SelectAllCheckbox } from '../ui/SelectAllCheckbox.js';
import { selectionState } from '../ui/selection.js';
import { SortableHeader } from '../ui/SortableHeader.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { cellText, type TableState } from './table-state.js';

export function RunsTable({
  rows,
  columns,
  fields,
  sort,
  onSort,
  atEpoch,
  selected,
  select,
}: {
  rows: readonly RunTableRow[];
  columns: readonly string[];
  fields: readonly string[];
  sort: TableState['sort'];
  onSort: (column: string) => void;
  atEpoch: number | null;
  selected: ReadonlySet<number>;
  select: (ids: readonly number[], on: boolean) => void;
}) {
  const ids = rows.map((r) => r.id);
  const { all, some } = selectionState(selected, ids);
  const refs = columns.map((c) => resolveColumn(c, fields));
  return (
    <div className="table-wrap">
      <table className="table runs-table" data-testid="runs-table">
        <thead>
          <tr>
            <th className="select-col sticky-left">
              <SelectAllCheckbox label="Select all runs on this page" all={all} some={some} onChange={(on) => select(ids, on)} />
            </th>
            {columns.map((c, i) => {
              const ref = refs[i];
              const numeric = ref !== null && (ref.kind === 'dead' || ref.kind === 'metric');
              return (
                <SortableHeader
                  key={c}
                  label={ref ? columnLabel(ref) : c}
                  title={ref ? columnTitle(ref, atEpoch) : c}
                  className={numeric ? 'num' : undefined}
                  direction={sort?.column === c ? sort.direction : null}
                  onSort={() => onSort(c)}
                />
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} className={selected.has(row.id) ? 'selected' : undefined}>
              <td className="select-col sticky-left">
                <input type="checkbox" aria-label={`Select run ${row.id}`} checked={selected.has(row.id)} onChange={(e) => select([row.id], e.target.checked)} />
              </td>
              {columns.map((c, i) => {
                const value = row.cells[c];
                const ref = refs[i];
                if (ref?.kind === 'run' && ref.id === 'run') {
                  return (
                    <td key={c} className="num">
                      <a href={`#/runs/${row.id}`}>{row.id}</a>
                    </td>
                  );
                }
                if (ref?.kind === 'run' && ref.id === 'experiment') {
                  return (
                    <td key={c} className="run-experiment">
                      <a href={`#/experiments/${row.experimentId}`} title={`experiment ${row.experimentId}`}>
                        {row.experimentName}
                      </a>
                    </td>
                  );
                }
                if (ref?.kind === 'run' && ref.id === 'status' && typeof value === 'string') {
                  return (
                    <td key={c}>
                      <StatusBadge status={value as RunStatus} />
                    </td>
                  );
                }
                return (
                  <td key={c} className={typeof value === 'number' ? 'num' : undefined}>
                    {cellText(value ?? null)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
