/**
 * The Compare view: runs and whole experiments side by side, grouped (runs that differ only by seed
 * form one group), with bands over the seeds. Everything it shows is computed from `chartData`
 * (shared/charts.ts), the same function the figure and CSV exports use. The comparison spec lives in
 * the address (#/compare?…), so a reload or a bookmark keeps it; comparisons can also be saved by name.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { FIGURE_FORMATS, type ExperimentRow, type FigureFormat, type SavedComparison } from '../../../shared/api.js';
import { BAND_KINDS, CHART_KINDS, type BandKind, type ChartKind, type ComparisonSpec } from '../../../shared/compare.js';
import { buildComparison, chartData, chartToFigure, divergenceLabel, type ChartData, type ComparedRun, type ComparisonModel } from '../../../shared/charts.js';
import { nextSort, sortByColumn, type SortState } from '../../../shared/analysis/index.js';
import { FIGURE_PRESETS, figurePixelSize, figureSize, renderFigureSvg } from '../../../shared/figure/index.js';
import { FINAL_STATUSES } from '../../../shared/metrics.js';
import { useAsync, useLab } from '../app/context.js';
import { navigate } from '../app/router.js';
import { BarsView } from '../charts/BarsView.js';
import { ChartFrame } from '../charts/ChartFrame.js';
import { ChartLegend, type LegendGroup } from '../charts/ChartLegend.js';
import { ChartNotes } from '../charts/ChartNotes.js';
import { DivergenceBadge } from '../charts/DivergenceBadge.js';
import { GroupSwatch } from '../charts/GroupSwatch.js';
import { HeatmapView } from '../charts/HeatmapView.js';
import { LinesView } from '../charts/LinesView.js';
import { RidgesView } from '../charts/RidgesView.js';
import { Segmented } from '../ui/Segmented.js';
import { Icon } from '../components/Icon.js';
import { ConfirmDialog, Dialog, EmptyState, ErrorBox, IconButton, InlineEdit, Popover, Spinner } from '../components/ui.js';
import {
  base64ToBytes,
  compareHref,
  DEFAULT_EXPORT_OPTIONS,
  exportFileName,
  fieldLabel,
  groupByChoices,
  hasSelection,
  paramsToSpec,
  patchSpec,
  readExportOptions,
  statLabel,
  summaryTable,
  toggleHidden,
  type ExportOptions,
  type SummaryRow,
  type SummaryTable,
} from '../lib/compare.js';
import { formatDateTime, formatNumber, formatPercent, plural } from '../lib/format.js';

const BAND_OPTIONS: { value: BandKind; label: string }[] = [
  { value: 'std', label: '± std' },
  { value: 'se', label: '± SE' },
  { value: 'ci95', label: '95 % CI' },
  { value: 'none', label: 'none' },
];

const BAND_HELP: Record<BandKind, string> = {
  std: 'Band: mean ± one standard deviation over the seeds of a group.',
  se: 'Band: mean ± one standard error (std / √n) over the seeds.',
  ci95: 'Band: 95 % confidence interval of the mean (Student t, n − 1 degrees of freedom).',
  none: 'No band: the mean over the seeds only.',
};

/** Charts on the page, in reading order; `wide` ones take the full row. */
const LAYOUT: { kind: ChartKind; wide?: boolean; help: string }[] = [
  { kind: 'dead-fraction', wide: true, help: 'Share of units that are dead (pre-activation ≤ 0 on every probe input) per epoch.' },
  { kind: 'final-dead-bars', help: 'Dead fraction per hidden layer at the last epoch all runs of a group reached (or at the chosen epoch), error bars over the seeds.' },
  { kind: 'dead-heatmap', help: 'Where and when units die: mean dead fraction of the focus group per layer and epoch; the colours span the data’s range.' },
  { kind: 'loss', help: 'Training and validation loss.' },
  { kind: 'accuracy', help: 'Training and validation accuracy.' },
  { kind: 'active-probability', help: 'Probability that a unit is active (z > 0), over units and probe inputs.' },
  { kind: 'dormant-fraction', help: 'Share of units whose activation is tiny compared to the layer’s (τ-dormant), a softer cousin of dead.' },
  { kind: 'revival', wide: true, help: 'Per layer and run, up to the group’s final (or the chosen) epoch: units that were ever dead, units that came back, and the share of the dead that stayed dead.' },
  { kind: 'histograms', wide: true, help: 'Distribution of pre-activations of one layer over the probe inputs, for the focus group’s first run (lowest seed).' },
];

