/** One experiment: header and actions, overall progress, its runs, and the live view of a selected run. */
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, type ExperimentDetail, type RunRow } from '../../../shared/api.js';
import { exportExperimentCsv } from '../app/actions.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import type { RunLive } from '../app/live.js';
import { navigate } from '../app/router.js';
import { Icon } from '../ui/Icon.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Eta } from '../ui/Eta.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { Spinner } from '../ui/Spinner.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { StatusCounts } from '../ui/StatusCounts.js';
import { TagEditor } from '../ui/TagEditor.js';
import { formatDateTime, formatDuration, formatNumber, formatPercent, formatValue, plural, shortPath } from '../ui/format.js';
import { experimentEta, experimentProgressText, mergeRun, runProgressText, shownExperimentProgress, type ShownRun } from '../lib/progress.js';
import { compareHref } from '../lib/compare.js';
import { DeleteExperimentDialog, NotesDialog } from './ExperimentsPage.js';
import { RunView } from './RunView.js';

const PAGE = 100;

export function ExperimentPage({ id, runId }: { id: number; runId: number | null }) {
  const { client, toast } = useLab();
  const version = useLive((s) => s.experimentsVersion);
  const detail = useAsync(() => client.getExperiment(id), [client, id]);
  useThrottledReload(version, detail.reload);
  const liveRuns = useLive((s) => s.runs);
  const [dialog, setDialog] = useState<'notes' | 'delete' | null>(null);
  const [renaming, setRenaming] = useState(false);
  const [editingTags, setEditingTags] = useState(false);
  const [shownCount, setShownCount] = useState(PAGE);
  const [exporting, setExporting] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<number>>(() => new Set());

  const data: ExperimentDetail | undefined = detail.data;
  // Keep each shown run's identity while neither its row nor its live state changed (rows are memoized).
  const cache = useRef(new Map<number, { run: RunRow; live: RunLive | undefined; shown: ShownRun }>());
  const runs = useMemo(() => {
    if (!data) return [];
    const next = new Map<number, { run: RunRow; live: RunLive | undefined; shown: ShownRun }>();
    const out = data.runs.map((r) => {
      const l = liveRuns.get(r.id);
      const c = cache.current.get(r.id);
      const shown = c && c.run === r && c.live === l ? c.shown : mergeRun(r, l);
      next.set(r.id, { run: r, live: l, shown });
      return shown;
    });
    cache.current = next;
    return out;
  }, [data, liveRuns]);
  const sweepKeys = useMemo(() => [...new Set((data?.runs ?? []).flatMap((r) => Object.keys(r.sweep)))], [data]);
  const pickedIds = useMemo(() => runs.filter((r) => picked.has(r.run.id)).map((r) => r.run.id), [runs, picked]);
  const pick = useCallback((runId: number, on: boolean) => {
    setPicked((prev) => {
      const next = new Set(prev);
      if (on) next.add(runId);
      else next.delete(runId);
      return next;
    });
  }, []);

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
  const counts = progress.counts;
  const cancellable = progress.pending;
  const eta = experimentEta(runs);
  const description = typeof (exp.config as { description?: unknown })?.description === 'string' ? (exp.config as { description: string }).description : '';

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
      <header className="page-header">
        <div className="page-title-block">
          {renaming ? (
            <InlineEdit value={exp.name} label="Experiment name" onSave={(name) => update({ name })} onDone={() => setRenaming(false)} />
          ) : (
            <h1>
              {exp.name} <span className="muted id-chip">#{exp.id}</span>
            </h1>
          )}
          <div className="exp-meta">
            <span title={formatDateTime(exp.createdAt)}>Created {formatDateTime(exp.createdAt)}</span>
            <span>·</span>
            <span>{plural(exp.runCount, 'run')}</span>
            <span>·</span>
            <span>{exp.datasetKind}</span>
          </div>
          {description && <p className="page-sub">{description}</p>}
        </div>
        <div className="page-actions">
          <a className="btn" href={compareHref({ experimentIds: [exp.id] })} title="Compare all the runs of this experiment, grouped by what differs between them">
            <Icon name="compare" /> Compare runs
          </a>
          <button type="button" className="btn" onClick={() => setRenaming(true)} disabled={renaming}>
            <Icon name="edit" /> Rename
          </button>
          <button type="button" className="btn" onClick={() => navigate(`#/designer?from=${exp.id}`)}>
            <Icon name="copy" /> Edit a copy
          </button>
          <button
            type="button"
            className="btn"
            disabled={exporting}
            onClick={async () => {
              setExporting(true);
              try {
                const res = await exportExperimentCsv(client, exp.id);
                if (res.saved) toast(res.path ? `Saved ${res.path}` : `Downloading ${res.name}`, 'success');
              } catch (err) {
                toast(`Export failed: ${(err as Error).message}`, 'error');
              } finally {
                setExporting(false);
              }
            }}
          >
            <Icon name="download" /> {exporting ? 'Exporting…' : client.transport === 'ipc' ? 'Export CSV…' : 'Download CSV'}
          </button>
          {cancellable > 0 && (
            <button
              type="button"
              className="btn btn-warn"
              onClick={async () => {
                try {
                  const n = await client.cancelExperiment(exp.id);
                  toast(`Cancelling ${plural(n, 'run')}`, 'info');
                  detail.reload();
                } catch (err) {
                  toast(`Could not cancel: ${(err as Error).message}`, 'error');
                }
              }}
            >
              <Icon name="stop" /> Cancel {plural(cancellable, 'run')}
            </button>
          )}
          <button type="button" className="btn btn-danger-ghost" onClick={() => setDialog('delete')}>
            <Icon name="trash" /> Delete
          </button>
        </div>
      </header>

      <section className="card exp-summary" aria-label="Summary">
        <div className="exp-summary-main">
          <div className="summary-row">
            <StatusCounts counts={counts} />
          </div>
          <ProgressBar
            value={progress.fraction}
            label="Experiment progress"
            status={progress.status}
            detail={
              <span>
                {experimentProgressText(progress)}
                {eta !== null && (
                  <>
                    {' · '}
                    <Eta seconds={eta} />
                  </>
                )}
              </span>
            }
          />
          <dl className="stat-tiles">
            <div>
              <dt>Runs</dt>
              <dd>{runs.length.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Training now</dt>
              <dd>{(counts.running ?? 0).toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Final dead (mean)</dt>
              <dd title="Mean over runs of the mean-over-layers dead fraction at their last epoch">{exp.finalMeanDeadFraction === null ? '—' : formatPercent(exp.finalMeanDeadFraction, 1)}</dd>
            </div>
            <div>
              <dt>Time left</dt>
              <dd>{eta === null ? (cancellable > 0 ? 'estimating…' : '—') : formatDuration(eta)}</dd>
            </div>
          </dl>
        </div>
        <div className="exp-summary-side">
          <div className="summary-tags">
            <span className="field-label">Tags</span>
            {editingTags ? (
              <div>
                <TagEditor
                  tags={exp.tags}
                  onChange={(tags) => {
                    update({ tags }).catch((err: Error) => toast(`Could not save the tags: ${err.message}`, 'error'));
                  }}
                />
                <button type="button" className="btn btn-small" onClick={() => setEditingTags(false)}>
                  Done
                </button>
              </div>
            ) : (
              <div className="tag-list">
                {exp.tags.map((t) => (
                  <span key={t} className="tag">
                    {t}
                  </span>
                ))}
                <button type="button" className="btn btn-small" onClick={() => setEditingTags(true)}>
                  <Icon name="tag" size={12} /> {exp.tags.length ? 'Edit tags' : 'Add tags'}
                </button>
              </div>
            )}
          </div>
          <div className="summary-notes">
            <span className="field-label">Notes</span>
            <p className={exp.notes ? 'notes-text' : 'muted'}>{exp.notes || 'No notes.'}</p>
            <button type="button" className="btn btn-small" onClick={() => setDialog('notes')}>
              <Icon name="notes" size={12} /> {exp.notes ? 'Edit notes' : 'Add notes'}
            </button>
          </div>
        </div>
      </section>

      <section aria-labelledby="runs-title">
        <div className="section-head-row">
          <h2 id="runs-title" className="section-title">
            Runs
          </h2>
          {runs.length > 1 && (
            <div className="selection-actions" role="group" aria-label="Selected runs">
              <span className="muted small">{pickedIds.length > 0 ? `${plural(pickedIds.length, 'run')} selected` : 'Tick runs to compare a subset'}</span>
              <a
                className={`btn btn-small${pickedIds.length > 0 ? ' btn-primary' : ' disabled'}`}
                aria-disabled={pickedIds.length === 0 || undefined}
                href={pickedIds.length > 0 ? compareHref({ runIds: pickedIds }) : undefined}
              >
                <Icon name="compare" size={14} /> Compare {pickedIds.length > 0 ? plural(pickedIds.length, 'run') : 'selected'}
              </a>
              {pickedIds.length > 0 && (
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setPicked(new Set())}>
                  Clear
                </button>
              )}
            </div>
          )}
        </div>
        {runs.length === 0 ? (
          <EmptyState icon="list" title="This experiment has no runs" />
        ) : (
          <div className="table-wrap runs-wrap">
            <table className="table runs-table">
              <thead>
                <tr>
                  <th className="select-col">
                    <input
                      type="checkbox"
                      aria-label="Select all runs"
                      checked={pickedIds.length === runs.length && runs.length > 0}
                      ref={(el) => {
                        if (el) el.indeterminate = pickedIds.length > 0 && pickedIds.length < runs.length;
                      }}
                      onChange={(e) => setPicked(e.target.checked ? new Set(runs.map((r) => r.run.id)) : new Set())}
                    />
                  </th>
                  <th className="num">Run</th>
                  <th>Status</th>
                  <th className="num">Seed</th>
                  {sweepKeys.map((k) => (
                    <th key={k} title={k}>
                      {k === 'variant' ? 'Variant' : shortPath(k)}
                    </th>
                  ))}
                  <th>Epochs</th>
                  <th className="num">Last loss</th>
                  <th className="num">Val acc</th>
                  <th>Dead per layer (last)</th>
                  <th>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.slice(0, shownCount).map((r) => (
                  <RunTableRow key={r.run.id} shown={r} sweepKeys={sweepKeys} selected={r.run.id === selectedId} experimentId={exp.id} picked={picked.has(r.run.id)} onPick={pick} />
                ))}
              </tbody>
            </table>
            {runs.length > shownCount && (
              <div className="table-more">
                <span className="muted">
                  Showing {shownCount} of {runs.length} runs
                </span>
                <button type="button" className="btn btn-small" onClick={() => setShownCount((n) => n + PAGE)}>
                  Show {Math.min(PAGE, runs.length - shownCount)} more
                </button>
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setShownCount(runs.length)}>
                  Show all
                </button>
              </div>
            )}
          </div>
        )}
      </section>

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

