/** Searching, filtering and sorting the experiments history (pure, for the table and its tests). */
import type { ExperimentRow, RunStatus } from '../../../shared/api.js';
import { getAtPath } from '../../../shared/config.js';

export type SortKey =
  | 'name'
  | 'status'
  | 'created'
  | 'activation'
  | 'init'
  | 'learningRate'
  | 'batchNorm'
  | 'dataset'
  | 'finalDead'
  | 'progress'
  | 'runs';

export interface SortState {
  key: SortKey;
  direction: 'asc' | 'desc';
}

export interface ExperimentFilter {
  text: string;
  status: RunStatus | '';
  tag: string;
  /** A config field path (e.g. "model.activation") and the value it must have (in the base config, the sweep or a variant). */
  fieldPath: string;
  fieldValue: string;
}

export const EMPTY_FILTER: ExperimentFilter = { text: '', status: '', tag: '', fieldPath: '', fieldValue: '' };

export const DEFAULT_SORT: SortState = { key: 'created', direction: 'desc' };

/** Whether the filter hides anything (a field filter counts once it has a value). */
export function isFiltered(filter: ExperimentFilter): boolean {
  return filter.text !== '' || filter.status !== '' || filter.tag !== '' || (filter.fieldPath !== '' && filter.fieldValue !== '');
}

/** The sort after a click on `key`'s header: the other direction, or a new column in its natural direction (text A→Z, numbers and dates high first). */
export function nextSort(sort: SortState, key: SortKey): SortState {
  if (sort.key === key) return { key, direction: sort.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: key === 'name' || key === 'dataset' || key === 'activation' || key === 'init' ? 'asc' : 'desc' };
}

function norm(value: unknown): string {
  if (typeof value === 'string') return value.trim().toLowerCase();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value).toLowerCase();
}

/** Every value a field takes in an experiment: base config, sweep values, variant settings. */
export function fieldValues(config: unknown, path: string): unknown[] {
  const out: unknown[] = [];
  const base = getAtPath(config, path);
  if (base !== undefined) out.push(base);
  const sweep = getAtPath(config, 'sweep');
  if (sweep && typeof sweep === 'object' && Array.isArray((sweep as Record<string, unknown>)[path])) {
    out.push(...((sweep as Record<string, unknown[]>)[path] ?? []));
  }
  const variants = getAtPath(config, 'variants');
  if (Array.isArray(variants)) {
    for (const v of variants) {
      const set = v && typeof v === 'object' ? (v as { set?: Record<string, unknown> }).set : undefined;
      if (set && path in set) out.push(set[path]);
    }
  }
  return out;
}

function matchesValue(actual: unknown, wanted: string): boolean {
  const w = wanted.trim().toLowerCase();
  const a = norm(actual);
  if (a === w) return true;
  const wn = Number(w);
  if (typeof actual === 'number' && w !== '' && Number.isFinite(wn)) return actual === wn;
  return false;
}

export function matchesFilter(row: ExperimentRow, filter: ExperimentFilter): boolean {
  if (filter.status && !((row.statusCounts[filter.status] ?? 0) > 0)) return false;
  if (filter.tag && !row.tags.includes(filter.tag)) return false;
  if (filter.fieldPath && filter.fieldValue.trim() !== '') {
    const values = fieldValues(row.config, filter.fieldPath);
    if (!values.some((v) => matchesValue(v, filter.fieldValue))) return false;
  }
  const text = filter.text.trim().toLowerCase();
  if (text) {
    const haystack = [
      `#${row.id}`,
      row.name,
      row.notes,
      ...row.tags,
      ...row.activations,
      ...row.inits,
      row.datasetKind,
    ]
      .join('\n')
      .toLowerCase();
    for (const word of text.split(/\s+/)) if (!haystack.includes(word)) return false;
  }
  return true;
}

const STATUS_ORDER: RunStatus[] = ['running', 'queued', 'failed', 'diverged', 'interrupted', 'cancelled', 'completed'];

function sortValue(row: ExperimentRow, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return row.name.toLowerCase();
    case 'created':
      return row.createdAt;
    case 'activation':
      return row.activations.join(',') || null;
    case 'init':
      return row.inits.join(',') || null;
    case 'learningRate':
      return row.learningRates.length ? Math.min(...row.learningRates) : null;
    case 'batchNorm':
      return row.batchNorm.length ? (row.batchNorm.includes(true) ? (row.batchNorm.includes(false) ? 1 : 2) : 0) : null;
    case 'dataset':
      return row.datasetKind || null;
    case 'finalDead':
      return row.finalMeanDeadFraction;
    case 'progress':
      return row.progress.state === 'empty' ? null : row.progress.fraction;
    case 'runs':
      return row.runCount;
    case 'status': {
      // Most "active" first when descending: weigh statuses by their order.
      let score = 0;
      STATUS_ORDER.forEach((s, i) => {
        if ((row.statusCounts[s] ?? 0) > 0) score += 2 ** (STATUS_ORDER.length - i);
      });
      return score;
    }
  }
}

/** Sorted copy; missing values always last; ties broken by newest first. */
export function sortExperiments(rows: readonly ExperimentRow[], sort: SortState): ExperimentRow[] {
  const dir = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) {
      if (typeof va === 'number' && typeof vb === 'number') return (va - vb) * dir;
      return String(va).localeCompare(String(vb)) * dir;
    }
    return b.id - a.id;
  });
}

export function allTags(rows: readonly ExperimentRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b));
}
