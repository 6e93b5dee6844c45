/** Deleting an experiment with its runs' data, after a confirmation that says what goes. */
import type { ExperimentRow } from '../../../shared/api.js';
import { useLab } from '../app/context.js';
import { confirmation, Dialog } from '../ui/Dialog.js';
import { plural } from '../ui/format.js';

export function DeleteExperimentDialog({ row, onClose, onDeleted }: { row: ExperimentRow; onClose: () => void; onDeleted: () => void }) {
  const { client } = useLab();
  const active = (row.statusCounts.running ?? 0) + (row.statusCounts.queued ?? 0);
  return (
    <Dialog
      title="Delete experiment?"
      onClose={onClose}
      action={confirmation(`Delete experiment and ${plural(row.runCount, 'run')}`, async () => {
        await client.deleteExperiment(row.id);
        onDeleted();
      })}
    >
      <p>
        <strong>“{row.name}”</strong> will be deleted with its <strong>{plural(row.runCount, 'run')}</strong>. All their data goes too: every epoch’s metrics and
        the trained models. This cannot be undone.
      </p>
      {active > 0 && <p className="warn-text">{plural(active, 'run')} still queued or training will be cancelled first.</p>}
    </Dialog>
  );
}
