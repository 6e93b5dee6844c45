/** A table header cell that sorts its column: click to sort, the arrow says which way. */
import type { ReactNode } from 'react';

export function SortableHeader({
  label,
  direction,
  onSort,
  className,
  title,
  rowSpan,
}: {
  label: ReactNode;
  /** The direction this column is sorted in, null when another column sorts the table. */
  direction: 'asc' | 'desc' | null;
  onSort: () => void;
  className?: string;
  title?: string;
  rowSpan?: number;
}) {
  return (
    <th rowSpan={rowSpan} className={className} aria-sort={direction === null ? undefined : direction === 'asc' ? 'ascending' : 'descending'} title={title}>
      <button type="button" className="sort-btn" onClick={onSort}>
        {label}
        <span className={`sort-ind${direction !== null ? ' on' : ''}`} aria-hidden="true">
          {direction === null ? '↕' : direction === 'asc' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}
