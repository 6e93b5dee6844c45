/** The runs training now: progress, last loss, ETA, cancel. */
import type { QueueEntry, RunRow } from '../../../shared/api.js';
import { useLive } from '../app/context.js';
import { CancelRunButton } from '../experiments/CancelRunButton.js';
import { ActionsHeader } from '../ui/ActionsHeader.js';
import { sweepLabel } from '../ui/format.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { activeRunCells } from './rows.js';

export function TrainingTable({ active, rows }: { active: readonly QueueEntry[]; rows: ReadonlyMap<number, RunRow> }) {
  const liveRuns = useLive((s) => s.runs);
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Experiment</th>
            <th>Status</th>
            <th>Progress</th>
            <th className="num">Last loss</th>
            <th>ETA</th>
            <ActionsHeader />
          </tr>
        </thead>
        <tbody>
          {active.map((a) => {
            const row = rows.get(a.runId);
            const cells = activeRunCells(a, row, liveRuns.get(a.runId));
            return (
              <tr key={a.runId}>
                <td>
                  <a className="row-link" href={`#/experiments/${a.experimentId}/runs/${a.runId}`}>
                    Run {a.runId}
                  </a>
                  {row && (
                    <div className="muted small">
                      seed {row.seed}
                      {Object.keys(row.sweep).length > 0 && ` · ${sweepLabel(row.sweep)}`}
                    </div>
                  )}
                </td>
                <td>{row?.experimentName ?? `#${a.experimentId}`}</td>
                <td>
                  <StatusBadge status={cells.status} />
                </td>
                <td className="progress-cell wide">
                  <ProgressBar compact value={cells.fraction} status={cells.status} label={`Progress of run ${a.runId}`} detail={cells.progressText} />
                </td>
                <td className="num mono-sm">{cells.lastLoss}</td>
                <td className="nowrap">{cells.eta}</td>
                <td className="actions-col">
                  <CancelRunButton runId={a.runId} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
