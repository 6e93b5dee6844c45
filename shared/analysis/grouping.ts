/**
 * Grouping of compared runs: runs that differ only by seed form one group, drawn as a mean with a
 * band. Pure TypeScript (no Node, no DOM).
 */
import { getAtPath, parseExperimentConfig, VARIANT_KEY } from '../config.js';
import { assignSlots, GROUP_COLORS, stableHash } from '../figure/palette.js';
import {
  canonicalValue,
  compareFieldValues,
  differingFields,
  fieldValue,
  formatFieldValue,
  shortFieldName,
  type DeclaredPosition,
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
  /**
   * The group's style slot (colour and dash, see shared/figure/palette.ts): from its declared position
   * when its runs know one, else from a stable hash of its identity; never shared with another group.
   */
  slot: number;
  /** Whether the slot and the order come from the experiment's declared order (else: hash and values). */
  declaredOrder: boolean;
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
 * The fields that tell groups apart: the grouping fields, minus (when `variant` is one of them) those
 * the variant determines, so a group is the same group whether or not the comparison also happens to
 * differ in, say, the activation its variant sets.
 */
function identityFields(runs: readonly RunLike[], fields: readonly string[]): string[] {
  if (!fields.includes(VARIANT_KEY)) return [...fields];
  return fields.filter((f) => f === VARIANT_KEY || !determinedByVariant(runs, f));
}

/** The declared position of a group in one field, when all its runs agree on one. */
function groupPosition(runs: readonly RunLike[], field: string): DeclaredPosition | null {
  let found: DeclaredPosition | null = null;
  for (const run of runs) {
    const p = run.declared?.[field];
    if (p === undefined) return null;
    if (found === null) found = p;
    else if (found.index !== p.index || found.of !== p.of) return null;
  }
  return found;
}

/**
 * Groups runs by the values of `groupBy` (sweep keys such as `variant`, or dotted config paths); with
 * an empty `groupBy`, by every field that differs between the runs except seed, name and description, so
 * runs identical but for their seed form one group.
 *
 * Order and style follow the group, not its neighbours: groups are listed in the experiment's declared
 * order (variants and sweep values as written, see `declaredPositions`), fields without a declared
 * order by value (numbers numerically); each group's style slot is its declared position (the cartesian
 * position when several fields group), else a stable hash of its identity, so a group keeps its colour
 * and dash in every comparison that holds it (unless two groups would collide: then the later one moves
 * to the next free colour).
 */
export function groupRuns<R extends RunLike>(runs: readonly R[], groupBy: readonly string[]): RunGroup<R>[] {
  const fields = groupingFields(runs, groupBy);
  const shown = labelFields(runs, fields, groupBy.length === 0);
  const names = labelNames(shown);
  const identity = identityFields(runs, fields);
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
      group = { key, label, values, runIds: [], runs: [], slot: 0, declaredOrder: false };
      byKey.set(key, group);
    }
    group.runs.push(run);
  }
  const groups = [...byKey.values()].map((g) => {
    g.runs.sort((a, b) => a.seed - b.seed || a.id - b.id);
    g.runIds = g.runs.map((r) => r.id);
    const positions = identity.map((f) => groupPosition(g.runs, f));
    return { group: g, positions, identityKey: groupKeyOf(g.runs[0], identity) };
  });
  const byField = (a: (typeof groups)[number], b: (typeof groups)[number]): number => {
    for (let i = 0; i < identity.length; i++) {
      const pa = a.positions[i];
      const pb = b.positions[i];
      if (pa !== null && pb !== null && pa.index !== pb.index) return pa.index - pb.index;
      if ((pa === null) !== (pb === null)) return pa === null ? 1 : -1;
      const c = compareFieldValues(a.group.values[identity[i]], b.group.values[identity[i]]);
      if (c !== 0) return c;
    }
    return a.group.key < b.group.key ? -1 : a.group.key > b.group.key ? 1 : 0;
  };
  groups.sort(byField);

  // Slots: declared groups first (in declared order), then the others by identity, each from its preferred slot.
  const declared = groups.filter((g) => g.positions.every((p) => p !== null));
  const hashed = groups.filter((g) => !g.positions.every((p) => p !== null)).sort((a, b) => (a.identityKey < b.identityKey ? -1 : a.identityKey > b.identityKey ? 1 : 0));
  const preferred = [
    ...declared.map((g) => g.positions.reduce((acc, p) => acc * (p as DeclaredPosition).of + (p as DeclaredPosition).index, 0)),
    ...hashed.map((g) => stableHash(g.identityKey) % GROUP_COLORS.length),
  ];
  const slots = assignSlots(preferred);
  [...declared, ...hashed].forEach((g, i) => {
    g.group.slot = slots[i];
    g.group.declaredOrder = i < declared.length;
  });
  return groups.map((g) => g.group);
}

