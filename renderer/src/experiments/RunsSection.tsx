/** An experiment's runs: the table (100 at a time), and ticking runs to compare a subset. */
import { useCallback, useMemo, useState } from 'react';
import { compareHref } from '../compare/url.js';
import { ActionsHeader } from '../ui/ActionsHeader.js';
import { EmptyState } from '../ui/EmptyState.js';
import { plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { SelectAllCheckbox } from '../ui/SelectAllCheckbox.js';
import { selectionState, withMembers } from '../ui/selection.js';
import { RunRow } from './RunRow.js';
import { sweepHeader } from './rows.js';
import type { ShownRun } from './shown-run.js';

const PAGE = 100;

export function RunsSection({ runs, sweepKeys, selectedId }: { runs: readonly ShownRun[]; /** Sweep columns (sweepColumns of the fetched rows). */ sweepKeys: readonly string[]; selectedId: number | null }) {
  const [shownCount, setShownCount] = useState(PAGE);
  const [picked, setPicked] = useState<ReadonlySet<number>>(() => new Set());
  const runIds = useMemo(() => runs.map((r) => r.run.id), [runs]);
  const pickedIds = useMemo(() => runIds.filter((id) => picked.has(id)), [runIds, picked]);
  const pick = useCallback((ids: readonly number[], on: boolean) => setPicked((prev) => withMembers(prev, ids, on)), []);
  const { all, some } = selectionState(picked, runIds);

  return (
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
                  <SelectAllCheckbox label="Select all runs" all={all} some={some} onChange={(on) => pick(runIds, on)} />
                </th>
                <th className="num">Run</th>
                <th>Status</th>
                <th className="num">Seed</th>
                {sweepKeys.map((k) => (
                  <th key={k} title={k}>
                    {sweepHeader(k)}
                  </th>
                ))}
                <th>Epochs</th>
                <th className="num">Last loss</th>
                <th className="num">Val acc</th>
                <th>Dead per layer (last)</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {runs.slice(0, shownCount).map((r) => (
                <RunRow key={r.run.id} shown={r} sweepKeys={sweepKeys} selected={r.run.id === selectedId} picked={picked.has(r.run.id)} onPick={pick} />
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
  );
}
