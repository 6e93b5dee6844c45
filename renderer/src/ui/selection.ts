/** Selections of table rows (experiments, runs) kept as sets of ids. */

/** The selection with `ids` added (`on`) or removed. */
export function withMembers<T>(selection: ReadonlySet<T>, ids: Iterable<T>, on: boolean): ReadonlySet<T> {
  const next = new Set(selection);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** Whether all, and whether some, of `ids` are selected (for a select-all checkbox). */
export function selectionState<T>(selection: ReadonlySet<T>, ids: readonly T[]): { all: boolean; some: boolean } {
  const some = ids.some((id) => selection.has(id));
  return { all: ids.length > 0 && ids.every((id) => selection.has(id)), some };
}
