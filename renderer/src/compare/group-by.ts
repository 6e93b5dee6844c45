/** What a comparison can be grouped by, and how a field is named in the controls (pure). */
import type { ComparedRun } from '../../../shared/charts.js';
import { differingFields } from '../../../shared/analysis/index.js';
import { VARIANT_KEY } from '../../../shared/config.js';

/** Fields the runs can be grouped by: those that differ between them (seed excluded), `variant` always when runs have one. */
export function groupByChoices(runs: readonly Pick<ComparedRun, 'sweep' | 'config'>[], current: readonly string[] = []): string[] {
  const fields = differingFields(runs);
  const hasVariant = runs.some((r) => Object.prototype.hasOwnProperty.call(r.sweep, VARIANT_KEY));
  const out = hasVariant && !fields.includes(VARIANT_KEY) ? [VARIANT_KEY, ...fields] : [...fields];
  // Keep a field of the spec shown even if it no longer differs, so it can be unticked.
  for (const f of current) if (!out.includes(f)) out.push(f);
  return out;
}

/** "variant" → "variant"; "training.learningRate" → "learningRate (training)". */
export function fieldLabel(field: string): string {
  const i = field.lastIndexOf('.');
  return i < 0 ? field : `${field.slice(i + 1)} (${field.slice(0, i)})`;
}

/** The Group by button's text: the chosen fields, or what automatic grouping picked ("one group" when nothing differs). */
export function groupByLabel(groupBy: readonly string[], automaticFields: readonly string[]): string {
  const short = (fields: readonly string[]) => fields.map((f) => fieldLabel(f).split(' ')[0]).join(', ');
  if (groupBy.length > 0) return short(groupBy);
  return `automatic (${automaticFields.length === 0 ? 'one group' : short(automaticFields)})`;
}
