/** Variants: named one-factor-at-a-time changes of the base config, each a list of field changes. */
import { FieldErrors } from '../ui/FieldErrors.js';
import { Icon } from '../ui/Icon.js';
import { IconButton } from '../ui/IconButton.js';
import { FIELD_BY_PATH } from './fields.js';
import { FieldPathSelect } from './FieldPathSelect.js';
import { newRowId, type FormState, type VariantRow } from './form.js';

export function VariantsEditor({ variants, update, byTarget }: { variants: VariantRow[]; update: (fn: (s: FormState) => FormState) => void; byTarget: Map<string, string[]> }) {
  const setVariant = (id: string, fn: (v: VariantRow) => VariantRow) => update((s) => ({ ...s, variants: s.variants.map((v) => (v.id === id ? fn(v) : v)) }));
  const variantErrors = byTarget.get('variants');
  return (
    <div className="variants">
      {variants.length === 0 && <p className="muted">No variants: the base config (with the sweep) is the only design.</p>}
      {variants.map((variant, i) => {
        const nameErrors = byTarget.get(`variant:${i}:name`);
        const otherErrors = byTarget.get(`variant:${i}`);
        const used = new Set(variant.sets.map((s) => s.path).filter(Boolean));
        return (
          <div key={variant.id} className="variant card-inset">
            <div className="variant-head">
              <label className="field">
                <span className="field-label">Variant {i + 1} name</span>
                <input
                  className={`input${nameErrors ? ' invalid' : ''}`}
                  aria-invalid={nameErrors ? true : undefined}
                  data-issue-key={`variant:${i}:name`}
                  value={variant.name}
                  placeholder="e.g. Leaky ReLU"
                  onChange={(e) => setVariant(variant.id, (v) => ({ ...v, name: e.target.value }))}
                />
              </label>
              <IconButton icon="trash" label={`Remove variant ${variant.name || i + 1}`} onClick={() => update((s) => ({ ...s, variants: s.variants.filter((v) => v.id !== variant.id) }))} />
            </div>
            {nameErrors && <FieldErrors errors={nameErrors} />}
            {otherErrors && <FieldErrors errors={otherErrors} />}
            {variant.sets.length === 0 && <p className="muted small">Changes nothing (a baseline).</p>}
            {variant.sets.map((set) => {
              const errors = set.path ? byTarget.get(`variant:${i}:set:${set.path}`) : undefined;
              const spec = FIELD_BY_PATH.get(set.path);
              return (
                <div key={set.id} className="variant-set">
                  <div className="sweep-row-main">
                    <FieldPathSelect
                      label={`Field changed by variant ${i + 1}`}
                      value={set.path}
                      exclude={used}
                      onChange={(path) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, path } : x)) }))}
                    />
                    {spec?.options ? (
                      <select
                        className={`input${errors ? ' invalid' : ''}`}
                        aria-label={`Value of ${set.path}`}
                        data-issue-key={`variant:${i}:set:${set.path}`}
                        value={set.text}
                        onChange={(e) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, text: e.target.value } : x)) }))}
                      >
                        <option value="">choose…</option>
                        {spec.options.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        className={`input${errors ? ' invalid' : ''}`}
                        aria-label={`Value of ${set.path || 'the field'}`}
                        aria-invalid={errors ? true : undefined}
                        data-issue-key={`variant:${i}:set:${set.path}`}
                        value={set.text}
                        disabled={!set.path}
                        placeholder={spec?.type === 'boolean' ? 'true or false' : 'value'}
                        onChange={(e) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, text: e.target.value } : x)) }))}
                      />
                    )}
                    <IconButton icon="x" label={`Remove ${set.path || 'this change'}`} onClick={() => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.filter((x) => x.id !== set.id) }))} />
                  </div>
                  {errors && <FieldErrors errors={errors} />}
                </div>
              );
            })}
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setVariant(variant.id, (v) => ({ ...v, sets: [...v.sets, { id: newRowId('set'), path: '', text: '' }] }))}>
              <Icon name="plus" size={14} /> Change a field
            </button>
          </div>
        );
      })}
      {variantErrors && <FieldErrors errors={variantErrors} />}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => update((s) => ({ ...s, variants: [...s.variants, { id: newRowId('variant'), name: s.variants.length === 0 ? 'Baseline' : `Variant ${s.variants.length + 1}`, sets: [] }] }))}
      >
        <Icon name="plus" size={14} /> Add a variant
      </button>
    </div>
  );
}
