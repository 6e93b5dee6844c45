/** A chart's export menu: figure size, font, PNG resolution, grayscale-safe styling; SVG, PDF, PNG, CSV, and a preview. */
import { useEffect, useMemo, useState } from 'react';
import { FIGURE_FORMATS, type FigureFormat } from '../../../shared/api.js';
import type { ChartData } from '../../../shared/charts.js';
import { chartToFigure } from '../../../shared/chart-export.js';
import type { ChartKind, ComparisonSpec } from '../../../shared/compare.js';
import { FIGURE_PRESETS, figurePixelSize, figureSize, renderFigureSvg } from '../../../shared/figure/index.js';
import { useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { base64ToBytes } from '../ui/files.js';
import { formatNumber } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { Popover } from '../ui/Popover.js';
import { exportFileName, figureOptions, type ExportOptions } from './export-options.js';
import { FigurePreview } from './FigurePreview.js';
import { FORMAT_LABELS } from './layout.js';

export function ExportMenu({ kind, data, spec, saved, options, setOptions }: { kind: ChartKind; data: ChartData; spec: ComparisonSpec; saved: string | null; options: ExportOptions; setOptions: (o: ExportOptions) => void }) {
  const lab = useLab();
  const { client } = lab;
  const [busy, setBusy] = useState<FigureFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState(false);
  const [dpiText, setDpiText] = useState(String(options.dpi));
  const [sizeText, setSizeText] = useState(options.fontSize === null ? '' : String(options.fontSize));
  // Options are shared by every chart's menu: follow changes made in another one.
  useEffect(() => {
    setDpiText((t) => (Number(t) === options.dpi ? t : String(options.dpi)));
  }, [options.dpi]);
  useEffect(() => {
    setSizeText((t) => (options.fontSize === null ? (t === '' || !(Number(t) >= 4 && Number(t) <= 48) ? t : '') : Number(t) === options.fontSize ? t : String(options.fontSize)));
  }, [options.fontSize]);
  const dpiValid = /^\d+$/.test(dpiText) && Number(dpiText) >= 36 && Number(dpiText) <= 1200;
  const sizeValid = sizeText === '' || (Number.isFinite(Number(sizeText)) && Number(sizeText) >= 4 && Number(sizeText) <= 48);
  const figure = useMemo(() => chartToFigure(data, spec, figureOptions(options)), [data, spec, options]);
  const px = dpiValid ? figurePixelSize(figure, Number(dpiText)) : null;
  const size = figureSize(figure);

  const run = async (format: FigureFormat) => {
    setBusy(format);
    setError(null);
    try {
      const file = await client.renderChart(spec, kind, format, { ...figureOptions(options), ...(format === 'png' ? { dpi: options.dpi } : {}) });
      const name = exportFileName(file.suggestedName, saved);
      await saveFile(lab, { suggestedName: name, mimeType: file.mimeType, data: base64ToBytes(file.base64) });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Popover label="Export" icon="download" title={`Export ${data.title}`} className="export-menu">
        {(close) => (
          <div className="export-panel">
            <label className="field">
              <span className="field-label">Figure size</span>
              <select className="input" value={options.preset} onChange={(e) => setOptions({ ...options, preset: e.target.value as ExportOptions['preset'] })}>
                <option value="single-column">Single column (3.5 in)</option>
                <option value="double-column">Double column (7 in)</option>
                <option value="screen">Screen ({FIGURE_PRESETS.screen.width} px)</option>
              </select>
            </label>
            <div className="field-row export-row">
              <label className="field">
                <span className="field-label">Font</span>
                <select className="input" value={options.fontFamily} onChange={(e) => setOptions({ ...options, fontFamily: e.target.value as ExportOptions['fontFamily'] })}>
                  <option value="sans">Sans serif</option>
                  <option value="serif">Serif</option>
                </select>
              </label>
              <label className="field">
                <span className="field-label">Size (pt)</span>
                <input
                  className={`input${sizeValid ? '' : ' invalid'}`}
                  inputMode="decimal"
                  placeholder={String(FIGURE_PRESETS[options.preset].fontSize)}
                  value={sizeText}
                  aria-invalid={!sizeValid || undefined}
                  onChange={(e) => {
                    const t = e.target.value.trim();
                    setSizeText(t);
                    if (t === '') setOptions({ ...options, fontSize: null });
                    else if (Number(t) >= 4 && Number(t) <= 48) setOptions({ ...options, fontSize: Number(t) });
                  }}
                />
              </label>
              <label className="field">
                <span className="field-label">PNG dpi</span>
                <input
                  className={`input${dpiValid ? '' : ' invalid'}`}
                  inputMode="numeric"
                  value={dpiText}
                  aria-invalid={!dpiValid || undefined}
                  aria-label="PNG resolution (dots per inch)"
                  onChange={(e) => {
                    const t = e.target.value.trim();
                    setDpiText(t);
                    if (/^\d+$/.test(t) && Number(t) >= 36 && Number(t) <= 1200) setOptions({ ...options, dpi: Number(t) });
                  }}
                />
              </label>
            </div>
            <label className="check-inline">
              <input type="checkbox" checked={options.grayscaleSafe} onChange={(e) => setOptions({ ...options, grayscaleSafe: e.target.checked })} /> Grayscale-safe (dashes, markers, hatching)
            </label>
            <p className="muted small export-size">
              {formatNumber(size.widthIn, 3)} × {formatNumber(size.heightIn, 3)} in{px ? ` · PNG ${px.width} × ${px.height} px` : ''}
            </p>
            <div className="export-buttons" role="group" aria-label="Export format">
              {FIGURE_FORMATS.map((f) => (
                <button key={f} type="button" className="btn btn-small" disabled={busy !== null || (f === 'png' && !dpiValid) || !sizeValid} onClick={() => void run(f)}>
                  {busy === f ? '…' : FORMAT_LABELS[f]}
                </button>
              ))}
              <button
                type="button"
                className="btn btn-small btn-ghost"
                onClick={() => {
                  close();
                  setPreview(true);
                }}
              >
                <Icon name="image" size={14} /> Preview
              </button>
            </div>
            {error && <ErrorBox error={error} title="Export failed" />}
          </div>
        )}
      </Popover>
      {preview && <FigurePreview title={data.title} svg={renderFigureSvg({ ...figure, idPrefix: `preview-${kind}-` })} size={size} onClose={() => setPreview(false)} />}
    </>
  );
}
