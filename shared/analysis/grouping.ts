/**
 * Grouping of compared runs: runs that differ only by seed form one group, drawn as a mean with a
 * band. Pure TypeScript (no Node, no DOM).
 */
import { VARIANT_KEY } from '../config.js';
import {
  canonicalValue,
  compareFieldValues,
  differingFields,
  fieldValue,
  formatFieldValue,
  shortFieldName,
  type RunLike,
} from './fields.js';

/** One group of runs that share the values of the grouping fields. */
export interface RunGroup<R extends RunLike = RunLike> {
  /** Stable identity of the group (used by `groupNames`, `focusGroup` and colours): `field=value|…`, or `all`. */
  key: string;
  /** Readable name, e.g. `activation=relu, learningRate=0.1`, or the variant name. */
  label: string;
  /** The group's value of each grouping field. */
  values: Record<string, unknown>;
  /** Member runs' ids, ordered by seed then id. */
  runIds: number[];
  /** Member runs, in the same order. */
  runs: R[];
}

/** Key of the single group formed when no field tells the runs apart. */
export const ALL_RUNS_KEY = 'all';
const ALL_RUNS_LABEL = 'all runs';

/** The fields runs are grouped by: `groupBy` (deduplicated) when given, else every field that differs between the runs. */
export function groupingFields(runs: readonly RunLike[], groupBy: readonly string[]): string[] {
  if (groupBy.length > 0) return [...new Set(groupBy)];
  return differingFields(runs);
}

/** Group key of a run for the given fields: canonical values, so 1 and "1" or [64] and [6, 4] never collide. */
export function groupKeyOf(run: RunLike, fields: readonly string[]): string {
  if (fields.length === 0) return ALL_RUNS_KEY;
  return fields.map((f) => `${f}=${canonicalValue(fieldValue(run, f))}`).join('|');
}

/** Whether every run with the same variant has the same value of `field` (the variant name then says it all). */
function determinedByVariant(runs: readonly RunLike[], field: string): boolean {
  const seen = new Map<string, string>();
  for (const run of runs) {
    const variant = canonicalValue(fieldValue(run, VARIANT_KEY));
    const value = canonicalValue(fieldValue(run, field));
    const prev = seen.get(variant);
    if (prev === undefined) seen.set(variant, value);
    else if (prev !== value) return false;
  }
  return true;
}

/** Fields shown in labels: all grouping fields, minus (when grouping automatically) those implied by the variant name. */
function labelFields(runs: readonly RunLike[], fields: readonly string[], automatic: boolean): string[] {
  if (!automatic || !fields.includes(VARIANT_KEY)) return [...fields];
  return fields.filter((f) => f === VARIANT_KEY || !determinedByVariant(runs, f));
}

/** Names of label fields: the last path segment, or the full path where two fields would read the same. */
function labelNames(fields: readonly string[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const f of fields) counts.set(shortFieldName(f), (counts.get(shortFieldName(f)) ?? 0) + 1);
  return new Map(fields.map((f) => [f, (counts.get(shortFieldName(f)) ?? 0) > 1 ? f : shortFieldName(f)]));
}

/**
 * Groups runs by the values of `groupBy` (sweep keys such as `variant`, or dotted config paths); with
 * an empty `groupBy`, by every field that differs between the runs except seed, name and description, so
 * runs identical but for their seed form one group. Groups are ordered by their values, field by field
 * (numbers numerically), so a group keeps its position and colour.
 */
export function groupRuns<R extends RunLike>(runs: readonly R[], groupBy: readonly string[]): RunGroup<R>[] {
  const fields = groupingFields(runs, groupBy);
  const shown = labelFields(runs, fields, groupBy.length === 0);
  const names = labelNames(shown);
  const byKey = new Map<string, RunGroup<R>>();
  for (const run of runs) {
    const key = groupKeyOf(run, fields);
    let group = byKey.get(key);
    if (!group) {
      const values: Record<string, unknown> = {};
      for (const f of fields) values[f] = fieldValue(run, f);
      const label =
        fields.length === 0
          ? ALL_RUNS_LABEL
          : shown.map((f) => (f === VARIANT_KEY ? formatFieldValue(values[f]) : `${names.get(f)}=${formatFieldValue(values[f])}`)).join(', ');
      group = { key, label, values, runIds: [], runs: [] };
      byKey.set(key, group);
    }
    group.runs.push(run);
  }
  const groups = [...byKey.values()];
  for (const g of groups) {
    g.runs.sort((a, b) => a.seed - b.seed || a.id - b.id);
    g.runIds = g.runs.map((r) => r.id);
  }
  return groups.sort((a, b) => {
    for (const f of fields) {
      const c = compareFieldValues(a.values[f], b.values[f]);
      if (c !== 0) return c;
    }
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  });
}

/** The name a group is shown under: the user's name for it (`ComparisonSpec.groupNames`), else its label. */
export function groupDisplayName(group: Pick<RunGroup, 'key' | 'label'>, groupNames: Readonly<Record<string, string>> = {}): string {
  const custom = groupNames[group.key];
  return custom !== undefined && custom.trim() !== '' ? custom : group.label;
}
