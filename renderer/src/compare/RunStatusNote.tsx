/** The note about runs still training, diverged, failed or never measured, and how they count. */
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { RunStatusCounts } from '../../../shared/comparison-view.js';
import { Icon } from '../ui/Icon.js';
import { runStatusNote } from './run-status.js';

export function RunStatusNote({ counts, spec, onRefresh }: { counts: RunStatusCounts; spec: ComparisonSpec; onRefresh: () => void }) {
  const note = runStatusNote(counts, spec.divergedRuns);
  if (!note) return null;
  return (
    <div className={`banner ${note.tone === 'info' ? 'banner-info' : 'banner-warn'}`} role="status">
      <Icon name="info" />
      <span>
        {note.active !== null && (
          <>
            {note.active}{' '}
            <button type="button" className="link-btn" onClick={onRefresh}>
              Refresh
            </button>{' '}
          </>
        )}
        {note.rest}
      </span>
    </div>
  );
}
