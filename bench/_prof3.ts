import { LabStore } from '../db/store.js';
import { ComparisonViews } from '../electron/lab/comparison-views.js';
import { parseComparisonSpec, CHART_KINDS } from '../shared/compare.js';
import { buildComparison, chartData } from '../shared/charts.js';
import { summaryTable } from '../shared/comparison-view.js';
const store = LabStore.open('/tmp/scalebench/p200.sqlite', { readonly: true });
const views = new ComparisonViews();
views.view(store, parseComparisonSpec({ experimentIds: [1] }));
const sel = (views as unknown as { selection: { runs: Map<number, { run: never }> } }).selection;
const runs = [...sel.runs.values()].map((k) => k.run);
const spec = parseComparisonSpec({ experimentIds: [1], layer: 3 });
const sources = (views as unknown as { sources(s: unknown): never }).sources(sel);
let s = performance.now(); const model = buildComparison(runs, spec, sources); console.log('build', (performance.now()-s).toFixed(0));
for (const k of CHART_KINDS) { s = performance.now(); chartData(model, k, spec); console.log(k, (performance.now()-s).toFixed(0)); }
s = performance.now(); summaryTable(model, spec); console.log('summary', (performance.now()-s).toFixed(0));
store.close();
