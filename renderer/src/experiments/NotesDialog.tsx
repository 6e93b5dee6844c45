/** An experiment's notes, edited in a dialog. */
import { useState } from 'react';
import { Dialog } from '../ui/Dialog.js';

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
