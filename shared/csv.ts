/** CSV writing shared by every export (metrics, chart data): RFC 4180 quoting, full-precision numbers. */

/** Full precision; non-finite values as `NaN`, `Infinity`, `-Infinity` (what pandas, R and JavaScript read back). */
export function csvNumber(value: number): string {
  return String(value);
}

/** One field: numbers at full precision, objects as JSON, quoted when needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? csvNumber(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
