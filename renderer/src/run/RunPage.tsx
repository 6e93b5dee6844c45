/**
 * A run's own page (#/runs/ID): who it is, its configuration, and every series it measured as charts
 * over epochs, live while it trains (the lab's events through the live store, every measurement whole).
 */
import { useDeferredValue, useMemo } from 'react';
import { ApiError, type EpochMetricsDto } from '../../../shared/api.js';
import { useAsync, useLab, useLive, useRunSeries, useThrottledReload } from '../app/context.js';
import { slimEpoch } from '../app/live.js';
import { CancelRunButton } from '../experiments/CancelRunButton.js';
import { runChartFacts, runViewProgressText } from '../experiments/rows.js';
import { mergeRun } from '../experiments/shown-run.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Icon } from '../ui/Icon.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { Spinner } from '../ui/Spinner.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { RunCharts } from './RunCharts.js';
import { RunConfigCard } from './RunConfigCard.js';
import { RunIdentity } from './RunIdentity.js';
import { siblingLinks } from './identity.js';
import { useThrottledValue } from './useThrottledValue.js';

const NO_EPOCHS: readonly EpochMetricsDto[] = [];

export function RunPage({ id }: { id: number }) {
  const { client } = useLab();
  const version = useLive((s) => s.runsVersion);
  const fetched = useAsync(() => client.getRun(id), [client, id]);
  useThrottledReload(version, fetched.reload);
  const run = fetched.data;
  const experimentId = run?.experimentId ?? null;
  const siblings = useAsync(() => (experimentId === null ? Promise.resolve([]) : client.listRuns({ experimentId })), [client, experimentId]);
  const live = useLive((s) => s.runs.get(id));
  const series = useRunSeries(id, { full: true });
  // Charts redraw at most twice a second, at low priority: the page stays responsive while epochs stream in.
  const epochs = useDeferredValue(useThrottledValue(series.epochs ?? NO_EPOCHS, 500));
  const slim = useMemo(() => epochs.map(slimEpoch), [epochs]);

  if (fetched.error && !run) {
    if (fetched.error instanceof ApiError && fetched.error.code === 'not_found') {
      return (
        <div className="page">
          <EmptyState icon="alert" title={`Run ${id} does not exist`} action={<a className="btn btn-primary" href="#/experiments">Back to the experiments</a>}>
            <p>It may have been deleted with its experiment.</p>
          </EmptyState>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorBox error={fetched.error} onRetry={fetched.reload} title={`Could not load run ${id}`} />
      </div>
    );
  }
  if (!run) {
    return (
      <div className="page">
        <Spinner label={`Loading run ${id}…`} />
      </div>
    );
  }

  const shown = mergeRun(run, live);
  const { status } = shown;
  const facts = runChartFacts(run, status, slim);
  const links = siblingLinks(run, siblings.data ?? []);
  const last = slim[slim.length - 1];

  return (
    <div className="page run-page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href={links.experiment}>
          <Icon name="back" size={14} /> {run.experimentName}
        </a>
      </nav>
      <header className="page-header">
        <div className="page-title-block">
          <h1>
            Run {run.id} <span className="muted id-chip">of {run.experimentName}</span>
          </h1>
          <div className="run-meta">
            <StatusBadge status={status} />
            {shown.error && <span className="run-page-reason">{shown.error}</span>}
          </div>
        </div>
        <div className="page-actions">
          {links.seeds && (
            <a className="btn btn-small" href={links.seeds.href} title="The runs of this experiment that differ from this one only by their seed">
              <Icon name="compare" size={14} /> Compare with its seeds ({links.seeds.runs} runs)
            </a>
          )}
          {links.all && (
            <a className="btn btn-small" href={links.all.href} title="Every run of this experiment, grouped by what differs">
              <Icon name="compare" size={14} /> Compare with the experiment ({links.all.runs} runs)
            </a>
          )}
          <a className="btn btn-small btn-ghost" href={links.experiment}>
            Back to the experiment
          </a>
          {(status === 'running' || status === 'queued') && <CancelRunButton runId={run.id} />}
        </div>
      </header>

      <ProgressBar value={shown.fraction} status={status} label={`Run ${run.id} progress`} detail={<span>{runViewProgressText(shown, last ? last.elapsedSeconds : null)}</span>} />

      <div className="run-page-top">
        <RunIdentity run={run} status={status} epochs={epochs} />
        <RunConfigCard run={run} />
      </div>

      {series.status === 'error' && <ErrorBox title="Could not load the run’s measurements" error={series.error ?? ''} />}
      {epochs.length === 0 ? (
        <div className="charts-placeholder">
          {series.status === 'loading' ? (
            <Spinner label="Loading measurements…" />
          ) : (
            <p className="muted">{status === 'queued' ? 'Waiting for a worker: the charts start with the measurement at initialization (epoch 0).' : 'No measurements.'}</p>
          )}
        </div>
      ) : (
        <RunCharts run={run} epochs={epochs} layers={facts.layers} divergedAt={facts.divergedAt} />
      )}
    </div>
  );
}
