/** A progress bar (determinate or not) with its text under it. */
import type { ReactNode } from 'react';
import type { RunStatus } from '../../../shared/metrics.js';

export function ProgressBar({
  value,
  label,
  detail,
  status,
  compact,
}: {
  /** 0..1, or null for indeterminate. */
  value: number | null;
  /** Accessible name. */
  label: string;
  detail?: ReactNode;
  status?: RunStatus;
  compact?: boolean;
}) {
  const pct = value === null ? null : Math.max(0, Math.min(1, value)) * 100;
  return (
    <div className={`progress${compact ? ' progress-compact' : ''}`}>
      <div
        className={`progress-track${status ? ` progress-${status}` : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct === null ? undefined : Math.round(pct * 10) / 10}
        aria-valuetext={pct === null ? undefined : `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)}%`}
      >
        <div className={`progress-fill${pct === null ? ' indeterminate' : ''}`} style={{ width: pct === null ? '30%' : `${pct}%` }} />
      </div>
      {detail !== undefined && <div className="progress-detail">{detail}</div>}
    </div>
  );
}
