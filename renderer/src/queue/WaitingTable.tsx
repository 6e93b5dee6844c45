/** The runs waiting for a worker, in queue order (the first `shown` of them). */
import type { RunRow } from '../../../shared/api.js';
import { CancelRunButton } from '../experiments/CancelRunButton.js';
import { ActionsHeader } from '../ui/ActionsHeader.js';
import { sweepLabel } from '../ui/format.js';

export function WaitingTable({ queuedRunIds, rows, shown }: { queuedRunIds: readonly number[]; rows: ReadonlyMap<number, RunRow>; shown: number }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th className="num">Position</th>
            <th>Run</th>
            <th>Experiment</th>
            <th>Sweep</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {queuedRunIds.slice(0, shown).map((id, i) => {
            const row = rows.get(id);
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
                  <CancelRunButton runId={id} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {queuedRunIds.length > shown && <p className="muted table-more">… and {(queuedRunIds.length - shown).toLocaleString('en-US')} more waiting.</p>}
    </div>
  );
}
