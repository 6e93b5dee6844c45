/** The Designer's pure parts around the form: sources and drafts, config files, the summary panel's texts, the divergence check's key and findings. */
import { describe, expect, it } from 'vitest';
import type { DivergenceCheck, DivergenceSetupResult } from '../../../shared/api.js';
import { datasetShape, estimateRunMemory } from '../../../shared/resources.js';
import { validateExperiment } from '../../../shared/config.js';
import { analyzeDesign } from '../../../renderer/src/designer/analysis.js';
import { divergenceFindings, divergenceKey, hasDivergenceNote } from '../../../renderer/src/designer/divergence.js';
import { largestRunMemory } from '../../../renderer/src/designer/estimate.js';
import { FIELD_BY_PATH, valuesPlaceholder } from '../../../renderer/src/designer/fields.js';
import { blankForm, runBreakdown, type FormState } from '../../../renderer/src/designer/form.js';
import { isShownKey, issuesByTarget, otherProblems } from '../../../renderer/src/designer/issues.js';
import { copyName, designerSource, readConfigText, readDraft } from '../../../renderer/src/designer/source.js';

function form(patch: (f: FormState) => void = () => undefined): FormState {
  const f = blankForm();
  patch(f);
  return f;
}

describe('what the Designer opens on', () => {
  it('one source per way in, so each keeps its own draft', () => {
    expect(designerSource(new URLSearchParams('from=12'))).toBe('from=12');
    expect(designerSource(new URLSearchParams('preset=mitigations&new=5'))).toBe('preset=mitigations');
    expect(designerSource(new URLSearchParams('import=17'))).toBe('import=17');
    expect(designerSource(new URLSearchParams(''))).toBe('');
  });

  it('reads a stored draft back only when it has a source and a form', () => {
    const state = blankForm();
    expect(readDraft({ source: 'from=1', state })).toEqual({ source: 'from=1', state });
    expect(readDraft(null)).toBeNull();
    expect(readDraft({ source: 'from=1' })).toBeNull();
    expect(readDraft({ state })).toBeNull();
    expect(readDraft('from=1')).toBeNull();
  });

  it('loads a config file only when it holds a JSON object, and says why not', () => {
    expect(readConfigText('a.json', '{"name": "x"}')).toEqual({ config: { name: 'x' } });
    expect(readConfigText('a.json', '{"name":')).toEqual({ error: expect.stringMatching(/^a\.json is not valid JSON: /) });
    expect(readConfigText('a.json', '[1, 2]')).toEqual({ error: 'a.json does not hold an experiment config (expected a JSON object).' });
    expect(readConfigText('a.json', 'null')).toEqual({ error: 'a.json does not hold an experiment config (expected a JSON object).' });
  });

  it('names a copy so that it does not collide', () => {
    expect(copyName('Large LR (copy)', ['Large LR (copy)'])).toBe('Large LR (copy 2)');
  });
});

