/** The experiments history: search, filter, sort, per-row actions, and selections to compare or export as a bundle. */
import { memo, useEffect, useMemo, useState } from 'react';
import type { ExperimentRow, RunStatus } from '../../../shared/api.js';
import { RUN_STATUSES } from '../../../shared/metrics.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { navigate } from '../app/router.js';
import { Icon } from '../ui/Icon.js';
import { Dialog } from '../ui/Dialog.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { IconButton } from '../ui/IconButton.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { Spinner } from '../ui/Spinner.js';
import { StatusCounts } from '../ui/StatusCounts.js';
import { TagEditor } from '../ui/TagEditor.js';
import { TagList } from '../ui/TagList.js';
import { ACTIVATION_LABELS, FIELDS, FIELD_BY_PATH } from '../designer/fields.js';
import { allTags, EMPTY_FILTER, matchesFilter, sortExperiments, type ExperimentFilter, type SortKey, type SortState } from '../lib/experiments.js';
import { experimentProgressText } from '../lib/progress.js';
import { overDefaults } from '../ui/storage.js';
import { useStoredState } from '../ui/useStoredState.js';
import { formatDate, formatDateTime, formatNumber, formatPercent, plural } from '../ui/format.js';
import { base64ToBytes, compareHref, dataUrlBase64, importSummaryText } from '../lib/compare.js';

const FILTER_KEY = 'relu-lab.experiments-filter';
const SORT_KEY = 'relu-lab.experiments-sort';

const COLUMNS: { key: SortKey; label: string; className?: string; title?: string }[] = [
  { key: 'name', label: 'Experiment' },
  { key: 'status', label: 'Runs', title: 'Runs by status' },
  { key: 'created', label: 'Created' },
  { key: 'activation', label: 'Activation' },
  { key: 'init', label: 'Init' },
  { key: 'learningRate', label: 'LR', className: 'num', title: 'Learning rate(s)' },
  { key: 'batchNorm', label: 'BN', title: 'Batch normalization' },
  { key: 'dataset', label: 'Data' },
  { key: 'finalDead', label: 'Final dead', className: 'num', title: 'Mean over runs of the mean-over-layers dead fraction at the last epoch' },
  { key: 'progress', label: 'Progress' },
];

const FILTER_FIELDS = FIELDS.filter((f) => f.group !== 'general');

type RowDialog = { kind: 'notes' | 'tags' | 'delete'; row: ExperimentRow } | null;

