/** The experiments history: search, filter, sort, per-row actions, and selections to compare or export as a bundle. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ExperimentRow } from '../../../shared/api.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { navigate } from '../app/router.js';
import { compareHref } from '../compare/url.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { withMembers } from '../ui/selection.js';
import { SelectionBar } from '../ui/SelectionBar.js';
import { Spinner } from '../ui/Spinner.js';
import { overDefaults } from '../ui/storage.js';
import { useStoredState } from '../ui/useStoredState.js';
import { DeleteExperimentDialog } from './DeleteExperimentDialog.js';
import { allTags, DEFAULT_SORT, EMPTY_FILTER, isFiltered, matchesFilter, sortExperiments, type ExperimentFilter, type SortState } from './history.js';
import type { RowDialogKind } from './HistoryRow.js';
import { HistoryTable } from './HistoryTable.js';
import { HistoryToolbar } from './HistoryToolbar.js';
import { NotesDialog } from './NotesDialog.js';
import { TagsDialog } from './TagsDialog.js';
import { useBundleTransfer } from './useBundleTransfer.js';

const FILTER_KEY = 'relu-lab.experiments-filter';
const SORT_KEY = 'relu-lab.experiments-sort';

export function ExperimentsPage() {
  const { client, toast } = useLab();
  const version = useLive((s) => s.experimentsVersion);
  const list = useAsync(() => client.listExperiments(), [client]);
  useThrottledReload(version, list.reload);
  const [filter, setFilter] = useStoredState<ExperimentFilter>(FILTER_KEY, overDefaults(EMPTY_FILTER), { area: 'session' });
  const [sort, setSort] = useStoredState<SortState>(SORT_KEY, overDefaults(DEFAULT_SORT), { area: 'session' });
  const [renaming, setRenaming] = useState<number | null>(null);
  const [dialog, setDialog] = useState<{ kind: RowDialogKind; row: ExperimentRow } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const bundles = useBundleTransfer(list.reload);

  // While something trains, refresh progress every 2 s (one request, not one per event).
  const rows = list.data;
  const active = rows?.some((r) => (r.statusCounts.running ?? 0) > 0 || (r.statusCounts.queued ?? 0) > 0) ?? false;
  useEffect(() => {
    if (!active) return;
    const t = setInterval(list.reload, 2000);
    return () => clearInterval(t);
  }, [active, list.reload]);

  const tags = useMemo(() => allTags(rows ?? []), [rows]);
  const shown = useMemo(() => sortExperiments((rows ?? []).filter((r) => matchesFilter(r, filter)), sort), [rows, filter, sort]);
  const filtered = isFiltered(filter);

  const update = useCallback(
    async (row: ExperimentRow, patch: { name?: string; notes?: string; tags?: string[] }) => {
      await client.updateExperiment(row.id, patch);
      list.reload();
    },
    [client, list.reload],
  );
  const saveName = useCallback((row: ExperimentRow, name: string) => update(row, { name }), [update]);
  const openDialog = useCallback((kind: RowDialogKind, row: ExperimentRow) => setDialog({ kind, row }), []);
  const select = useCallback((ids: readonly number[], on: boolean) => setSelected((prev) => withMembers(prev, ids, on)), []);
  const filterByTag = useCallback((tag: string) => setFilter({ ...filter, tag }), [filter, setFilter]);

  // Selection: only experiments that still exist count (a deleted one drops out).
  const existing = useMemo(() => new Set((rows ?? []).map((r) => r.id)), [rows]);
  const chosen = useMemo(() => [...selected].filter((id) => existing.has(id)).sort((a, b) => a - b), [selected, existing]);

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Experiments</h1>
          <p className="page-sub">Every experiment you designed, with its runs’ status and final dead fraction.</p>
        </div>
        <div className="page-actions">
          <label className={`btn${bundles.busy === 'import' ? ' disabled' : ''}`} title="Import experiments from a .relulab bundle (exported here or with relu-lab export --format bundle)">
            <Icon name="upload" /> {bundles.busy === 'import' ? 'Importing…' : 'Import bundle…'}
            <input
              type="file"
              accept=".relulab,application/gzip,application/octet-stream"
              className="visually-hidden-input"
              aria-label="Import bundle"
              disabled={bundles.busy === 'import'}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void bundles.importBundle(f);
                e.target.value = '';
              }}
            />
          </label>
          <a className="btn btn-primary" href="#/designer">
            <Icon name="plus" /> New experiment
          </a>
        </div>
      </header>

      <HistoryToolbar filter={filter} setFilter={setFilter} tags={tags} />

      {bundles.importResult && (
        <div className={`banner ${bundles.importResult.ok ? 'banner-info' : 'banner-error'}`} role={bundles.importResult.ok ? 'status' : 'alert'} data-testid="import-result">
          <Icon name={bundles.importResult.ok ? 'check' : 'alert'} />
          <span className="banner-text">{bundles.importResult.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={bundles.dismissImportResult}>
            <Icon name="x" size={14} />
          </button>
        </div>
      )}
      {list.error && !rows && <ErrorBox error={list.error} onRetry={list.reload} title="Could not load the experiments" />}
      {list.error && rows && <div className="banner banner-warn">Could not refresh the list: {list.error.message}</div>}
      {list.loading && !rows && <Spinner label="Loading experiments…" />}
      {rows && rows.length === 0 && (
        <EmptyState
          title="No experiments yet"
          action={
            <a className="btn btn-primary" href="#/designer">
              <Icon name="plus" /> Design your first experiment
            </a>
          }
        >
          <p>Design one in the Designer, start from a built-in preset (e.g. “Large learning rates kill ReLU units”), or run one with the CLI.</p>
        </EmptyState>
      )}
      {rows && rows.length > 0 && (
        <>
          <SelectionBar
            label="Selected experiments"
            status={
              <>
                {filtered ? `${shown.length} of ${plural(rows.length, 'experiment')}` : plural(rows.length, 'experiment')}
                {chosen.length > 0 ? ` · ${chosen.length} selected` : ' · tick experiments to compare them or export them as a bundle'}
              </>
            }
            selected={chosen.length}
            onCompare={() => navigate(compareHref({ experimentIds: chosen }))}
            onClear={() => setSelected(new Set())}
          >
            <button type="button" className="btn btn-small" disabled={chosen.length === 0 || bundles.busy !== null} onClick={() => void bundles.exportBundle(chosen)}>
              <Icon name="download" size={14} /> {bundles.busy === 'export' ? 'Exporting…' : 'Export bundle'}
            </button>
          </SelectionBar>
          {shown.length === 0 ? (
            <EmptyState icon="search" title="Nothing matches" action={<button type="button" className="btn" onClick={() => setFilter(EMPTY_FILTER)}>Clear filters</button>}>
              <p>No experiment matches the search and filters.</p>
            </EmptyState>
          ) : (
            <HistoryTable
              rows={shown}
              sort={sort}
              setSort={setSort}
              selected={selected}
              select={select}
              renaming={renaming}
              setRenaming={setRenaming}
              onSaveName={saveName}
              onDialog={openDialog}
              onTag={filterByTag}
            />
          )}
        </>
      )}

      {dialog?.kind === 'notes' && <NotesDialog row={dialog.row} onClose={() => setDialog(null)} onSave={(notes) => update(dialog.row, { notes })} />}
      {dialog?.kind === 'tags' && <TagsDialog row={dialog.row} suggestions={tags} onClose={() => setDialog(null)} onSave={(next) => update(dialog.row, { tags: next })} />}
      {dialog?.kind === 'delete' && (
        <DeleteExperimentDialog
          row={dialog.row}
          onClose={() => setDialog(null)}
          onDeleted={() => {
            toast(`Deleted “${dialog.row.name}”`, 'success');
            list.reload();
          }}
        />
      )}
    </div>
  );
}
