/** One run in an experiment's runs table; a click anywhere but a control opens its live view. */
import { memo } from 'react';
import { navigate } from '../app/router.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { StatusBadge } from '../ui/StatusBadge.js';
import { CancelRunButton } from './CancelRunButton.js';
import { DeadStrip } from './DeadStrip.js';
import { runCells } from './rows.js';
import type { ShownRun } from './shown-run.js';

export const RunRow = memo(function RunRow({
  shown,
  sweepKeys,
  selected,
  picked,
  onPick,
}: {
  shown: ShownRun;
  sweepKeys: readonly string[];
  /** The run the live view shows. */
  selected: boolean;
  /** Ticked to compare. */
  picked: boolean;
  onPick: (runIds: readonly number[], on: boolean) => void;
}) {
  const { run, status } = shown;
  const cells = runCells(shown, sweepKeys);
  return (
    <tr
      className={`run-row${selected ? ' selected' : ''}`}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('button, a, input, label')) return;
        navigate(cells.href);
      }}
    >
      <td className="select-col">
        <input type="checkbox" aria-label={`Select run ${run.id} to compare`} checked={picked} onChange={(e) => onPick([run.id], e.target.checked)} />
      </td>
      <td className="num">
        <a href={cells.href} className="row-link run-id" aria-current={selected ? 'true' : undefined} aria-label={`Run ${run.id}`} title={cells.title}>
          {run.id}
        </a>
      </td>
      <td>
        <StatusBadge status={status} />
        {cells.reason !== null && (
          <div className="run-error" title={cells.reason}>
            {cells.reason}
          </div>
        )}
      </td>
      <td className="num">{run.seed}</td>
      {cells.sweep.map((text, i) => (
        <td key={sweepKeys[i]} className="mono-sm">
          {text}
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
              {cells.progressText}
              {cells.timeLeft !== null && <span className="muted"> · {cells.timeLeft}</span>}
            </span>
          }
        />
      </td>
      <td className="num mono-sm">{cells.lastLoss}</td>
      <td className="num mono-sm">{cells.valAccuracy}</td>
      <td>
        <DeadStrip values={shown.lastDead} />
      </td>
      <td className="actions-col">
        {cells.cancellable && (
          <CancelRunButton runId={run.id} />
        )}
      </td>
    </tr>
  );
});