export function ExperimentsPage() {
  const { client, toast } = useLab();
  const version = useLive((s) => s.experimentsVersion);
  const list = useAsync(() => client.listExperiments(), [client]);
  useThrottledReload(version, list.reload);
  const [filter, setFilter] = useStoredState<ExperimentFilter>(FILTER_KEY, overDefaults(EMPTY_FILTER), { area: 'session' });
  const [sort, setSort] = useStoredState<SortState>(SORT_KEY, overDefaults<SortState>({ key: 'created', direction: 'desc' }), { area: 'session' });
  const [renaming, setRenaming] = useState<number | null>(null);
  const [dialog, setDialog] = useState<RowDialog>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const [bundleBusy, setBundleBusy] = useState<'export' | 'import' | null>(null);
  const [importResult, setImportResult] = useState<{ ok: boolean; text: string } | null>(null);

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
  const filtered = filter.text !== '' || filter.status !== '' || filter.tag !== '' || (filter.fieldPath !== '' && filter.fieldValue !== '');

  const update = async (row: ExperimentRow, patch: { name?: string; notes?: string; tags?: string[] }) => {
    await client.updateExperiment(row.id, patch);
    list.reload();
  };

  const fieldSpec = filter.fieldPath ? FIELD_BY_PATH.get(filter.fieldPath) : undefined;

  // Selection: only experiments that still exist count (a deleted one drops out).
  const existing = useMemo(() => new Set((rows ?? []).map((r) => r.id)), [rows]);
  const chosen = useMemo(() => [...selected].filter((id) => existing.has(id)).sort((a, b) => a - b), [selected, existing]);
  const shownIds = shown.map((r) => r.id);
  const allShownSelected = shownIds.length > 0 && shownIds.every((id) => selected.has(id));
  const someShownSelected = shownIds.some((id) => selected.has(id));
  const toggle = (id: number, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const exportBundle = async () => {
    setBundleBusy('export');
    try {
      const file = await client.exportBundle(chosen);
      const result = await client.saveFile({ suggestedName: file.suggestedName, mimeType: file.mimeType, data: base64ToBytes(file.base64) });
      if (result.saved) toast(result.path ? `Saved ${result.path}` : `Downloading ${file.suggestedName}`, 'success');
    } catch (err) {
      toast(`Could not export the bundle: ${(err as Error).message}`, 'error');
    } finally {
      setBundleBusy(null);
    }
  };

  const importBundle = async (file: File) => {
    setBundleBusy('import');
    setImportResult(null);
    try {
      const dataUrl = await new Promise<string>((resolve, reject) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.onerror = () => reject(reader.error ?? new Error('could not read the file'));
        reader.readAsDataURL(file);
      });
      const summary = await client.importBundle(dataUrlBase64(dataUrl));
      setImportResult({ ok: true, text: `${importSummaryText(summary)} (from ${file.name}).` });
      list.reload();
    } catch (err) {
      setImportResult({ ok: false, text: `Could not import ${file.name}: ${(err as Error).message}` });
    } finally {
      setBundleBusy(null);
    }
  };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Experiments</h1>
          <p className="page-sub">Every experiment you designed, with its runs’ status and final dead fraction.</p>
        </div>
        <div className="page-actions">
          <label className={`btn${bundleBusy === 'import' ? ' disabled' : ''}`} title="Import experiments from a .relulab bundle (exported here or with relu-lab export --format bundle)">
            <Icon name="upload" /> {bundleBusy === 'import' ? 'Importing…' : 'Import bundle…'}
            <input
              type="file"
              accept=".relulab,application/gzip,application/octet-stream"
              className="visually-hidden-input"
              aria-label="Import bundle"
              disabled={bundleBusy === 'import'}
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void importBundle(f);
                e.target.value = '';
              }}
            />
          </label>
          <a className="btn btn-primary" href="#/designer">
            <Icon name="plus" /> New experiment
          </a>
        </div>
      </header>

      <section className="toolbar" aria-label="Search and filter">
        <label className="search">
          <Icon name="search" />
          <span className="sr-only">Search experiments</span>
          <input
            type="search"
            className="input"
            placeholder="Search name, tags, notes…"
            value={filter.text}
            onChange={(e) => setFilter({ ...filter, text: e.target.value })}
          />
        </label>
        <label className="field-inline">
          <span>Status</span>
          <select className="input" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as RunStatus | '' })}>
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                has {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          <span>Tag</span>
          <select className="input" value={filter.tag} onChange={(e) => setFilter({ ...filter, tag: e.target.value })} disabled={tags.length === 0}>
            <option value="">any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <div className="field-inline field-filter" role="group" aria-label="Config field filter">
          <span>Where</span>
          <select className="input" aria-label="Config field" value={filter.fieldPath} onChange={(e) => setFilter({ ...filter, fieldPath: e.target.value, fieldValue: '' })}>
            <option value="">any field</option>
            {FILTER_FIELDS.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path}
              </option>
            ))}
          </select>
          <span aria-hidden="true">=</span>
          {fieldSpec?.options ? (
            <select className="input" aria-label="Field value" value={filter.fieldValue} onChange={(e) => setFilter({ ...filter, fieldValue: e.target.value })}>
              <option value="">any value</option>
              {fieldSpec.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : (
            <input
              className="input input-short"
              aria-label="Field value"
              placeholder={fieldSpec?.type === 'boolean' ? 'true / false' : 'value'}
              value={filter.fieldValue}
              disabled={!filter.fieldPath}
              onChange={(e) => setFilter({ ...filter, fieldValue: e.target.value })}
            />
          )}
        </div>
        {filtered && (
          <button type="button" className="btn btn-ghost" onClick={() => setFilter(EMPTY_FILTER)}>
            <Icon name="x" /> Clear filters
          </button>
        )}
      </section>

      {importResult && (
        <div className={`banner ${importResult.ok ? 'banner-info' : 'banner-error'}`} role={importResult.ok ? 'status' : 'alert'} data-testid="import-result">
          <Icon name={importResult.ok ? 'check' : 'alert'} />
          <span className="banner-text">{importResult.text}</span>
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setImportResult(null)}>
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
          <div className="selection-bar" role="group" aria-label="Selected experiments">
            <p className="result-count" role="status">
              {filtered ? `${shown.length} of ${plural(rows.length, 'experiment')}` : plural(rows.length, 'experiment')}
              {chosen.length > 0 ? ` · ${chosen.length} selected` : ' · tick experiments to compare them or export them as a bundle'}
            </p>
            <div className="selection-actions">
              <button type="button" className="btn btn-small btn-primary" disabled={chosen.length === 0} onClick={() => navigate(compareHref({ experimentIds: chosen }))}>
                <Icon name="compare" size={14} /> Compare{chosen.length > 0 ? ` ${chosen.length}` : ''}
              </button>
              <button type="button" className="btn btn-small" disabled={chosen.length === 0 || bundleBusy !== null} onClick={() => void exportBundle()}>
                <Icon name="download" size={14} /> {bundleBusy === 'export' ? 'Exporting…' : 'Export bundle'}
              </button>
              {chosen.length > 0 && (
                <button type="button" className="btn btn-small btn-ghost" onClick={() => setSelected(new Set())}>
                  Clear selection
                </button>
              )}
            </div>
          </div>
          {shown.length === 0 ? (
            <EmptyState icon="search" title="Nothing matches" action={<button type="button" className="btn" onClick={() => setFilter(EMPTY_FILTER)}>Clear filters</button>}>
              <p>No experiment matches the search and filters.</p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table experiments-table">
                <thead>
                  <tr>
                    <th className="select-col sticky-left">
                      <input
                        type="checkbox"
                        aria-label="Select all shown experiments"
                        checked={allShownSelected}
                        ref={(el) => {
                          if (el) el.indeterminate = someShownSelected && !allShownSelected;
                        }}
                        onChange={(e) =>
                          setSelected((prev) => {
                            const next = new Set(prev);
                            for (const id of shownIds) {
                              if (e.target.checked) next.add(id);
                              else next.delete(id);
                            }
                            return next;
                          })
                        }
                      />
                    </th>
                    {COLUMNS.map((c) => {
                      const current = sort.key === c.key;
                      return (
                        <th key={c.key} className={[c.className, c.key === 'name' ? 'sticky-left sticky-after-select' : ''].filter(Boolean).join(' ') || undefined} aria-sort={current ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined} title={c.title}>
                          <button
                            type="button"
                            className="sort-btn"
                            onClick={() => setSort(current ? { key: c.key, direction: sort.direction === 'asc' ? 'desc' : 'asc' } : { key: c.key, direction: c.key === 'name' || c.key === 'dataset' || c.key === 'activation' || c.key === 'init' ? 'asc' : 'desc' })}
                          >
                            {c.label}
                            <span className={`sort-ind${current ? ' on' : ''}`} aria-hidden="true">
                              {current ? (sort.direction === 'asc' ? '▲' : '▼') : '↕'}
                            </span>
                          </button>
                        </th>
                      );
                    })}
                    <th className="actions-col sticky-right">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((row) => (
                    <ExperimentTableRow
                      key={row.id}
                      row={row}
                      selected={selected.has(row.id)}
                      onSelect={toggle}
                      renaming={renaming === row.id}
                      onRename={() => setRenaming(row.id)}
                      onRenameDone={() => setRenaming(null)}
                      onSaveName={(name) => update(row, { name })}
                      onDialog={(kind) => setDialog({ kind, row })}
                      onTag={(tag) => setFilter({ ...filter, tag })}
                    />
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}

      {dialog?.kind === 'notes' && <NotesDialog row={dialog.row} onClose={() => setDialog(null)} onSave={(notes) => update(dialog.row, { notes })} />}
      {dialog?.kind === 'tags' && (
        <TagsDialog
          row={dialog.row}
          suggestions={tags}
          onClose={() => setDialog(null)}
          onSave={async (next) => {
            await update(dialog.row, { tags: next });
          }}
        />
      )}
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

function listText(values: readonly unknown[], format: (v: never) => string = (v) => String(v)): string {
  if (values.length === 0) return '—';
  return values.map((v) => format(v as never)).join(', ');
}

const ExperimentTableRow = memo(function ExperimentTableRow({
  row,
  selected,
  onSelect,
  renaming,
  onRename,
  onRenameDone,
  onSaveName,
  onDialog,
  onTag,
}: {
  row: ExperimentRow;
  selected: boolean;
  onSelect: (id: number, on: boolean) => void;
  renaming: boolean;
  onRename: () => void;
  onRenameDone: () => void;
  onSaveName: (name: string) => Promise<void>;
  onDialog: (kind: 'notes' | 'tags' | 'delete') => void;
  onTag: (tag: string) => void;
}) {
  const bn = row.batchNorm.length === 0 ? '—' : row.batchNorm.includes(true) ? (row.batchNorm.includes(false) ? 'both' : 'on') : 'off';
  return (
    <tr className={selected ? 'selected' : undefined}>
      <td className="select-col sticky-left">
        <input type="checkbox" aria-label={`Select ${row.name}`} checked={selected} onChange={(e) => onSelect(row.id, e.target.checked)} />
      </td>
      <td className="name-cell sticky-left sticky-after-select">
        {renaming ? (
          <InlineEdit value={row.name} label={`New name for ${row.name}`} onSave={onSaveName} onDone={onRenameDone} />
        ) : (
          <a href={`#/experiments/${row.id}`} className="row-link">
            {row.name}
          </a>
        )}
        <div className="name-meta">
          <span className="muted">#{row.id}</span>
          <TagList tags={row.tags} onFilter={onTag} />
          {row.notes && (
            <span className="notes-hint" title={row.notes}>
              <Icon name="notes" size={12} /> {row.notes.length > 60 ? `${row.notes.slice(0, 60)}…` : row.notes}
            </span>
          )}
        </div>
      </td>
      <td>
        <StatusCounts counts={row.statusCounts} />
      </td>
      <td className="nowrap" title={formatDateTime(row.createdAt)}>
        {formatDate(row.createdAt)}
      </td>
      <td>{listText(row.activations, (a: string) => ACTIVATION_LABELS[a] ?? a)}</td>
      <td className="mono-sm">{listText(row.inits)}</td>
      <td className="num mono-sm">{listText(row.learningRates, (v: number) => formatNumber(v))}</td>
      <td>{bn}</td>
      <td>{row.datasetKind || '—'}</td>
      <td className="num">
        {row.finalMeanDeadFraction === null ? (
          <span className="muted">—</span>
        ) : (
          <span className="dead-cell">
            <span className="mini-bar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, row.finalMeanDeadFraction * 100)}%` }} />
            </span>
            {formatPercent(row.finalMeanDeadFraction, 1)}
          </span>
        )}
      </td>
      <td className="progress-cell">
        <ProgressBar
          compact
          value={row.progress.fraction}
          label={`Progress of ${row.name}`}
          status={row.progress.status}
          detail={<span title={experimentProgressText(row.progress)}>{experimentProgressText(row.progress, { compact: true })}</span>}
        />
      </td>
      <td className="actions-col sticky-right">
        <div className="row-actions">
          <IconButton icon="edit" label={`Rename ${row.name}`} onClick={onRename} />
          <IconButton icon="notes" label={`Notes of ${row.name}`} onClick={() => onDialog('notes')} />
          <IconButton icon="tag" label={`Tags of ${row.name}`} onClick={() => onDialog('tags')} />
          <IconButton icon="copy" label={`Edit a copy of ${row.name}`} onClick={() => navigate(`#/designer?from=${row.id}`)} />
          <IconButton icon="trash" label={`Delete ${row.name}`} danger onClick={() => onDialog('delete')} />
        </div>
      </td>
    </tr>
  );
});

export function NotesDialog({ row, onClose, onSave }: { row: { name: string; notes: string }; onClose: () => void; onSave: (notes: string) => Promise<void> }) {
  const [text, setText] = useState(row.notes);
  return (
    <Dialog title={`Notes · ${row.name}`} onClose={onClose} action={{ label: 'Save notes', disabled: text === row.notes, errorTitle: 'Could not save the notes', run: () => onSave(text) }}>
      <label className="field">
        <span className="field-label">Notes</span>
        <textarea className="input" rows={8} value={text} maxLength={100_000} autoFocus onChange={(e) => setText(e.target.value)} placeholder="What you saw, what to try next…" />
      </label>
    </Dialog>
  );
}

export function TagsDialog({ row, suggestions, onClose, onSave }: { row: { name: string; tags: string[] }; suggestions: string[]; onClose: () => void; onSave: (tags: string[]) => Promise<void> }) {
  const [tags, setTags] = useState(row.tags);
  const changed = tags.join('\n') !== row.tags.join('\n');
  return (
    <Dialog title={`Tags · ${row.name}`} onClose={onClose} action={{ label: 'Save tags', disabled: !changed, errorTitle: 'Could not save the tags', run: () => onSave(tags) }}>
      <TagEditor tags={tags} onChange={setTags} suggestions={suggestions} />
    </Dialog>
  );
}

export function DeleteExperimentDialog({ row, onClose, onDeleted }: { row: ExperimentRow; onClose: () => void; onDeleted: () => void }) {
  const { client } = useLab();
  const active = (row.statusCounts.running ?? 0) + (row.statusCounts.queued ?? 0);
  return (
    <Dialog
      title="Delete experiment?"
      onClose={onClose}
      action={{
        label: `Delete experiment and ${plural(row.runCount, 'run')}`,
        busyLabel: 'Working…',
        danger: true,
        focusCancel: true,
        errorTitle: 'Could not do that',
        run: async () => {
          await client.deleteExperiment(row.id);
          onDeleted();
        },
      }}
    >
      <p>
        <strong>“{row.name}”</strong> will be deleted with its <strong>{plural(row.runCount, 'run')}</strong>. All their data goes too: every epoch’s metrics and
        the trained models. This cannot be undone.
      </p>
      {active > 0 && <p className="warn-text">{plural(active, 'run')} still queued or training will be cancelled first.</p>}
    </Dialog>
  );
}
