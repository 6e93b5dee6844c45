import { LabStore } from '../db/store.js';
const store = LabStore.open('/tmp/scalebench/p200.sqlite', { readonly: true });
const ids = Array.from({length:200},(_, i)=>i+1);
for (let k = 0; k < 2; k++) {
let s = performance.now(); store.getEpochSeries(ids); console.log('epochSeries', (performance.now()-s).toFixed(0));
s = performance.now(); store.getLayerSeries(ids); console.log('layerSeries', (performance.now()-s).toFixed(0));
}
const db = (store as unknown as { db: { prepare(s: string): { all(...a: unknown[]): unknown[] } } }).db;
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT run_id FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, epoch, layer").all(JSON.stringify(ids)));
let s = performance.now(); const rows = db.prepare("SELECT run_id, epoch, layer, dead_fraction FROM layer_metrics WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, epoch, layer").all(JSON.stringify(ids)); console.log('raw', rows.length, (performance.now()-s).toFixed(0));
store.close();
