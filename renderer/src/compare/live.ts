/** When the Compare view reloads from live events (pure). */
import type { RunLive } from '../app/live.js';

/** How often, at most, a comparison whose runs train is recomputed and redrawn. */
export const LIVE_RELOAD_MS = 1000;

/**
 * What the live events said about the compared runs: their last measured epoch and status. It
 * changes exactly when one of them gained an epoch or changed status, so the view reloads then
 * (throttled), and not for events of other runs.
 */
export function comparisonLiveStamp(live: ReadonlyMap<number, RunLive>, runIds: ReadonlySet<number>): string {
  const parts: string[] = [];
  for (const [id, run] of live) {
    if (runIds.has(id) && (run.last !== undefined || run.status !== undefined)) parts.push(`${id}:${run.last?.epoch ?? ''}:${run.status ?? ''}`);
  }
  return parts.sort().join(',');
}
