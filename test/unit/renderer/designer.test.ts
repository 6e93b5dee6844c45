/** The Designer's form model against the ONE shared schema: fields, defaults, issue placement, round trips. */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DATASET_KINDS, datasetSchema, getAtPath, modelSchema, parseExperimentConfig, probeSchema, trainingSchema, validateExperiment, type DatasetKind } from '../../../shared/config.js';
import { PRESETS } from '../../../shared/presets.js';
import { FIELDS, FIELD_BY_PATH, fieldApplies, fieldDefault } from '../../../renderer/src/designer/fields.js';
import { blankForm, configToForm, fieldRelevant, formToConfig, parseSweepValues, roughRunCount, type FormState } from '../../../renderer/src/designer/form.js';
import { estimateExperimentSeconds, estimateRunSeconds, parameterCount } from '../../../renderer/src/designer/estimate.js';
import { issueTarget, issuesByTarget } from '../../../renderer/src/designer/issues.js';

function shapeKeys(schema: unknown): string[] {
  return Object.keys((schema as z.ZodObject).shape);
}

/** The leaf fields of an object schema as dotted paths: an optional block of fields (training.schedule) by its fields. */
function leafPaths(schema: unknown, prefix: string): string[] {
  return Object.entries((schema as z.ZodObject).shape).flatMap(([key, field]) => {
    let inner: unknown = field;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault) inner = (inner as z.ZodOptional).unwrap();
    return inner instanceof z.ZodObject ? leafPaths(inner, `${prefix}.${key}`) : [`${prefix}.${key}`];
  });
}

function minimalConfig(kind: DatasetKind): Record<string, unknown> {
  const dataset: Record<string, unknown> = { kind };
  if (kind === 'csv') Object.assign(dataset, { path: 'x.csv', labelColumn: 'y', task: 'classification' });
  return { name: 'x', dataset, model: { hiddenLayers: 1, width: 4 }, training: { learningRate: 0.1, epochs: 1 } };
}

function form(patch: (s: FormState) => void): FormState {
  const s = blankForm();
  patch(s);
  return s;
}

describe('fields', () => {
  it('cover every field of the schema', () => {
    const expected = new Set<string>(['name', 'description']);
    for (const option of (datasetSchema as unknown as { options: unknown[] }).options) for (const k of shapeKeys(option)) expected.add(`dataset.${k}`);
    for (const k of shapeKeys(modelSchema)) expected.add(`model.${k}`);
    for (const path of leafPaths(trainingSchema, 'training')) expected.add(path);
    for (const k of shapeKeys(probeSchema)) expected.add(`probe.${k}`);
    expect(new Set(FIELDS.map((f) => f.path))).toEqual(expected);
  });

  it('list exactly the dataset kinds that have each dataset field', () => {
    for (const option of (datasetSchema as unknown as { options: unknown[] }).options) {
      const keys = shapeKeys(option);
      const kind = ((option as z.ZodObject).shape.kind as unknown as { value: DatasetKind }).value;
      for (const spec of FIELDS.filter((f) => f.path.startsWith('dataset.'))) {
        expect(fieldApplies(spec, kind), `${spec.path} for ${kind}`).toBe(keys.includes(spec.path.slice('dataset.'.length)));
      }
    }
  });

  it('show the schema defaults', () => {
    for (const kind of DATASET_KINDS) {
      const parsed = parseExperimentConfig(minimalConfig(kind));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      for (const spec of FIELDS) {
        if (!fieldApplies(spec, kind)) continue;
        const def = fieldDefault(spec, kind);
        if (def === undefined) continue;
        expect(getAtPath(parsed.config, spec.path), `${spec.path} (${kind})`).toEqual(def);
      }
    }
  });

  it('mark required exactly the fields without default that the schema requires', () => {
    const parsed = parseExperimentConfig({ dataset: { kind: 'csv' }, model: { hiddenLayers: 1, width: 1 }, training: {} });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const required = parsed.issues.filter((i) => i.message === 'is required').map((i) => i.path);
    for (const path of required) expect(FIELD_BY_PATH.get(path)?.required, path).toBe(true);
  });
});

