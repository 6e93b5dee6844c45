/** A run status as a coloured badge with its glyph, and what each status means. */
import type { RunStatus } from '../../../shared/metrics.js';

const STATUS_GLYPH: Record<RunStatus, string> = {
  queued: '◷',
  running: '▶',
  completed: '✓',
  diverged: '↯',
  failed: '✕',
  cancelled: '⊘',
  interrupted: '‖',
};

export const STATUS_HELP: Record<RunStatus, string> = {
  queued: 'waiting for a worker',
  running: 'training now',
  completed: 'trained every epoch',
  diverged: 'the loss became NaN or infinite (a result, not an error)',
  failed: 'stopped by an error',
  cancelled: 'cancelled by you',
  interrupted: 'the lab stopped while it was training',
};

export function StatusBadge({ status, count }: { status: RunStatus; count?: number }) {
  return (
    <span className={`badge status-${status}`} title={STATUS_HELP[status]}>
      <span className="badge-glyph" aria-hidden="true">
        {STATUS_GLYPH[status]}
      </span>
      {count !== undefined ? (
        <>
          <span className="badge-count">{count}</span> {status}
        </>
      ) : (
        status
      )}
    </span>
  );
}
