/** Starting a design from a built-in preset or from an earlier experiment's config. */
import { useState } from 'react';
import type { ExperimentRow, Preset } from '../../../shared/api.js';

export function StartFrom({
  presets,
  presetsError,
  experiments,
  onPreset,
  onExperiment,
}: {
  presets: Preset[] | undefined;
  presetsError: Error | undefined;
  experiments: ExperimentRow[] | undefined;
  onPreset: (p: Preset) => void;
  onExperiment: (e: ExperimentRow) => void;
}) {
  const [preset, setPreset] = useState('');
  const [exp, setExp] = useState('');
  const chosen = presets?.find((p) => p.name === preset);
  return (
    <div className="start-from-grid">
      <div className="field">
        <label className="field-label" htmlFor="start-preset">
          Start from a preset
        </label>
        <div className="field-row">
          <select id="start-preset" className="input" value={preset} onChange={(e) => setPreset(e.target.value)} disabled={!presets}>
            <option value="">{presets ? 'Choose a preset…' : presetsError ? 'Presets unavailable' : 'Loading…'}</option>
            {presets?.map((p) => (
              <option key={p.name} value={p.name}>
                {p.title}
              </option>
            ))}
          </select>
          <button type="button" className="btn" disabled={!chosen} onClick={() => chosen && onPreset(chosen)}>
            Use preset
          </button>
        </div>
        {chosen && (
          <p className="field-help">
            {chosen.description} <em>Expect: {chosen.expectation}.</em>
          </p>
        )}
      </div>
      <div className="field">
        <label className="field-label" htmlFor="start-experiment">
          …or from an earlier experiment
        </label>
        <div className="field-row">
          <select id="start-experiment" className="input" value={exp} onChange={(e) => setExp(e.target.value)} disabled={!experiments || experiments.length === 0}>
            <option value="">{!experiments ? 'Loading…' : experiments.length === 0 ? 'No experiments yet' : 'Choose an experiment…'}</option>
            {experiments?.map((e) => (
              <option key={e.id} value={e.id}>
                #{e.id} {e.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="btn"
            disabled={!exp}
            onClick={() => {
              const e = experiments?.find((x) => String(x.id) === exp);
              if (e) onExperiment(e);
            }}
          >
            Use its config
          </button>
        </div>
      </div>
    </div>
  );
}
