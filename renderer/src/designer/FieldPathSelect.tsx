/** A choice of config field to sweep or to change in a variant, grouped like the form. */
import { GROUP_TITLES, SWEEPABLE_FIELDS, type FieldGroup } from './fields.js';

export function FieldPathSelect({ value, onChange, label, exclude }: { value: string; onChange: (path: string) => void; label: string; exclude?: Set<string> }) {
  const groups: FieldGroup[] = ['data', 'model', 'training', 'probe'];
  return (
    <select className="input" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a field…</option>
      {groups.map((g) => (
        <optgroup key={g} label={GROUP_TITLES[g]}>
          {SWEEPABLE_FIELDS.filter((f) => f.group === g && (f.path === value || !exclude?.has(f.path))).map((f) => (
            <option key={f.path} value={f.path}>
              {f.path} — {f.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
