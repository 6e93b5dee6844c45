/** The small Cancel button of a run's row (runs table, queue). */
import { useLab } from '../app/context.js';
import { cancelRun } from '../app/lab-actions.js';

export function CancelRunButton({ runId }: { runId: number }) {
  const lab = useLab();
  return (
    <button type="button" className="btn btn-small btn-warn" aria-label={`Cancel run ${runId}`} onClick={() => void cancelRun(lab, runId)}>
      Cancel
    </button>
  );
}
