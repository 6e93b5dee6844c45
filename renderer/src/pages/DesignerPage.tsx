/**
 * The Designer: a form for every field of the experiment config, validated as you type by the shared
 * schema (validateExperiment), with a sweep builder, variants, presets, and JSON load/save.
 */
import { memo, useCallback, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, type ConfigIssue, type DivergenceCheck, type ExperimentRow, type LabClient, type Preset } from '../../../shared/api.js';
import { countRuns, DATASET_KINDS, MAX_RUNS_PER_EXPERIMENT, validateExperiment, type DatasetKind, type RunSpec } from '../../../shared/config.js';
import { datasetShape, estimateRunMemory, formatBytes } from '../../../shared/resources.js';
import { useAsync, useLab } from '../app/context.js';
import { navigate } from '../app/router.js';
import { Icon } from '../ui/Icon.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { IconButton } from '../ui/IconButton.js';
import { Spinner } from '../ui/Spinner.js';
import {
  DATASET_KIND_HELP,
  describeDefault,
  FIELDS,
  FIELD_BY_PATH,
  fieldApplies,
  GROUP_TITLES,
  shownDefault,
  SWEEPABLE_FIELDS,
  type FieldGroup,
  type FieldSpec,
} from '../designer/fields.js';
import {
  blankForm,
  configToForm,
  datasetKind,
  estimateExperimentSeconds,
  fieldRelevant,
  formToConfig,
  issuesByTarget,
  newRowId,
  parameterCount,
  parseSweepValues,
  roughRunCount,
  type FieldValue,
  type FormState,
  type SweepRow,
  type VariantRow,
} from '../designer/form.js';
import { slug } from '../../../shared/slug.js';
import { copyName } from '../designer/source.js';
import { useStoredState } from '../ui/useStoredState.js';
import { formatDuration, formatValue, plural } from '../ui/format.js';

const DRAFT_KEY = 'relu-lab.designer-draft';

/** What the Designer was opened on: a fresh form, a copy of an experiment, a preset. Its drafts are kept per source. */
export function designerSource(params: URLSearchParams): string {
  for (const key of ['from', 'preset', 'new', 'import']) {
    const v = params.get(key);
    if (v) return `${key}=${v}`;
  }
  return '';
}

interface Draft {
  source: string;
  state: FormState;
}

function readDraft(stored: unknown): Draft | null {
  const draft = stored as Partial<Draft> | null;
  return draft && typeof draft === 'object' && typeof draft.source === 'string' && draft.state && typeof draft.state === 'object' ? (draft as Draft) : null;
}

export function DesignerPage({ params, workers }: { params: URLSearchParams; workers: number }) {
  const source = designerSource(params);
  return <Designer key={source} source={source} params={params} workers={workers} />;
}