const FRACTION_KINDS: ReadonlySet<ChartKind> = new Set(['dead-fraction', 'active-probability', 'dormant-fraction', 'accuracy']);
const isFractionLabel = (yLabel: string) => !/^Units per run$/.test(yLabel);

const EXPORT_KEY = 'relu-lab.figure-export';

function loadExportOptions(): ExportOptions {
  try {
    const raw = localStorage.getItem(EXPORT_KEY);
    return raw ? readExportOptions(JSON.parse(raw)) : DEFAULT_EXPORT_OPTIONS;
  } catch {
    return DEFAULT_EXPORT_OPTIONS;
  }
}

export function ComparePage({ params }: { params: URLSearchParams }) {
  const { client } = useLab();
  const query = params.toString();
  const address = useMemo(() => paramsToSpec(new URLSearchParams(query)), [query]);
  const { spec, saved, warnings } = address;
  const selection = `${spec.experimentIds.join(',')}|${spec.runIds.join(',')}`;

  const runs = useAsync<ComparedRun[] | null>(
    () => (hasSelection(spec) ? client.getComparedRuns({ experimentIds: spec.experimentIds, runIds: spec.runIds }) : Promise.resolve(null)),
    [client, selection],
  );
  const experiments = useAsync(() => client.listExperiments(), [client]);
  const savedList = useAsync(() => client.listComparisons(), [client]);

  const setSpec = useCallback((patch: Partial<ComparisonSpec>) => navigate(compareHref(patchSpec(spec, patch), saved), { replace: true }), [spec, saved]);

  // Charts follow the controls a beat behind while typing or dragging the smoothing slider.
  const shownSpec = useDeferredValue(spec);
  const model = useMemo(() => (runs.data && runs.data.length > 0 ? buildComparison(runs.data, shownSpec) : null), [runs.data, shownSpec]);
  const charts = useMemo(() => {
    if (!model) return null;
    const out = {} as Record<ChartKind, ChartData>;
    for (const kind of CHART_KINDS) out[kind] = chartData(model, kind, shownSpec);
    return out;
  }, [model, shownSpec]);

  const [exportOptions, setExportOptions] = useState<ExportOptions>(loadExportOptions);
  useEffect(() => {
    try {
      localStorage.setItem(EXPORT_KEY, JSON.stringify(exportOptions));
    } catch {
      // Not remembered; harmless.
    }
  }, [exportOptions]);
  const [saving, setSaving] = useState(false);

  const header = (
    <header className="page-header">
      <div className="page-title-block">
        <h1>
          Compare{saved && <span className="muted compare-saved-name"> · {saved}</span>}
        </h1>
        <p className="page-sub">
          {hasSelection(spec) ? <SelectionSummary spec={spec} runs={runs.data ?? null} model={model} experiments={experiments.data} /> : 'Runs and experiments side by side: which mitigation keeps neurons alive, over several seeds.'}
        </p>
      </div>
      {hasSelection(spec) && (
        <div className="page-actions">
          <button type="button" className="btn" onClick={runs.reload} disabled={runs.loading}>
            <Icon name="refresh" /> Refresh
          </button>
          <button type="button" className="btn btn-primary" onClick={() => setSaving(true)}>
            <Icon name="save" /> Save comparison…
          </button>
        </div>
      )}
    </header>
  );

  const savedSection = <SavedComparisons list={savedList.data} error={savedList.error} loading={savedList.loading} reload={savedList.reload} current={saved} />;

  if (!hasSelection(spec)) {
    return (
      <div className="page">
        {header}
        {warnings.length > 0 && <Warnings warnings={warnings} />}
        <EmptyState
          icon="compare"
          title="Nothing to compare yet"
          action={
            <a className="btn btn-primary" href="#/experiments">
              <Icon name="list" /> Choose experiments
            </a>
          }
        >
          <p>Tick experiments in the history and press Compare, or open an experiment and use “Compare runs” (all its runs, or the ones you tick). Or open a saved comparison below.</p>
        </EmptyState>
        {savedSection}
      </div>
    );
  }

  return (
    <div className="page compare-page">
      {header}
      {warnings.length > 0 && <Warnings warnings={warnings} />}
      {runs.error && !runs.data && <ErrorBox error={runs.error} onRetry={runs.reload} title="Could not load the runs to compare" />}
      {runs.error && runs.data && <div className="banner banner-warn">Could not refresh: {runs.error.message}</div>}
      {runs.loading && !runs.data && <Spinner label="Loading the runs and their measurements…" />}
      {runs.data && runs.data.length === 0 && (
        <EmptyState icon="alert" title="These runs no longer exist" action={<a className="btn" href="#/experiments">Back to the experiments</a>}>
          <p>The experiments or runs of this comparison were deleted (or belong to another database).</p>
        </EmptyState>
      )}
      {runs.data && model && charts && (
        <>
          <RunStatusNote runs={runs.data} spec={spec} onRefresh={runs.reload} />
          <CompareControls spec={spec} runs={runs.data} model={model} setSpec={setSpec} />
          <GroupsStrip model={model} spec={spec} setSpec={setSpec} />
          <div className="compare-charts">
            {LAYOUT.map(({ kind, wide, help }) => (
              <CompareChart
                key={kind}
                kind={kind}
                wide={wide}
                help={help}
                data={charts[kind]}
                model={model}
                spec={shownSpec}
                saved={saved}
                options={exportOptions}
                setOptions={setExportOptions}
                onToggleGroup={(key) => setSpec(toggleHidden(spec, key))}
              />
            ))}
          </div>
          <SummarySection model={model} spec={shownSpec} />
        </>
      )}
      {savedSection}
      {saving && <SaveDialog spec={spec} initialName={saved ?? ''} existing={savedList.data ?? []} onClose={() => setSaving(false)} onSaved={(s) => {
        savedList.reload();
        navigate(compareHref(s.spec, s.name), { replace: true });
      }} />}
    </div>
  );
}

