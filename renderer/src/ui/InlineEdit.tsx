import { useEffect, useRef, useState } from 'react';
import { useAction } from './useAction.js';

/** Text that turns into a field: Enter saves, Escape cancels. */
export function InlineEdit({
  value,
  label,
  onSave,
  onDone,
  maxLength = 200,
}: {
  value: string;
  label: string;
  onSave: (value: string) => Promise<void>;
  onDone: () => void;
  maxLength?: number;
}) {
  const [text, setText] = useState(value);
  const { busy, error, setError, run } = useAction();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.focus();
    ref.current?.select();
  }, []);
  const save = async () => {
    const trimmed = text.trim();
    if (!trimmed) {
      setError('The name must not be empty');
      return;
    }
    if (trimmed === value) {
      onDone();
      return;
    }
    await run(() => onSave(trimmed), onDone);
  };
  return (
    <span className="inline-edit">
      <input
        ref={ref}
        className={`input${error ? ' invalid' : ''}`}
        value={text}
        aria-label={label}
        aria-invalid={error ? true : undefined}
        maxLength={maxLength}
        disabled={busy}
        onChange={(e) => {
          setText(e.target.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            onDone();
          }
        }}
      />
      <button type="button" className="btn btn-small btn-primary" onClick={() => void save()} disabled={busy}>
        Save
      </button>
      <button type="button" className="btn btn-small" onClick={onDone} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
