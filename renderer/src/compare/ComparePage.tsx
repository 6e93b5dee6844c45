/**
 * The Compare view: runs and whole experiments side by side, grouped (runs that differ only by seed
 * form one group), with bands over the seeds. What it shows comes from the lab in one answer,
 * `getComparisonView` (shared/comparison-view.ts: the groups, every chart's `chartData`, the summary
 * table), computed next to the database for the spec on screen, so the page never loads every run's
 * measurements; the figure and CSV exports draw the same `chartData`. While compared runs train, the
 * view reloads from the live events, at most once a second. The comparison spec lives in the address
 * (#/compare?…, see url.ts), so a reload or a bookmark keeps it; comparisons can also be saved by name.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { ComparisonView } from '../../../shared/comparison-view.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
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
import { chartsShown } from './layout.js';
import { comparisonLiveStamp, LIVE_RELOAD_MS } from './live.js';
import { RunStatusNote } from './RunStatusNote.js';
import { SaveDialog } from './SaveDialog.js';
import { SavedComparisons } from './SavedComparisons.js';
import { SelectionSummary } from './SelectionSummary.js';
import { keepUnchanged, type StableView } from './stable-view.js';
import { SummarySection } from './SummarySection.js';
import { compareHref, hasSelection, paramsToSpec, patchSpec, toggleHidden } from './url.js';
import { Warnings } from './Warnings.js';

const EXPORT_KEY = 'relu-lab.figure-export';

/** A view with the spec it was computed for (the charts draw with that spec while a newer one loads). */
interface Shown {
  spec: ComparisonSpec;
  view: ComparisonView;
}

export function ComparePage({ params }: { params: URLSearchParams }) {
  const { client } = useLab();
  const query = params.toString();
  const address = useMemo(() => paramsToSpec(new URLSearchParams(query)), [query]);
  const { spec, saved, warnings } = address;
  const specKey = JSON.stringify(spec);

  // The previous view stays on screen until the next one arrives; answers to superseded specs are dropped.
  const shown = useAsync<Shown | null>(() => (hasSelection(spec) ? client.getComparisonView(spec).then((view) => ({ spec, view })) : Promise.resolve(null)), [client, specKey]);
  const view = shown.data?.view ?? null;
  const experiments = useAsync(() => client.listExperiments(), [client]);
  const savedList = useAsync(() => client.listComparisons(), [client]);

  // Live: a compared run gained an epoch or changed status.
  const runIds = useMemo(() => new Set(view?.runIds ?? []), [view]);
  const liveStamp = useLive((s) => comparisonLiveStamp(s.runs, runIds));
  useThrottledReload(liveStamp, shown.reload, LIVE_RELOAD_MS);

  const setSpec = useCallback((patch: Partial<ComparisonSpec>) => navigate(compareHref(patchSpec(spec, patch), saved), { replace: true }), [spec, saved]);
  // Charts whose data did not change keep their objects, so they are not redrawn (see stable-view.ts).
  const stableRef = useRef<StableView | null>(null);
  const stable = useMemo(() => (view ? (stableRef.current = keepUnchanged(stableRef.current, view)) : null), [view]);
  const specRef = useRef(spec);
  specRef.current = spec;
  const onToggleGroup = useCallback((key: string) => navigate(compareHref(patchSpec(specRef.current, toggleHidden(specRef.current, key)), saved), { replace: true }), [saved]);

  const [exportOptions, setExportOptions] = useStoredState<ExportOptions>(EXPORT_KEY, readExportOptions);
  const [saving, setSaving] = useState(false);

  const header = (
    <header className="page-header">
      <div className="page-title-block">
        <h1>
          Compare{saved && <span className="muted compare-saved-name"> · {saved}</span>}
        </h1>
        <p className="page-sub">
          {hasSelection(spec) ? <SelectionSummary spec={spec} view={view} experiments={experiments.data} /> : 'Runs and experiments side by side: which mitigation keeps neurons alive, over several seeds.'}
        </p>
      </div>
      {hasSelection(spec) && (
        <div className="page-actions">
          <button type="button" className="btn" onClick={shown.reload} disabled={shown.loading}>
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

  const shownSpec = shown.data?.spec ?? spec;
  const focus = stable?.groups.find((g) => g.key === view?.focusKey) ?? null;
  return (
    <div className="page compare-page">
      {header}
      {warnings.length > 0 && <Warnings warnings={warnings} />}
      {shown.error && !shown.data && <ErrorBox error={shown.error} onRetry={shown.reload} title="Could not load the runs to compare" />}
      {shown.error && shown.data && <div className="banner banner-warn">Could not refresh: {shown.error.message}</div>}
      {shown.loading && !shown.data && <Spinner label="Loading the runs and their measurements…" />}
      {view && view.runCount === 0 && (
        <EmptyState icon="alert" title="These runs no longer exist" action={<a className="btn" href="#/experiments">Back to the experiments</a>}>
          <p>The experiments or runs of this comparison were deleted (or belong to another database).</p>
        </EmptyState>
      )}
      {view && stable && view.runCount > 0 && (
        <>
          <RunStatusNote counts={view.runStatus} spec={spec} onRefresh={shown.reload} />
          <CompareControls spec={spec} view={view} setSpec={setSpec} />
          <GroupsStrip groups={view.groups} spec={spec} setSpec={setSpec} />
          <div className="compare-charts">
            {chartsShown(view).map(({ kind, wide, help }) => (
              <CompareChart
                key={kind}
                kind={kind}
                wide={wide}
                help={help}
                data={stable.charts[kind]}
                dataKey={stable.keys[kind]}
                groups={stable.groups}
                focus={focus}
                spec={shownSpec}
                saved={saved}
                options={exportOptions}
                setOptions={setExportOptions}
                onToggleGroup={onToggleGroup}
              />
            ))}
          </div>
          <SummarySection table={view.summary} spec={shownSpec} />
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