function Designer({ source, params, workers }: { source: string; params: URLSearchParams; workers: number }) {
  const { client, toast } = useLab();
  // The draft survives reloads (for the tab), written once typing pauses; not once it has been started.
  const [draft, setDraft] = useStoredState(DRAFT_KEY, readDraft, { area: 'session', delayMs: 300 });
  const [state, setState] = useState<FormState | null>(() => (draft?.source === source ? draft.state : null) ?? (params.get('from') || params.get('preset') ? null : blankForm()));
  const [loadError, setLoadError] = useState<string | null>(null);
  const [serverIssues, setServerIssues] = useState<ConfigIssue[] | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [importHint, setImportHint] = useState(Boolean(params.get('import')));
  const fileInput = useRef<HTMLInputElement>(null);

  const presets = useAsync(() => client.listPresets(), [client]);
  const experiments = useAsync(() => client.listExperiments(), [client]);

  // Open on an experiment (edit a copy) or a preset, unless a draft for it survived a reload.
  const fromId = params.get('from');
  const presetName = params.get('preset');
  useEffect(() => {
    if (state !== null) return;
    let cancelled = false;
    (async () => {
      try {
        if (fromId) {
          const [detail, all] = await Promise.all([client.getExperiment(Number(fromId)), client.listExperiments()]);
          const form = configToForm(detail.experiment.config);
          form.values.name = copyName(detail.experiment.name, all.map((e) => e.name));
          if (!cancelled) setState(form);
        } else if (presetName) {
          const preset = (await client.listPresets()).find((p) => p.name === presetName);
          if (!preset) throw new Error(`There is no preset named “${presetName}”`);
          if (!cancelled) setState(configToForm(preset.config));
        }
      } catch (err) {
        if (!cancelled) {
          setLoadError((err as Error).message);
          setState(blankForm());
        }
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [state, fromId, presetName, client]);

  const started = useRef(false);
  useEffect(() => {
    if (state && !started.current) setDraft({ source, state });
  }, [state, source, setDraft]);

  // Menu "Import…": open the file chooser (the button stays highlighted in case the browser refuses).
  useEffect(() => {
    if (params.get('import')) {
      try {
        fileInput.current?.click();
      } catch {
        // Needs a user gesture in some browsers: the highlighted button asks for one.
      }
    }
  }, [params]);

  const update = useCallback((fn: (s: FormState) => FormState) => {
    setState((s) => (s ? fn(s) : s));
    setServerIssues(null);
    setStartError(null);
  }, []);

  const setValue = useCallback((path: string, value: FieldValue) => update((s) => ({ ...s, values: { ...s.values, [path]: value } })), [update]);

  // Validation with the shared schema, on a deferred copy so typing never waits for it.
  const deferred = useDeferredValue(state);
  const analysis = useMemo(() => {
    if (!deferred) return null;
    const { config, formIssues } = formToConfig(deferred);
    const validation = validateExperiment(config);
    const issues = [...formIssues, ...(validation.ok ? [] : validation.issues)];
    const runs = formIssues.length === 0 ? countRuns(config) : null;
    return { config, validation, issues, runs: runs ?? roughRunCount(deferred), exactRuns: runs !== null && validation.ok };
  }, [deferred]);

  const divergence = useDivergenceCheck(client, analysis && analysis.validation.ok && analysis.issues.length === 0 ? analysis.config : null);
  const allIssues = useMemo(
    () => [...(analysis?.issues ?? []), ...(serverIssues ?? (divergence.status === 'invalid' ? divergence.issues : []))],
    [analysis, serverIssues, divergence],
  );
  const fieldNotes = useMemo(() => {
    const notes = new Map<string, ReactNode>();
    const note = divergenceNote(divergence);
    if (note) notes.set('training.learningRate', note);
    return notes;
  }, [divergence]);
  const byTarget = useMemo(() => issuesByTarget(allIssues), [allIssues]);

  if (!state || !analysis) {
    return (
      <div className="page">
        <Spinner label="Loading the design…" />
      </div>
    );
  }

  const valid = analysis.validation.ok && allIssues.length === 0;
  const estimate = analysis.validation.ok ? estimateExperimentSeconds(analysis.validation.runs, workers) : null;
  const params0 = analysis.validation.ok ? parameterCount(analysis.validation.runs[0]?.config ?? analysis.validation.config) : null;
  const memory = analysis.validation.ok ? largestRunMemory(analysis.validation.runs) : null;
  const kind = datasetKind(state);
  const stale = deferred !== state;

  const load = (form: FormState, what: string) => {
    setState(form);
    setServerIssues(null);
    setStartError(null);
    setLoadError(null);
    toast(`Loaded ${what}`, 'success');
  };

  const onFile = async (file: File) => {
    setImportHint(false);
    try {
      const text = await file.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        setLoadError(`${file.name} is not valid JSON: ${(err as Error).message}`);
        return;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        setLoadError(`${file.name} does not hold an experiment config (expected a JSON object).`);
        return;
      }
      load(configToForm(parsed), file.name);
    } catch (err) {
      setLoadError(`Could not read ${file.name}: ${(err as Error).message}`);
    }
  };

  const save = async () => {
    const name = typeof state.values.name === 'string' && state.values.name.trim() ? state.values.name : 'experiment';
    try {
      const result = await client.saveFile({ suggestedName: `${slug(name)}.json`, mimeType: 'application/json', data: `${JSON.stringify(analysis.config, null, 2)}\n` });
      if (result.saved) toast(result.path ? `Saved ${result.path}` : `Downloading ${slug(name)}.json`, 'success');
    } catch (err) {
      toast(`Could not save: ${(err as Error).message}`, 'error');
    }
  };

  const start = async () => {
    const { config } = formToConfig(state);
    const check = validateExperiment(config);
    if (!check.ok) return;
    setStarting(true);
    setStartError(null);
    try {
      const result = await client.createExperiment(config);
      started.current = true;
      setDraft(null);
      toast(`Started “${check.config.name}”: ${plural(result.runIds.length, 'run')} queued`, 'success');
      navigate(`#/experiments/${result.experimentId}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_config' && err.issues?.length) {
        setServerIssues(err.issues);
        setStartError(`The lab refused the config: ${plural(err.issues.length, 'problem')} (shown at the fields). Nothing was created.`);
      } else {
        setStartError(`Could not start: ${(err as Error).message}`);
      }
      setStarting(false);
    }
  };

  const generalIssues = byTarget.get('general') ?? [];
  const unplaced = [...byTarget.entries()].filter(([key]) => key !== 'general' && !isShownKey(key, state, showAll));

  return (
    <div className="page designer">
      <header className="page-header">
        <div>
          <h1>Designer</h1>
          <p className="page-sub">Every field of the experiment config, checked as you type by the same schema the lab and the CLI use.</p>
        </div>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => navigate(`#/designer?new=${Date.now()}`)}>
            <Icon name="plus" /> Blank
          </button>
          <label className={`btn${importHint ? ' btn-attention' : ''}`}>
            <Icon name="upload" /> Load JSON…
            <input
              ref={fileInput}
              type="file"
              accept=".json,application/json"
              className="visually-hidden-input"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void onFile(f);
                e.target.value = '';
              }}
            />
          </label>
          <button type="button" className="btn" onClick={() => void save()}>
            <Icon name="download" /> {client.transport === 'ipc' ? 'Save JSON…' : 'Download JSON'}
          </button>
        </div>
      </header>

      {importHint && (
        <div className="banner banner-info" role="status">
          <Icon name="upload" /> Choose the experiment config (JSON, as the CLI accepts it) with <strong>Load JSON…</strong>.
        </div>
      )}
      {loadError && (
        <div className="banner banner-error" role="alert">
          <Icon name="alert" /> {loadError}
          <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => setLoadError(null)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      )}

      <section className="card start-from" aria-label="Start from">
        <StartFrom
          presets={presets.data}
          presetsError={presets.error}
          experiments={experiments.data}
          onPreset={(p) => load(configToForm(p.config), `preset “${p.title}”`)}
          onExperiment={(e) => {
            const form = configToForm(e.config);
            form.values.name = copyName(e.name, (experiments.data ?? []).map((x) => x.name));
            load(form, `“${e.name}”`);
          }}
        />
      </section>

      <div className="designer-layout">
        <form
          className="designer-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (valid && !starting) void start();
          }}
        >
          <Section title={GROUP_TITLES.general} id="sec-general">
            <FieldGrid group="general" state={state} kind={kind} byTarget={byTarget} setValue={setValue} showAll />
          </Section>
          <Section title="Data" id="sec-data" hint={DATASET_KIND_HELP[kind]}>
            <FieldGrid group="data" state={state} kind={kind} byTarget={byTarget} setValue={setValue} showAll={showAll} />
          </Section>
          <Section title="Model" id="sec-model" hint={params0 !== null ? `${params0.toLocaleString('en-US')} parameters${analysis.validation.ok && analysis.validation.runs.length > 1 ? ' (first run)' : ''}` : undefined}>
            <FieldGrid group="model" state={state} kind={kind} byTarget={byTarget} setValue={setValue} showAll={showAll} />
          </Section>
          <Section title="Training" id="sec-training">
            <FieldGrid group="training" state={state} kind={kind} byTarget={byTarget} setValue={setValue} showAll={showAll} notes={fieldNotes} />
          </Section>
          <Section title="Probe" id="sec-probe" hint="How dead and dormant units are measured after every epoch.">
            <FieldGrid group="probe" state={state} kind={kind} byTarget={byTarget} setValue={setValue} showAll={showAll} />
          </Section>
          <Section title="Seeds" id="sec-seeds" hint="Every combination is trained once per seed.">
            <SeedsEditor state={state} update={update} errors={byTarget.get('seeds')} />
          </Section>
          <Section title="Sweep" id="sec-sweep" hint="Fields that take several values: every combination becomes a run (cartesian product).">
            <SweepEditor rows={state.sweep} update={update} byTarget={byTarget} />
          </Section>
          <Section title="Variants" id="sec-variants" hint="Named one-factor-at-a-time changes of the base config (e.g. a baseline vs. mitigations), each combined with the sweep and seeds.">
            <VariantsEditor variants={state.variants} update={update} byTarget={byTarget} />
          </Section>
          <label className="check-inline show-all">
            <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} /> Show fields that do not apply to this design (e.g. Leaky α without leaky_relu)
          </label>
        </form>

        <aside className="designer-side" aria-label="Summary">
          <div className="card side-card">
            <h2>Summary</h2>
            <dl className="summary-list">
              <div>
                <dt>Runs</dt>
                <dd data-testid="run-count">
                  {analysis.runs === null ? '—' : analysis.runs.toLocaleString('en-US')}
                  {analysis.runs !== null && analysis.runs > MAX_RUNS_PER_EXPERIMENT && <span className="field-error"> (at most {MAX_RUNS_PER_EXPERIMENT.toLocaleString('en-US')})</span>}
                  {!analysis.exactRuns && analysis.runs !== null && <span className="muted"> (once valid)</span>}
                </dd>
              </div>
              <RunBreakdown state={state} />
              <div>
                <dt>Estimated time</dt>
                <dd>
                  {estimate === null ? '—' : `≈ ${formatDuration(Math.max(1, estimate))}`}
                  <div className="muted small">
                    A rough estimate for {plural(workers, 'worker')}: samples × epochs × parameters, calibrated on a 2-core machine (WebAssembly backend). Real times vary.
                  </div>
                </dd>
              </div>
              <div>
                <dt>Memory</dt>
                <dd data-testid="memory-estimate">
                  {memory === null ? '—' : `≈ ${formatBytes(memory)} per run`}
                  <div className="muted small">
                    {memory === null
                      ? 'Known once the design is valid (csv data sets: when the file is read, as the run starts).'
                      : `The largest run at its peak (parameters, training step, probe, data). A design that needs more than this computer has is refused when it starts.`}
                  </div>
                </dd>
              </div>
            </dl>
            <div className={`validity ${valid ? 'ok' : 'bad'}`} role="status" aria-live="polite">
              {stale ? (
                <span className="muted">Checking…</span>
              ) : valid ? (
                <>
                  <Icon name="check" /> Valid config
                </>
              ) : (
                <>
                  <Icon name="alert" /> {plural(allIssues.length, 'problem')} to fix
                </>
              )}
            </div>
            {!valid && allIssues.length > 0 && (
              <ul className="issue-list">
                {allIssues.slice(0, 8).map((issue, i) => (
                  <li key={i}>
                    <button type="button" className="link-btn" onClick={() => focusIssue(issue)}>
                      {issue.path || 'config'}
                    </button>
                    : {issue.message}
                  </li>
                ))}
                {allIssues.length > 8 && <li className="muted">… and {allIssues.length - 8} more</li>}
              </ul>
            )}
            <button type="button" className="btn btn-primary btn-block" disabled={!valid || starting || stale} onClick={() => void start()}>
              <Icon name="play" /> {starting ? 'Starting…' : analysis.runs && analysis.runs > 1 ? `Start ${plural(analysis.runs, 'run')}` : 'Start'}
            </button>
            {startError && <ErrorBox error={startError} title="Not started" />}
          </div>
          {(generalIssues.length > 0 || unplaced.length > 0) && (
            <div className="card side-card">
              <h3>Other problems</h3>
              <ul className="issue-list">
                {generalIssues.map((m, i) => (
                  <li key={`g${i}`}>{m}</li>
                ))}
                {unplaced.flatMap(([key, msgs]) => msgs.map((m, i) => <li key={`${key}${i}`}>{`${key.replace(/^sweep:/, 'sweep ')}: ${m}`}</li>))}
              </ul>
            </div>
          )}
          <details className="card side-card json-preview">
            <summary>Config JSON (as the CLI accepts it)</summary>
            <pre className="code-block">{JSON.stringify(analysis.config, null, 2)}</pre>
          </details>
        </aside>
      </div>
    </div>
  );
}

