/** The seeds: a list, or a range given by its first seed and count. */
import { useId } from 'react';
import { FieldErrors } from '../ui/FieldErrors.js';
import type { FormState } from './form.js';

export function SeedsEditor({ state, update, errors }: { state: FormState; update: (fn: (s: FormState) => FormState) => void; errors?: string[] }) {
  const seeds = state.seeds;
  const id = useId();
  const set = (patch: Partial<FormState['seeds']>) => update((s) => ({ ...s, seeds: { ...s.seeds, ...patch } }));
  const invalid = Boolean(errors?.length);
  return (
    <div className="seeds" data-issue-key="seeds">
      <div className="segmented" role="radiogroup" aria-label="How seeds are given">
        <button type="button" role="radio" aria-checked={seeds.mode === 'list'} className={seeds.mode === 'list' ? 'active' : ''} onClick={() => set({ mode: 'list' })}>
          List
        </button>
        <button type="button" role="radio" aria-checked={seeds.mode === 'range'} className={seeds.mode === 'range' ? 'active' : ''} onClick={() => set({ mode: 'range' })}>
          Range
        </button>
      </div>
      {seeds.mode === 'list' ? (
        <div className="field">
          <label className="field-label" htmlFor={`${id}-list`}>
            Seeds
          </label>
          <input
            id={`${id}-list`}
            className={`input${invalid ? ' invalid' : ''}`}
            aria-invalid={invalid || undefined}
            aria-describedby={`${id}-help${invalid ? ` ${id}-err` : ''}`}
            inputMode="numeric"
            placeholder="default 1"
            value={seeds.list}
            onChange={(e) => set({ list: e.target.value })}
          />
          <div id={`${id}-help`} className="field-help">
            Whole numbers (0 … 2³¹−1), separated by commas. Same seed, same data split, initialization and batch order.
          </div>
        </div>
      ) : (
        <div className="field-row seeds-range">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-from`}>
              From
            </label>
            <input id={`${id}-from`} className={`input${invalid ? ' invalid' : ''}`} inputMode="numeric" value={seeds.from} onChange={(e) => set({ from: e.target.value })} aria-describedby={invalid ? `${id}-err` : undefined} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-count`}>
              Count
            </label>
            <input id={`${id}-count`} className={`input${invalid ? ' invalid' : ''}`} inputMode="numeric" value={seeds.count} onChange={(e) => set({ count: e.target.value })} aria-describedby={invalid ? `${id}-err` : undefined} />
          </div>
          <div className="field-help">Seeds from, from + 1, …, from + count − 1.</div>
        </div>
      )}
      {invalid && <FieldErrors errors={errors!} id={`${id}-err`} />}
    </div>
  );
}
