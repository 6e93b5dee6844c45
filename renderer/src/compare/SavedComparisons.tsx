/** The saved comparisons: open, rename (saved under the new name) or delete one. */
import { useState } from 'react';
import type { SavedComparison } from '../../../shared/api.js';
import { useLab } from '../app/context.js';
import { navigate } from '../app/router.js';
import { confirmation, Dialog } from '../ui/Dialog.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { formatDateTime, plural } from '../ui/format.js';
import { IconButton } from '../ui/IconButton.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { Spinner } from '../ui/Spinner.js';
import { compareHref } from './url.js';

export function SavedComparisons({ list, error, loading, reload, current }: { list: SavedComparison[] | undefined; error: Error | undefined; loading: boolean; reload: () => void; current: string | null }) {
  const { client, toast } = useLab();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<SavedComparison | null>(null);
  return (
    <section className="saved-comparisons" aria-labelledby="saved-title">
      <h2 id="saved-title" className="section-title">
        Saved comparisons
      </h2>
      {error && !list && <ErrorBox error={error} onRetry={reload} title="Could not load the saved comparisons" />}
      {loading && !list && <Spinner label="Loading saved comparisons…" />}
      {list && list.length === 0 && <p className="muted">None yet. Set up a comparison, then “Save comparison…”.</p>}
      {list && list.length > 0 && (
        <ul className="saved-list">
          {list.map((c) => (
            <li key={c.id} className={`saved-item${c.name === current ? ' current' : ''}`}>
              {renaming === c.id ? (
                <InlineEdit
                  value={c.name}
                  label={`New name for ${c.name}`}
                  onSave={async (name) => {
                    if (list.some((o) => o.name === name && o.id !== c.id)) throw new Error(`a comparison named “${name}” exists already`);
                    // Renaming = saving under the new name, then removing the old entry.
                    await client.saveComparison(name, c.spec);
                    await client.deleteComparison(c.id);
                    reload();
                    if (c.name === current) navigate(compareHref(c.spec, name), { replace: true });
                  }}
                  onDone={() => setRenaming(null)}
                />
              ) : (
                <>
                  <a className="row-link" href={compareHref(c.spec, c.name)}>
                    {c.name}
                  </a>
                  <span className="muted small">
                    {c.spec.experimentIds.length > 0 && `${plural(c.spec.experimentIds.length, 'experiment')}`}
                    {c.spec.experimentIds.length > 0 && c.spec.runIds.length > 0 && ' + '}
                    {c.spec.runIds.length > 0 && `${plural(c.spec.runIds.length, 'run')}`} · grouped by {c.spec.groupBy.length ? c.spec.groupBy.join(', ') : 'automatic'} · saved {formatDateTime(c.updatedAt)}
                  </span>
                  <span className="row-actions">
                    <a className="btn btn-small" href={compareHref(c.spec, c.name)}>
                      Open
                    </a>
                    <IconButton icon="edit" label={`Rename ${c.name}`} onClick={() => setRenaming(c.id)} />
                    <IconButton icon="trash" label={`Delete ${c.name}`} danger onClick={() => setDeleting(c)} />
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <Dialog
          title="Delete saved comparison?"
          onClose={() => setDeleting(null)}
          action={confirmation('Delete', async () => {
            await client.deleteComparison(deleting.id);
            toast(`Deleted “${deleting.name}”`, 'success');
            reload();
          })}
        >
          <p>
            The saved comparison <strong>“{deleting.name}”</strong> goes; its experiments and runs stay.
          </p>
        </Dialog>
      )}
    </section>
  );
}
