/** The Designer page: one form per source it was opened on (a new source starts a new form, with its own draft). */
import { Designer } from './Designer.js';
import { designerSource } from './source.js';

export function DesignerPage({ params, workers }: { params: URLSearchParams; workers: number }) {
  const source = designerSource(params);
  return <Designer key={source} source={source} params={params} workers={workers} />;
}