function Warnings({ warnings }: { warnings: string[] }) {
  return (
    <div className="banner banner-warn" role="status">
      <Icon name="alert" />
      <span>
        Parts of this address could not be read: {warnings.join('; ')}.
      </span>
    </div>
  );
}

function SelectionSummary({ spec, runs, model, experiments }: { spec: ComparisonSpec; runs: ComparedRun[] | null; model: ComparisonModel | null; experiments: ExperimentRow[] | undefined }) {
  const names = new Map((experiments ?? []).map((e) => [e.id, e.name]));
  const expIds = [...new Set([...spec.experimentIds, ...(runs ?? []).map((r) => r.experimentId)])];
  return (
    <>
      {runs ? `${plural(runs.length, 'run')}` : 'Runs'}
      {model ? ` in ${plural(model.groups.length, 'group')}` : ''} from{' '}
      {expIds.map((id, i) => (
        <span key={id}>
          {i > 0 && ', '}
          <a href={`#/experiments/${id}`}>{names.get(id) ?? `experiment #${id}`}</a>
        </span>
      ))}
      {spec.runIds.length > 0 && spec.experimentIds.length === 0 ? ` (${plural(spec.runIds.length, 'selected run')})` : ''}
    </>
  );
}

function RunStatusNote({ runs, spec, onRefresh }: { runs: ComparedRun[]; spec: ComparisonSpec; onRefresh: () => void }) {
  const active = runs.filter((r) => r.status === 'running' || r.status === 'queued').length;
  const diverged = runs.filter((r) => r.status === 'diverged').length;
  const failed = runs.filter((r) => r.status === 'failed' || r.status === 'cancelled' || r.status === 'interrupted').length;
  const empty = runs.filter((r) => r.epochs.length === 0 && FINAL_STATUSES.includes(r.status)).length;
  if (active === 0 && diverged === 0 && failed === 0 && empty === 0) return null;
  return (
    <div className={`banner ${active > 0 ? 'banner-info' : 'banner-warn'}`} role="status">
      <Icon name="info" />
      <span>
        {active > 0 && (
          <>
            {plural(active, 'run')} still training or queued: their curves stop at the last measured epoch.{' '}
            <button type="button" className="link-btn" onClick={onRefresh}>
              Refresh
            </button>{' '}
          </>
        )}
        {diverged > 0 &&
          (spec.divergedRuns === 'exclude'
            ? `${plural(diverged, 'run')} diverged (the loss became NaN or infinite) and ${diverged === 1 ? 'is' : 'are'} excluded from ${diverged === 1 ? 'its group' : 'their groups'} (see “Diverged runs” below). `
            : `${plural(diverged, 'run')} diverged (the loss became NaN or infinite): ${diverged === 1 ? 'it counts' : 'they count'} up to the last epoch measured, so a group's n drops after it (every point shows its n; “Diverged runs” below can exclude them). `)}
        {failed > 0 && `${plural(failed, 'run')} failed, cancelled or interrupted: only their measured epochs count. `}
        {empty > 0 && `${plural(empty, 'run')} have no measurements.`}
      </span>
    </div>
  );
}