describe('form ⇄ config', () => {
  it('round-trips a task sequence and RAI; an empty task form adds no task sequence', () => {
    const config = {
      name: 'tasks',
      dataset: { kind: 'blobs' },
      model: { hiddenLayers: 1, width: 4, init: 'rai' },
      training: { learningRate: 0.1, epochs: 4, tasks: { kind: 'shifted-inputs', count: 2, epochsPerTask: 2, shift: 0.5 } },
    };
    const { config: back, formIssues } = formToConfig(configToForm(config));
    expect(formIssues).toEqual([]);
    expect(back).toEqual(config);
    expect(validateExperiment(back).ok).toBe(true);
    const blank = formToConfig(blankForm()).config as { training: Record<string, unknown> };
    expect('tasks' in blank.training).toBe(false);
  });

  it('the blank form is a valid config', () => {
    const { config, formIssues } = formToConfig(blankForm());
    expect(formIssues).toEqual([]);
    expect(validateExperiment(config).ok).toBe(true);
  });

  it('round-trips every preset exactly', () => {
    for (const preset of PRESETS) {
      const { config, formIssues } = formToConfig(configToForm(preset.config));
      expect(formIssues).toEqual([]);
      expect(config, preset.name).toEqual(JSON.parse(JSON.stringify(preset.config)));
    }
  });

  it('leaves empty fields out (the schema default applies) and keeps what the user typed when it is not a number', () => {
    const { config } = formToConfig(form((s) => ((s.values['training.batchSize'] = ''), (s.values['training.learningRate'] = 'fast'))));
    expect((config.training as Record<string, unknown>).batchSize).toBeUndefined();
    expect((config.training as Record<string, unknown>).learningRate).toBe('fast');
    const result = validateExperiment(config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(issuesByTarget(result.issues).get('training.learningRate')).toEqual(['must be a number, got "fast"']);
  });

  it('only writes the fields of the chosen data set', () => {
    const { config } = formToConfig(form((s) => ((s.values['dataset.features'] = '8'), (s.values['dataset.kind'] = 'moons'))));
    expect(config.dataset).toEqual({ kind: 'moons' });
  });

  it('keeps parts of a loaded config it has no field for, so the schema reports them', () => {
    const loaded = { ...minimalConfig('blobs'), model: { hiddenLayers: 1, width: 4, dropout: 0.5 }, extra: true };
    const { config } = formToConfig(configToForm(loaded));
    const result = validateExperiment(config);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const where = issuesByTarget(result.issues);
    expect(where.get('general')).toEqual(expect.arrayContaining(['model.dropout: is not a known field', 'extra: is not a known field']));
  });
});

describe('issues land at their field', () => {
  it('as you type: a negative learning rate', () => {
    const { config } = formToConfig(form((s) => (s.values['training.learningRate'] = '-1')));
    const result = validateExperiment(config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(issuesByTarget(result.issues).get('training.learningRate')).toEqual(['must be > 0, got -1']);
  });

  it('sweep values, by row and position', () => {
    const s = form((f) => (f.sweep = [{ id: 'a', path: 'training.learningRate', text: '0.1, -1' }]));
    const result = validateExperiment(formToConfig(s).config);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0].path).toBe('sweep["training.learningRate"][1]');
      expect(issuesByTarget(result.issues).get('sweep:training.learningRate')).toEqual(['value 2: must be > 0, got -1']);
    }
  });

  it('list entries, ranges, seeds, variants', () => {
    expect(issueTarget({ path: 'model.widths[2]', message: 'must be >= 1, got 0' })).toEqual({ key: 'model.widths', message: 'entry 3: must be >= 1, got 0' });
    expect(issueTarget({ path: 'dataset.range[1]', message: 'must be a number, got "x"' })).toEqual({ key: 'dataset.range', message: 'hi: must be a number, got "x"' });
    expect(issueTarget({ path: 'seeds[0]', message: 'must be >= 0, got -3' })).toEqual({ key: 'seeds', message: 'seed 1: must be >= 0, got -3' });
    expect(issueTarget({ path: 'seeds.count', message: 'is required' })).toEqual({ key: 'seeds', message: 'count: is required' });
    expect(issueTarget({ path: 'variants[1].name', message: 'duplicates the name of an earlier variant' }).key).toBe('variant:1:name');
    expect(issueTarget({ path: 'variants[0].set["model.activation"]', message: 'must be one of relu, …' }).key).toBe('variant:0:set:model.activation');
    expect(issueTarget({ path: 'sweep["model.width"]', message: 'must have at least 1 entry, got 0' })).toEqual({ key: 'sweep:model.width', message: 'must have at least 1 entry, got 0' });
    expect(issueTarget({ path: 'sweep["model.width"] → model.widths', message: 'x' })).toEqual({ key: 'sweep:model.width', message: 'model.widths: x' });
    expect(issueTarget({ path: '', message: 'expected an object' }).key).toBe('general');
  });

  it('server-side issues (same shapes) map the same way', () => {
    const s = form((f) => (f.variants = [{ id: 'v', name: 'A', sets: [{ id: 's', path: 'model.activation', text: 'nope' }] }]));
    const result = validateExperiment(formToConfig(s).config);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([...issuesByTarget(result.issues).keys()]).toEqual(['variant:0:set:model.activation']);
  });
});

