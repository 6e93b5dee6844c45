/** A sweep view's export: figure size, then SVG, PDF, PNG (at a DPI) or the CSV of what it plots. */
import { useState } from 'react';
import { FIGURE_FORMATS, type FigureFormat } from '../../../shared/api.js';
import { FIGURE_PRESET_NAMES, type FigurePresetName } from '../../../shared/figure/types.js';
import type { SweepRequest } from '../../../shared/sweep.js';
import { useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { base64ToBytes } from '../ui/files.js';

export function SweepExport({ request }: { request: SweepRequest }) {
  const lab = useLab();
  const [preset, setPreset] = useState<FigurePresetName>('double-column');
  const [busy, setBusy] = useState<FigureFormat | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async (format: FigureFormat) => {
    setBusy(format);
    setError(null);
    try {
      const file = await lab.client.renderSweep(request, format, { preset, ...(format === 'png' ? { dpi: 300 } : {}) });
      await saveFile(lab, { suggestedName: file.suggestedName, mimeType: file.mimeType, data: base64ToBytes(file.base64) });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="sweep-export" role="group" aria-label="Export the sweep view">
      <label className="field-inline">
        <span>Figure</span>
        <select className="input" value={preset} onChange={(e) => setPreset(e.target.value as FigurePresetName)}>
          {FIGURE_PRESET_NAMES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      {FIGURE_FORMATS.map((f) => (
        <button key={f} type="button" className="btn btn-small" disabled={busy !== null} onClick={() => void run(f)} title={f === 'png' ? 'PNG at 300 DPI' : undefined}>
          {busy === f ? '…' : f.toUpperCase()}
        </button>
      ))}
      {error && (
        <span className="filter-problem" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
