/** The divergence quick check of the design on screen, asked of the lab once typing pauses. */
import { useEffect, useMemo, useState } from 'react';
import { ApiError, type DivergenceCheck, type LabClient } from '../../../shared/api.js';
import { divergenceKey, type DivergenceState } from './divergence.js';

/** Results by design, so going back to an earlier design does not train again. */
const divergenceCache = new Map<string, DivergenceCheck>();
/** Quiet time after the last edit before the lab is asked (each check trains for a few seconds). */
const DIVERGENCE_DEBOUNCE_MS = 1200;

/**
 * Asks the lab whether the design's learning rates diverge (short trials in a worker), once the
 * design is valid and has not changed for a moment. What cannot change the answer is left out of
 * what is asked (`divergenceKey`), so editing it does not train again.
 */
export function useDivergenceCheck(client: LabClient, config: Record<string, unknown> | null): DivergenceState {
  const key = useMemo(() => (config ? divergenceKey(config) : null), [config]);
  const [state, setState] = useState<DivergenceState>({ status: 'idle' });
  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return;
    }
    const cached = divergenceCache.get(key);
    if (cached) {
      setState({ status: 'done', result: cached });
      return;
    }
    setState({ status: 'checking' });
    let stale = false;
    let timer: ReturnType<typeof setTimeout>;
    const ask = (attempt: number) => {
      client.checkDivergence(JSON.parse(key)).then(
        (result) => {
          divergenceCache.set(key, result);
          if (!stale) setState({ status: 'done', result });
        },
        (err: unknown) => {
          if (stale) return;
          // Replaced by another check (another window, or a design being started): ask again.
          if (err instanceof ApiError && err.code === 'conflict') {
            if (attempt < 3) timer = setTimeout(() => ask(attempt + 1), DIVERGENCE_DEBOUNCE_MS);
            else setState({ status: 'error', message: 'the lab is busy with other checks' });
          } else if (err instanceof ApiError && err.code === 'invalid_config' && err.issues?.length) {
            setState({ status: 'invalid', issues: err.issues });
          } else {
            setState({ status: 'error', message: (err as Error).message });
          }
        },
      );
    };
    timer = setTimeout(() => ask(1), DIVERGENCE_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [key, client]);
  return state;
}
