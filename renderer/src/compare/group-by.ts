/** How a field is named in the controls (pure); what a comparison can be grouped by comes with its view (shared/comparison-view.ts). */

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
