/**
 * The runs table's state in the page address (`#/runs?filter=…&sort=final%20dead&dir=desc&cols=…&page=2`),
 * so a filtered, sorted view can be bookmarked and shared, and how its cells read. Pure logic.
 */
import type { RunCell, RunTableQueryInput } from '../../../shared/run-table.js';
import { formatNumber } from '../ui/format.js';

export const PAGE_SIZES = [50, 100, 250, 500] as const;

export interface TableState {
  filter: string;
  sort: { column: string; direction: 'asc' | 'desc' } | null;
  /** Chosen columns; null: the default ones. */
  columns: string[] | null;
  /** 0-based. */
  page: number;
  pageSize: number;
  atEpoch: number | null;
}

export const DEFAULT_TABLE_STATE: TableState = { filter: '', sort: null, columns: null, page: 0, pageSize: 100, atEpoch: null };

function whole(text: string | null, min: number): number | null {
  return text !== null && /^\d+$/.test(text) && Number(text) >= min && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** Reads the state from the address; what cannot be read falls back to the default. */
export function tableStateFrom(params: URLSearchParams): TableState {
  const column = params.get('sort');
  const size = whole(params.get('size'), 1);
  const cols = params.get('cols');
  return {
    filter: params.get('filter') ?? '',
    sort: column ? { column, direction: params.get('dir') === 'asc' ? 'asc' : 'desc' } : null,
    columns: cols === null ? null : cols.split(',').map((c) => c.trim()).filter(Boolean),
    page: Math.max(0, (whole(params.get('page'), 1) ?? 1) - 1),
    pageSize: size !== null && (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_TABLE_STATE.pageSize,
    atEpoch: whole(params.get('at'), 0),
  };
}

/** The address of a state (only what differs from the default). */
export function tableParams(state: TableState): URLSearchParams {
  const p = new URLSearchParams();
  if (state.filter.trim() !== '') p.set('filter', state.filter);
  if (state.sort) {
    p.set('sort', state.sort.column);
    p.set('dir', state.sort.direction);
  }
  if (state.columns !== null) p.set('cols', state.columns.join(','));
  if (state.page > 0) p.set('page', String(state.page + 1));
  if (state.pageSize !== DEFAULT_TABLE_STATE.pageSize) p.set('size', String(state.pageSize));
  if (state.atEpoch !== null) p.set('at', String(state.atEpoch));
  return p;
}

/** The query the lab answers for a state. */
export function tableQuery(state: TableState, columns: string[]): RunTableQueryInput {
  return { offset: state.page * state.pageSize, limit: state.pageSize, filter: state.filter, sort: state.sort, columns, atEpoch: state.atEpoch };
}

/** The next sort when a header is clicked: a new column sorts descending (largest dead first), then ascending, then off. */
export function nextTableSort(current: TableState['sort'], column: string): TableState['sort'] {
  if (current === null || current.column !== column) return { column, direction: 'desc' };
  return current.direction === 'desc' ? { column, direction: 'asc' } : null;
}

/** A cell as text: numbers to 4 significant digits (NaN and ∞ as such), flags yes/no, no value —. */
export function cellText(value: RunCell): string {
  if (typeof value === 'number') return formatNumber(value, 4);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null) return '—';
  return value;
}
