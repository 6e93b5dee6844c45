/** Store writes that wait, with backoff and without blocking the event loop, while another process holds the lock. */
import { isBusyError, type LabStore } from '../../db/store.js';

/** How long one write attempt waits for the lock before yielding to the event loop. */
const ATTEMPT_BUSY_MS = 100;
const FIRST_RETRY_DELAY_MS = 25;
const MAX_RETRY_DELAY_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type RetryOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown; waitedMs: number };

/**
 * Runs `fn` (store calls), retrying while the database is locked by another process for as long as
 * `limitMs()` allows (asked again after every wait, so a pool that starts closing waits less). Any
 * other error, or the lock held past the limit, is returned, never thrown.
 */
export async function retryWhileLocked<T>(store: LabStore, fn: () => T, limitMs: () => number): Promise<RetryOutcome<T>> {
  const started = Date.now();
  let delay = FIRST_RETRY_DELAY_MS;
  for (;;) {
    try {
      return { ok: true, value: store.withBusyTimeout(ATTEMPT_BUSY_MS, fn) };
    } catch (error) {
      const waited = Date.now() - started;
      const limit = limitMs();
      if (!isBusyError(error) || waited >= limit) return { ok: false, error, waitedMs: waited };
      await sleep(Math.min(delay, limit - waited));
      delay = Math.min(2 * delay, MAX_RETRY_DELAY_MS);
    }
  }
}
