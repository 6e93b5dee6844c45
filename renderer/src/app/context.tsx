import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { RendererClient } from '../api/client.js';
import type { LiveSnapshot, LiveStore, SeriesState } from './live.js';

export type ToastKind = 'info' | 'success' | 'error';

export interface Lab {
  client: RendererClient;
  live: LiveStore;
  toast(message: string, kind?: ToastKind): void;
}

export const LabContext = createContext<Lab | null>(null);

export function useLab(): Lab {
  const lab = useContext(LabContext);
  if (!lab) throw new Error('useLab outside LabContext');
  return lab;
}

/** A slice of the live state; re-renders only when the selected value changes identity. */
export function useLive<T>(selector: (snapshot: LiveSnapshot) => T): T {
  const { live } = useLab();
  return useSyncExternalStore(live.subscribe, () => selector(live.getSnapshot()));
}

const EMPTY_SERIES: SeriesState = { status: 'loading', points: [] };

/** The full, live metric series of a run (loaded on first use, kept updated from events); `full`: every measurement whole too. */
export function useRunSeries(runId: number | null, options: { full?: boolean } = {}): SeriesState {
  const { live } = useLab();
  const full = options.full === true;
  useEffect(() => {
    if (runId === null) return;
    return live.watch(runId, { full });
  }, [live, runId, full]);
  return useLive((s) => (runId === null ? EMPTY_SERIES : (s.series.get(runId) ?? EMPTY_SERIES)));
}

export interface AsyncState<T> {
  data: T | undefined;
  error: Error | undefined;
  /** True while the first load is in flight (later reloads keep showing the previous data). */
  loading: boolean;
  reload(): void;
}

/**
 * Loads data with `load`, reloading when `deps` change or `reload()` is called. Previous data stays
 * on screen while reloading (no flashing spinners); answers to superseded requests are dropped.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const mine = ++seq.current;
    let cancelled = false;
    loadRef.current().then(
      (data) => {
        if (!cancelled && mine === seq.current) setState({ data, error: undefined, loading: false });
      },
      (error: unknown) => {
        if (!cancelled && mine === seq.current) setState((s) => ({ data: s.data, error: error instanceof Error ? error : new Error(String(error)), loading: false }));
      },
    );
    return () => {
      cancelled = true;
    };
    // The caller lists the dependencies (like useEffect's).
  }, [...deps, nonce]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}

/** Reloads (via `reload`) when `version` changes, at most once per `minIntervalMs`. */
export function useThrottledReload(version: number | string, reload: () => void, minIntervalMs = 700): void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const first = useRef(true);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const wait = last.current + minIntervalMs - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      reloadRef.current();
      return;
    }
    if (timer.current === null) {
      timer.current = setTimeout(() => {
        timer.current = null;
        last.current = Date.now();
        reloadRef.current();
      }, wait);
    }
  }, [version, minIntervalMs]);
  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
}
