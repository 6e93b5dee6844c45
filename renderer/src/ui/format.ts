/** Number, time and value formatting for tables and charts. */

export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e5 || abs < 1e-3) return value.toExponential(Math.max(0, digits - 2)).replace('-', '−');
  return String(Number(value.toPrecision(digits))).replace('-', '−');
}

export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return `${(value * 100).toFixed(digits)}%`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.round(h / 24)} days`;
}

/** A compact age or date for a table cell: "just now", "5 min ago", "Mar 3, 14:20", full date last year. */
export function formatDate(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const t = date.getTime();
  if (Number.isNaN(t)) return iso;
  const diff = (now - t) / 1000;
  if (diff >= 0 && diff < 45) return 'just now';
  if (diff >= 0 && diff < 3600) return `${Math.round(diff / 60)} min ago`;
  const sameYear = new Date(now).getFullYear() === date.getFullYear();
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? { hour: '2-digit', minute: '2-digit' } : { year: 'numeric' }),
  });
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A sweep value as a short label. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value, 6);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (value === null || value === undefined) return '—';
  return JSON.stringify(value);
}

/** "training.learningRate" → "learningRate". */
export function shortPath(path: string): string {
  const i = path.lastIndexOf('.');
  return i >= 0 ? path.slice(i + 1) : path;
}

export function sweepLabel(sweep: Record<string, unknown>): string {
  const entries = Object.entries(sweep);
  if (entries.length === 0) return '—';
  return entries.map(([k, v]) => (k === 'variant' ? String(v) : `${shortPath(k)}=${formatValue(v)}`)).join(', ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
