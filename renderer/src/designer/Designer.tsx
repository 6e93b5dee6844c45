/**
 * The Designer: a form for every field of the experiment config, validated as you type by the shared
 * schema (validateExperiment), with a sweep builder, variants, presets, and JSON load/save.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, type ConfigIssue } from '../../../shared/api.js';
import { slug } from '../../../shared/slug.js';
import { useAsync, useLab } from '../app/context.js';
import { saveFile } from '../app/lab-actions.js';
import { navigate } from '../app/router.js';
import { plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { Spinner } from '../ui/Spinner.js';
import { useStoredState } from '../ui/useStoredState.js';
import { analyzeDesign } from './analysis.js';
import { DesignerSummary } from './DesignerSummary.js';
import { DivergenceNote } from './DivergenceNote.js';
import { hasDivergenceNote } from './divergence.js';
import { parameterCount } from './estimate.js';
import { DATASET_KIND_HELP, GROUP_TITLES } from './fields.js';
import { FieldGrid } from './FieldGrid.js';
import { blankForm, configToForm, datasetKind, type FieldValue, type FormState } from './form.js';
import { issuesByTarget } from './issues.js';
import { Section } from './Section.js';
import { SeedsEditor } from './SeedsEditor.js';
import { copyName, DRAFT_KEY, readConfigText, readDraft } from './source.js';
import { StartFrom } from './StartFrom.js';
import { SweepEditor } from './SweepEditor.js';
import { useDivergenceCheck } from './useDivergenceCheck.js';
import { VariantsEditor } from './VariantsEditor.js';

export function Designer({ source, params, workers }: { source: string; params: URLSearchParams; workers: number }) {
  const lab = useLab();
  const { client, toast } = lab;
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
  const analysis = useMemo(() => (deferred ? analyzeDesign(deferred) : null), [deferred]);

  const divergence = useDivergenceCheck(client, analysis && analysis.validation.ok && analysis.issues.length === 0 ? analysis.config : null);
  const allIssues = useMemo(
    () => [...(analysis?.issues ?? []), ...(serverIssues ?? (divergence.status === 'invalid' ? divergence.issues : []))],
    [analysis, serverIssues, divergence],
  );
  const fieldNotes = useMemo(() => {
    const notes = new Map<string, ReactNode>();
    if (hasDivergenceNote(divergence)) notes.set('training.learningRate', <DivergenceNote state={divergence} />);
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
  const params0 = analysis.validation.ok ? parameterCount(analysis.validation.runs[0]?.config ?? analysis.validation.config) : null;
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
      const read = readConfigText(file.name, await file.text());
      if ('error' in read) setLoadError(read.error);
      else load(configToForm(read.config), file.name);
    } catch (err) {
      setLoadError(`Could not read ${file.name}: ${(err as Error).message}`);
    }
  };

  const save = async () => {
    const name = typeof state.values.name === 'string' ? state.values.name : '';
    try {
      await saveFile(lab, { suggestedName: `${slug(name)}.json`, mimeType: 'application/json', data: `${JSON.stringify(analysis.config, null, 2)}\n` });
    } catch (err) {
      toast(`Could not save: ${(err as Error).message}`, 'error');
    }
  };

  const start = async () => {
    const { config, validation: check } = analyzeDesign(state);
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

        <DesignerSummary
          state={state}
          analysis={analysis}
          issues={allIssues}
          byTarget={byTarget}
          showAll={showAll}
          workers={workers}
          stale={stale}
          starting={starting}
          startError={startError}
          onStart={() => void start()}
        />
      </div>
    </div>
  );
}
