/**
 * The Designer's form model: what the user typed (text per field, so half-typed values survive),
 * how it becomes the config JSON the CLI accepts, how a config is loaded back into the form, and which
 * fields matter for the design and how many runs it makes. Pure TypeScript, no React. Where issues
 * are shown: issues.ts; what a design costs: estimate.ts.
 */
import { DATASET_KINDS, type ConfigIssue, type DatasetKind } from '../../../shared/config.js';
import { plural } from '../ui/format.js';
import { FIELDS, FIELD_BY_PATH, fieldApplies, type FieldSpec } from './fields.js';

export type FieldValue = string | boolean | [string, string];

export interface SweepRow {
  id: string;
  /** Field path being swept ('' while not chosen). */
  path: string;
  /** The values as typed: "0.001, 0.01, 0.1" or a JSON list. */
  text: string;
}

export interface VariantSet {
  id: string;
  path: string;
  text: string;
}

export interface VariantRow {
  id: string;
  name: string;
  sets: VariantSet[];
}

export interface SeedsState {
  mode: 'list' | 'range';
  list: string;
  from: string;
  count: string;
}

export interface FormState {
  /** Per field path: text as typed, a boolean for checkboxes, [lo, hi] for ranges. Missing / '' = not set. */
  values: Record<string, FieldValue>;
  seeds: SeedsState;
  sweep: SweepRow[];
  variants: VariantRow[];
  /** Parts of a loaded config the form has no field for (kept so the schema reports them). */
  extra: Record<string, unknown>;
}

let nextId = 1;
export function newRowId(prefix = 'row'): string {
  nextId += 1;
  return `${prefix}-${nextId}-${Math.random().toString(36).slice(2, 7)}`;
}

/** A sensible blank design: small, fast, ReLU. */
export function blankForm(): FormState {
  return {
    values: {
      name: 'New experiment',
      'dataset.kind': 'blobs',
      'model.hiddenLayers': '4',
      'model.width': '64',
      'model.activation': 'relu',
      'model.init': 'he_normal',
      'model.batchNorm': false,
      'training.optimizer': 'sgd',
      'training.learningRate': '0.01',
      'training.epochs': '10',
    },
    seeds: { mode: 'list', list: '1', from: '1', count: '3' },
    sweep: [],
    variants: [],
    extra: {},
  };
}

export function datasetKind(state: FormState): DatasetKind {
  const kind = state.values['dataset.kind'];
  return typeof kind === 'string' && (DATASET_KINDS as readonly string[]).includes(kind) ? (kind as DatasetKind) : 'blobs';
}

// ---------- Text → value, per field type ----------

const NUMBER_TEXT = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** A number when the text is one; otherwise the text itself, so the schema reports what was typed. */
export function parseNumberText(text: string): number | string {
  const t = text.trim().replace(/\u2212/g, '-');
  return NUMBER_TEXT.test(t) ? Number(t) : t;
}

function parseList(text: string): unknown[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter(Boolean)
    .map(parseNumberText);
}

/** One value of a field, from text (used by variants and by each token of a sweep). */
export function parseValue(spec: FieldSpec | undefined, text: string): unknown {
  const t = text.trim();
  if (!spec) return parseLoose(t);
  switch (spec.type) {
    case 'int':
    case 'number':
      return parseNumberText(t);
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : t;
    case 'column':
      return /^\d+$/.test(t) ? Number(t) : t;
    case 'intList':
    case 'range':
      if (t.startsWith('[')) return parseLoose(t);
      return parseList(t);
    default:
      return t;
  }
}

