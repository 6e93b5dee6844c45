/**
 * The Compare view: runs and whole experiments side by side, grouped (runs that differ only by seed
 * form one group), with bands over the seeds. Everything it shows is computed from `chartData`
 * (shared/charts.ts), the same function the figure and CSV exports use. The comparison spec lives in
 * the address (#/compare?…, see url.ts), so a reload or a bookmark keeps it; comparisons can also be
 * saved by name.
 */
import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import { buildComparison, chartData, type ChartData, type ComparedRun } from '../../../shared/charts.js';
import { CHART_KINDS, type ChartKind, type ComparisonSpec } from '../../../shared/compare.js';
import { useAsync, useLab } from '../app/context.js';
import { navigate } from '../app/router.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/Spinner.js';
import { useStoredState } from '../ui/useStoredState.js';
import { CompareChart } from './CompareChart.js';
import { CompareControls } from './CompareControls.js';
import { readExportOptions, type ExportOptions } from './export-options.js';
import { GroupsStrip } from './GroupsStrip.js';
import { LAYOUT } from './layout.js';
import { RunStatusNote } from './RunStatusNote.js';
import { SaveDialog } from './SaveDialog.js';
import { SavedComparisons } from './SavedComparisons.js';
import { SelectionSummary } from './SelectionSummary.js';
import { SummarySection } from './SummarySection.js';
import { compareHref, hasSelection, paramsToSpec, patchSpec, toggleHidden } from './url.js';
import { Warnings } from './Warnings.js';

const EXPORT_KEY = 'relu-lab.figure-export';

export function ComparePage({ params }: { params: URLSearchParams }) {
  const { client } = useLab();
  const query = params.toString();
  const address = useMemo(() => paramsToSpec(new URLSearchParams(query)), [query]);
  const { spec, saved, warnings } = address;
  const selection = `${spec.experimentIds.join(',')}|${spec.runIds.join(',')}`;

  const runs = useAsync<ComparedRun[] | null>(
    () => (hasSelection(spec) ? client.getComparedRuns({ experimentIds: spec.experimentIds, runIds: spec.runIds }) : Promise.resolve(null)),
    [client, selection],
  );
  const experiments = useAsync(() => client.listExperiments(), [client]);
  const savedList = useAsync(() => client.listComparisons(), [client]);

  const setSpec = useCallback((patch: Partial<ComparisonSpec>) => navigate(compareHref(patchSpec(spec, patch), saved), { replace: true }), [spec, saved]);

  // Charts follow the controls a beat behind while typing or dragging the smoothing slider.
  const shownSpec = useDeferredValue(spec);
  const model = useMemo(() => (runs.data && runs.data.length > 0 ? buildComparison(runs.data, shownSpec) : null), [runs.data, shownSpec]);
  const charts = useMemo(() => {
    if (!model) return null;
    const out = {} as Record<ChartKind, ChartData>;
    for (const kind of CHART_KINDS) out[kind] = chartData(model, kind, shownSpec);
    return out;
  }, [model, shownSpec]);

  const [exportOptions, setExportOptions] = useStoredState<ExportOptions>(EXPORT_KEY, readExportOptions);
  const [saving, setSaving] = useState(false);

  const header = (
    <header className="page-header">
      <div className="page-title-block">
        <h1>
          Compare{saved && <span className="muted compare-saved-name"> · {saved}</span>}
        </h1>
        <p className="page-sub">
          {hasSelection(spec) ? <SelectionSummary spec={spec} runs={runs.data ?? null} model={model} experiments={experiments.data} /> : 'Runs and experiments side by side: which mitigation keeps neurons alive, over several seeds.'}
        </p>
      </div>
      {hasSelection(spec) && (
        <div className="page-actions">
          <button type="button" className="btn" onClick={runs.reload} disabled={runs.loading}>
            <Icon name="refresh" /> Refresh
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setSaving(true)}>
            <Icon name="save" /> Save comparison…
          </button>
        </div>
      )}
    </header>
  );

  const savedSection = <SavedComparisons list={savedList.data} error={savedList.error} loading={savedList.loading} reload={savedList.reload} current={saved} />;

  if (!hasSelection(spec)) {
    return (
      <div className="page">
        {header}
        {warnings.length > 0 && <Warnings warnings={warnings} />}
        <EmptyState
          icon="compare"
          title="Nothing to compare yet"
          action={
            <a className="btn btn-primary" href="#/experiments">
              <Icon name="list" /> Choose experiments
            </a>
          }
        >
          <p>Tick experiments in the history and press Compare, or open an experiment and use “Compare runs” (all its runs, or the ones you tick). Or open a saved comparison below.</p>
        </EmptyState>
        {savedSection}
      </div>
    );
  }

  return (
    <div className="page compare-page">
      {header}
      {warnings.length > 0 && <Warnings warnings={warnings} />}
      {runs.error && !runs.data && <ErrorBox error={runs.error} onRetry={runs.reload} title="Could not load the runs to compare" />}
      {runs.error && runs.data && <div className="banner banner-warn">Could not refresh: {runs.error.message}</div>}
      {runs.loading && !runs.data && <Spinner label="Loading the runs and their measurements…" />}
      {runs.data && runs.data.length === 0 && (
        <EmptyState icon="alert" title="These runs no longer exist" action={<a className="btn" href="#/experiments">Back to the experiments</a>}>
          <p>The experiments or runs of this comparison were deleted (or belong to another database).</p>
        </EmptyState>
      )}
      {runs.data && model && charts && (
        <>
          <RunStatusNote runs={runs.data} spec={spec} onRefresh={runs.reload} />
          <CompareControls spec={spec} runs={runs.data} model={model} setSpec={setSpec} />
          <GroupsStrip model={model} spec={spec} setSpec={setSpec} />
          <div className="compare-charts">
            {LAYOUT.map(({ kind, wide, help }) => (
              <CompareChart
                key={kind}
                kind={kind}
                wide={wide}
                help={help}
                data={charts[kind]}
                model={model}
                spec={shownSpec}
                saved={saved}
                options={exportOptions}
                setOptions={setExportOptions}
                onToggleGroup={(key) => setSpec(toggleHidden(spec, key))}
              />
            ))}
          </div>
          <SummarySection model={model} spec={shownSpec} />
        </>
      )}
      {savedSection}
      {saving && (
        <SaveDialog
          spec={spec}
          initialName={saved ?? ''}
          existing={savedList.data ?? []}
          onClose={() => setSaving(false)}
          onSaved={(s) => {
            savedList.reload();
            navigate(compareHref(s.spec, s.name), { replace: true });
          }}
        />
      )}
    </div>
  );
}
