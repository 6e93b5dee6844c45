/** An experiment's tags, edited in a dialog. */
import { useState } from 'react';
import { Dialog } from '../ui/Dialog.js';
import { TagEditor } from '../ui/TagEditor.js';

export function TagsDialog({ row, suggestions, onClose, onSave }: { row: { name: string; tags: string[] }; suggestions: string[]; onClose: () => void; onSave: (tags: string[]) => Promise<void> }) {
  const [tags, setTags] = useState(row.tags);
  const changed = tags.join('\n') !== row.tags.join('\n');
  return (
    <Dialog title={`Tags · ${row.name}`} onClose={onClose} action={{ label: 'Save tags', disabled: !changed, errorTitle: 'Could not save the tags', run: () => onSave(tags) }}>
      <TagEditor tags={tags} onChange={setTags} suggestions={suggestions} />
    </Dialog>
  );
}