/** JSON when it parses, else the text. */
function parseLoose(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export type SweepParse = { ok: true; values: unknown[] } | { ok: false; error: string };

/**
 * The values of a sweep row: a JSON list (`[[64, 64], [128, 128]]`), or comma-separated values
 * read per the field's type (`0.001, 0.01` or `relu, elu`).
 */
export function parseSweepValues(spec: FieldSpec | undefined, text: string): SweepParse {
  const t = text.trim();
  if (t === '') return { ok: true, values: [] };
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (!Array.isArray(parsed)) return { ok: false, error: 'must be a JSON list of values' };
      return { ok: true, values: parsed };
    } catch (err) {
      return { ok: false, error: `is not valid JSON (${(err as Error).message})` };
    }
  }
  if (spec && (spec.type === 'intList' || spec.type === 'range')) {
    return { ok: false, error: 'each value is a list: write them as JSON, e.g. [[64, 64], [128, 128]]' };
  }
  const separator = spec && (spec.type === 'string' || spec.type === 'text' || spec.type === 'column') ? /,/ : /[\s,;]+/;
  const tokens = t.split(separator).map((s) => s.trim()).filter(Boolean);
  return { ok: true, values: tokens.map((token) => parseValue(spec, token)) };
}

// ---------- Form → config ----------

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cur = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[parts[i]] = {};
    cur = cur[parts[i]] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** The value a field contributes to the config, or undefined when it is not set. */
export function fieldConfigValue(spec: FieldSpec, value: FieldValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (spec.type === 'boolean') return typeof value === 'boolean' ? value : undefined;
  if (spec.type === 'range') {
    if (!Array.isArray(value)) return undefined;
    const [lo, hi] = value;
    if (lo.trim() === '' && hi.trim() === '') return undefined;
    return [lo.trim() === '' ? null : parseNumberText(lo), hi.trim() === '' ? null : parseNumberText(hi)];
  }
  if (typeof value !== 'string') return undefined;
  if (spec.type === 'text') return value === '' ? undefined : value;
  if (value.trim() === '') return undefined;
  switch (spec.type) {
    case 'int':
    case 'number':
      return parseNumberText(value);
    case 'intList':
      return value.trim().startsWith('[') ? parseLoose(value.trim()) : parseList(value);
    case 'column':
      return parseValue(spec, value);
    case 'string':
      return spec.path === 'name' ? value : value.trim();
    default:
      return value;
  }
}

