/** "4 runs in 2 groups from Mitigations, …": what the comparison holds, with links to its experiments. */
import type { ExperimentRow } from '../../../shared/api.js';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { ComparisonView } from '../../../shared/comparison-view.js';
import { plural } from '../ui/format.js';

export function SelectionSummary({ spec, view, experiments }: { spec: ComparisonSpec; view: ComparisonView | null; experiments: ExperimentRow[] | undefined }) {
  const names = new Map((experiments ?? []).map((e) => [e.id, e.name]));
  const expIds = [...new Set([...spec.experimentIds, ...(view?.experimentIds ?? [])])];
  return (
    <>
      {view ? `${plural(view.runCount, 'run')}` : 'Runs'}
      {view && view.runCount > 0 ? ` in ${plural(view.groups.length, 'group')}` : ''} from{' '}
      {expIds.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <a href={`#/experiments/${id}`}>{names.get(id) ?? `experiment #${id}`}</a>
        </span>
      ))}
      {spec.runIds.length > 0 && spec.experimentIds.length === 0 ? ` (${plural(spec.runIds.length, 'selected run')})` : ''}
    </>
  );
}
