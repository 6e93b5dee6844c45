/**
 * The comparison spec in the page address and back: #/compare?exp=1,2&runs=3&group=variant&band=se…
 * Only what differs from the defaults is written, so addresses stay short; an address that cannot be
 * read entirely still opens what it can (pure, no DOM).
 */
import { BAND_KINDS, comparisonSpecSchema, DIVERGED_RUNS, type BandKind, type ComparisonSpec, type ComparisonSpecInput } from '../../../shared/compare.js';

export const DEFAULT_SPEC: ComparisonSpec = comparisonSpecSchema.parse({});

/** What the compare address holds: the spec, plus the name of the saved comparison it was opened from. */
export interface CompareAddress {
  spec: ComparisonSpec;
  /** Name of the saved comparison this is (shown in the header, proposed when saving). */
  saved: string | null;
  /** Parameters that could not be read (ignored, the rest still applies). */
  warnings: string[];
}

const BAND_PARAM: Record<BandKind, string> = { none: 'none', std: 'std', se: 'se', ci95: 'ci95' };

function idList(ids: readonly number[]): string {
  return [...ids].join(',');
}

/**
 * URL parameters of a spec: only what differs from the defaults, so addresses stay short. Layers are
 * 1-based in the address (`layer=2` is the second hidden layer), as in the CLI.
 */
export function specToParams(input: ComparisonSpecInput, saved: string | null = null): URLSearchParams {
  const spec = comparisonSpecSchema.parse(input);
  const p = new URLSearchParams();
  if (spec.experimentIds.length > 0) p.set('exp', idList(spec.experimentIds));
  if (spec.runIds.length > 0) p.set('runs', idList(spec.runIds));
  for (const field of spec.groupBy) p.append('group', field);
  if (spec.band !== DEFAULT_SPEC.band) p.set('band', BAND_PARAM[spec.band]);
  if (spec.showRuns) p.set('showRuns', '1');
  if (spec.layer !== DEFAULT_SPEC.layer) p.set('layer', typeof spec.layer === 'number' ? String(spec.layer + 1) : spec.layer);
  if (spec.xAxis !== DEFAULT_SPEC.xAxis) p.set('x', spec.xAxis);
  if (spec.logX) p.set('logX', '1');
  if (spec.logY) p.set('logY', '1');
  if (spec.smoothing !== 0) p.set('smooth', String(spec.smoothing));
  if (spec.atEpoch !== null) p.set('at', String(spec.atEpoch));
  if (spec.focusGroup !== null) p.set('focus', spec.focusGroup);
  if (spec.divergedRuns !== DEFAULT_SPEC.divergedRuns) p.set('diverged', spec.divergedRuns);
  for (const key of spec.hiddenGroups) p.append('hide', key);
  const names = Object.entries(spec.groupNames).filter(([, v]) => v.trim() !== '');
  if (names.length > 0) p.set('names', JSON.stringify(Object.fromEntries(names)));
  if (saved !== null && saved !== '') p.set('saved', saved);
  return p;
}

/** The hash of the compare view showing `spec`. */
export function compareHref(spec: ComparisonSpecInput, saved: string | null = null): string {
  const q = specToParams(spec, saved).toString();
  return q ? `#/compare?${q}` : '#/compare';
}

function parseIds(text: string): number[] | null {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return [];
  if (!parts.every((s) => /^\d+$/.test(s) && Number(s) > 0 && Number.isSafeInteger(Number(s)))) return null;
  return [...new Set(parts.map(Number))];
}

function flag(text: string | null): boolean | null {
  if (text === null) return null;
  if (text === '1' || text === 'true' || text === '') return true;
  if (text === '0' || text === 'false') return false;
  return null;
}

/**
 * Reads a spec from the compare view's parameters. Unreadable parameters are ignored one by one
 * (with a warning), so a hand-edited or old address still opens what it can.
 */