function isShownKey(key: string, state: FormState, showAll: boolean): boolean {
  if (key === 'seeds' || key === 'sweep' || key === 'variants') return true;
  if (key.startsWith('sweep:')) return state.sweep.some((r) => `sweep:${r.path}` === key);
  if (key.startsWith('variant:')) return true;
  const spec = FIELD_BY_PATH.get(key);
  if (!spec) return false;
  if (!fieldApplies(spec, datasetKind(state))) return false;
  return showAll || fieldRelevant(state, spec);
}

/** Scrolls to and focuses the field an issue is about. */
function focusIssue(issue: ConfigIssue): void {
  const el = document.querySelector<HTMLElement>(`[data-issue-key="${CSS.escape(issuesByTarget([issue]).keys().next().value ?? '')}"]`);
  if (el) {
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    (el.matches('input, select, textarea') ? el : el.querySelector<HTMLElement>('input, select, textarea'))?.focus({ preventScroll: true });
  }
}

function Section({ title, id, hint, children }: { title: string; id: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="card form-section" aria-labelledby={`${id}-title`}>
      <div className="section-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {hint && <span className="muted small">{hint}</span>}
      </div>
      {children}
    </fieldset>
  );
}

function StartFrom({
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

// ---------- Fields ----------

const FieldGrid = memo(function FieldGrid({
  group,
  state,
  kind,
  byTarget,
  setValue,
  showAll,
  notes,
}: {
  group: FieldGroup;
  state: FormState;
  kind: DatasetKind;
  byTarget: Map<string, string[]>;
  setValue: (path: string, value: FieldValue) => void;
  showAll: boolean;
  /** Extra lines shown at a field (e.g. the divergence quick check at the learning rate). */
  notes?: Map<string, ReactNode>;
}) {
  const specs = FIELDS.filter((f) => f.group === group && fieldApplies(f, kind) && (showAll || fieldRelevant(state, f)));
  const swept = new Set(state.sweep.map((r) => r.path));
  return (
    <div className={`field-grid field-grid-${group}`}>
      {specs.map((spec) => (
        <FieldInput key={spec.path} spec={spec} kind={kind} value={state.values[spec.path]} errors={byTarget.get(spec.path)} onChange={setValue} swept={swept.has(spec.path)} note={notes?.get(spec.path)} />
      ))}
    </div>
  );
});

const FieldInput = memo(function FieldInput({
  spec,
  kind,
  value,
  errors,
  onChange,
  swept,
  note,
}: {
  spec: FieldSpec;
  kind: DatasetKind;
  value: FieldValue | undefined;
  errors: string[] | undefined;
  onChange: (path: string, value: FieldValue) => void;
  swept: boolean;
  note?: ReactNode;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const noteId = `${id}-note`;
  const def = shownDefault(spec, kind);
  const invalid = Boolean(errors?.length);
  const describedBy = [helpId, invalid ? errorId : '', note ? noteId : ''].filter(Boolean).join(' ');
  const common = {
    id,
    'aria-describedby': describedBy,
    'aria-invalid': invalid || undefined,
    'aria-required': spec.required || undefined,
    'data-issue-key': spec.path,
    className: `input${invalid ? ' invalid' : ''}`,
  };
  let control: ReactNode;
  switch (spec.type) {
    case 'enum':
      control = (
        <select {...common} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(spec.path, e.target.value)}>
          {spec.path !== 'dataset.kind' && <option value="">{def !== undefined ? `default (${describeDefault(def)})` : 'choose…'}</option>}
          {(spec.path === 'dataset.kind' ? DATASET_KINDS : (spec.options ?? [])).map((o) => (
            <option key={o} value={o}>
              {spec.optionLabels?.[o] ?? o}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean': {
      const checked = typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : def === true;
      control = (
        <label className="check">
          <input type="checkbox" {...common} className="" checked={checked} onChange={(e) => onChange(spec.path, e.target.checked)} />
          <span>{checked ? 'on' : 'off'}</span>
        </label>
      );
      break;
    }
    case 'range': {
      const [lo, hi] = Array.isArray(value) ? value : ['', ''];
      const [dlo, dhi] = Array.isArray(def) ? (def as number[]) : [undefined, undefined];
      control = (
        <div className="range-inputs" data-issue-key={spec.path}>
          <input {...common} inputMode="decimal" aria-label={`${spec.label}: lo`} placeholder={dlo !== undefined ? describeDefault(dlo) : 'lo'} value={lo} onChange={(e) => onChange(spec.path, [e.target.value, hi])} />
          <span aria-hidden="true">to</span>
          <input
            {...common}
            id={`${id}-hi`}
            inputMode="decimal"
            aria-label={`${spec.label}: hi`}
            placeholder={dhi !== undefined ? describeDefault(dhi) : 'hi'}
            value={hi}
            onChange={(e) => onChange(spec.path, [lo, e.target.value])}
          />
        </div>
      );
      break;
    }
    case 'text':
      control = <textarea {...common} rows={2} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(spec.path, e.target.value)} />;
      break;
    default:
      control = (
        <input
          {...common}
          type="text"
          inputMode={spec.type === 'int' ? 'numeric' : spec.type === 'number' ? 'decimal' : undefined}
          autoComplete="off"
          spellCheck={spec.type === 'string' && spec.path === 'name' ? undefined : false}
          placeholder={def !== undefined ? `default ${describeDefault(def)}` : spec.required ? 'required' : ''}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(spec.path, e.target.value)}
        />
      );
  }
  return (
    <div className={`field field-${spec.type}${spec.path === 'name' || spec.path === 'description' ? ' field-wide' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {spec.label}
        {spec.required && (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
        {spec.unit && <span className="unit">{spec.unit}</span>}
        {swept && <span className="swept-chip">swept</span>}
      </label>
      {control}
      <div id={helpId} className="field-help">
        {spec.help}
        {def !== undefined && <span className="muted"> Default {describeDefault(def)}.</span>}
        <span className="path-hint"> {spec.path}</span>
      </div>
      {invalid && <FieldErrors errors={errors!} id={errorId} />}
      {note && (
        <div id={noteId} className="field-note" data-testid={`note-${spec.path}`}>
          {note}
        </div>
      )}
    </div>
  );
});

// ---------- Divergence quick check ----------

type DivergenceState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: DivergenceCheck }
  /** The lab found problems the schema cannot see (a data file it cannot read, too little memory): shown at their fields. */
  | { status: 'invalid'; issues: ConfigIssue[] }
  | { status: 'error'; message: string };

/** Results by design, so going back to an earlier design does not train again. */
const divergenceCache = new Map<string, DivergenceCheck>();
/** Quiet time after the last edit before the lab is asked (each check trains for a few seconds). */
const DIVERGENCE_DEBOUNCE_MS = 1200;

/**
 * Asks the lab whether the design's learning rates diverge (short trials in a worker), once the
 * design is valid and has not changed for a moment. What cannot change the answer (names, epochs,
 * probe, seeds) is left out, so editing it does not train again.
 */
function useDivergenceCheck(client: LabClient, config: Record<string, unknown> | null): DivergenceState {
  const key = useMemo(() => {
    if (!config) return null;
    const { name: _n, description: _d, probe: _p, seeds: _s, ...rest } = config;
    void _n;
    void _d;
    void _p;
    void _s;
    const training = { ...((rest.training as Record<string, unknown> | undefined) ?? {}) };
    delete training.epochs;
    return JSON.stringify({ name: 'divergence check', ...rest, training: { ...training, epochs: 1 } });
  }, [config]);
  const [state, setState] = useState<DivergenceState>({ status: 'idle' });
  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return;
    }
    const cached = divergenceCache.get(key);
    if (cached) {
      setState({ status: 'done', result: cached });
      return;
    }
    setState({ status: 'checking' });
    let stale = false;
    let timer: ReturnType<typeof setTimeout>;
    const ask = (attempt: number) => {
      client.checkDivergence(JSON.parse(key)).then(
        (result) => {
          divergenceCache.set(key, result);
          if (!stale) setState({ status: 'done', result });
        },
        (err: unknown) => {
          if (stale) return;
          // Replaced by another check (another window, or a design being started): ask again.
          if (err instanceof ApiError && err.code === 'conflict') {
            if (attempt < 3) timer = setTimeout(() => ask(attempt + 1), DIVERGENCE_DEBOUNCE_MS);
            else setState({ status: 'error', message: 'the lab is busy with other checks' });
          } else if (err instanceof ApiError && err.code === 'invalid_config' && err.issues?.length) {
            setState({ status: 'invalid', issues: err.issues });
          } else {
            setState({ status: 'error', message: (err as Error).message });
          }
        },
      );
    };
    timer = setTimeout(() => ask(1), DIVERGENCE_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [key, client]);
  return state;
}

/** What the learning-rate field says about the quick check. */
function divergenceNote(state: DivergenceState): ReactNode {
  switch (state.status) {
    case 'idle':
    case 'invalid':
      return null;
    case 'checking':
      return <span className="muted small">Checking whether this learning rate diverges (a few short trials)…</span>;
    case 'error':
      return <span className="muted small">Divergence check unavailable: {state.message}</span>;
    case 'done': {
      const { result } = state;
      const diverging = result.setups.filter((s) => s.diverged > 0);
      const trials = result.setups.reduce((n, s) => n + s.trials, 0);
      const unchecked = result.unchecked > 0 ? ` ${plural(result.unchecked, 'setup')} not checked (time or setup limit).` : '';
      const basis = `Short trials of ${result.steps} steps on ${plural(result.samples, 'training row')}: an estimate, not a rule.`;
      if (diverging.length === 0) {
        return (
          <span className="muted small" data-testid="divergence-ok">
            Quick check: {result.setups.length === 1 ? result.setups[0].message : `none of ${trials} quick trials (${plural(result.setups.length, 'setup')}) diverged within ${result.steps} steps`}.{unchecked}
          </span>
        );
      }
      return (
        <div className="field-warning" role="status" data-testid="divergence-warning">
          {diverging.map((s, i) => (
            <div key={i}>
              <Icon name="alert" size={12} /> {s.message}.
            </div>
          ))}
          <div className="small">
            {basis} Diverged runs stop early (kept as results); lower the learning rate unless divergence is what you study.{unchecked}
          </div>
        </div>
      );
    }
  }
}

/** The largest run's memory estimate (null when a data set's shape is only known from its file). */
function largestRunMemory(runs: readonly RunSpec[]): number | null {
  let largest = 0;
  for (const run of runs.slice(0, 2000)) {
    const shape = datasetShape(run.config.dataset);
    if (!shape) return null;
    largest = Math.max(largest, estimateRunMemory(run.config, shape).total);
  }
  return runs.length > 0 ? largest : null;
}

// ---------- Seeds ----------

function SeedsEditor({ state, update, errors }: { state: FormState; update: (fn: (s: FormState) => FormState) => void; errors?: string[] }) {
  const seeds = state.seeds;
  const id = useId();
  const set = (patch: Partial<FormState['seeds']>) => update((s) => ({ ...s, seeds: { ...s.seeds, ...patch } }));
  const invalid = Boolean(errors?.length);
  return (
    <div className="seeds" data-issue-key="seeds">
      <div className="segmented" role="radiogroup" aria-label="How seeds are given">
        <button type="button" role="radio" aria-checked={seeds.mode === 'list'} className={seeds.mode === 'list' ? 'active' : ''} onClick={() => set({ mode: 'list' })}>
          List
        </button>
        <button type="button" role="radio" aria-checked={seeds.mode === 'range'} className={seeds.mode === 'range' ? 'active' : ''} onClick={() => set({ mode: 'range' })}>
          Range
        </button>
      </div>
      {seeds.mode === 'list' ? (
        <div className="field">
          <label className="field-label" htmlFor={`${id}-list`}>
            Seeds
          </label>
          <input
            id={`${id}-list`}
            className={`input${invalid ? ' invalid' : ''}`}
            aria-invalid={invalid || undefined}
            aria-describedby={`${id}-help${invalid ? ` ${id}-err` : ''}`}
            inputMode="numeric"
            placeholder="default 1"
            value={seeds.list}
            onChange={(e) => set({ list: e.target.value })}
          />
          <div id={`${id}-help`} className="field-help">
            Whole numbers (0 … 2³¹−1), separated by commas. Same seed, same data split, initialization and batch order.
          </div>
        </div>
      ) : (
        <div className="field-row seeds-range">
          <div className="field">
            <label className="field-label" htmlFor={`${id}-from`}>
              From
            </label>
            <input id={`${id}-from`} className={`input${invalid ? ' invalid' : ''}`} inputMode="numeric" value={seeds.from} onChange={(e) => set({ from: e.target.value })} aria-describedby={invalid ? `${id}-err` : undefined} />
          </div>
          <div className="field">
            <label className="field-label" htmlFor={`${id}-count`}>
              Count
            </label>
            <input id={`${id}-count`} className={`input${invalid ? ' invalid' : ''}`} inputMode="numeric" value={seeds.count} onChange={(e) => set({ count: e.target.value })} aria-describedby={invalid ? `${id}-err` : undefined} />
          </div>
          <div className="field-help">Seeds from, from + 1, …, from + count − 1.</div>
        </div>
      )}
      {invalid && <FieldErrors errors={errors!} id={`${id}-err`} />}
    </div>
  );
}

// ---------- Sweep ----------

function FieldPathSelect({ value, onChange, label, exclude }: { value: string; onChange: (path: string) => void; label: string; exclude?: Set<string> }) {
  const groups: FieldGroup[] = ['data', 'model', 'training', 'probe'];
  return (
    <select className="input" aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">Choose a field…</option>
      {groups.map((g) => (
        <optgroup key={g} label={GROUP_TITLES[g]}>
          {SWEEPABLE_FIELDS.filter((f) => f.group === g && (f.path === value || !exclude?.has(f.path))).map((f) => (
            <option key={f.path} value={f.path}>
              {f.path} — {f.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function valuesPlaceholder(spec: FieldSpec | undefined): string {
  if (!spec) return 'values, comma-separated';
  switch (spec.type) {
    case 'enum':
      return (spec.options ?? []).slice(0, 3).join(', ');
    case 'boolean':
      return 'false, true';
    case 'int':
      return 'e.g. 16, 64, 256';
    case 'number':
      return 'e.g. 0.001, 0.01, 0.1';
    case 'intList':
      return '[[64, 64], [128, 32]]';
    case 'range':
      return '[[-1, 1], [-2, 2]]';
    default:
      return 'values, comma-separated';
  }
}

function SweepEditor({ rows, update, byTarget }: { rows: SweepRow[]; update: (fn: (s: FormState) => FormState) => void; byTarget: Map<string, string[]> }) {
  const setRow = (id: string, patch: Partial<SweepRow>) => update((s) => ({ ...s, sweep: s.sweep.map((r) => (r.id === id ? { ...r, ...patch } : r)) }));
  const used = new Set(rows.map((r) => r.path).filter(Boolean));
  const sweepErrors = byTarget.get('sweep');
  return (
    <div className="sweep">
      {rows.length === 0 && <p className="muted">No field is swept: every seed trains the base config once.</p>}
      {rows.map((row, i) => {
        const spec = FIELD_BY_PATH.get(row.path);
        const parsed = parseSweepValues(spec, row.text);
        const errors = row.path ? byTarget.get(`sweep:${row.path}`) : undefined;
        const invalid = Boolean(errors?.length);
        const errId = `${row.id}-err`;
        return (
          <div key={row.id} className={`sweep-row${invalid ? ' has-error' : ''}`}>
            <div className="sweep-row-main">
              <FieldPathSelect label={`Swept field ${i + 1}`} value={row.path} exclude={used} onChange={(path) => setRow(row.id, { path })} />
              {spec?.options ? (
                <EnumPicker spec={spec} text={row.text} onChange={(text) => setRow(row.id, { text })} invalid={invalid} issueKey={`sweep:${row.path}`} />
              ) : (
                <input
                  className={`input sweep-values${invalid ? ' invalid' : ''}`}
                  aria-label={`Values of ${row.path || `swept field ${i + 1}`}`}
                  aria-invalid={invalid || undefined}
                  aria-describedby={invalid ? errId : undefined}
                  data-issue-key={`sweep:${row.path}`}
                  placeholder={valuesPlaceholder(spec)}
                  value={row.text}
                  disabled={!row.path}
                  spellCheck={false}
                  onChange={(e) => setRow(row.id, { text: e.target.value })}
                />
              )}
              <IconButton icon="trash" label={`Remove swept field ${row.path || i + 1}`} onClick={() => update((s) => ({ ...s, sweep: s.sweep.filter((r) => r.id !== row.id) }))} />
            </div>
            <div className="sweep-row-info">
              {row.path && parsed.ok && parsed.values.length > 0 && (
                <span className="muted small">
                  {plural(parsed.values.length, 'value')}:{' '}
                  {parsed.values.map((v, j) => (
                    <span key={j} className="value-chip">
                      {formatValue(v)}
                    </span>
                  ))}
                </span>
              )}
              {spec && <span className="muted small"> {spec.help}</span>}
            </div>
            {invalid && <FieldErrors errors={errors!} id={errId} />}
          </div>
        );
      })}
      {sweepErrors && <FieldErrors errors={sweepErrors} />}
      <button type="button" className="btn btn-small" onClick={() => update((s) => ({ ...s, sweep: [...s.sweep, { id: newRowId('sweep'), path: '', text: '' }] }))}>
        <Icon name="plus" size={14} /> Add a swept field
      </button>
    </div>
  );
}

/** Checkboxes for the values of an enum field in a sweep. */
function EnumPicker({ spec, text, onChange, invalid, issueKey }: { spec: FieldSpec; text: string; onChange: (text: string) => void; invalid: boolean; issueKey: string }) {
  const parsed = parseSweepValues(spec, text);
  const chosen = parsed.ok ? parsed.values.map(String) : [];
  const toggle = (o: string) => {
    const next = chosen.includes(o) ? chosen.filter((x) => x !== o) : [...chosen, o];
    // Keep the schema's order so runs come out in a predictable order.
    const ordered = (spec.options ?? []).filter((x) => next.includes(x));
    onChange(ordered.join(', '));
  };
  return (
    <div className={`enum-picker${invalid ? ' invalid' : ''}`} role="group" aria-label={`Values of ${spec.path}`} data-issue-key={issueKey}>
      {(spec.options ?? []).map((o) => (
        <label key={o} className={`chip-check${chosen.includes(o) ? ' on' : ''}`}>
          <input type="checkbox" checked={chosen.includes(o)} onChange={() => toggle(o)} />
          {o}
        </label>
      ))}
    </div>
  );
}

function RunBreakdown({ state }: { state: FormState }) {
  const parts: string[] = [];
  for (const row of state.sweep) {
    if (!row.path) continue;
    const parsed = parseSweepValues(FIELD_BY_PATH.get(row.path), row.text);
    parts.push(`${parsed.ok ? parsed.values.length : '?'} ${row.path.split('.').pop()}`);
  }
  if (state.variants.length > 0) parts.push(plural(state.variants.length, 'variant'));
  const seedCount =
    state.seeds.mode === 'range'
      ? Number(state.seeds.count) || '?'
      : Math.max(
          1,
          state.seeds.list
            .split(/[\s,;]+/)
            .map((t) => t.trim())
            .filter(Boolean).length,
        );
  parts.push(`${seedCount} seed${seedCount === 1 ? '' : 's'}`);
  return (
    <div>
      <dt>Made of</dt>
      <dd className="muted">{parts.join(' × ')}</dd>
    </div>
  );
}

// ---------- Variants ----------

function VariantsEditor({ variants, update, byTarget }: { variants: VariantRow[]; update: (fn: (s: FormState) => FormState) => void; byTarget: Map<string, string[]> }) {
  const setVariant = (id: string, fn: (v: VariantRow) => VariantRow) => update((s) => ({ ...s, variants: s.variants.map((v) => (v.id === id ? fn(v) : v)) }));
  const variantErrors = byTarget.get('variants');
  return (
    <div className="variants">
      {variants.length === 0 && <p className="muted">No variants: the base config (with the sweep) is the only design.</p>}
      {variants.map((variant, i) => {
        const nameErrors = byTarget.get(`variant:${i}:name`);
        const otherErrors = byTarget.get(`variant:${i}`);
        const used = new Set(variant.sets.map((s) => s.path).filter(Boolean));
        return (
          <div key={variant.id} className="variant card-inset">
            <div className="variant-head">
              <label className="field">
                <span className="field-label">Variant {i + 1} name</span>
                <input
                  className={`input${nameErrors ? ' invalid' : ''}`}
                  aria-invalid={nameErrors ? true : undefined}
                  data-issue-key={`variant:${i}:name`}
                  value={variant.name}
                  placeholder="e.g. Leaky ReLU"
                  onChange={(e) => setVariant(variant.id, (v) => ({ ...v, name: e.target.value }))}
                />
              </label>
              <IconButton icon="trash" label={`Remove variant ${variant.name || i + 1}`} onClick={() => update((s) => ({ ...s, variants: s.variants.filter((v) => v.id !== variant.id) }))} />
            </div>
            {nameErrors && <FieldErrors errors={nameErrors} />}
            {otherErrors && <FieldErrors errors={otherErrors} />}
            {variant.sets.length === 0 && <p className="muted small">Changes nothing (a baseline).</p>}
            {variant.sets.map((set) => {
              const errors = set.path ? byTarget.get(`variant:${i}:set:${set.path}`) : undefined;
              const spec = FIELD_BY_PATH.get(set.path);
              return (
                <div key={set.id} className="variant-set">
                  <div className="sweep-row-main">
                    <FieldPathSelect
                      label={`Field changed by variant ${i + 1}`}
                      value={set.path}
                      exclude={used}
                      onChange={(path) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, path } : x)) }))}
                    />
                    {spec?.options ? (
                      <select
                        className={`input${errors ? ' invalid' : ''}`}
                        aria-label={`Value of ${set.path}`}
                        data-issue-key={`variant:${i}:set:${set.path}`}
                        value={set.text}
                        onChange={(e) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, text: e.target.value } : x)) }))}
                      >
                        <option value="">choose…</option>
                        {spec.options.map((o) => (
                          <option key={o} value={o}>
                            {o}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        className={`input${errors ? ' invalid' : ''}`}
                        aria-label={`Value of ${set.path || 'the field'}`}
                        aria-invalid={errors ? true : undefined}
                        data-issue-key={`variant:${i}:set:${set.path}`}
                        value={set.text}
                        disabled={!set.path}
                        placeholder={spec?.type === 'boolean' ? 'true or false' : 'value'}
                        onChange={(e) => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.map((x) => (x.id === set.id ? { ...x, text: e.target.value } : x)) }))}
                      />
                    )}
                    <IconButton icon="x" label={`Remove ${set.path || 'this change'}`} onClick={() => setVariant(variant.id, (v) => ({ ...v, sets: v.sets.filter((x) => x.id !== set.id) }))} />
                  </div>
                  {errors && <FieldErrors errors={errors} />}
                </div>
              );
            })}
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setVariant(variant.id, (v) => ({ ...v, sets: [...v.sets, { id: newRowId('set'), path: '', text: '' }] }))}>
              <Icon name="plus" size={14} /> Change a field
            </button>
          </div>
        );
      })}
      {variantErrors && <FieldErrors errors={variantErrors} />}
      <button
        type="button"
        className="btn btn-small"
        onClick={() => update((s) => ({ ...s, variants: [...s.variants, { id: newRowId('variant'), name: s.variants.length === 0 ? 'Baseline' : `Variant ${s.variants.length + 1}`, sets: [] }] }))}
      >
        <Icon name="plus" size={14} /> Add a variant
      </button>
    </div>
  );
}

function FieldErrors({ errors, id }: { errors: string[]; id?: string }) {
  return (
    <div id={id} className="field-error">
      {errors.map((e, j) => (
        <div key={j}>
          <Icon name="alert" size={12} /> {e}
        </div>
      ))}
    </div>
  );
}