/** 1st, 2nd, 3rd, 4th … */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function DeadStrip({ values }: { values: readonly number[] }) {
  if (values.length === 0) return <span className="muted">—</span>;
  const text = values.map((v) => formatPercent(v)).join(' · ');
  return (
    <span className="dead-strip" title={values.map((v, i) => `layer ${i + 1}: ${formatPercent(v, 1)}`).join('\n')}>
      <span className="dead-bars" aria-hidden="true">
        {values.map((v, i) => (
          <span key={i} className="dead-bar">
            <span style={{ height: `${Math.max(0, Math.min(1, v)) * 100}%` }} />
          </span>
        ))}
      </span>
      <span className="dead-text">{text}</span>
    </span>
  );
}

const RunTableRow = memo(function RunTableRow({
  shown,
  sweepKeys,
  selected,
  experimentId,
  picked,
  onPick,
}: {
  shown: ShownRun;
  sweepKeys: string[];
  selected: boolean;
  experimentId: number;
  picked: boolean;
  onPick: (runId: number, on: boolean) => void;
}) {
  const { client, toast } = useLab();
  const { run, status } = shown;
  const href = `#/experiments/${experimentId}/runs/${run.id}`;
  const cancellable = status === 'running' || status === 'queued';
  return (
    <tr
      className={`run-row${selected ? ' selected' : ''}`}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('button, a, input, label')) return;
        navigate(href);
      }}
    >
      <td className="select-col">
        <input type="checkbox" aria-label={`Select run ${run.id} to compare`} checked={picked} onChange={(e) => onPick(run.id, e.target.checked)} />
      </td>
      <td className="num">
        <a href={href} className="row-link run-id" aria-current={selected ? 'true' : undefined} aria-label={`Run ${run.id}`} title={`Run ${run.id} (the ${ordinal(run.index + 1)} run of this experiment)`}>
          {run.id}
        </a>
      </td>
      <td>
        <StatusBadge status={status} />
        {shown.error && (status === 'failed' || status === 'diverged' || status === 'interrupted') && (
          <div className="run-error" title={shown.error}>
            {shown.error}
          </div>
        )}
      </td>
      <td className="num">{run.seed}</td>
      {sweepKeys.map((k) => (
        <td key={k} className="mono-sm">
          {k in run.sweep ? formatValue(run.sweep[k]) : '—'}
        </td>
      ))}
      <td className="progress-cell">
        <ProgressBar
          compact
          value={shown.fraction}
          status={status}
          label={`Run ${run.id} progress`}
          detail={
            <span>
              {runProgressText({ status, epochsDone: shown.epochsDone, epochsTotal: run.epochsTotal })}
              {shown.etaSeconds !== null && status === 'running' && <span className="muted"> · {formatDuration(shown.etaSeconds)} left</span>}
            </span>
          }
        />
      </td>
      <td className="num mono-sm">{formatNumber(shown.lastTrainLoss)}</td>
      <td className="num mono-sm">{shown.lastValAccuracy === null ? '—' : formatPercent(shown.lastValAccuracy, 1)}</td>
      <td>
        <DeadStrip values={shown.lastDead} />
      </td>
      <td className="actions-col">
        {cancellable && (
          <button
            type="button"
            className="btn btn-small btn-warn"
            aria-label={`Cancel run ${run.id}`}
            onClick={async () => {
              try {
                await client.cancelRun(run.id);
              } catch (err) {
                toast(`Could not cancel: ${(err as Error).message}`, 'error');
              }
            }}
          >
            Cancel
          </button>
        )}
      </td>
    </tr>
  );
});
