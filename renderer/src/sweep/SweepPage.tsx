/**
 * Sweep views over the runs a filter keeps: a scatter of a summary metric against a numeric field
 * (coloured by another field, mean ± band per value with its n) and parallel coordinates over the
 * swept fields. The picture is the exported figure itself (the same spec, drawn in the page).
 */
import { useCallback, useMemo } from 'react';
import { filterProblem } from '../../../shared/run-filter.js';
import { metricColumns, columnId } from '../../../shared/run-table.js';
import { renderFigureSvg, svgPhysicalSize } from '../../../shared/figure/index.js';
import { sweepFigure, type SweepRequest } from '../../../shared/sweep.js';
import { useAsync, useLab, useLive, useThrottledReload } from '../app/context.js';
import { navigate } from '../app/router.js';
import { BAND_OPTIONS } from '../compare/layout.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { FilterInput } from '../ui/FilterInput.js';
import { PageTabs } from '../ui/PageTabs.js';
import { Segmented } from '../ui/Segmented.js';
import { Spinner } from '../ui/Spinner.js';
import { SweepExport } from './SweepExport.js';
import { sweepFrom, sweepParams } from './sweep-state.js';

export function SweepPage({ params }: { params: URLSearchParams }) {
  const { client } = useLab();
  const request = useMemo(() => sweepFrom(params), [params]);
  const set = useCallback((next: SweepRequest) => {
    const q = sweepParams(next).toString();
    navigate(q ? `#/sweep?${q}` : '#/sweep', { replace: true });
  }, []);
  const version = useLive((s) => s.experimentsVersion);
  const info = useAsync(() => client.describeRunTable(), [client]);
  const chart = useAsync(() => client.getSweepChart(request), [client, request]);
  const reload = useCallback(() => {
    info.reload();
    chart.reload();
  }, [info, chart]);
  useThrottledReload(version, reload, 3000);
  const fields = info.data?.fields ?? [];
  const numeric = fields.filter((f) => f.numeric);
  const check = useCallback((text: string) => filterProblem(text, info.data?.fields ?? []), [info.data]);
  const svg = useMemo(() => (chart.data ? renderFigureSvg(sweepFigure(chart.data, { preset: 'screen' })) : null), [chart.data]);
  const size = svg ? svgPhysicalSize(svg) : null;
  const tableHref = request.filter.trim() === '' ? '#/runs' : `#/runs?${new URLSearchParams({ filter: request.filter })}`;
  const x = request.x ?? numeric[0]?.path ?? '';

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Sweep views</h1>
          <p className="page-sub">How a summary metric follows the swept fields, over every run the filter keeps; n and diverged runs are counted in the notes.</p>
        </div>
      </header>
      <PageTabs label="Runs views" tabs={[{ href: tableHref, label: 'Table', current: false }, { href: '#/sweep', label: 'Sweep views', current: true }]} />
      <section className="toolbar sweep-controls" aria-label="Sweep view">
        <Segmented label="View" value={request.view} options={[{ value: 'scatter', label: 'Scatter' }, { value: 'parallel', label: 'Parallel coordinates' }]} onChange={(view) => set({ ...request, view })} />
        <FilterInput value={request.filter} onApply={(filter) => set({ ...request, filter })} check={check} label="Filter runs" placeholder="e.g. final dead > 0.2 and activation = relu" />
      </section>
      <section className="toolbar sweep-controls" aria-label="Axes">
        <label className="field-inline">
          <span>Metric</span>
          <select className="input" value={request.metric} onChange={(e) => set({ ...request, metric: e.target.value })}>
            {metricColumns(info.data?.layers ?? 0).map((ref) => (
              <option key={columnId(ref)} value={columnId(ref)}>
                {columnId(ref)}
              </option>
            ))}
          </select>
        </label>
        {request.metric.startsWith('dead at epoch') && (
          <label className="field-inline">
            <span>Epoch</span>
            <input className="input input-narrow" type="number" min={0} value={request.atEpoch ?? ''} onChange={(e) => set({ ...request, atEpoch: e.target.value === '' ? null : Math.max(0, Math.floor(Number(e.target.value))) })} />
          </label>
        )}
        {request.view === 'scatter' && (
          <>
            <label className="field-inline">
              <span>x</span>
              <select className="input" value={x} onChange={(e) => set({ ...request, x: e.target.value })}>
                {numeric.map((f) => (
                  <option key={f.path} value={f.path}>
                    {f.path}
                  </option>
                ))}
              </select>
            </label>
            <label className="field-inline check">
              <input type="checkbox" checked={request.logX} onChange={(e) => set({ ...request, logX: e.target.checked })} /> log x
            </label>
            <label className="field-inline">
              <span>Band</span>
              <select className="input" value={request.band} onChange={(e) => set({ ...request, band: e.target.value as SweepRequest['band'] })}>
                {BAND_OPTIONS.map((b) => (
                  <option key={b.value} value={b.value}>
                    {b.label}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className="field-inline">
          <span>Colour by</span>
          <select className="input" value={request.colorBy ?? ''} onChange={(e) => set({ ...request, colorBy: e.target.value === '' ? null : e.target.value })}>
            <option value="">one colour</option>
            {fields.map((f) => (
              <option key={f.path} value={f.path}>
                {f.path}
              </option>
            ))}
          </select>
        </label>
        {request.view === 'parallel' && (
          <fieldset className="axes-choice">
            <legend>Axes</legend>
            {fields.map((f) => {
              const current = request.axes.length === 0 ? fields.map((g) => g.path).slice(0, 8) : request.axes;
              const on = current.includes(f.path);
              return (
                <label key={f.path} className="check">
                  <input type="checkbox" checked={on} onChange={(e) => set({ ...request, axes: e.target.checked ? [...current, f.path] : current.filter((p) => p !== f.path) })} /> {f.path}
                </label>
              );
            })}
          </fieldset>
        )}
      </section>
      {chart.error && <ErrorBox error={chart.error} onRetry={chart.reload} title="The lab could not draw this view" />}
      {chart.loading && !chart.data && <Spinner label="Reading the runs…" />}
      {svg && chart.data && (
        <figure className="sweep-figure" data-testid="sweep-figure">
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`} alt={`${chart.data.title}. ${chart.data.notes.join(' ')}`} style={size ? { maxWidth: `${size.widthIn * 96}px` } : undefined} />
          <figcaption className="sr-only">{chart.data.notes.join(' ')}</figcaption>
        </figure>
      )}
      {chart.data && <SweepExport request={request} />}
    </div>
  );
}
