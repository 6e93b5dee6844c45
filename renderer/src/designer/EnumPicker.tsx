/** Checkboxes for the values of an enum field in a sweep. */
import type { FieldSpec } from './fields.js';
import { parseSweepValues } from './form.js';

export function EnumPicker({ spec, text, onChange, invalid, issueKey }: { spec: FieldSpec; text: string; onChange: (text: string) => void; invalid: boolean; issueKey: string }) {
  const parsed = parseSweepValues(spec, text);
  const chosen = parsed.ok ? parsed.values.map(String) : [];
  const toggle = (o: string) => {
    const next = chosen.includes(o) ? chosen.filter((x) => x !== o) : [...chosen, o];
    // Keep the schema's order so runs come out in a predictable order.
    const ordered = (spec.options ?? []).filter((x) => next.includes(x));
    onChange(ordered.join(', '));
  };
  return (
    <div className={`enum-picker${invalid ? ' invalid' : ''}`} role="group" aria-label={`Values of ${spec.path}`} data-issue-key={issueKey}>
      {(spec.options ?? []).map((o) => (
        <label key={o} className={`chip-check${chosen.includes(o) ? ' on' : ''}`}>
          <input type="checkbox" checked={chosen.includes(o)} onChange={() => toggle(o)} />
          {o}
        </label>
      ))}
    </div>
  );
}
