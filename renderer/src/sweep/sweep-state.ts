/**
 * A sweep view's request in the page address (`#/sweep?view=scatter&x=training.learningRate&color=model.activation`),
 * so a view can be bookmarked and linked from the runs table with its filter. Pure logic.
 */
import { BAND_KINDS } from '../../../shared/compare.js';
import { SWEEP_VIEWS, type SweepRequest } from '../../../shared/sweep.js';

export const DEFAULT_SWEEP: SweepRequest = { view: 'scatter', filter: '', metric: 'final dead', x: null, colorBy: null, axes: [], atEpoch: null, band: 'ci95', logX: false };

/** Reads a request from the address; what cannot be read keeps its default. */
export function sweepFrom(params: URLSearchParams): SweepRequest {
  const view = params.get('view');
  const band = params.get('band');
  const at = params.get('at');
  const axes = params.get('axes');
  return {
    view: (SWEEP_VIEWS as readonly string[]).includes(view ?? '') ? (view as SweepRequest['view']) : DEFAULT_SWEEP.view,
    filter: params.get('filter') ?? '',
    metric: params.get('metric')?.trim() || DEFAULT_SWEEP.metric,
    x: params.get('x')?.trim() || null,
    colorBy: params.get('color')?.trim() || null,
    axes: axes ? axes.split(',').map((a) => a.trim()).filter(Boolean).slice(0, 12) : [],
    atEpoch: at !== null && /^\d+$/.test(at) ? Number(at) : null,
    band: (BAND_KINDS as readonly string[]).includes(band ?? '') ? (band as SweepRequest['band']) : DEFAULT_SWEEP.band,
    logX: params.get('logx') === '1',
  };
}

/** The address of a request (only what differs from the default). */
export function sweepParams(r: SweepRequest): URLSearchParams {
  const p = new URLSearchParams();
  if (r.view !== DEFAULT_SWEEP.view) p.set('view', r.view);
  if (r.filter.trim() !== '') p.set('filter', r.filter);
  if (r.metric !== DEFAULT_SWEEP.metric) p.set('metric', r.metric);
  if (r.x !== null) p.set('x', r.x);
  if (r.colorBy !== null) p.set('color', r.colorBy);
  if (r.axes.length > 0) p.set('axes', r.axes.join(','));
  if (r.atEpoch !== null) p.set('at', String(r.atEpoch));
  if (r.band !== DEFAULT_SWEEP.band) p.set('band', r.band);
  if (r.logX) p.set('logx', '1');
  return p;
}
