/** The sweep: fields that take several values, each row with its values and what they parse to. */
import { FieldErrors } from '../ui/FieldErrors.js';
import { formatValue, plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { IconButton } from '../ui/IconButton.js';
import { EnumPicker } from './EnumPicker.js';
import { FIELD_BY_PATH, valuesPlaceholder } from './fields.js';
import { FieldPathSelect } from './FieldPathSelect.js';
import { newRowId, parseSweepValues, type FormState, type SweepRow } from './form.js';

export function SweepEditor({ rows, update, byTarget }: { rows: SweepRow[]; update: (fn: (s: FormState) => FormState) => void; byTarget: Map<string, string[]> }) {
  const setRow = (id: string, patch: Partial<SweepRow>) => update((s) => ({ ...s, sweep: s.sweep.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  const used = new Set(rows.map((r) => r.path).filter(Boolean));
  const sweepErrors = byTarget.get('sweep');
  return (
    <div className="sweep">
      {rows.length === 0 && <p className="muted">No field is swept: every seed trains the base config once.</p>}
      {rows.map((row, i) => {
        const spec = FIELD_BY_PATH.get(row.path);
        const parsed = parseSweepValues(spec, row.text);
        const errors = row.path ? byTarget.get(`sweep:${row.path}`) : undefined;
        const invalid = Boolean(errors?.length);
        const errId = `${row.id}-err`;
        return (
          <div key={row.id} className={`sweep-row${invalid ? ' has-error' : ''}`}>
            <div className="sweep-row-main">
              <FieldPathSelect label={`Swept field ${i + 1}`} value={row.path} exclude={used} onChange={(path) => setRow(row.id, { path })} />
              {spec?.options ? (
                <EnumPicker spec={spec} text={row.text} onChange={(text) => setRow(row.id, { text })} invalid={invalid} issueKey={`sweep:${row.path}`} />
              ) : (
                <input
                  className={`input sweep-values${invalid ? ' invalid' : ''}`}
                  aria-label={`Values of ${row.path || `swept field ${i + 1}`}`}
                  aria-invalid={invalid || undefined}
                  aria-describedby={invalid ? errId : undefined}
                  data-issue-key={`sweep:${row.path}`}
                  placeholder={valuesPlaceholder(spec)}
                  value={row.text}
                  disabled={!row.path}
                  spellCheck={false}
                  onChange={(e) => setRow(row.id, { text: e.target.value })}
                />
              )}
              <IconButton icon="trash" label={`Remove swept field ${row.path || i + 1}`} onClick={() => update((s) => ({ ...s, sweep: s.sweep.filter((r) => r.id !== row.id) }))} />
            </div>
            <div className="sweep-row-info">
              {row.path && parsed.ok && parsed.values.length > 0 && (
                <span className="muted small">
                  {plural(parsed.values.length, 'value')}:{' '}
                  {parsed.values.map((v, j) => (
                    <span key={j} className="value-chip">
                      {formatValue(v)}
                    </span>
                  ))}
                </span>
              )}
              {spec && <span className="muted small"> {spec.help}</span>}
            </div>
            {invalid && <FieldErrors errors={errors!} id={errId} />}
          </div>
        );
      })}
      {sweepErrors && <FieldErrors errors={sweepErrors} />}
      <button type="button" className="btn btn-small" onClick={() => update((s) => ({ ...s, sweep: [...s.sweep, { id: newRowId('sweep'), path: '', text: '' }] }))}>
        <Icon name="plus" size={14} /> Add a swept field
      </button>
    </div>
  );
}
