/**
 * The runs table's filter language: clauses `COLUMN OP VALUE` joined by `and`, e.g.
 * `final dead > 0.2 and activation = leaky_relu and lr <= 0.01`.
 *
 * - COLUMN: any column name of shared/run-table.ts (`final dead`, `final dead L2`, `status`,
 *   `training.learningRate`, `learningRate`, `lr`, `variant`, …).
 * - OP: `=`, `!=`, `<`, `<=`, `>`, `>=`.
 * - VALUE: a number (`0.2`, `1e-3`), `true` / `false`, a word (`leaky_relu`, `he_normal`) or a quoted
 *   text (`"my run"`, `'a b'`).
 *
 * The same parser runs in the page (errors as you type) and in the lab (which refuses what does not
 * parse, naming the clause and the rule). Pure TypeScript.
 */
import { isNumericColumn, resolveColumn, columnId, type ColumnRef, type RunTableField } from './run-table.js';

export const FILTER_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterClause {
  column: ColumnRef;
  op: FilterOp;
  value: number | string | boolean;
  /** The clause as written, for messages. */
  text: string;
}

export type FilterParse = { ok: true; clauses: FilterClause[] } | { ok: false; message: string };

type Token = { type: 'word' | 'op' | 'string'; text: string; value: string };

const ORDERED = new Set<FilterOp>(['<', '<=', '>', '>=']);
const STATUS_VALUES = ['queued', 'running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted'];

function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return `the quote ${c} at character ${i + 1} is not closed`;
      tokens.push({ type: 'string', text: text.slice(i, end + 1), value: text.slice(i + 1, end) });
      i = end + 1;
    } else if ('<>=!'.includes(c)) {
      const two = text.slice(i, i + 2);
      const op = ['<=', '>=', '!=', '=='].includes(two) ? two : c;
      if (op === '!') return `"!" at character ${i + 1} must be followed by "=" (not equal: !=)`;
      tokens.push({ type: 'op', text: op, value: op === '==' ? '=' : op });
      i += op.length;
    } else {
      let j = i;
      while (j < text.length && !/[\s<>=!"']/.test(text[j])) j++;
      tokens.push({ type: 'word', text: text.slice(i, j), value: text.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

function valueOf(token: Token): number | string | boolean {
  if (token.type === 'string') return token.value;
  const lower = token.value.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(token.value)) return Number(token.value);
  if (lower === 'nan' || lower === 'infinity' || lower === '-infinity' || lower === '+infinity') return Number(token.value.replace(/^\+/, ''));
  return token.value;
}

/** Checks one clause's value against its column; a message naming the rule, or null. */
function clauseProblem(column: ColumnRef, op: FilterOp, value: number | string | boolean, numericFields: ReadonlySet<string>): string | null {
  const name = columnId(column);
  if (column.kind === 'run' && column.id === 'status' && (typeof value !== 'string' || !STATUS_VALUES.includes(value))) {
    return `status is one of ${STATUS_VALUES.join(', ')}, got ${JSON.stringify(value)}`;
  }
  if (column.kind === 'run' && column.id === 'diverged' && typeof value !== 'boolean') return `diverged is true or false, got ${JSON.stringify(value)}`;
  if (isNumericColumn(column, numericFields) && typeof value !== 'number') {
    return `${name} holds numbers, so the value must be a number, got ${JSON.stringify(value)}`;
  }
  if (ORDERED.has(op) && typeof value !== 'number') return `${op} compares numbers, got ${JSON.stringify(value)} (use = or != for text)`;
  if (typeof value === 'number' && Number.isNaN(value)) return `NaN equals nothing; to find diverged runs, use diverged = true`;
  return null;
}

/**
 * Parses a filter. `fields` are the config fields the table offers (they make last segments such as
 * `activation` unambiguous); `numericFields` those that hold numbers. An empty text keeps every run.
 * A problem names the clause (1-based, as written) and the rule it breaks.
 */
export function parseRunFilter(text: string, fields: readonly string[] = [], numericFields: ReadonlySet<string> = new Set()): FilterParse {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, message: `filter: ${tokens}` };
  const clauses: FilterClause[] = [];
  let i = 0;
  while (i < tokens.length) {
    const n = clauses.length + 1;
    const start = i;
    while (i < tokens.length && tokens[i].type !== 'op' && !(tokens[i].type === 'word' && tokens[i].value.toLowerCase() === 'and' && i > start)) i++;
    const nameTokens = tokens.slice(start, i);
    const op = tokens[i]?.type === 'op' ? tokens[i] : undefined;
    const valueToken = op ? tokens[i + 1] : undefined;
    const written = tokens.slice(start, op ? i + 2 : i).map((t) => t.text).join(' ');
    const at = `filter clause ${n} "${written}"`;
    if (nameTokens.length === 0) return { ok: false, message: `${at}: a clause starts with a column name, e.g. final dead > 0.2` };
    if (nameTokens.some((t) => t.type === 'string')) return { ok: false, message: `${at}: a column name is not quoted` };
    if (!op) return { ok: false, message: `${at}: expected an operator (${FILTER_OPS.join(' ')}) after the column name` };
    if (!valueToken || valueToken.type === 'op') return { ok: false, message: `${at}: expected a value after ${op.text}` };
    const name = nameTokens.map((t) => t.value).join(' ');
    const column = resolveColumn(name, fields);
    if (!column) {
      return { ok: false, message: `${at}: unknown column "${name}"; use a metric (final dead, max dead L1, final loss, …), a run fact (status, seed, …) or a config field (e.g. training.learningRate)` };
    }
    const value = valueOf(valueToken);
    const problem = clauseProblem(column, op.value as FilterOp, value, numericFields);
    if (problem) return { ok: false, message: `${at}: ${problem}` };
    clauses.push({ column, op: op.value as FilterOp, value, text: written });
    i += 2;
    if (i < tokens.length) {
      if (tokens[i].type !== 'word' || tokens[i].value.toLowerCase() !== 'and') {
        return { ok: false, message: `${at}: expected "and" before "${tokens[i].text}" (clauses are joined with and)` };
      }
      i++;
      if (i >= tokens.length) return { ok: false, message: `filter: nothing after the last "and"` };
    }
  }
  return { ok: true, clauses };
}

/** Parses a filter against the fields a runs table offers (their paths, and which hold numbers). */
export function parseFilterFor(text: string, offered: readonly RunTableField[]): FilterParse {
  return parseRunFilter(text, offered.map((f) => f.path), new Set(offered.filter((f) => f.numeric).map((f) => f.path)));
}

/** What is wrong with a filter for these fields (the message naming the clause and the rule), or null. */
export function filterProblem(text: string, offered: readonly RunTableField[]): string | null {
  const parsed = parseFilterFor(text, offered);
  return parsed.ok ? null : parsed.message;
}
