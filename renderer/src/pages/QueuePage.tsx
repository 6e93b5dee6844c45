/** The queue: runs training now (live progress, ETA, cancel), runs waiting, progress per experiment. */
import { useMemo } from 'react';
import type { RunRow } from '../../../shared/api.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { Spinner } from '../ui/Spinner.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { formatDuration, formatNumber, plural, sweepLabel } from '../ui/format.js';
import { experimentProgressText, runProgressText } from '../../../shared/progress.js';
import { mergeRun } from '../experiments/shown-run.js';

const QUEUED_SHOWN = 200;

export function QueuePage() {
  const { client, toast } = useLab();
  const runsVersion = useLive((s) => s.runsVersion);
  const liveRuns = useLive((s) => s.runs);
  const queue = useAsync(() => client.getQueue(), [client]);
  useThrottledReload(runsVersion, queue.reload, 800);
  const ids = useMemo(() => (queue.data ? [...queue.data.active.map((a) => a.runId), ...queue.data.queuedRunIds.slice(0, QUEUED_SHOWN)] : []), [queue.data]);
  const runs = useAsync(() => (ids.length ? client.listRuns({ ids }) : Promise.resolve([] as RunRow[])), [client, ids.join(',')]);
  const experiments = useAsync(() => client.listExperiments(), [client]);
  useThrottledReload(runsVersion, experiments.reload, 1500);

  const byId = useMemo(() => new Map((runs.data ?? []).map((r) => [r.id, r])), [runs.data]);

  if (queue.error && !queue.data) {
    return (
      <div className="page">
        <h1>Queue</h1>
        <ErrorBox error={queue.error} onRetry={queue.reload} title="Could not load the queue" />
      </div>
    );
  }
  if (!queue.data) {
    return (
      <div className="page">
        <Spinner label="Loading the queue…" />
      </div>
    );
  }
  const q = queue.data;
  const activeExperimentIds = new Set([...q.active.map((a) => a.experimentId), ...(runs.data ?? []).map((r) => r.experimentId)]);
  const activeExperiments = (experiments.data ?? []).filter((e) => activeExperimentIds.has(e.id) || (e.statusCounts.running ?? 0) > 0 || (e.statusCounts.queued ?? 0) > 0);

  const cancel = async (runId: number) => {
    try {
      await client.cancelRun(runId);
    } catch (err) {
      toast(`Could not cancel: ${(err as Error).message}`, 'error');
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Queue</h1>
          <p className="page-sub">
            {plural(q.active.length, 'run')} training on {plural(q.workers, 'worker')}, {plural(q.queuedRunIds.length, 'run')} waiting.
          </p>
        </div>
      </header>

      {q.active.length === 0 && q.queuedRunIds.length === 0 ? (
        <EmptyState
          icon="queue"
          title="Nothing is training"
          action={
            <a className="btn btn-primary" href="#/designer">
              <Icon name="plus" /> Design an experiment
            </a>
          }
        >
          <p>Runs you start appear here with their progress and estimated time left.</p>
        </EmptyState>
      ) : (
        <>
          {activeExperiments.length > 0 && (
            <section aria-labelledby="q-exp">
              <h2 id="q-exp" className="section-title">
                Experiments in progress
              </h2>
              <div className="queue-experiments">
                {activeExperiments.map((e) => (
                  <div key={e.id} className="card queue-exp">
                    <div className="queue-exp-head">
                      <a href={`#/experiments/${e.id}`} className="row-link">
                        {e.name}
                      </a>
                      <button
                        type="button"
                        className="btn btn-small btn-warn"
                        aria-label={`Cancel the remaining runs of ${e.name}`}
                        onClick={async () => {
                          try {
                            const n = await client.cancelExperiment(e.id);
                            toast(`Cancelling ${plural(n, 'run')} of “${e.name}”`, 'info');
                          } catch (err) {
                            toast(`Could not cancel: ${(err as Error).message}`, 'error');
                          }
                        }}
                      >
                        <Icon name="stop" size={12} /> Cancel
                      </button>
                    </div>
                    <ProgressBar
                      value={e.progress.fraction}
                      status={e.progress.status}
                      label={`Progress of ${e.name}`}
                      detail={`${experimentProgressText(e.progress)}${e.progress.counts.queued ? ` · ${e.progress.counts.queued.toLocaleString('en-US')} waiting` : ''}`}
                    />
                  </div>
                ))}
              </div>
            </section>
          )}

          <section aria-labelledby="q-active">
            <h2 id="q-active" className="section-title">
              Training now
            </h2>
            {q.active.length === 0 ? (
              <p className="muted">No run is training right now.</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th>Run</th>
                      <th>Experiment</th>
                      <th>Status</th>
                      <th>Progress</th>
                      <th className="num">Last loss</th>
                      <th>ETA</th>
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.active.map((a) => {
                      const row = byId.get(a.runId);
                      const live = liveRuns.get(a.runId);
                      const shown = row ? mergeRun(row, live) : null;
                      const fraction = shown?.fraction ?? live?.fraction ?? a.fraction;
                      const eta = shown?.etaSeconds ?? live?.etaSeconds ?? a.etaSeconds;
                      const status = shown?.status ?? live?.status ?? a.status;
                      return (
                        <tr key={a.runId}>
                          <td>
                            <a className="row-link" href={`#/experiments/${a.experimentId}/runs/${a.runId}`}>
                              Run {a.runId}
                            </a>
                            {row && (
                              <div className="muted small">
                                seed {row.seed}
                                {Object.keys(row.sweep).length > 0 && ` · ${sweepLabel(row.sweep)}`}
                              </div>
                            )}
                          </td>
                          <td>{row?.experimentName ?? `#${a.experimentId}`}</td>
                          <td>
                            <StatusBadge status={status} />
                          </td>
                          <td className="progress-cell wide">
                            <ProgressBar
                              compact
                              value={fraction}
                              status={status}
                              label={`Progress of run ${a.runId}`}
                              detail={shown ? runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: shown.run.epochsTotal }) : `${Math.round(fraction * 100)}%`}
                            />
                          </td>
                          <td className="num mono-sm">{formatNumber(shown?.lastTrainLoss ?? null)}</td>
                          <td className="nowrap">{eta === null || eta === undefined ? '—' : formatDuration(eta)}</td>
                          <td className="actions-col">
                            <button type="button" className="btn btn-small btn-warn" onClick={() => void cancel(a.runId)} aria-label={`Cancel run ${a.runId}`}>
                              Cancel
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section aria-labelledby="q-waiting">
            <h2 id="q-waiting" className="section-title">
              Waiting <span className="muted">({q.queuedRunIds.length.toLocaleString('en-US')})</span>
            </h2>
            {q.queuedRunIds.length === 0 ? (
              <p className="muted">No run is waiting.</p>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th className="num">Position</th>
                      <th>Run</th>
                      <th>Experiment</th>
                      <th>Sweep</th>
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.queuedRunIds.slice(0, QUEUED_SHOWN).map((id, i) => {
                      const row = byId.get(id);
                      return (
                        <tr key={id}>
                          <td className="num">{i + 1}</td>
                          <td>
                            {row ? (
                              <a className="row-link" href={`#/experiments/${row.experimentId}/runs/${row.id}`}>
                                Run {row.id} <span className="muted">· seed {row.seed}</span>
                              </a>
                            ) : (
                              `Run ${id}`
                            )}
                          </td>
                          <td>{row?.experimentName ?? '…'}</td>
                          <td className="mono-sm">{row ? sweepLabel(row.sweep) : ''}</td>
                          <td className="actions-col">
                            <button type="button" className="btn btn-small btn-warn" onClick={() => void cancel(id)} aria-label={`Cancel run ${id}`}>
                              Cancel
                            </button>
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                {q.queuedRunIds.length > QUEUED_SHOWN && <p className="muted table-more">… and {(q.queuedRunIds.length - QUEUED_SHOWN).toLocaleString('en-US')} more waiting.</p>}
              </div>
            )}
          </section>
        </>
      )}
    </div>
  );
}
