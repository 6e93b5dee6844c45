// @vitest-environment jsdom
/**
 * The page's one storage module, with real React (react-dom in jsdom) and the browser's real storage
 * objects: what it reads back, when it writes, and that storage that fails never breaks the page.
 *
 * React and the hook are loaded by a computed specifier: this file is type-checked with the Node
 * code, and React's global types would change how other tests' page callbacks are typed.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { overDefaults, readStored, writeStored, type StorageArea } from '../../../renderer/src/ui/storage.js';

interface StoredStateOptions {
  area?: StorageArea;
  delayMs?: number;
}
interface Root {
  render(element: unknown): void;
  unmount(): void;
}
const load = (specifier: string) => import(specifier);
const { act, createElement, useEffect } = (await load('react')) as {
  act(fn: () => void): void;
  createElement(component: () => null): unknown;
  useEffect(effect: () => void): void;
};
const { createRoot } = (await load('react-dom/client')) as { createRoot(container: unknown): Root };
const { useStoredState } = (await load('../../../renderer/src/ui/useStoredState.js')) as {
  useStoredState<T>(key: string, read: (stored: unknown) => T, options?: StoredStateOptions): [T, (next: T) => void];
};

interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  clear(): void;
}
const page = globalThis as unknown as { localStorage: WebStorage; sessionStorage: WebStorage; document: { createElement(tag: string): unknown }; IS_REACT_ACT_ENVIRONMENT: boolean };
page.IS_REACT_ACT_ENVIRONMENT = true;

/** Mounts a component holding `useStoredState(key, read, options)`; `set` and `value` reach into it. */
function mount<T>(key: string, read: (stored: unknown) => T, options?: StoredStateOptions) {
  const seen: { value: T; set: (next: T) => void; renders: number } = { value: undefined as T, set: () => {}, renders: 0 };
  function Holder() {
    const [value, set] = useStoredState(key, read, options);
    seen.renders += 1;
    useEffect(() => {
      seen.value = value;
      seen.set = set;
    });
    return null;
  }
  const root = createRoot(page.document.createElement('div'));
  act(() => root.render(createElement(Holder)));
  return { seen, unmount: () => act(() => root.unmount()) };
}

beforeEach(() => {
  page.localStorage.clear();
  page.sessionStorage.clear();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('stored state', () => {
  it('starts from the stored value and stores every value set, as JSON, in the chosen area', () => {
    page.sessionStorage.setItem('k', JSON.stringify({ text: 'relu', tag: 'x' }));
    const read = overDefaults({ text: '', tag: '', status: '' });
    const { seen } = mount('k', read, { area: 'session' });
    expect(seen.value).toEqual({ text: 'relu', tag: 'x', status: '' });
    act(() => seen.set({ text: 'elu', tag: '', status: 'diverged' }));
    expect(seen.value).toEqual({ text: 'elu', tag: '', status: 'diverged' });
    expect(JSON.parse(page.sessionStorage.getItem('k')!)).toEqual({ text: 'elu', tag: '', status: 'diverged' });
    expect(page.localStorage.getItem('k')).toBeNull();
  });

  it('falls back on the defaults when nothing or something unreadable is stored', () => {
    const read = overDefaults({ key: 'created', direction: 'desc' });
    expect(mount('missing', read).seen.value).toEqual({ key: 'created', direction: 'desc' });
    page.localStorage.setItem('broken', '{"key":');
    expect(mount('broken', read).seen.value).toEqual({ key: 'created', direction: 'desc' });
    page.localStorage.setItem('list', '[1,2]');
    expect(mount('list', read).seen.value).toEqual({ key: 'created', direction: 'desc' });
  });

  it('with a delay: one write (and one render) once changes pause, the last value wins', () => {
    vi.useFakeTimers();
    const { seen } = mount<string | null>('draft', (v) => (typeof v === 'string' ? v : null), { area: 'session', delayMs: 300 });
    const before = seen.renders;
    act(() => {
      seen.set('a');
      vi.advanceTimersByTime(100);
      seen.set('ab');
      vi.advanceTimersByTime(100);
      seen.set('abc');
    });
    expect(page.sessionStorage.getItem('draft')).toBeNull();
    expect(seen.renders).toBe(before);
    act(() => vi.advanceTimersByTime(300));
    expect(page.sessionStorage.getItem('draft')).toBe('"abc"');
    expect(seen.value).toBe('abc');
    expect(seen.renders).toBe(before + 1);
  });

  it('writes a pending value when the component goes (a removal right before leaving the page is kept)', () => {
    vi.useFakeTimers();
    page.sessionStorage.setItem('draft', '"old"');
    const { seen, unmount } = mount<string | null>('draft', (v) => (typeof v === 'string' ? v : null), { area: 'session', delayMs: 300 });
    expect(seen.value).toBe('old');
    act(() => seen.set(null));
    unmount();
    expect(page.sessionStorage.getItem('draft')).toBeNull();
    act(() => vi.advanceTimersByTime(1000));
    expect(page.sessionStorage.getItem('draft')).toBeNull();
  });

  it('never breaks the page when storage fails: reads give the fallback, writes only forget', () => {
    vi.spyOn(Object.getPrototypeOf(page.localStorage) as WebStorage, 'getItem').mockImplementation(() => {
      throw new Error('SecurityError: storage is disabled');
    });
    vi.spyOn(Object.getPrototypeOf(page.localStorage) as WebStorage, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    expect(readStored('local', 'k')).toBeNull();
    expect(() => writeStored('local', 'k', { a: 1 })).not.toThrow();
    const { seen } = mount('k', overDefaults({ dpi: 300 }));
    expect(seen.value).toEqual({ dpi: 300 });
    act(() => seen.set({ dpi: 600 }));
    expect(seen.value).toEqual({ dpi: 600 });
  });

  it('reads text kept by earlier versions as it is (the theme was stored as plain text), and JSON', () => {
    page.localStorage.setItem('relu-lab.theme', 'dark');
    expect(readStored('local', 'relu-lab.theme')).toBe('dark');
    writeStored('local', 'relu-lab.theme', 'light');
    expect(page.localStorage.getItem('relu-lab.theme')).toBe('"light"');
    expect(readStored('local', 'relu-lab.theme')).toBe('light');
    writeStored('local', 'relu-lab.theme', null);
    expect(readStored('local', 'relu-lab.theme')).toBeNull();
  });
});
