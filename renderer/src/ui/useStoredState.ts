/** The one hook for state the page remembers in the browser's storage (see storage.ts). */
import { useCallback, useEffect, useRef, useState } from 'react';
import { readStored, writeStored, type StorageArea } from './storage.js';

export interface StoredStateOptions {
  /** Where it is kept (default `local`). */
  area?: StorageArea;
  /**
   * Writes (and re-renders with the new value) only once changes pause this long, so a value that
   * changes at every keystroke costs one write; a pending value is written when the component goes.
   */
  delayMs?: number;
}

/**
 * State remembered under `key`: starts from what `read` makes of the stored value (null when there is
 * none), and every value set is stored (null removes it).
 */
export function useStoredState<T>(key: string, read: (stored: unknown) => T, options: StoredStateOptions = {}): [T, (next: T) => void] {
  const which = options.area ?? 'local';
  const delayMs = options.delayMs ?? 0;
  const [value, setValue] = useState<T>(() => read(readStored(which, key)));
  const pending = useRef<{ value: T } | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const set = useCallback(
    (next: T) => {
      if (delayMs <= 0) {
        writeStored(which, key, next);
        setValue(next);
        return;
      }
      pending.current = { value: next };
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = setTimeout(() => {
        timer.current = null;
        const p = pending.current;
        pending.current = null;
        if (!p) return;
        writeStored(which, key, p.value);
        setValue(p.value);
      }, delayMs);
    },
    [which, key, delayMs],
  );

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
      timer.current = null;
      if (pending.current) writeStored(which, key, pending.current.value);
      pending.current = null;
    },
    [which, key],
  );

  return [value, set];
}
