/** One experiment: header and actions, overall progress, its runs, and the live view of a selected run. */
import { useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../../shared/api.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { navigate } from '../app/router.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/Spinner.js';
import { DeleteExperimentDialog } from './DeleteExperimentDialog.js';
import { ExperimentHeader } from './ExperimentHeader.js';
import { ExperimentSummary } from './ExperimentSummary.js';
import { NotesDialog } from './NotesDialog.js';
import { sweepColumns } from './rows.js';
import { RunsSection } from './RunsSection.js';
import { RunView } from './RunView.js';
import { experimentEta, shownExperimentProgress } from './shown-run.js';
import { useShownRuns } from './useShownRuns.js';

export function ExperimentPage({ id, runId }: { id: number; runId: number | null }) {
  const { client, toast } = useLab();
  const version = useLive((s) => s.experimentsVersion);
  const detail = useAsync(() => client.getExperiment(id), [client, id]);
  useThrottledReload(version, detail.reload);
  const [dialog, setDialog] = useState<'notes' | 'delete' | null>(null);

  const data = detail.data;
  const runs = useShownRuns(data);
  const sweepKeys = useMemo(() => sweepColumns(data?.runs ?? []), [data]);

  // A running experiment: refresh the rows now and then (cheap) so finished runs and totals settle.
  const active = runs.some((r) => r.status === 'running' || r.status === 'queued');
  useEffect(() => {
    if (!active) return;
    const t = setInterval(detail.reload, 3000);
    return () => clearInterval(t);
  }, [active, detail.reload]);

  if (detail.error && !data) {
    if (detail.error instanceof ApiError && detail.error.code === 'not_found') {
      return (
        <div className="page">
          <EmptyState icon="alert" title={`Experiment #${id} does not exist`} action={<a className="btn btn-primary" href="#/experiments">Back to the experiments</a>}>
            <p>It may have been deleted.</p>
          </EmptyState>
        </div>
      );
    }
    return (
      <div className="page">
        <ErrorBox error={detail.error} onRetry={detail.reload} title="Could not load the experiment" />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="page">
        <Spinner label="Loading the experiment…" />
      </div>
    );
  }

  const exp = data.experiment;
  const selectedId = runId ?? (runs.find((r) => r.status === 'running') ?? runs[0])?.run.id ?? null;
  const selected = runs.find((r) => r.run.id === selectedId) ?? null;
  const progress = shownExperimentProgress(runs);

  const update = async (patch: { name?: string; notes?: string; tags?: string[] }) => {
    await client.updateExperiment(exp.id, patch);
    detail.reload();
  };

  return (
    <div className="page">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <a href="#/experiments">
          <Icon name="back" size={14} /> Experiments
        </a>
      </nav>
      <ExperimentHeader exp={exp} pendingRuns={progress.pending} update={update} onCancelled={detail.reload} onDelete={() => setDialog('delete')} />
      <ExperimentSummary exp={exp} runCount={runs.length} progress={progress} eta={experimentEta(runs)} update={update} onNotes={() => setDialog('notes')} />
      <RunsSection runs={runs} sweepKeys={sweepKeys} selectedId={selectedId} />

      {selected && <RunView key={selected.run.id} shown={selected} />}

      {dialog === 'notes' && <NotesDialog row={exp} onClose={() => setDialog(null)} onSave={(notes) => update({ notes })} />}
      {dialog === 'delete' && (
        <DeleteExperimentDialog
          row={exp}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            toast(`Deleted “${exp.name}”`, 'success');
            navigate('#/experiments');
          }}
        />
      )}
    </div>
  );
}
