import { LabStore } from '../db/store.js';
import { revivalByLayer } from '../shared/analysis/index.js';
const store = LabStore.open('/tmp/scalebench/p200.sqlite', { readonly: true });
let s = performance.now();
let n = 0;
for (let id = 1; id <= 200; id++) n += store.getDeadMasks(id).length;
console.log('masks', n, (performance.now()-s).toFixed(0));
s = performance.now();
for (let id = 1; id <= 200; id++) { const rows = store.getDeadMasks(id); const ep = new Map<number, {epoch:number; layers: {layer:number; deadMask: Uint8Array}[]}>(); for (const r of rows) { let e = ep.get(r.epoch); if (!e) { e = {epoch: r.epoch, layers: []}; ep.set(r.epoch, e);} e.layers.push(r);} revivalByLayer([...ep.values()]); }
console.log('masks+revival', (performance.now()-s).toFixed(0));
s = performance.now(); store.getRunMetrics(1); console.log('runMetrics', (performance.now()-s).toFixed(0));
store.close();
