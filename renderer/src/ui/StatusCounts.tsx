/** How many runs are in each status, as a row of badges. */
import { RUN_STATUSES, type RunStatus } from '../../../shared/metrics.js';
import { StatusBadge } from './StatusBadge.js';

export function StatusCounts({ counts }: { counts: Partial<Record<RunStatus, number>> }) {
  const present = RUN_STATUSES.filter((s) => (counts[s] ?? 0) > 0);
  if (present.length === 0) return <span className="muted">no runs</span>;
  return (
    <span className="badge-row">
      {present.map((s) => (
        <StatusBadge key={s} status={s} count={counts[s]} />
      ))}
    </span>
  );
}
