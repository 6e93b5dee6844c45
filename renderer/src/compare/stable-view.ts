/**
 * A new compare view with the previous view's objects kept where nothing changed: each chart's data
 * when its key (`ComparisonView.chartKeys`) is the same, the groups when they are equal. The charts
 * are memoized on these objects, so a layer switch redraws the charts that read the layer and leaves
 * the others as they are. Pure logic (no DOM, no React).
 */
import type { ChartData } from '../../../shared/charts.js';
import type { ChartKind } from '../../../shared/compare.js';
import type { ComparisonView, GroupView } from '../../../shared/comparison-view.js';

export interface StableView {
  charts: Record<ChartKind, ChartData>;
  keys: Record<ChartKind, string>;
  groups: GroupView[];
  /** The groups as JSON (what equal groups are compared by: a few hundred bytes). */
  groupsText: string;
}

export function keepUnchanged(previous: StableView | null, view: ComparisonView): StableView {
  const charts = { ...view.charts };
  for (const kind of Object.keys(charts) as ChartKind[]) {
    if (previous && previous.keys[kind] === view.chartKeys[kind] && previous.charts[kind]) charts[kind] = previous.charts[kind];
  }
  const groupsText = JSON.stringify(view.groups);
  const groups = previous && previous.groupsText === groupsText ? previous.groups : view.groups;
  return { charts, keys: view.chartKeys, groups, groupsText };
}
