/** "4 runs in 2 groups from Mitigations, …": what the comparison holds, with links to its experiments. */
import type { ExperimentRow } from '../../../shared/api.js';
import type { ComparedRun, ComparisonModel } from '../../../shared/charts.js';
import type { ComparisonSpec } from '../../../shared/compare.js';
import { plural } from '../ui/format.js';

export function SelectionSummary({ spec, runs, model, experiments }: { spec: ComparisonSpec; runs: ComparedRun[] | null; model: ComparisonModel | null; experiments: ExperimentRow[] | undefined }) {
  const names = new Map((experiments ?? []).map((e) => [e.id, e.name]));
  const expIds = [...new Set([...spec.experimentIds, ...(runs ?? []).map((r) => r.experimentId)])];
  return (
    <>
      {runs ? `${plural(runs.length, 'run')}` : 'Runs'}
      {model ? ` in ${plural(model.groups.length, 'group')}` : ''} from{' '}
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
