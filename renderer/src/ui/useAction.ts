/** An action a person started (save, delete, rename): busy while it runs, its error kept to show. */
import { useCallback, useState } from 'react';

export interface ActionState {
  busy: boolean;
  /** The last failure's message (cleared when the action runs again). */
  error: string | null;
  setError(message: string | null): void;
  /**
   * Runs `action`; on success calls `onDone` (which usually closes what started it, so `busy` stays
   * set until then), on failure keeps the message and ends `busy`.
   */
  run(action: () => Promise<unknown> | unknown, onDone?: () => void): Promise<void>;
}

export function useAction(): ActionState {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (action: () => Promise<unknown> | unknown, onDone?: () => void) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
      return;
    }
    onDone?.();
  }, []);
  return { busy, error, setError, run };
}
