/** Plain-text tables and number formatting for the terminal. */
import type { RunSummary } from '../../shared/metrics.js';

export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number' || /^-?[\d.]+%?$/.test(String(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function num(value: number | null | undefined, digits = 4): string | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && Math.abs(value) < 10 ** -digits) return value.toExponential(1);
  return value.toFixed(digits);
}

export function fraction(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : value.toFixed(2);
}

export function sweepLabel(run: Pick<RunSummary, 'sweep'>): string {
  const entries = Object.entries(run.sweep);
  if (entries.length === 0) return '-';
  return entries.map(([k, v]) => (k === 'variant' ? String(v) : `${k.split('.').pop()}=${typeof v === 'string' ? v : JSON.stringify(v)}`)).join(' ');
}

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