export function paramsToSpec(params: URLSearchParams): CompareAddress {
  const warnings: string[] = [];
  const input: Record<string, unknown> = {};
  const bad = (name: string, value: string, why: string) => warnings.push(`Ignored ${name}=${value}: ${why}`);

  const exp = params.get('exp');
  if (exp !== null) {
    const ids = parseIds(exp);
    if (ids === null) bad('exp', exp, 'expected experiment ids such as 1,2');
    else input.experimentIds = ids;
  }
  const runs = params.get('runs');
  if (runs !== null) {
    const ids = parseIds(runs);
    if (ids === null) bad('runs', runs, 'expected run ids such as 3,4');
    else input.runIds = ids;
  }
  const groups = params.getAll('group').filter((g) => g.trim() !== '');
  if (groups.length > 0) input.groupBy = [...new Set(groups)];
  const band = params.get('band');
  if (band !== null) {
    if ((BAND_KINDS as readonly string[]).includes(band)) input.band = band;
    else bad('band', band, `expected one of ${BAND_KINDS.join(', ')}`);
  }
  for (const [name, key] of [
    ['showRuns', 'showRuns'],
    ['logX', 'logX'],
    ['logY', 'logY'],
  ] as const) {
    const raw = params.get(name);
    if (raw === null) continue;
    const v = flag(raw);
    if (v === null) bad(name, raw, 'expected 1 or 0');
    else input[key] = v;
  }
  const layer = params.get('layer');
  if (layer !== null) {
    if (layer === 'mean' || layer === 'all') input.layer = layer;
    else if (/^\d+$/.test(layer) && Number(layer) >= 1) input.layer = Number(layer) - 1;
    else bad('layer', layer, 'expected mean, all or a layer number from 1');
  }
  const x = params.get('x');
  if (x !== null) {
    if (x === 'epoch' || x === 'time') input.xAxis = x;
    else bad('x', x, 'expected epoch or time');
  }
  const smooth = params.get('smooth');
  if (smooth !== null) {
    const v = Number(smooth);
    if (smooth.trim() !== '' && Number.isFinite(v) && v >= 0 && v < 1) input.smoothing = v;
    else bad('smooth', smooth, 'expected a number in [0, 1)');
  }
  const at = params.get('at');
  if (at !== null) {
    if (/^\d+$/.test(at)) input.atEpoch = Number(at);
    else bad('at', at, 'expected an epoch number');
  }
  const focus = params.get('focus');
  if (focus !== null && focus !== '') input.focusGroup = focus;
  const diverged = params.get('diverged');
  if (diverged !== null) {
    if ((DIVERGED_RUNS as readonly string[]).includes(diverged)) input.divergedRuns = diverged;
    else bad('diverged', diverged, `expected one of ${DIVERGED_RUNS.join(', ')}`);
  }
  const hidden = params.getAll('hide').filter((k) => k !== '');
  if (hidden.length > 0) input.hiddenGroups = [...new Set(hidden)];
  const names = params.get('names');
  if (names !== null) {
    try {
      const parsed: unknown = JSON.parse(names);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      input.groupNames = parsed;
    } catch {
      bad('names', names, 'expected a JSON object of group names');
    }
  }

  // The shared schema has the last word (limits, types): drop what it refuses, field by field.
  for (let attempt = 0; attempt < 20; attempt++) {
    const result = comparisonSpecSchema.safeParse(input);
    if (result.success) {
      const saved = params.get('saved');
      return { spec: result.data, saved: saved && saved.trim() !== '' ? saved : null, warnings };
    }
    const keys = new Set(result.error.issues.map((i) => String(i.path[0] ?? '')));
    for (const key of keys) {
      const issue = result.error.issues.find((i) => String(i.path[0] ?? '') === key)!;
      warnings.push(`Ignored ${key}: ${issue.message}`);
      delete input[key];
    }
    if (keys.has('')) break;
  }
  return { spec: DEFAULT_SPEC, saved: null, warnings };
}

/** Whether the spec names anything to compare. */
export function hasSelection(spec: Pick<ComparisonSpec, 'runIds' | 'experimentIds'>): boolean {
  return spec.runIds.length > 0 || spec.experimentIds.length > 0;
}

/** Same spec with the patch applied; settings that no longer make sense are reset. */
export function patchSpec(spec: ComparisonSpec, patch: Partial<ComparisonSpec>): ComparisonSpec {
  const next = { ...spec, ...patch };
  // Grouping changes the groups: names and the focus keyed by old group keys would point at nothing.
  if (patch.groupBy !== undefined && patch.groupBy.join('\n') !== spec.groupBy.join('\n')) {
    if (patch.focusGroup === undefined) next.focusGroup = null;
  }
  return comparisonSpecSchema.parse(next);
}

/** The patch that hides a group from the charts, or shows it again. */
export function toggleHidden(spec: Pick<ComparisonSpec, 'hiddenGroups'>, key: string): Pick<ComparisonSpec, 'hiddenGroups'> {
  return { hiddenGroups: spec.hiddenGroups.includes(key) ? spec.hiddenGroups.filter((k) => k !== key) : [...spec.hiddenGroups, key] };
}
