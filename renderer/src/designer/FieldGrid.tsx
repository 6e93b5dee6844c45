/** The fields of one group of the form that apply to this design (or all of them with "show all"). */
import { memo, type ReactNode } from 'react';
import type { DatasetKind } from '../../../shared/config.js';
import { FIELDS, fieldApplies, type FieldGroup } from './fields.js';
import { FieldInput } from './FieldInput.js';
import { fieldRelevant, type FieldValue, type FormState } from './form.js';

export const FieldGrid = memo(function FieldGrid({
  group,
  state,
  kind,
  byTarget,
  setValue,
  showAll,
  notes,
}: {
  group: FieldGroup;
  state: FormState;
  kind: DatasetKind;
  byTarget: Map<string, string[]>;
  setValue: (path: string, value: FieldValue) => void;
  showAll: boolean;
  /** Extra lines shown at a field (e.g. the divergence quick check at the learning rate). */
  notes?: Map<string, ReactNode>;
}) {
  const specs = FIELDS.filter((f) => f.group === group && fieldApplies(f, kind) && (showAll || fieldRelevant(state, f)));
  const swept = new Set(state.sweep.map((r) => r.path));
  return (
    <div className={`field-grid field-grid-${group}`}>
      {specs.map((spec) => (
        <FieldInput key={spec.path} spec={spec} kind={kind} value={state.values[spec.path]} errors={byTarget.get(spec.path)} onChange={setValue} swept={swept.has(spec.path)} note={notes?.get(spec.path)} />
      ))}
    </div>
  );
});
