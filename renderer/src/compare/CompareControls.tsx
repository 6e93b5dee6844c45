/** The comparison settings: grouping, band, diverged runs, layer, axes, smoothing, value at epoch, focus group. */
import { useEffect, useState } from 'react';
import { BAND_KINDS, type ComparisonSpec } from '../../../shared/compare.js';
import type { ComparisonView } from '../../../shared/comparison-view.js';
import { Segmented } from '../ui/Segmented.js';
import { Popover } from '../ui/Popover.js';
import { groupByLabel } from './group-by.js';
import { BAND_HELP, BAND_OPTIONS, DIVERGED_OPTIONS, X_AXIS_OPTIONS } from './layout.js';
import { layerLabel } from '../../../shared/architecture.js';

export function CompareControls({ spec, view, setSpec }: { spec: ComparisonSpec; view: ComparisonView; setSpec: (patch: Partial<ComparisonSpec>) => void }) {
  // The view may still be the one of the previous spec: a field just ticked stays offered.
  const choices = [...view.groupByChoices, ...spec.groupBy.filter((f) => !view.groupByChoices.includes(f))];
  const { maxEpoch, layerCount } = view;
  const [epochText, setEpochText] = useState(spec.atEpoch === null ? '' : String(spec.atEpoch));
  useEffect(() => setEpochText(spec.atEpoch === null ? '' : String(spec.atEpoch)), [spec.atEpoch]);
  const epochInvalid = epochText !== '' && !(/^\d+$/.test(epochText) && Number(epochText) <= maxEpoch);
  const groupLabel = groupByLabel(spec.groupBy, view.fields);
  const layerValue = typeof spec.layer === 'number' ? String(spec.layer) : spec.layer;
  return (
    <section className="card compare-controls" aria-label="Comparison settings">
      <div className="control">
        <span className="control-label" id="group-by-label">
          Group by
        </span>
        <Popover label={<span className="popover-value">{groupLabel}</span>} title="Group by" buttonClassName="btn btn-small select-like" align="left">
          {() => (
            <fieldset className="group-by-menu" aria-labelledby="group-by-label">
              <label className="check-inline">
                <input type="radio" name="group-mode" checked={spec.groupBy.length === 0} onChange={() => setSpec({ groupBy: [] })} />
                <span>
                  Automatic <span className="muted">(every field that differs, seed excluded)</span>
                </span>
              </label>
              <div className="group-by-fields" role="group" aria-label="Fields to group by">
                {choices.length === 0 && <span className="muted">No field differs between these runs: they form one group.</span>}
                {choices.map((f) => (
                  <label key={f} className="check-inline">
                    <input
                      type="checkbox"
                      checked={spec.groupBy.includes(f)}
                      onChange={(e) => setSpec({ groupBy: e.target.checked ? [...spec.groupBy, f] : spec.groupBy.filter((x) => x !== f) })}
                    />
                    <span className="mono-sm">{f}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          )}
        </Popover>
      </div>
      <div className="control">
        <span className="control-label">Band</span>
        <Segmented label="Band" value={spec.band} options={BAND_OPTIONS.filter((o) => (BAND_KINDS as readonly string[]).includes(o.value))} onChange={(band) => setSpec({ band })} />
      </div>
      <div className="control">
        <span className="control-label">Diverged runs</span>
        <Segmented label="Diverged runs" value={spec.divergedRuns} options={DIVERGED_OPTIONS} onChange={(divergedRuns) => setSpec({ divergedRuns })} />
      </div>
      <label className="control">
        <span className="control-label">Layer</span>
        <select
          className="input input-auto"
          value={layerValue}
          onChange={(e) => {
            const v = e.target.value;
            setSpec({ layer: v === 'mean' || v === 'all' ? v : Number(v) });
          }}
        >
          <option value="mean">mean over layers</option>
          {Array.from({ length: layerCount }, (_, i) => (
            <option key={i} value={String(i)}>
              {layerLabel(i, view.layerModel)}
            </option>
          ))}
          {typeof spec.layer === 'number' && spec.layer >= layerCount && (
            <option value={String(spec.layer)}>layer {spec.layer + 1} (these runs have {layerCount}; the last is shown)</option>
          )}
          <option value="all">all layers (one panel each)</option>
        </select>
      </label>
      <div className="control">
        <span className="control-label">X axis</span>
        <Segmented label="X axis" value={spec.xAxis} options={X_AXIS_OPTIONS} onChange={(xAxis) => setSpec({ xAxis })} />
      </div>
      <div className="control control-checks" role="group" aria-label="Scales and runs">
        <label className="check-inline">
          <input type="checkbox" checked={spec.logX} onChange={(e) => setSpec({ logX: e.target.checked })} /> Log x
        </label>
        <label className="check-inline">
          <input type="checkbox" checked={spec.logY} onChange={(e) => setSpec({ logY: e.target.checked })} /> Log y
        </label>
        <label className="check-inline">
          <input type="checkbox" checked={spec.showRuns} onChange={(e) => setSpec({ showRuns: e.target.checked })} /> Individual runs
        </label>
      </div>
      <label className="control control-smoothing">
        <span className="control-label">Smoothing</span>
        <input type="range" min={0} max={0.99} step={0.01} value={spec.smoothing} aria-valuetext={spec.smoothing === 0 ? 'off' : `EMA weight ${spec.smoothing}`} onChange={(e) => setSpec({ smoothing: Number(e.target.value) })} />
        <span className="control-value mono-sm">{spec.smoothing === 0 ? 'off' : spec.smoothing.toFixed(2)}</span>
      </label>
      <label className="control">
        <span className="control-label">Value at epoch</span>
        <input
          className={`input input-epoch${epochInvalid ? ' invalid' : ''}`}
          inputMode="numeric"
          placeholder="last"
          value={epochText}
          aria-invalid={epochInvalid || undefined}
          title={`Epoch of the “at epoch” column and of the bar charts (0–${maxEpoch}); empty: the last measured (for the born-dead chart: epoch 0)`}
          onChange={(e) => {
            const t = e.target.value.trim();
            setEpochText(t);
            if (t === '') setSpec({ atEpoch: null });
            else if (/^\d+$/.test(t) && Number(t) <= maxEpoch) setSpec({ atEpoch: Number(t) });
          }}
        />
      </label>
      <label className="control">
        <span className="control-label">Focus group</span>
        <select className="input input-auto" value={view.focusKey ?? ''} onChange={(e) => setSpec({ focusGroup: e.target.value })} title="The group the heatmap and the histograms show">
          {view.groups.map((g) => (
            <option key={g.key} value={g.key}>
              {g.name}
            </option>
          ))}
        </select>
      </label>
      <p className="control-help muted">{BAND_HELP[spec.band]} Smoothing: debiased EMA on each run’s full series before averaging.</p>
    </section>
  );
}

/** The groups with their colour and dash: rename a group for the legends (and exported figures), hide or show it. */
