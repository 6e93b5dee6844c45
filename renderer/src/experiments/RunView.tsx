/** The live view of one run: status, progress, reason of failure, loss and dead-fraction charts. */
import { useDeferredValue } from 'react';
import { hiddenLayers, layerLabel } from '../../../shared/architecture.js';
import { useLab, useRunSeries } from '../app/context.js';
import { DeadChart } from '../charts/DeadChart.js';
import { LossChart } from '../charts/LossChart.js';
import { Icon } from '../ui/Icon.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { Spinner } from '../ui/Spinner.js';
import { StatusBadge, STATUS_HELP } from '../ui/StatusBadge.js';
import { cancelRun } from '../app/lab-actions.js';
import { formatDateTime, sweepLabel } from '../ui/format.js';
import { runChartFacts, runViewProgressText, sentence } from './rows.js';
import type { ShownRun } from './shown-run.js';

export function RunView({ shown }: { shown: ShownRun }) {
  const lab = useLab();
  const { run, status } = shown;
  const series = useRunSeries(run.id);
  // Charts redraw at low priority: typing and clicking stay responsive while epochs stream in.
  const points = useDeferredValue(series.points);
  const { layers, classification, divergedAt } = runChartFacts(run, status, points);
  const last = points[points.length - 1];
  const cancellable = status === 'running' || status === 'queued';
  const layerNames = hiddenLayers(run.config.model).map((_, i) => layerLabel(i, run.config.model));

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
        <div className="page-actions">
          <a className="btn" href={`#/runs/${run.id}`} title="Identity, configuration and every chart of this run">
            Open the run page
          </a>
          {cancellable && (
            <button
              type="button"
              className="btn btn-warn"
              onClick={() => void cancelRun(lab, run.id, `Cancelling run ${run.id}`)}
            >
              <Icon name="stop" /> Cancel run
            </button>
          )}
        </div>
      </header>

      <ProgressBar
        value={shown.fraction}
        status={status}
        label={`Run ${run.id} progress`}
        detail={
          <span>{runViewProgressText(shown, last ? last.elapsedSeconds : null)}</span>
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
          <DeadChart points={points} layers={layers} model={run.config.model} epochsTotal={run.epochsTotal} divergedAt={divergedAt} />
        </div>
      )}

      <details className="run-config">
        <summary>Configuration of this run</summary>
        <p className="muted">
          {layerNames.length} hidden layers ({layerNames.join(', ')}), {run.config.model.activation}, init {run.config.model.init}, {run.config.training.optimizer} at
          learning rate {run.config.training.learningRate}, batch {run.config.training.batchSize}
          {run.config.model.batchNorm ? ', batch norm' : ''}; data {run.config.dataset.kind}.
        </p>
        <pre className="code-block">{JSON.stringify(run.config, null, 2)}</pre>
      </details>
    </section>
  );
}
