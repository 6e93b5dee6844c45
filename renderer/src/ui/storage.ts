/**
 * The page's only door to the browser's storage: settings it remembers between visits (`local`: the
 * theme, the figure export options) or for the tab (`session`: the history's filter and sort, the
 * Designer's draft). Values are JSON; storage that is full, disabled or holds something unreadable
 * never breaks the page: reading gives the fallback, writing is skipped (nothing is remembered).
 * Components use the hook `useStoredState` (useStoredState.ts); the theme, read before React starts,
 * uses these functions directly.
 */
export type StorageArea = 'local' | 'session';

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

function area(which: StorageArea): WebStorage | null {
  try {
    // (Reading the property itself throws where the browser forbids storage.)
    const page = globalThis as { localStorage?: WebStorage; sessionStorage?: WebStorage };
    return (which === 'local' ? page.localStorage : page.sessionStorage) ?? null;
  } catch {
    return null;
  }
}

/** The stored value (parsed JSON; text stored by older versions as is), or null when there is none. */
export function readStored(which: StorageArea, key: string): unknown {
  let raw: string | null;
  try {
    raw = area(which)?.getItem(key) ?? null;
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Stores `value` as JSON; null removes the entry. */
export function writeStored(which: StorageArea, key: string, value: unknown): void {
  try {
    const storage = area(which);
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Not remembered: the page works the same, it only forgets.
  }
}

/** A reader for an object kept in storage: the stored fields over the defaults (anything else: the defaults). */
export function overDefaults<T extends object>(defaults: T): (stored: unknown) => T {
  return (stored) => (stored !== null && typeof stored === 'object' && !Array.isArray(stored) ? { ...defaults, ...(stored as Partial<T>) } : defaults);
}
