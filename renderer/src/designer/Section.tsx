/** A titled group of the Designer's form (data, model, training …), with a one-line hint. */
import type { ReactNode } from 'react';

export function Section({ title, id, hint, children }: { title: string; id: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="card form-section" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {hint && <span className="muted small">{hint}</span>}
      </div>
      {children}
    </fieldset>
  );
}
