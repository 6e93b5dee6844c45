/** An experiment's runs as shown (rows merged with the live events), each keeping its identity while unchanged. */
import { useMemo, useRef } from 'react';
import type { ExperimentDetail, RunRow } from '../../../shared/api.js';
import { useLive } from '../app/context.js';
import type { RunLive } from '../app/live.js';
import { mergeRun, type ShownRun } from './shown-run.js';

export function useShownRuns(detail: ExperimentDetail | undefined): ShownRun[] {
  const liveRuns = useLive((s) => s.runs);
  // Rows are memoized: a run whose row and live state did not change keeps the same object.
  const cache = useRef(new Map<number, { run: RunRow; live: RunLive | undefined; shown: ShownRun }>());
  return useMemo(() => {
    if (!detail) return [];
    const next = new Map<number, { run: RunRow; live: RunLive | undefined; shown: ShownRun }>();
    const out = detail.runs.map((r) => {
      const l = liveRuns.get(r.id);
      const c = cache.current.get(r.id);
      const shown = c && c.run === r && c.live === l ? c.shown : mergeRun(r, l);
      next.set(r.id, { run: r, live: l, shown });
      return shown;
    });
    cache.current = next;
    return out;
  }, [detail, liveRuns]);
}
