/** Saving the comparison on screen by name (replacing one of that name). */
import { useState } from 'react';
import type { SavedComparison } from '../../../shared/api.js';
import type { ComparisonSpec } from '../../../shared/compare.js';
import { useLab } from '../app/context.js';
import { Dialog } from '../ui/Dialog.js';

export function SaveDialog({ spec, initialName, existing, onClose, onSaved }: { spec: ComparisonSpec; initialName: string; existing: SavedComparison[]; onClose: () => void; onSaved: (s: SavedComparison) => void }) {
  const { client, toast } = useLab();
  const [name, setName] = useState(initialName);
  const trimmed = name.trim();
  const replaces = existing.find((c) => c.name === trimmed);
  return (
    <Dialog
      title="Save comparison"
      onClose={onClose}
      action={{
        label: replaces ? 'Replace' : 'Save',
        busyLabel: 'Saving…',
        disabled: !trimmed,
        errorTitle: 'Could not save',
        run: async () => {
          const saved = await client.saveComparison(trimmed, spec);
          toast(`Saved comparison “${saved.name}”`, 'success');
          onSaved(saved);
        },
      }}
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input className="input" value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} placeholder="e.g. mitigations, 3 seeds" />
      </label>
      <p className="muted small">
        Saves the runs, the grouping and every setting on this page (band, layer, scales, smoothing, legend names). Reopen it from “Saved comparisons”, or rebuild a figure with{' '}
        <code>relu-lab figure {trimmed ? (/\s/.test(trimmed) ? `"${trimmed}"` : trimmed) : 'NAME'} --chart dead-fraction</code>.
      </p>
      {replaces && <p className="warn-text">A saved comparison named “{trimmed}” exists: saving replaces it.</p>}
    </Dialog>
  );
}
