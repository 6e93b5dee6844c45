/** Plain-text tables, number formatting and safe display of user-given text in the terminal. */
import type { RunSummary } from '../../shared/metrics.js';

/**
 * Characters that change how a terminal shows text rather than being shown: C0 and C1 controls
 * (ESC starts colour, cursor and title sequences; CR and backspace overwrite), DEL, the line and
 * paragraph separators, and the Unicode bidirectional controls (which reorder what follows them,
 * "Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** The same set minus C0 controls, which JSON.stringify already escapes inside strings (outside them, `\n` is layout). */
const UNSAFE_FOR_TERMINAL_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * User-given text (experiment and run names, tags, sweep values, messages echoing them) as it is
 * safe to print: every control or bidi character is written as a visible escape (`\x1b`, `\n`,
 * `\u202e`), everything else is kept as is. The one function every terminal output goes through.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (ch) => {
    const named = NAMED_ESCAPES[ch];
    if (named !== undefined) return named;
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A JSON document for stdout, indented, with the characters `terminalSafe` escapes written as `\uXXXX`
 * escapes inside their strings: the same data for a program, nothing a terminal would act on.
 */
export function jsonText(value: unknown, replacer?: (key: string, value: unknown) => unknown): string {
  return JSON.stringify(value, replacer, 2).replace(UNSAFE_FOR_TERMINAL_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function table(header: string[], rows: (string | number | null)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === null ? '-' : terminalSafe(String(c)))))];
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
  return terminalSafe(entries.map(([k, v]) => (k === 'variant' ? String(v) : `${k.split('.').pop()}=${typeof v === 'string' ? v : JSON.stringify(v)}`)).join(' '));
}

export function duration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}
