/**
 * A filter typed as text: checked as you type (the problem shown under it, naming the clause and the
 * rule), applied on Enter or after a short pause once it reads.
 */
import { useEffect, useId, useState } from 'react';
import { Icon } from './Icon.js';

export function FilterInput({ value, onApply, check, label, placeholder }: { value: string; onApply: (text: string) => void; check: (text: string) => string | null; label: string; placeholder: string }) {
  const [text, setText] = useState(value);
  const problemId = useId();
  useEffect(() => setText(value), [value]);
  const problem = check(text);
  useEffect(() => {
    if (problem !== null || text === value) return;
    const t = setTimeout(() => onApply(text), 450);
    return () => clearTimeout(t);
  }, [text, value, problem, onApply]);
  return (
    <div className="filter-input">
      <label className="search">
        <Icon name="search" />
        <span className="sr-only">{label}</span>
        <input
          type="search"
          className={`input${problem ? ' invalid' : ''}`}
          placeholder={placeholder}
          value={text}
          spellCheck={false}
          aria-invalid={problem !== null}
          aria-describedby={problem ? problemId : undefined}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && problem === null) onApply(text);
          }}
        />
      </label>
      {problem && (
        <p id={problemId} className="filter-problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