// ---------- Controls ----------

function CompareControls({ spec, runs, model, setSpec }: { spec: ComparisonSpec; runs: ComparedRun[]; model: ComparisonModel; setSpec: (patch: Partial<ComparisonSpec>) => void }) {
  const choices = useMemo(() => groupByChoices(runs, spec.groupBy), [runs, spec.groupBy]);
  const epochs = useMemo(() => {
    const set = new Set<number>();
    for (const r of runs) for (const e of r.epochs) set.add(e.epoch);
    return [...set].sort((a, b) => a - b);
  }, [runs]);
  const maxEpoch = epochs.length > 0 ? epochs[epochs.length - 1] : 0;
  const [epochText, setEpochText] = useState(spec.atEpoch === null ? '' : String(spec.atEpoch));
  useEffect(() => setEpochText(spec.atEpoch === null ? '' : String(spec.atEpoch)), [spec.atEpoch]);
  const epochInvalid = epochText !== '' && !(/^\d+$/.test(epochText) && Number(epochText) <= maxEpoch);
  const groupLabel = spec.groupBy.length === 0 ? `automatic (${model.fields.length === 0 ? 'one group' : model.fields.map((f) => fieldLabel(f).split(' ')[0]).join(', ')})` : spec.groupBy.map((f) => fieldLabel(f).split(' ')[0]).join(', ');
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
        <Segmented
          label="Diverged runs"
          value={spec.divergedRuns}
          options={[
            { value: 'include', label: 'count until diverged' },
            { value: 'exclude', label: 'exclude' },
          ]}
          onChange={(divergedRuns) => setSpec({ divergedRuns })}
        />
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
          {Array.from({ length: model.layerCount }, (_, i) => (
            <option key={i} value={String(i)}>
              layer {i + 1}
            </option>
          ))}
          {typeof spec.layer === 'number' && spec.layer >= model.layerCount && (
            <option value={String(spec.layer)}>layer {spec.layer + 1} (these runs have {model.layerCount}; the last is shown)</option>
          )}
          <option value="all">all layers (one panel each)</option>
        </select>
      </label>
      <div className="control">
        <span className="control-label">X axis</span>
        <Segmented
          label="X axis"
          value={spec.xAxis}
          options={[
            { value: 'epoch', label: 'Epoch' },
            { value: 'time', label: 'Wall time' },
          ]}
          onChange={(xAxis) => setSpec({ xAxis })}
        />
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
          title={`Epoch of the “at epoch” column and of the bar chart (0–${maxEpoch}); empty: the last measured`}
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
        <select className="input input-auto" value={model.focus?.key ?? ''} onChange={(e) => setSpec({ focusGroup: e.target.value })} title="The group the heatmap and the histograms show">
          {model.groups.map((g) => (
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
function GroupsStrip({ model, spec, setSpec }: { model: ComparisonModel; spec: ComparisonSpec; setSpec: (patch: Partial<ComparisonSpec>) => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const rename = (key: string, name: string | null) => {
    const next = { ...spec.groupNames };
    if (name === null) delete next[key];
    else next[key] = name;
    setSpec({ groupNames: next });
  };
  return (
    <section className="groups-strip" aria-label="Groups">
      <span className="control-label">Groups</span>
      <ul className="group-chips">
        {model.groups.map((g) => {
          const custom = spec.groupNames[g.key] !== undefined && spec.groupNames[g.key].trim() !== '';
          return (
            <li key={g.key} className={`group-chip${g.hidden ? ' group-chip-hidden' : ''}`} title={g.label}>
              <GroupSwatch color={g.color} dash={g.dash} band={spec.band !== 'none'} />
              {editing === g.key ? (
                <InlineEdit
                  value={g.name}
                  label={`Legend name of ${g.label}`}
                  maxLength={100}
                  onSave={async (name) => rename(g.key, name === g.label ? null : name)}
                  onDone={() => setEditing(null)}
                />
              ) : (
                <>
                  <span className="group-name">{g.name}</span>
                  <span className="muted small">{plural(g.allRuns.length, 'run')}</span>
                  <DivergenceBadge divergence={divergenceLabel(g)} excluded={g.divergedExcluded} />
                  <label className="check-inline group-shown" title={g.hidden ? 'Hidden from the charts and their exports' : 'Shown in the charts'}>
                    <input type="checkbox" checked={!g.hidden} onChange={() => setSpec(toggleHidden(spec, g.key))} aria-label={`Show ${g.name} in the charts`} /> shown
                  </label>
                  <IconButton icon="edit" label={`Rename ${g.name}`} onClick={() => setEditing(g.key)} />
                  {custom && <IconButton icon="x" label={`Use the original name of ${g.name} (${g.label})`} onClick={() => rename(g.key, null)} />}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

// ---------- Charts ----------

function CompareChart({
  kind,
  wide,
  help,
  data,
  model,
  spec,
  saved,
  options,
  setOptions,
  onToggleGroup,
}: {
  kind: ChartKind;
  wide?: boolean;
  help: string;
  data: ChartData;
  model: ComparisonModel;
  spec: ComparisonSpec;
  saved: string | null;
  options: ExportOptions;
  setOptions: (o: ExportOptions) => void;
  onToggleGroup: (key: string) => void;
}) {
  const legendGroups: LegendGroup[] = model.groups.map((g) => ({ key: g.key, name: g.name, color: g.color, dash: g.dash, hidden: g.hidden, divergence: divergenceLabel(g), excluded: g.divergedExcluded }));
  let body;
  let legend = <ChartLegend groups={legendGroups} band={spec.band !== 'none' && (data.kind === 'lines' || data.kind === 'bars')} onToggle={onToggleGroup} />;
  switch (data.kind) {
    case 'lines':
      body = <LinesView chart={data} spec={spec} fraction={FRACTION_KINDS.has(kind)} height={wide ? 300 : 250} />;
      break;
    case 'bars':
      body = <BarsView chart={data} spec={spec} fractionPanels={isFractionLabel} />;
      break;
    case 'heatmap':
      legend = <FocusNote model={model} />;
      body = <HeatmapView chart={data} />;
      break;
    case 'ridges': {
      const g = model.focus;
      legend = <FocusNote model={model} extra={typeof spec.layer === 'number' ? `layer ${spec.layer + 1}` : 'layer 1 (pick a single layer above to see another)'} />;
      body = <RidgesView chart={data} color={g?.color ?? '#0072B2'} dash={g?.dash ?? ''} />;
      break;
    }
  }
  return (
    <ChartFrame
      id={kind}
      title={data.title}
      className={wide ? 'span-2' : undefined}
      legend={
        <>
          <p className="chart-help">{help}</p>
          {legend}
        </>
      }
      actions={<ExportMenu kind={kind} data={data} spec={spec} saved={saved} options={options} setOptions={setOptions} />}
    >
      {body}
      <ChartNotes notes={data.notes} />
    </ChartFrame>
  );
}

function FocusNote({ model, extra }: { model: ComparisonModel; extra?: string }) {
  const g = model.focus;
  if (!g) return null;
  return (
    <p className="focus-note">
      <GroupSwatch color={g.color} dash={g.dash} /> <strong>{g.name}</strong>
      <span className="muted">
        {' '}
        · focus group (change it above){extra ? ` · ${extra}` : ''}
      </span>
    </p>
  );
}

const FORMAT_LABELS: Record<FigureFormat, string> = { svg: 'SVG', pdf: 'PDF', png: 'PNG', csv: 'CSV' };

function ExportMenu({ kind, data, spec, saved, options, setOptions }: { kind: ChartKind; data: ChartData; spec: ComparisonSpec; saved: string | null; options: ExportOptions; setOptions: (o: ExportOptions) => void }) {
  const { client, toast } = useLab();
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
      const result = await client.saveFile({ suggestedName: name, mimeType: file.mimeType, data: base64ToBytes(file.base64) });
      if (result.saved) toast(result.path ? `Saved ${result.path}` : `Downloading ${name}`, 'success');
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

function figureOptions(o: ExportOptions): { preset: ExportOptions['preset']; fontFamily: string; fontSize?: number; grayscaleSafe: boolean } {
  return { preset: o.preset, fontFamily: o.fontFamily, ...(o.fontSize !== null ? { fontSize: o.fontSize } : {}), grayscaleSafe: o.grayscaleSafe };
}

function FigurePreview({ title, svg, size, onClose }: { title: string; svg: string; size: { widthIn: number; heightIn: number }; onClose: () => void }) {
  const src = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, [svg]);
  return (
    <Dialog title={`Figure preview · ${title}`} onClose={onClose} wide>
      <p className="muted small">
        As exported: {formatNumber(size.widthIn, 3)} × {formatNumber(size.heightIn, 3)} in, shown at screen size (96 px per inch).
      </p>
      <div className="figure-preview">
        <img src={src} alt={`Preview of the exported figure: ${title}`} style={{ width: `${size.widthIn * 96}px` }} />
      </div>
    </Dialog>
  );
}

// ---------- Config diff and summary table ----------

function SummarySection({ model, spec }: { model: ComparisonModel; spec: ComparisonSpec }) {
  const table = useMemo(() => summaryTable(model, spec), [model, spec]);
  const [sort, setSort] = useState<SortState | null>(null);
  const rows = useMemo(() => sortByColumn(table.rows, table.columns, sort), [table, sort]);
  return (
    <section aria-labelledby="summary-title" className="summary-section">
      <h2 id="summary-title" className="section-title">
        Groups: what differs, and how they did
      </h2>
      <p className="muted small summary-help">
        Only the config fields that differ between the groups are shown (“mixed” when a group’s runs disagree). Metrics: mean over the group’s runs
        {spec.band !== 'none' ? `, with the ${spec.band === 'ci95' ? '95 % CI' : spec.band === 'se' ? 'mean ± SE' : 'mean ± std'} under it (from n ≥ 2 runs)` : ''}, and n, the runs each value rests on. “Final” is read at one epoch per group, the last all its runs reached
        {spec.divergedRuns === 'exclude' ? ' (diverged runs excluded)' : ' (diverged runs count up to their last measured epoch)'}; min and max stop there too. Click a header to sort.
      </p>
      <div className="table-wrap">
        <table className="table summary-table">
          <thead>
            <tr>
              <SortHeader table={table} id="group" sort={sort} setSort={setSort} rowSpan={2} className="sticky-left" />
              <SortHeader table={table} id="runs" sort={sort} setSort={setSort} rowSpan={2} className="num" />
              <SortHeader table={table} id="diverged" sort={sort} setSort={setSort} rowSpan={2} className="num" />
              <SortHeader table={table} id="finalEpoch" sort={sort} setSort={setSort} rowSpan={2} className="num" />
              {table.fields.length > 0 && (
                <th colSpan={table.fields.length} className="group-head">
                  Config (differs)
                </th>
              )}
              {table.metrics.map((m) => (
                <th key={m.id} colSpan={table.stats.length} className="group-head">
                  {m.label}
                </th>
              ))}
            </tr>
            <tr>
              {table.fields.map((f) => (
                <SortHeader key={f} table={table} id={`field:${f}`} label={f} sort={sort} setSort={setSort} className="mono-head" />
              ))}
              {table.metrics.flatMap((m) =>
                table.stats.map((stat) => (
                  <SortHeader key={`${m.id}.${stat}`} table={table} id={`${m.id}.${stat}`} label={statLabel(stat, table, spec.atEpoch)} sort={sort} setSort={setSort} className="num" />
                )),
              )}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <SummaryTableRow key={row.key} row={row} table={table} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function SortHeader({ table, id, label, sort, setSort, rowSpan, className }: { table: SummaryTable; id: string; label?: string; sort: SortState | null; setSort: (s: SortState) => void; rowSpan?: number; className?: string }) {
  const column = table.columns.find((c) => c.id === id);
  const current = sort?.columnId === id;
  return (
    <th rowSpan={rowSpan} className={className} aria-sort={current ? (sort!.direction === 'asc' ? 'ascending' : 'descending') : undefined} title={column?.label}>
      <button type="button" className="sort-btn" onClick={() => setSort(nextSort(sort, id))}>
        {label ?? column?.label ?? id}
        <span className={`sort-ind${current ? ' on' : ''}`} aria-hidden="true">
          {current ? (sort!.direction === 'asc' ? '▲' : '▼') : '↕'}
        </span>
      </button>
    </th>
  );
}

function SummaryTableRow({ row, table }: { row: SummaryRow; table: SummaryTable }) {
  return (
    <tr className={row.hidden ? 'row-hidden' : undefined}>
      <td className="sticky-left summary-group">
        <span className="summary-group-name">
          <GroupSwatch color={row.color} dash={row.dash} width={24} />
          {row.name}
          {row.hidden && <span className="muted small"> (hidden in the charts)</span>}
        </span>
      </td>
      <td className="num" title={row.countedRuns !== row.runCount ? `${row.countedRuns} of ${row.runCount} runs counted` : undefined}>
        {row.runCount}
        {row.countedRuns !== row.runCount && <span className="stat-band">{row.countedRuns} counted</span>}
      </td>
      <td className={`num${row.divergedCount > 0 ? ' diverged-cell' : ''}`}>
        {row.divergedCount > 0 ? `${row.divergedCount}/${row.runCount}` : '0'}
        {row.divergedCount > 0 && <span className="stat-band">{row.divergedExcluded ? 'excluded' : 'counted until diverged'}</span>}
      </td>
      <td className="num">{row.finalEpoch ?? '—'}</td>
      {row.cells.map((c, i) => (
        <td key={table.fields[i]} className={`mono-sm${c.mixed ? ' mixed-cell' : ''}`}>
          {c.text}
        </td>
      ))}
      {table.metrics.flatMap((m) =>
        table.stats.map((stat) => {
          const v = row.stats[`${m.id}.${stat}`];
          const fmt = (x: number) => (m.percent ? formatPercent(x, 1) : formatNumber(x, 4));
          const has = v && v.n > 0 && Number.isFinite(v.mean);
          return (
            <td
              key={`${m.id}.${stat}`}
              className="num stat-cell"
              title={has ? `mean ${fmt(v.mean)}, ${Number.isFinite(v.lo) ? `band [${fmt(v.lo)}, ${fmt(v.hi)}]` : 'no band'}, n = ${v.n}` : 'not measured'}
            >
              {has ? fmt(v.mean) : '—'}
              {has && Number.isFinite(v.lo) && Number.isFinite(v.hi) && (
                <span className="stat-band">
                  {fmt(v.lo)}–{fmt(v.hi)}
                </span>
              )}
              {has && <span className="stat-n">n = {v.n}</span>}
            </td>
          );
        }),
      )}
    </tr>
  );
}

// ---------- Saving and saved comparisons ----------

function SaveDialog({ spec, initialName, existing, onClose, onSaved }: { spec: ComparisonSpec; initialName: string; existing: SavedComparison[]; onClose: () => void; onSaved: (s: SavedComparison) => void }) {
  const { client, toast } = useLab();
  const [name, setName] = useState(initialName);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trimmed = name.trim();
  const replaces = existing.find((c) => c.name === trimmed);
  const save = async () => {
    if (!trimmed) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await client.saveComparison(trimmed, spec);
      toast(`Saved comparison “${saved.name}”`, 'success');
      onSaved(saved);
      onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <Dialog
      title="Save comparison"
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy || !trimmed} onClick={() => void save()}>
            {busy ? 'Saving…' : replaces ? 'Replace' : 'Save'}
          </button>
        </>
      }
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label className="field">
          <span className="field-label">Name</span>
          <input className="input" value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} placeholder="e.g. mitigations, 3 seeds" />
        </label>
      </form>
      <p className="muted small">
        Saves the runs, the grouping and every setting on this page (band, layer, scales, smoothing, legend names). Reopen it from “Saved comparisons”, or rebuild a figure with{' '}
        <code>relu-lab figure {trimmed ? (/\s/.test(trimmed) ? `"${trimmed}"` : trimmed) : 'NAME'} --chart dead-fraction</code>.
      </p>
      {replaces && <p className="warn-text">A saved comparison named “{trimmed}” exists: saving replaces it.</p>}
      {error && <ErrorBox error={error} title="Could not save" />}
    </Dialog>
  );
}

function SavedComparisons({ list, error, loading, reload, current }: { list: SavedComparison[] | undefined; error: Error | undefined; loading: boolean; reload: () => void; current: string | null }) {
  const { client, toast } = useLab();
  const [renaming, setRenaming] = useState<number | null>(null);
  const [deleting, setDeleting] = useState<SavedComparison | null>(null);
  return (
    <section className="saved-comparisons" aria-labelledby="saved-title">
      <h2 id="saved-title" className="section-title">
        Saved comparisons
      </h2>
      {error && !list && <ErrorBox error={error} onRetry={reload} title="Could not load the saved comparisons" />}
      {loading && !list && <Spinner label="Loading saved comparisons…" />}
      {list && list.length === 0 && <p className="muted">None yet. Set up a comparison, then “Save comparison…”.</p>}
      {list && list.length > 0 && (
        <ul className="saved-list">
          {list.map((c) => (
            <li key={c.id} className={`saved-item${c.name === current ? ' current' : ''}`}>
              {renaming === c.id ? (
                <InlineEdit
                  value={c.name}
                  label={`New name for ${c.name}`}
                  onSave={async (name) => {
                    if (list.some((o) => o.name === name && o.id !== c.id)) throw new Error(`a comparison named “${name}” exists already`);
                    // Renaming = saving under the new name, then removing the old entry.
                    await client.saveComparison(name, c.spec);
                    await client.deleteComparison(c.id);
                    reload();
                    if (c.name === current) navigate(compareHref(c.spec, name), { replace: true });
                  }}
                  onDone={() => setRenaming(null)}
                />
              ) : (
                <>
                  <a className="row-link" href={compareHref(c.spec, c.name)}>
                    {c.name}
                  </a>
                  <span className="muted small">
                    {c.spec.experimentIds.length > 0 && `${plural(c.spec.experimentIds.length, 'experiment')}`}
                    {c.spec.experimentIds.length > 0 && c.spec.runIds.length > 0 && ' + '}
                    {c.spec.runIds.length > 0 && `${plural(c.spec.runIds.length, 'run')}`} · grouped by {c.spec.groupBy.length ? c.spec.groupBy.join(', ') : 'automatic'} · saved {formatDateTime(c.updatedAt)}
                  </span>
                  <span className="row-actions">
                    <a className="btn btn-small" href={compareHref(c.spec, c.name)}>
                      Open
                    </a>
                    <IconButton icon="edit" label={`Rename ${c.name}`} onClick={() => setRenaming(c.id)} />
                    <IconButton icon="trash" label={`Delete ${c.name}`} danger onClick={() => setDeleting(c)} />
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete saved comparison?"
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await client.deleteComparison(deleting.id);
            toast(`Deleted “${deleting.name}”`, 'success');
            reload();
          }}
        >
          <p>
            The saved comparison <strong>“{deleting.name}”</strong> goes; its experiments and runs stay.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