describe('the summary panel', () => {
  it('says what the run count is made of, with "?" where a part cannot be read yet', () => {
    expect(runBreakdown(blankForm())).toBe('1 seed');
    const s = form((f) => {
      f.sweep = [
        { id: 'a', path: 'model.activation', text: 'relu, elu' },
        { id: 'b', path: 'model.widths', text: '[1, 2' },
        { id: 'c', path: '', text: '' },
      ];
      f.variants = [{ id: 'v', name: 'A', sets: [] }];
      f.seeds = { mode: 'list', list: '1, 2;3', from: '', count: '' };
    });
    expect(runBreakdown(s)).toBe('2 activation × ? widths × 1 variant × 3 seeds');
    expect(runBreakdown(form((f) => (f.seeds = { mode: 'range', list: '', from: '0', count: 'x' })))).toBe('? seeds');
  });

  it('analyses the design with the shared schema: config, issues, runs', () => {
    const ok = analyzeDesign(blankForm());
    expect(ok.validation.ok).toBe(true);
    expect(ok.issues).toEqual([]);
    expect(ok).toMatchObject({ runs: 1, exactRuns: true });
    const bad = analyzeDesign(form((f) => (f.values['training.learningRate'] = '-1')));
    expect(bad.issues).toEqual([{ path: 'training.learningRate', message: 'must be > 0, got -1' }]);
    expect(bad).toMatchObject({ runs: 1, exactRuns: false });
  });

  it('lists problems that have no field on screen, the others stay at their fields', () => {
    const s = form((f) => (f.values['model.activation'] = 'relu'));
    const byTarget = issuesByTarget([
      { path: '', message: 'expected an object' },
      { path: 'model.leakyAlpha', message: 'must be > 0, got -1' },
      { path: 'sweep["model.width"][0]', message: 'must be >= 1, got 0' },
      { path: 'training.learningRate', message: 'must be > 0, got -1' },
    ]);
    // Leaky α does not apply without leaky_relu (unless every field is shown); no sweep row holds model.width.
    expect(isShownKey('model.leakyAlpha', s, false)).toBe(false);
    expect(isShownKey('model.leakyAlpha', s, true)).toBe(true);
    expect(isShownKey('training.learningRate', s, false)).toBe(true);
    expect(otherProblems(byTarget, s, false)).toEqual(['expected an object', 'model.leakyAlpha: must be > 0, got -1', 'sweep model.width: value 1: must be >= 1, got 0']);
    expect(otherProblems(byTarget, s, true)).toEqual(['expected an object', 'sweep model.width: value 1: must be >= 1, got 0']);
  });

  it('memory: the largest run, unknown while a data set is only known from its file', () => {
    const v = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 1, width: 8 }, training: { learningRate: 0.1, epochs: 1 }, sweep: { 'model.width': [8, 512] } });
    if (!v.ok) throw new Error('bad config');
    const wide = v.runs.find((r) => r.config.model.width === 512)!;
    expect(largestRunMemory(v.runs)).toBe(estimateRunMemory(wide.config, datasetShape(wide.config.dataset)!).total);
    expect(largestRunMemory([])).toBeNull();
    const csv = validateExperiment({ name: 'c', dataset: { kind: 'csv', path: 'x.csv', labelColumn: 'y', task: 'classification' }, model: { hiddenLayers: 1, width: 4 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!csv.ok) throw new Error('bad config');
    expect(largestRunMemory(csv.runs)).toBeNull();
  });

  it('suggests sweep values by field type', () => {
    expect(valuesPlaceholder(FIELD_BY_PATH.get('training.learningRate'))).toBe('e.g. 0.001, 0.01, 0.1');
    expect(valuesPlaceholder(FIELD_BY_PATH.get('model.batchNorm'))).toBe('false, true');
    expect(valuesPlaceholder(undefined)).toBe('values, comma-separated');
  });
});

describe('the divergence quick check', () => {
  it('asks about what can change the answer only: name, description, epochs, probe and seeds do not', () => {
    const config = { name: 'a', description: 'd', dataset: { kind: 'blobs' }, model: { width: 4 }, training: { learningRate: 0.5, epochs: 30 }, probe: { samples: 64 }, seeds: [1, 2] };
    const key = divergenceKey(config);
    expect(JSON.parse(key)).toEqual({ name: 'divergence check', dataset: { kind: 'blobs' }, model: { width: 4 }, training: { learningRate: 0.5, epochs: 1 } });
    expect(divergenceKey({ ...config, name: 'b', seeds: [3], training: { learningRate: 0.5, epochs: 2 }, probe: {} })).toBe(key);
    expect(divergenceKey({ ...config, training: { learningRate: 0.05, epochs: 30 } })).not.toBe(key);
  });

  it('the learning-rate field speaks while checking, after an answer or a failure; issues go to their fields', () => {
    expect(hasDivergenceNote({ status: 'idle' })).toBe(false);
    expect(hasDivergenceNote({ status: 'invalid', issues: [] })).toBe(false);
    expect(hasDivergenceNote({ status: 'checking' })).toBe(true);
    expect(hasDivergenceNote({ status: 'error', message: 'x' })).toBe(true);
  });

  it('words what the trials found', () => {
    const setup = (diverged: number, message: string): DivergenceSetupResult => ({ label: '', learningRate: 0.5, init: 'he_normal', optimizer: 'sgd', trials: 3, diverged, steps: 200, firstDivergedStep: diverged ? 6 : null, message });
    const check = (setups: DivergenceSetupResult[], unchecked = 0): DivergenceCheck => ({ setups, unchecked, trialsPerSetup: 3, steps: 200, samples: 512, seconds: 1 });
    const hot = setup(3, '3 of 3 quick trials at lr 0.5 with he_normal diverged within 200 steps (the first at step 6)');
    expect(divergenceFindings(check([hot, setup(0, 'none of 3 …')], 2))).toEqual({
      diverging: [hot.message],
      calm: 'none of 6 quick trials (2 setups) diverged within 200 steps',
      basis: 'Short trials of 200 steps on 512 training rows: an estimate, not a rule.',
      unchecked: ' 2 setups not checked (time or setup limit).',
    });
    expect(divergenceFindings(check([setup(0, 'none of 3 quick trials at lr 0.01 diverged within 200 steps')]))).toMatchObject({
      diverging: [],
      calm: 'none of 3 quick trials at lr 0.01 diverged within 200 steps',
      unchecked: '',
    });
  });
});