// ---------- Declared order ----------

/** The distinct values of a list, first occurrence kept (canonical equality). */
function distinct(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const v of values) {
    const c = canonicalValue(v);
    if (!seen.has(c)) {
      seen.add(c);
      out.push(v);
    }
  }
  return out;
}

/**
 * The orders an experiment declares, field → values in the order written: `variant` → the variants'
 * names; each sweep path → its list; each path a variant sets → the values the variants give it, in
 * variant order (the base value for variants that leave it alone). An invalid config declares nothing.
 */
export function declaredValues(experimentConfig: unknown): Record<string, unknown[]> {
  const parsed = parseExperimentConfig(experimentConfig);
  if (!parsed.ok) return {};
  const { config } = parsed;
  const out: Record<string, unknown[]> = {};
  const variants = config.variants ?? [];
  if (variants.length > 0) out[VARIANT_KEY] = variants.map((v) => v.name);
  for (const [path, values] of Object.entries(config.sweep)) out[path] = distinct(values);
  const setPaths = new Set(variants.flatMap((v) => Object.keys(v.set)));
  for (const path of setPaths) {
    if (path in out) continue;
    out[path] = distinct(variants.map((v) => (Object.prototype.hasOwnProperty.call(v.set, path) ? v.set[path] : getAtPath(config, path))));
  }
  return out;
}

/**
 * Positions of runs in their experiments' declared orders, each experiment's config read once:
 * `configOf(experimentId)` gives an experiment's config (undefined when it is gone).
 */
export function declaredPositionsOf(configOf: (experimentId: number) => unknown): (run: Pick<RunLike, 'seed' | 'sweep' | 'config'> & { experimentId: number }) => Record<string, DeclaredPosition> {
  const declared = new Map<number, Record<string, unknown[]>>();
  return (run) => {
    let d = declared.get(run.experimentId);
    if (d === undefined) {
      d = declaredValues(configOf(run.experimentId));
      declared.set(run.experimentId, d);
    }
    return declaredPositions(run, d);
  };
}

/** A run's position in each declared order (`declaredValues` of its experiment) its value appears in. */
export function declaredPositions(run: Pick<RunLike, 'seed' | 'sweep' | 'config'>, declared: Readonly<Record<string, readonly unknown[]>>): Record<string, DeclaredPosition> {
  const out: Record<string, DeclaredPosition> = {};
  for (const [field, values] of Object.entries(declared)) {
    const value = canonicalValue(fieldValue(run, field));
    const index = values.findIndex((v) => canonicalValue(v) === value);
    if (index >= 0) out[field] = { index, of: values.length };
  }
  return out;
}

/** The name a group is shown under: the user's name for it (`ComparisonSpec.groupNames`), else its label. */
export function groupDisplayName(group: Pick<RunGroup, 'key' | 'label'>, groupNames: Readonly<Record<string, string>> = {}): string {
  const custom = groupNames[group.key];
  return custom !== undefined && custom.trim() !== '' ? custom : group.label;
}
