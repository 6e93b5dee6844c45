import type { ReactNode } from 'react';
import { Icon } from './Icon.js';

/**
 * The bar above a list whose rows can be ticked: what is shown and selected, Compare, any further
 * actions, and Clear selection. One component for the experiments list and the runs table.
 */
export function SelectionBar({
  label,
  status,
  selected,
  onCompare,
  onClear,
  countTestId,
  children,
}: {
  /** The group's accessible name, e.g. "Selected runs". */
  label: string;
  /** What the list shows and how many are selected (the live status line). */
  status: ReactNode;
  selected: number;
  onCompare: () => void;
  onClear: () => void;
  countTestId?: string;
  /** More actions, between Compare and Clear selection. */
  children?: ReactNode;
}) {
  return (
    <div className="selection-bar" role="group" aria-label={label}>
      <p className="result-count" role="status" data-testid={countTestId}>
        {status}
      </p>
      <div className="selection-actions">
        <button type="button" className="btn btn-small btn-primary" disabled={selected === 0} onClick={onCompare}>
          <Icon name="compare" size={14} /> Compare{selected > 0 ? ` ${selected}` : ''}
        </button>
        {children}
        {selected > 0 && (
          <button type="button" className="btn btn-small btn-ghost" onClick={onClear}>
            Clear selection
          </button>
        )}
      </div>
    </div>
  );
}
