/** The note above the compare charts about runs that are not plain completed ones (pure). */
import type { ComparedRun } from '../../../shared/charts.js';
import type { DivergedRuns } from '../../../shared/compare.js';
import { FINAL_STATUSES } from '../../../shared/metrics.js';
import { plural } from '../ui/format.js';

export interface RunStatusNote {
  /** Information while runs still train, a warning otherwise. */
  tone: 'info' | 'warn';
  /** "2 runs still training or queued: …" (followed by a Refresh button), null when none are. */
  active: string | null;
  /** What diverged, failed or has no measurement, and how those runs count. */
  rest: string;
}

/** Null when every run completed and was measured. */
export function runStatusNote(runs: readonly Pick<ComparedRun, 'status' | 'epochs'>[], divergedRuns: DivergedRuns): RunStatusNote | null {
  const active = runs.filter((r) => r.status === 'running' || r.status === 'queued').length;
  const diverged = runs.filter((r) => r.status === 'diverged').length;
  const failed = runs.filter((r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted').length;
  const empty = runs.filter((r) => r.epochs.length === 0 && FINAL_STATUSES.includes(r.status)).length;
  if (active === 0 && diverged === 0 && failed === 0 && empty === 0) return null;
  let rest = '';
  if (diverged > 0) {
    rest +=
      divergedRuns === 'exclude'
        ? `${plural(diverged, 'run')} diverged (the loss became NaN or infinite) and ${diverged === 1 ? 'is' : 'are'} excluded from ${diverged === 1 ? 'its group' : 'their groups'} (see “Diverged runs” below). `
        : `${plural(diverged, 'run')} diverged (the loss became NaN or infinite): ${diverged === 1 ? 'it counts' : 'they count'} up to the last epoch measured, so a group's n drops after it (every point shows its n; “Diverged runs” below can exclude them). `;
  }
  if (failed > 0) rest += `${plural(failed, 'run')} failed, cancelled or interrupted: only their measured epochs count. `;
  if (empty > 0) rest += `${plural(empty, 'run')} have no measurements.`;
  return {
    tone: active > 0 ? 'info' : 'warn',
    active: active > 0 ? `${plural(active, 'run')} still training or queued: their curves stop at the last measured epoch.` : null,
    rest,
  };
}