describe('sweep builder', () => {
  it('parses values per field type', () => {
    expect(parseSweepValues(FIELD_BY_PATH.get('training.learningRate'), '0.001, 1e-2 ,0.1')).toEqual({ ok: true, values: [0.001, 0.01, 0.1] });
    expect(parseSweepValues(FIELD_BY_PATH.get('model.activation'), 'relu elu')).toEqual({ ok: true, values: ['relu', 'elu'] });
    expect(parseSweepValues(FIELD_BY_PATH.get('model.batchNorm'), 'false, true')).toEqual({ ok: true, values: [false, true] });
    expect(parseSweepValues(FIELD_BY_PATH.get('model.widths'), '[[64, 64], [32]]')).toEqual({ ok: true, values: [[64, 64], [32]] });
    expect(parseSweepValues(FIELD_BY_PATH.get('model.widths'), '64, 64').ok).toBe(false);
    expect(parseSweepValues(FIELD_BY_PATH.get('model.width'), '[1, 2').ok).toBe(false);
    expect(parseSweepValues(FIELD_BY_PATH.get('dataset.path'), 'a b.csv, c.csv')).toEqual({ ok: true, values: ['a b.csv', 'c.csv'] });
  });

  it('counts runs like countRuns, even while another field is invalid', () => {
    const s = form((f) => {
      f.sweep = [
        { id: 'a', path: 'model.activation', text: 'relu, elu' },
        { id: 'b', path: 'training.learningRate', text: '0.1, 0.01, 0.001' },
      ];
      f.seeds = { mode: 'range', list: '', from: '1', count: '4' };
    });
    expect(roughRunCount(s)).toBe(24);
    const result = validateExperiment(formToConfig(s).config);
    expect(result.ok && result.runs.length).toBe(24);
    s.values['training.epochs'] = '-5';
    expect(roughRunCount(s)).toBe(24);
  });

  it('reports a field swept twice', () => {
    const s = form((f) => (f.sweep = [
      { id: 'a', path: 'model.width', text: '1, 2' },
      { id: 'b', path: 'model.width', text: '3' },
    ]));
    expect(formToConfig(s).formIssues).toEqual([{ path: 'sweep["model.width"]', message: 'is swept twice: merge the two rows' }]);
  });

  it('shows activation-specific fields only when some run uses that activation', () => {
    const leaky = FIELD_BY_PATH.get('model.leakyAlpha')!;
    expect(fieldRelevant(blankForm(), leaky)).toBe(false);
    expect(fieldRelevant(form((f) => (f.sweep = [{ id: 'a', path: 'model.activation', text: 'relu, leaky_relu' }])), leaky)).toBe(true);
    expect(fieldRelevant(form((f) => (f.values['model.activation'] = 'leaky_relu')), leaky)).toBe(true);
  });
});

describe('duration estimate', () => {
  it('grows with epochs, samples and parameters', () => {
    const run = (patch: (c: Record<string, unknown>) => void) => {
      const c = minimalConfig('blobs');
      patch(c);
      const v = validateExperiment(c);
      if (!v.ok) throw new Error(JSON.stringify(v.issues));
      return v.runs[0];
    };
    const base = run(() => undefined);
    const moreEpochs = run((c) => ((c.training as Record<string, unknown>).epochs = 10));
    const wider = run((c) => ((c.model as Record<string, unknown>).width = 400));
    expect(estimateRunSeconds(moreEpochs)).toBeGreaterThan(estimateRunSeconds(base));
    expect(estimateRunSeconds(wider)).toBeGreaterThan(estimateRunSeconds(base));
    expect(parameterCount(base.config)).toBe(16 * 4 + 4 + 4 * 4 + 4);
    expect(estimateExperimentSeconds([base, base, base, base], 2)).toBeCloseTo(2 * estimateRunSeconds(base));
    expect(estimateExperimentSeconds([], 2)).toBe(0);
  });
});
