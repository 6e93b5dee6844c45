/** The history table: a select-all box, sortable columns, one row per experiment. */
import type { ExperimentRow } from '../../../shared/api.js';
import { ActionsHeader } from '../ui/ActionsHeader.js';
import { SelectAllCheckbox } from '../ui/SelectAllCheckbox.js';
import { selectionState } from '../ui/selection.js';
import { SortableHeader } from '../ui/SortableHeader.js';
import { nextSort, type SortKey, type SortState } from './history.js';
import { HistoryRow, type RowDialogKind } from './HistoryRow.js';

const COLUMNS: { key: SortKey; label: string; className?: string; title?: string }[] = [
  { key: 'name', label: 'Experiment' },
  { key: 'status', label: 'Runs', title: 'Runs by status' },
  { key: 'created', label: 'Created' },
  { key: 'activation', label: 'Activation' },
  { key: 'init', label: 'Init' },
  { key: 'learningRate', label: 'LR', className: 'num', title: 'Learning rate(s)' },
  { key: 'batchNorm', label: 'BN', title: 'Batch normalization' },
  { key: 'dataset', label: 'Data' },
  { key: 'finalDead', label: 'Final dead', className: 'num', title: 'Mean over runs of the mean-over-layers dead fraction at the last epoch' },
  { key: 'progress', label: 'Progress' },
];

export function HistoryTable({
  rows,
  sort,
  setSort,
  selected,
  select,
  renaming,
  setRenaming,
  onSaveName,
  onDialog,
  onTag,
}: {
  rows: readonly ExperimentRow[];
  sort: SortState;
  setSort: (sort: SortState) => void;
  selected: ReadonlySet<number>;
  select: (ids: readonly number[], on: boolean) => void;
  renaming: number | null;
  setRenaming: (id: number | null) => void;
  onSaveName: (row: ExperimentRow, name: string) => Promise<void>;
  onDialog: (kind: RowDialogKind, row: ExperimentRow) => void;
  onTag: (tag: string) => void;
}) {
  const ids = rows.map((r) => r.id);
  const { all, some } = selectionState(selected, ids);
  return (
    <div className="table-wrap">
      <table className="table experiments-table">
        <thead>
          <tr>
            <th className="select-col sticky-left">
              <SelectAllCheckbox label="Select all shown experiments" all={all} some={some} onChange={(on) => select(ids, on)} />
            </th>
            {COLUMNS.map((c) => (
              <SortableHeader
                key={c.key}
                label={c.label}
                title={c.title}
                className={[c.className, c.key === 'name' ? 'sticky-left sticky-after-select' : ''].filter(Boolean).join(' ') || undefined}
                direction={sort.key === c.key ? sort.direction : null}
                onSort={() => setSort(nextSort(sort, c.key))}
              />
            ))}
            <ActionsHeader className="actions-col sticky-right" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <HistoryRow
              key={row.id}
              row={row}
              selected={selected.has(row.id)}
              onSelect={select}
              renaming={renaming === row.id}
              setRenaming={setRenaming}
              onSaveName={onSaveName}
              onDialog={onDialog}
              onTag={onTag}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
