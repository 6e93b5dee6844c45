/** One experiment in the history: selection, name (renamed in place), config summary, progress, actions. */
import { memo } from 'react';
import type { ExperimentRow } from '../../../shared/api.js';
import { navigate } from '../app/router.js';
import { formatDate, formatDateTime } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { IconButton } from '../ui/IconButton.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { StatusCounts } from '../ui/StatusCounts.js';
import { TagList } from '../ui/TagList.js';
import { historyCells } from './rows.js';

export type RowDialogKind = 'notes' | 'tags' | 'delete';

export const HistoryRow = memo(function HistoryRow({
  row,
  selected,
  onSelect,
  renaming,
  setRenaming,
  onSaveName,
  onDialog,
  onTag,
}: {
  row: ExperimentRow;
  selected: boolean;
  onSelect: (ids: readonly number[], on: boolean) => void;
  renaming: boolean;
  setRenaming: (id: number | null) => void;
  onSaveName: (row: ExperimentRow, name: string) => Promise<void>;
  onDialog: (kind: RowDialogKind, row: ExperimentRow) => void;
  onTag: (tag: string) => void;
}) {
  const cells = historyCells(row);
  return (
    <tr className={selected ? 'selected' : undefined}>
      <td className="select-col sticky-left">
        <input type="checkbox" aria-label={`Select ${row.name}`} checked={selected} onChange={(e) => onSelect([row.id], e.target.checked)} />
      </td>
      <td className="name-cell sticky-left sticky-after-select">
        {renaming ? (
          <InlineEdit value={row.name} label={`New name for ${row.name}`} onSave={(name) => onSaveName(row, name)} onDone={() => setRenaming(null)} />
        ) : (
          <a href={`#/experiments/${row.id}`} className="row-link">
            {row.name}
          </a>
        )}
        <div className="name-meta">
          <span className="muted">#{row.id}</span>
          <TagList tags={row.tags} onFilter={onTag} />
          {cells.notesPreview !== null && (
            <span className="notes-hint" title={row.notes}>
              <Icon name="notes" size={12} /> {cells.notesPreview}
            </span>
          )}
        </div>
      </td>
      <td>
        <StatusCounts counts={row.statusCounts} />
      </td>
      <td className="nowrap" title={formatDateTime(row.createdAt)}>
        {formatDate(row.createdAt)}
      </td>
      <td>{cells.activations}</td>
      <td className="mono-sm">{cells.inits}</td>
      <td className="num mono-sm">{cells.learningRates}</td>
      <td>{cells.batchNorm}</td>
      <td>{cells.dataset}</td>
      <td className="num">
        {cells.finalDead === null ? (
          <span className="muted">—</span>
        ) : (
          <span className="dead-cell">
            <span className="mini-bar" aria-hidden="true">
              <span style={{ width: `${cells.finalDead.barPercent}%` }} />
            </span>
            {cells.finalDead.text}
          </span>
        )}
      </td>
      <td className="progress-cell">
        <ProgressBar compact value={row.progress.fraction} label={`Progress of ${row.name}`} status={row.progress.status} detail={<span title={cells.progressTitle}>{cells.progressText}</span>} />
      </td>
      <td className="actions-col sticky-right">
        <div className="row-actions">
          <IconButton icon="edit" label={`Rename ${row.name}`} onClick={() => setRenaming(row.id)} />
          <IconButton icon="notes" label={`Notes of ${row.name}`} onClick={() => onDialog('notes', row)} />
          <IconButton icon="tag" label={`Tags of ${row.name}`} onClick={() => onDialog('tags', row)} />
          <IconButton icon="copy" label={`Edit a copy of ${row.name}`} onClick={() => navigate(`#/designer?from=${row.id}`)} />
          <IconButton icon="trash" label={`Delete ${row.name}`} danger onClick={() => onDialog('delete', row)} />
        </div>
      </td>
    </tr>
  );
});
