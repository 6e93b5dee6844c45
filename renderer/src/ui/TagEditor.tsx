import { useId, useState } from 'react';
import { Icon } from './Icon.js';

/** Chips with remove buttons, and a field that adds a tag on Enter (or comma). */
export function TagEditor({ tags, onChange, suggestions = [], label = 'Add a tag' }: { tags: string[]; onChange: (tags: string[]) => void; suggestions?: string[]; label?: string }) {
  const [text, setText] = useState('');
  const listId = useId();
  const add = (raw: string) => {
    const parts = raw
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && t.length <= 50);
    const next = [...tags];
    for (const p of parts) if (!next.includes(p)) next.push(p);
    if (next.length !== tags.length) onChange(next);
    setText('');
  };
  return (
    <div className="tag-editor">
      <div className="tag-list">
        {tags.length === 0 && <span className="muted">No tags yet.</span>}
        {tags.map((t) => (
          <span key={t} className="tag tag-removable">
            {t}
            <button type="button" className="tag-remove" aria-label={`Remove tag ${t}`} title={`Remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
              <Icon name="x" size={12} />
            </button>
          </span>
        ))}
      </div>
      <div className="tag-add">
        <input
          type="text"
          className="input"
          value={text}
          aria-label={label}
          placeholder="New tag, then Enter"
          list={listId}
          maxLength={50}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ',') {
              e.preventDefault();
              if (text.trim()) add(text);
            }
          }}
        />
        <datalist id={listId}>
          {suggestions
            .filter((s) => !tags.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
        <button type="button" className="btn" onClick={() => add(text)} disabled={!text.trim()}>
          Add
        </button>
      </div>
    </div>
  );
}
