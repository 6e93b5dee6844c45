/** CSV writing shared by every export (metrics, chart data): RFC 4180 quoting, full-precision numbers. */

/** Full precision, and the spellings spreadsheets and pandas read for non-finite values. */
export function csvNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** One field: numbers at full precision, objects as JSON, quoted when needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : typeof value === 'number' ? csvNumber(value) : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
