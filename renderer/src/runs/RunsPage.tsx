/**
 * The runs table across experiments: one row per run with config fields and summary metrics, a filter
 * (`final dead > 0.2 and activation = relu`), a column chooser, sorting and paging done by the lab, and
 * a selection to compare. Its state lives in the page address.
 */
import { useCallback, useMemo, useState } from 'react';
import { filterProblem } from '../../../shared/run-filter.js';
import { defaultColumns } from '../../../shared/run-table.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { navigate } from '../app/router.js';
import { compareHref } from '../compare/url.js';
import { EmptyState } from '../ui/EmptyState.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { FilterInput } from '../ui/FilterInput.js';
import { plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { PageTabs } from '../ui/PageTabs.js';
import { withMembers } from '../ui/selection.js';
import { SelectionBar } from '../ui/SelectionBar.js';
import { Spinner } from '../ui/Spinner.js';
import { ColumnChooser } from './ColumnChooser.js';
import { RunsTable } from './RunsTable.js';
import { nextTableSort, PAGE_SIZES, tableParams, tableQuery, tableStateFrom, type TableState } from './table-state.js';

export function RunsPage({ params }: { params: URLSearchParams }) {
  const { client } = useLab();
  const state = useMemo(() => tableStateFrom(params), [params]);
  const setState = useCallback((next: TableState) => {
    const q = tableParams(next).toString();
    navigate(q ? `#/runs?${q}` : '#/runs', { replace: true });
  }, []);
  const version = useLive((s) => s.experimentsVersion);
  const info = useAsync(() => client.describeRunTable(), [client]);
  useThrottledReload(version, info.reload, 2000);
  const fields = useMemo(() => info.data?.fields.map((f) => f.path) ?? [], [info.data]);
  const columns = useMemo(() => state.columns ?? defaultColumns(fields), [state.columns, fields]);
  const page = useAsync(async () => (info.data ? client.queryRunTable(tableQuery(state, columns)) : null), [client, info.data, state, columns]);
  const [selected, setSelected] = useState<ReadonlySet<number>>(() => new Set());
  const select = useCallback((ids: readonly number[], on: boolean) => setSelected((prev) => withMembers(prev, ids, on)), []);
  const check = useCallback((text: string) => filterProblem(text, info.data?.fields ?? []), [info.data]);
  const apply = useCallback((filter: string) => setState({ ...state, filter, page: 0 }), [setState, state]);

  const data = page.data ?? null;
  const pages = data ? Math.max(1, Math.ceil(data.total / state.pageSize)) : 1;
  const chosen = [...selected].sort((a, b) => a - b);
  const sweepQuery = state.filter.trim() === '' ? '' : `?${new URLSearchParams({ filter: state.filter })}`;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Runs</h1>
          <p className="page-sub">Every run of every experiment, with its config fields and summary metrics. Filter, sort and select runs to compare.</p>
        </div>
      </header>
      <PageTabs label="Runs views" tabs={[{ href: '#/runs', label: 'Table', current: true }, { href: `#/sweep${sweepQuery}`, label: 'Sweep views', current: false }]} />
      {info.error && !info.data && <ErrorBox error={info.error} onRetry={info.reload} title="Could not load the runs" />}
      {!info.data && !info.error && <Spinner label="Loading runs…" />}
      {info.data && info.data.runs === 0 && (
        <EmptyState title="No runs yet" action={<a className="btn btn-primary" href="#/designer"><Icon name="plus" /> Design an experiment</a>}>
          <p>Runs appear here as soon as an experiment is queued.</p>
        </EmptyState>
      )}
      {info.data && info.data.runs > 0 && (
        <>
          <section className="toolbar runs-toolbar" aria-label="Filter and columns">
            <FilterInput value={state.filter} onApply={apply} check={check} label="Filter runs" placeholder="e.g. final dead > 0.2 and activation = relu and lr <= 0.01" />
            <ColumnChooser info={info.data} columns={columns} onChange={(c) => setState({ ...state, columns: c })} onReset={() => setState({ ...state, columns: null })} />
            <label className="field-inline" title="The epoch of the “dead at epoch” columns">
              <span>At epoch</span>
              <input
                className="input input-narrow"
                type="number"
                min={0}
                max={info.data.maxEpoch}
                value={state.atEpoch ?? ''}
                placeholder="—"
                onChange={(e) => setState({ ...state, atEpoch: e.target.value === '' ? null : Math.max(0, Math.floor(Number(e.target.value))), page: 0 })}
              />
            </label>
          </section>
          {page.error && <ErrorBox error={page.error} onRetry={page.reload} title="The lab could not answer this page" />}
          <SelectionBar
            label="Selected runs"
            countTestId="runs-count"
            status={
              <>
                {data ? (state.filter.trim() === '' ? plural(data.total, 'run') : `${data.total.toLocaleString('en-US')} of ${plural(data.all, 'run')} match`) : '…'}
                {chosen.length > 0 ? ` · ${chosen.length} selected` : ' · tick runs to compare them'}
                {data && <span className="muted small"> · answered in {Math.round(data.ms)} ms</span>}
              </>
            }
            selected={chosen.length}
            onCompare={() => navigate(compareHref({ runIds: chosen }))}
            onClear={() => setSelected(new Set())}
          />
          {data && data.rows.length === 0 && <EmptyState icon="search" title="No run matches" action={<button type="button" className="btn" onClick={() => apply('')}>Clear the filter</button>}><p>No run meets every clause of the filter.</p></EmptyState>}
          {data && data.rows.length > 0 && (
            <RunsTable
              rows={data.rows}
              columns={data.columns}
              fields={fields}
              sort={state.sort}
              onSort={(c) => setState({ ...state, sort: nextTableSort(state.sort, c), page: 0 })}
              atEpoch={state.atEpoch}
              selected={selected}
              select={select}
            />
          )}
          {data && data.total > 0 && (
            <nav className="pager" aria-label="Pages">
              <button type="button" className="btn btn-small" disabled={state.page === 0} onClick={() => setState({ ...state, page: state.page - 1 })}>
                ‹ Previous
              </button>
              <span className="pager-text">
                Page {Math.min(state.page + 1, pages)} of {pages} · runs {(data.offset + 1).toLocaleString('en-US')}–{(data.offset + data.rows.length).toLocaleString('en-US')}
              </span>
              <button type="button" className="btn btn-small" disabled={state.page + 1 >= pages} onClick={() => setState({ ...state, page: state.page + 1 })}>
                Next ›
              </button>
              <label className="field-inline">
                <span>Rows per page</span>
                <select className="input" value={state.pageSize} onChange={(e) => setState({ ...state, pageSize: Number(e.target.value), page: 0 })}>
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </label>
            </nav>
          )}
        </>
      )}
    </div>
  );
}
