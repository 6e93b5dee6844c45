/** The live view of one run: status, progress, reason of failure, loss and dead-fraction charts. */
import { useDeferredValue } from 'react';
import { layerWidths } from '../../../shared/config.js';
import { useLab, useRunSeries } from '../app/context.js';
import { DeadChart } from '../charts/DeadChart.js';
import { LossChart } from '../charts/LossChart.js';
import { Icon } from '../components/Icon.js';
import { ErrorBox, ProgressBar, Spinner, StatusBadge, STATUS_HELP } from '../components/ui.js';
import { formatDateTime, formatDuration, formatNumber, formatPercent, sweepLabel } from '../lib/format.js';
import { runProgressText, type ShownRun } from '../lib/progress.js';

/** Ends a reason with a full stop. */
function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

export function RunView({ shown }: { shown: ShownRun }) {
  const { client, toast } = useLab();
  const { run, status } = shown;
  const series = useRunSeries(run.id);
  // Charts redraw at low priority: typing and clicking stay responsive while epochs stream in.
  const points = useDeferredValue(series.points);
  const layers = Math.max(points[points.length - 1]?.dead.length ?? 0, layerWidths(run.config.model).length);
  const dataset = run.config.dataset;
  const classification = points.some((p) => p.trainAccuracy !== null) || !(dataset.kind === 'abs1d' || (dataset.kind === 'csv' && dataset.task === 'regression'));
  const last = points[points.length - 1];
  const cancellable = status === 'running' || status === 'queued';
  const widths = layerWidths(run.config.model);
  // Where a diverged run stopped: its first non-finite loss, else the epoch after its last measurement.
  const divergedAt =
    status === 'diverged'
      ? (points.find((p) => !Number.isFinite(p.trainLoss) || (p.valLoss !== null && !Number.isFinite(p.valLoss)))?.epoch ?? Math.min(run.epochsTotal, (last?.epoch ?? 0) + 1))
      : null;

  return (
    <section className="card run-view" aria-labelledby="run-view-title">
      <header className="run-view-head">
        <div>
          <h2 id="run-view-title">
            Run {run.id} <span className="muted">· seed {run.seed}</span>
            {Object.keys(run.sweep).length > 0 && <span className="muted"> · {sweepLabel(run.sweep)}</span>}
          </h2>
          <div className="run-meta">
            <StatusBadge status={status} />
            <span className="muted">{STATUS_HELP[status]}</span>
            {run.backend && <span className="muted">· backend {run.backend}</span>}
            {run.startedAt && <span className="muted">· started {formatDateTime(run.startedAt)}</span>}
            {run.finishedAt && <span className="muted">· finished {formatDateTime(run.finishedAt)}</span>}
          </div>
        </div>
        {cancellable && (
          <button
            type="button"
            className="btn btn-warn"
            onClick={async () => {
              try {
                await client.cancelRun(run.id);
                toast(`Cancelling run ${run.id}`, 'info');
              } catch (err) {
                toast(`Could not cancel: ${(err as Error).message}`, 'error');
              }
            }}
          >
            <Icon name="stop" /> Cancel run
          </button>
        )}
      </header>

      <ProgressBar
        value={shown.fraction}
        status={status}
        label={`Run ${run.id} progress`}
        detail={
          <span>
            {runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: run.epochsTotal })}
            {shown.etaSeconds !== null && status === 'running' && <> · ETA {formatDuration(shown.etaSeconds)}</>}
            {shown.lastEpoch !== null && (
              <>
                {' '}
                · loss {formatNumber(shown.lastTrainLoss)}
                {shown.lastValAccuracy !== null && <> · val acc {formatPercent(shown.lastValAccuracy, 1)}</>}
              </>
            )}
            {last && <> · {formatDuration(last.elapsedSeconds)} elapsed</>}
          </span>
        }
      />

      {status === 'diverged' && (
        <div className="reason reason-diverged" role="note">
          <Icon name="alert" />
          <div>
            <strong>Diverged:</strong> {sentence(shown.error ?? 'the loss became NaN or infinite, so training stopped')} Divergence is a result: the measurements up
            to that point are kept.
          </div>
        </div>
      )}
      {status === 'failed' && <ErrorBox title="This run failed" error={shown.error ?? 'No reason was recorded.'} />}
      {status === 'interrupted' && (
        <div className="reason reason-interrupted" role="note">
          <Icon name="alert" />
          <div>
            <strong>Interrupted:</strong> {sentence(shown.error ?? 'the lab stopped while this run was training')}
          </div>
        </div>
      )}
      {status === 'cancelled' && <p className="muted">This run was cancelled{shown.epochsDone > 0 ? ` after ${shown.epochsDone} epochs` : ''}.</p>}

      {series.status === 'error' && <ErrorBox title="Could not load the run’s measurements" error={series.error ?? ''} />}
      {points.length === 0 ? (
        series.status === 'loading' ? (
          <div className="charts-placeholder">
            <Spinner label="Loading measurements…" />
          </div>
        ) : (
          <div className="charts-placeholder">
            <p className="muted">{status === 'queued' ? 'Waiting for a worker: the charts start with the measurement at initialization (epoch 0).' : 'No measurements yet.'}</p>
          </div>
        )
      ) : (
        <div className="charts">
          <LossChart points={points} classification={classification} epochsTotal={run.epochsTotal} divergedAt={divergedAt} />
          <DeadChart points={points} layers={layers} epochsTotal={run.epochsTotal} divergedAt={divergedAt} />
        </div>
      )}

      <details className="run-config">
        <summary>Configuration of this run</summary>
        <p className="muted">
          {widths.length} hidden layers ({widths.join(', ')} units), {run.config.model.activation}, init {run.config.model.init}, {run.config.training.optimizer} at
          learning rate {run.config.training.learningRate}, batch {run.config.training.batchSize}
          {run.config.model.batchNorm ? ', batch norm' : ''}; data {run.config.dataset.kind}.
        </p>
        <pre className="code-block">{JSON.stringify(run.config, null, 2)}</pre>
      </details>
    </section>
  );
}
