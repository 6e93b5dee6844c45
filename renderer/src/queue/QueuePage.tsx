/** The queue: runs training now (live progress, ETA, cancel), runs waiting, progress per experiment. */
import { useMemo } from 'react';
import type { RunRow } from '../../../shared/api.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/Spinner.js';
import { QueueExperiments } from './QueueExperiments.js';
import { experimentsInProgress, queueSummary } from './rows.js';
import { TrainingTable } from './TrainingTable.js';
import { WaitingTable } from './WaitingTable.js';

const QUEUED_SHOWN = 200;

export function QueuePage() {
  const { client } = useLab();
  const runsVersion = useLive((s) => s.runsVersion);
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
  const inProgress = experimentsInProgress(experiments.data ?? [], q, runs.data ?? []);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Queue</h1>
          <p className="page-sub">{queueSummary(q)}</p>
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
          {inProgress.length > 0 && <QueueExperiments experiments={inProgress} />}

          <section aria-labelledby="q-active">
            <h2 id="q-active" className="section-title">
              Training now
            </h2>
            {q.active.length === 0 ? <p className="muted">No run is training right now.</p> : <TrainingTable active={q.active} rows={byId} />}
          </section>

          <section aria-labelledby="q-waiting">
            <h2 id="q-waiting" className="section-title">
              Waiting <span className="muted">({q.queuedRunIds.length.toLocaleString('en-US')})</span>
            </h2>
            {q.queuedRunIds.length === 0 ? <p className="muted">No run is waiting.</p> : <WaitingTable queuedRunIds={q.queuedRunIds} rows={byId} shown={QUEUED_SHOWN} />}
          </section>
        </>
      )}
    </div>
  );
}
