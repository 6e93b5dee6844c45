/** The note above the compare charts about runs that are not plain completed ones (pure). */
import type { DivergedRuns } from '../../../shared/compare.js';
import type { RunStatusCounts } from '../../../shared/comparison-view.js';
import { plural } from '../ui/format.js';

export interface RunStatusNote {
  /** Information while runs still train, a warning otherwise. */
  tone: 'info' | 'warn';
  /** "2 runs still training or queued: …" (followed by a Refresh button), null when none are. */
  active: string | null;
  /** What diverged, failed or has no measurement, and how those runs count. */
  rest: string;
}

/** Null when every run completed and was measured (counts from `runStatusCounts`). */
export function runStatusNote(counts: RunStatusCounts, divergedRuns: DivergedRuns): RunStatusNote | null {
  const { active, diverged, failed, empty } = counts;
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
    active: active > 0 ? `${plural(active, 'run')} still training or queued: the charts follow their epochs as they arrive.` : null,
    rest,
  };
}
