/**
 * Light / dark / system theme: applied to <html data-theme>, remembered locally to avoid a flash on
 * start (read before the first render, so through the storage module's plain functions, not its hook).
 */
import { createContext, useContext, useEffect, useState } from 'react';
import type { Theme } from '../../../shared/api.js';
import { readStored, writeStored } from '../ui/storage.js';

export type ResolvedTheme = 'light' | 'dark';

const STORAGE_KEY = 'relu-lab.theme';

export function storedTheme(): Theme {
  const t = readStored('local', STORAGE_KEY);
  return t === 'light' || t === 'dark' || t === 'system' ? t : 'system';
}

function systemTheme(): ResolvedTheme {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function resolveTheme(theme: Theme): ResolvedTheme {
  return theme === 'system' ? systemTheme() : theme;
}

export function applyTheme(theme: Theme): ResolvedTheme {
  const resolved = resolveTheme(theme);
  document.documentElement.dataset.theme = resolved;
  document.documentElement.style.colorScheme = resolved;
  // Not remembered (storage off or full): the next start follows the system until settings load.
  writeStored('local', STORAGE_KEY, theme);
  return resolved;
}

/** Applies `theme` and follows the system setting while it is 'system'. */
export function useAppliedTheme(theme: Theme): ResolvedTheme {
  const [resolved, setResolved] = useState<ResolvedTheme>(() => resolveTheme(theme));
  useEffect(() => {
    setResolved(applyTheme(theme));
    if (theme !== 'system' || typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setResolved(applyTheme('system'));
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [theme]);
  return resolved;
}

export const ThemeContext = createContext<ResolvedTheme>('light');

export function useResolvedTheme(): ResolvedTheme {
  return useContext(ThemeContext);
}