function deepMerge(base: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const cur = out[key];
    if (cur && typeof cur === 'object' && !Array.isArray(cur) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = deepMerge(cur as Record<string, unknown>, value as Record<string, unknown>);
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

/** Problems the form itself finds before the schema can (a sweep typed as broken JSON, a field swept twice). */
export type FormIssue = ConfigIssue;

/** The raw config (as the CLI's JSON file) the form describes, plus problems only the form can see. */
export function formToConfig(state: FormState): { config: Record<string, unknown>; formIssues: FormIssue[] } {
  const config: Record<string, unknown> = {};
  const formIssues: FormIssue[] = [];
  const kind = datasetKind(state);
  for (const spec of FIELDS) {
    if (spec.group === 'data' && !fieldApplies(spec, kind)) continue;
    const value = fieldConfigValue(spec, state.values[spec.path]);
    if (value !== undefined) setPath(config, spec.path, value);
  }
  if (!config.dataset) config.dataset = { kind };
  if (!config.model) config.model = {};
  if (!config.training) config.training = {};

  const seeds = state.seeds;
  if (seeds.mode === 'range') {
    config.seeds = {
      from: seeds.from.trim() === '' ? undefined : parseNumberText(seeds.from),
      count: seeds.count.trim() === '' ? undefined : parseNumberText(seeds.count),
    };
  } else if (seeds.list.trim() !== '') {
    config.seeds = parseList(seeds.list);
  }

  const sweep: Record<string, unknown[]> = {};
  for (const row of state.sweep) {
    if (!row.path) continue;
    const key = `sweep[${JSON.stringify(row.path)}]`;
    if (row.path in sweep) {
      formIssues.push({ path: key, message: 'is swept twice: merge the two rows' });
      continue;
    }
    const parsed = parseSweepValues(FIELD_BY_PATH.get(row.path), row.text);
    if (!parsed.ok) {
      formIssues.push({ path: key, message: parsed.error });
      sweep[row.path] = [];
      continue;
    }
    sweep[row.path] = parsed.values;
  }
  if (Object.keys(sweep).length > 0) config.sweep = sweep;

  if (state.variants.length > 0) {
    config.variants = state.variants.map((variant, i) => {
      const set: Record<string, unknown> = {};
      for (const s of variant.sets) {
        if (!s.path) continue;
        if (s.path in set) {
          formIssues.push({ path: `variants[${i}].set[${JSON.stringify(s.path)}]`, message: 'is set twice in this variant' });
          continue;
        }
        set[s.path] = parseValue(FIELD_BY_PATH.get(s.path), s.text);
      }
      return { name: variant.name, set };
    });
  }

  return { config: deepMerge(config, state.extra), formIssues };
}

// ---------- Config → form ----------

function toText(spec: FieldSpec, value: unknown): FieldValue {
  if (spec.type === 'boolean') return typeof value === 'boolean' ? value : String(value);
  if (spec.type === 'range') {
    if (Array.isArray(value)) return [value[0] === undefined || value[0] === null ? '' : String(value[0]), value[1] === undefined || value[1] === null ? '' : String(value[1])];
    return ['', ''];
  }
  if (spec.type === 'intList') return Array.isArray(value) && value.every((v) => typeof v === 'number') ? value.join(', ') : JSON.stringify(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Text for a value shown in a sweep or variant row. */
export function valueToText(spec: FieldSpec | undefined, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  void spec;
  return JSON.stringify(value);
}

export function sweepValuesToText(spec: FieldSpec | undefined, values: unknown[]): string {
  const simple = values.every((v) => typeof v === 'number' || typeof v === 'boolean' || (typeof v === 'string' && !/[,\s[\]]/.test(v) && v !== ''));
  if (simple && !(spec && (spec.type === 'intList' || spec.type === 'range'))) return values.map((v) => String(v)).join(', ');
  return JSON.stringify(values);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Loads a config (a preset, an earlier experiment, a JSON file) into the form. Nothing is lost: unknown parts go to `extra`. */
export function configToForm(input: unknown): FormState {
  const state: FormState = {
    values: {},
    seeds: { mode: 'list', list: '', from: '1', count: '3' },
    sweep: [],
    variants: [],
    extra: {},
  };
  if (!isPlainObject(input)) {
    state.extra = {};
    return state;
  }
  const known = new Set(FIELDS.map((f) => f.path));
  const walk = (obj: Record<string, unknown>, prefix: string, extraTarget: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(obj)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!prefix && (key === 'seeds' || key === 'sweep' || key === 'variants')) continue;
      const spec = FIELD_BY_PATH.get(path);
      if (spec) {
        state.values[path] = toText(spec, value);
      } else if (isPlainObject(value) && [...known].some((p) => p.startsWith(`${path}.`))) {
        const sub: Record<string, unknown> = {};
        walk(value, path, sub);
        if (Object.keys(sub).length > 0) extraTarget[key] = sub;
      } else {
        extraTarget[key] = value;
      }
    }
  };
  walk(input, '', state.extra);

  const seeds = input.seeds;
  if (Array.isArray(seeds)) state.seeds = { mode: 'list', list: seeds.map((s) => (typeof s === 'number' ? String(s) : JSON.stringify(s))).join(', '), from: '1', count: String(seeds.length || 3) };
  else if (isPlainObject(seeds)) state.seeds = { mode: 'range', list: '', from: seeds.from === undefined ? '' : String(seeds.from), count: seeds.count === undefined ? '' : String(seeds.count) };
  else if (seeds !== undefined) state.extra.seeds = seeds;

  if (isPlainObject(input.sweep)) {
    for (const [path, values] of Object.entries(input.sweep)) {
      const spec = FIELD_BY_PATH.get(path);
      state.sweep.push({ id: newRowId('sweep'), path, text: Array.isArray(values) ? sweepValuesToText(spec, values) : JSON.stringify(values) });
    }
  } else if (input.sweep !== undefined) state.extra.sweep = input.sweep;

  if (Array.isArray(input.variants)) {
    state.variants = input.variants.map((v) => {
      const variant = isPlainObject(v) ? v : {};
      const set = isPlainObject(variant.set) ? variant.set : {};
      return {
        id: newRowId('variant'),
        name: typeof variant.name === 'string' ? variant.name : '',
        sets: Object.entries(set).map(([path, value]) => ({ id: newRowId('set'), path, text: valueToText(FIELD_BY_PATH.get(path), value) })),
      };
    });
  } else if (input.variants !== undefined) state.extra.variants = input.variants;

  if (state.values['dataset.kind'] === undefined) state.values['dataset.kind'] = 'blobs';
  return state;
}

/** Every value a field takes in the design: the base value (or its default), its sweep values, variant settings. */
export function valuesOf(state: FormState, path: string): unknown[] {
  const spec = FIELD_BY_PATH.get(path);
  const out: unknown[] = [];
  const base = spec ? fieldConfigValue(spec, state.values[path]) : undefined;
  out.push(base !== undefined ? base : spec?.defaultValue);
  for (const row of state.sweep) {
    if (row.path !== path) continue;
    const parsed = parseSweepValues(spec, row.text);
    if (parsed.ok) out.push(...parsed.values);
  }
  for (const v of state.variants) for (const s of v.sets) if (s.path === path) out.push(parseValue(spec, s.text));
  return out;
}

/** Whether a field matters for this design (e.g. Leaky α only when some run uses leaky_relu). */
export function fieldRelevant(state: FormState, spec: FieldSpec): boolean {
  if (!spec.dependsOn) return true;
  const v = state.values[spec.path];
  if (v !== undefined && v !== '') return true;
  if (state.sweep.some((r) => r.path === spec.path) || state.variants.some((x) => x.sets.some((s) => s.path === spec.path))) return true;
  const wanted = spec.dependsOn.values;
  return valuesOf(state, spec.dependsOn.path).some((x) => (typeof x === 'string' || typeof x === 'boolean') && wanted.includes(String(x)));
}

/** The number of runs the form would create, even while other fields are invalid (null when unknown). */
export function roughRunCount(state: FormState): number | null {
  let n = 1;
  const seen = new Set<string>();
  for (const row of state.sweep) {
    if (!row.path || seen.has(row.path)) continue;
    seen.add(row.path);
    const parsed = parseSweepValues(FIELD_BY_PATH.get(row.path), row.text);
    if (!parsed.ok) return null;
    n *= parsed.values.length;
  }
  n *= Math.max(1, state.variants.length);
  if (state.seeds.mode === 'range') {
    const count = Number(state.seeds.count);
    if (!Number.isInteger(count) || count < 1) return null;
    n *= count;
  } else {
    n *= Math.max(1, parseList(state.seeds.list).length);
  }
  return n;
}

/** What the run count is made of: "3 activation × 2 variants × 5 seeds" (a "?" where a part cannot be read yet). */
export function runBreakdown(state: FormState): string {
  const parts: string[] = [];
  for (const row of state.sweep) {
    if (!row.path) continue;
    const parsed = parseSweepValues(FIELD_BY_PATH.get(row.path), row.text);
    parts.push(`${parsed.ok ? parsed.values.length : '?'} ${row.path.split('.').pop()}`);
  }
  if (state.variants.length > 0) parts.push(plural(state.variants.length, 'variant'));
  const seedCount = state.seeds.mode === 'range' ? Number(state.seeds.count) || '?' : Math.max(1, parseList(state.seeds.list).length);
  parts.push(`${seedCount} seed${seedCount === 1 ? '' : 's'}`);
  return parts.join(' × ');
}
