/** One field of the config: its control by type, unit, help, default, errors and notes. */
import { memo, useId, type ReactNode } from 'react';
import { DATASET_KINDS, type DatasetKind } from '../../../shared/config.js';
import { FieldErrors } from '../ui/FieldErrors.js';
import { describeDefault, shownDefault, type FieldSpec } from './fields.js';
import type { FieldValue } from './form.js';

export const FieldInput = memo(function FieldInput({
  spec,
  kind,
  value,
  errors,
  onChange,
  swept,
  note,
}: {
  spec: FieldSpec;
  kind: DatasetKind;
  value: FieldValue | undefined;
  errors: string[] | undefined;
  onChange: (path: string, value: FieldValue) => void;
  swept: boolean;
  note?: ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const noteId = `${id}-note`;
  const def = shownDefault(spec, kind);
  const invalid = Boolean(errors?.length);
  const describedBy = [helpId, invalid ? errorId : '', note ? noteId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'aria-required': spec.required || undefined,
    'data-issue-key': spec.path,
    className: `input${invalid ? ' invalid' : ''}`,
  };
  let control: ReactNode;
  switch (spec.type) {
    case 'enum':
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(spec.path, e.target.value)}>
          {spec.path !== 'dataset.kind' && <option value="">{def !== undefined ? `default (${describeDefault(def)})` : 'choose…'}</option>}
          {(spec.path === 'dataset.kind' ? DATASET_KINDS : (spec.options ?? [])).map((o) => (
            <option key={o} value={o}>
              {spec.optionLabels?.[o] ?? o}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean': {
      const checked = typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : def === true;
      control = (
        <label className="check">
          <input type="checkbox" {...common} className="" checked={checked} onChange={(e) => onChange(spec.path, e.target.checked)} />
          <span>{checked ? 'on' : 'off'}</span>
        </label>
      );
      break;
    }
    case 'range': {
      const [lo, hi] = Array.isArray(value) ? value : ['', ''];
      const [dlo, dhi] = Array.isArray(def) ? (def as number[]) : [undefined, undefined];
      control = (
        <div className="range-inputs" data-issue-key={spec.path}>
          <input {...common} inputMode="decimal" aria-label={`${spec.label}: lo`} placeholder={dlo !== undefined ? describeDefault(dlo) : 'lo'} value={lo} onChange={(e) => onChange(spec.path, [e.target.value, hi])} />
          <span aria-hidden="true">to</span>
          <input
            {...common}
            id={`${id}-hi`}
            inputMode="decimal"
            aria-label={`${spec.label}: hi`}
            placeholder={dhi !== undefined ? describeDefault(dhi) : 'hi'}
            value={hi}
            onChange={(e) => onChange(spec.path, [lo, e.target.value])}
          />
        </div>
      );
      break;
    }
    case 'text':
      control = <textarea {...common} rows={2} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(spec.path, e.target.value)} />;
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          inputMode={spec.type === 'int' ? 'numeric' : spec.type === 'number' ? 'decimal' : undefined}
          autoComplete="off"
          spellCheck={spec.type === 'string' && spec.path === 'name' ? undefined : false}
          placeholder={def !== undefined ? `default ${describeDefault(def)}` : spec.required ? 'required' : ''}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(spec.path, e.target.value)}
        />
      );
  }
  return (
    <div className={`field field-${spec.type}${spec.path === 'name' || spec.path === 'description' ? ' field-wide' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {spec.label}
        {spec.required && (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
        {spec.unit && <span className="unit">{spec.unit}</span>}
        {swept && <span className="swept-chip">swept</span>}
      </label>
      {control}
      <div id={helpId} className="field-help">
        {spec.help}
        {def !== undefined && <span className="muted"> Default {describeDefault(def)}.</span>}
        <span className="path-hint"> {spec.path}</span>
      </div>
      {invalid && <FieldErrors errors={errors!} id={errorId} />}
      {note && (
        <div id={noteId} className="field-note" data-testid={`note-${spec.path}`}>
          {note}
        </div>
      )}
    </div>
  );
});
