/**
 * Where the schema's issues (as you type, or from the lab) are shown in the Designer: at a field, a
 * sweep row, a variant, the seeds, or in the list of other problems (pure).
 */
import type { ConfigIssue } from '../../../shared/config.js';
import { FIELDS, FIELD_BY_PATH, fieldApplies, type FieldSpec } from './fields.js';
import { datasetKind, fieldRelevant, type FormState } from './form.js';

/** Where an issue is shown: a field path, a sweep row (`sweep:<path>`), a variant, seeds, or the general list. */
export interface IssueTarget {
  key: string;
  /** The message as shown at that place (e.g. "value 2: must be > 0, got -1"). */
  message: string;
}

const SWEEP_ISSUE = /^sweep\[("(?:[^"\\]|\\.)*")\](?:\[(\d+)\])?(.*)$/;
const VARIANT_ISSUE = /^variants\[(\d+)\](?:\.set\[("(?:[^"\\]|\\.)*")\]|\.name)?(.*)$/;

export function issueTarget(issue: ConfigIssue): IssueTarget {
  const path = issue.path;
  const sweep = SWEEP_ISSUE.exec(path);
  if (sweep) {
    const field = JSON.parse(sweep[1]) as string;
    const index = sweep[2] !== undefined ? Number(sweep[2]) : null;
    const rest = sweep[3].replace(/^ → /, '').trim();
    const where = [index !== null ? `value ${index + 1}` : '', rest && rest !== field ? rest : ''].filter(Boolean).join(', ');
    return { key: `sweep:${field}`, message: where ? `${where}: ${issue.message}` : issue.message };
  }
  const variant = VARIANT_ISSUE.exec(path);
  if (variant) {
    const i = Number(variant[1]);
    if (variant[2] !== undefined) {
      const field = JSON.parse(variant[2]) as string;
      const rest = variant[3].replace(/^ → /, '').trim();
      return { key: `variant:${i}:set:${field}`, message: rest && rest !== field ? `${rest}: ${issue.message}` : issue.message };
    }
    if (path.startsWith(`variants[${i}].name`)) return { key: `variant:${i}:name`, message: issue.message };
    return { key: `variant:${i}`, message: variant[3] ? `${variant[3].replace(/^\./, '')}: ${issue.message}` : issue.message };
  }
  if (path === 'variants') return { key: 'variants', message: issue.message };
  if (path === 'sweep') return { key: 'sweep', message: issue.message };
  if (path === 'seeds' || path.startsWith('seeds.') || path.startsWith('seeds[')) {
    const rest = path.slice('seeds'.length);
    const index = /^\[(\d+)\]/.exec(rest);
    const where = index ? `seed ${Number(index[1]) + 1}` : rest.replace(/^\./, '');
    return { key: 'seeds', message: where ? `${where}: ${issue.message}` : issue.message };
  }
  if (path === 'dataset') return { key: 'dataset.kind', message: issue.message };
  // The longest known field the issue is on (`model.widths[2]` → model.widths).
  let best: FieldSpec | undefined;
  for (const spec of FIELDS) {
    if (path === spec.path || path.startsWith(`${spec.path}[`) || path.startsWith(`${spec.path}.`)) {
      if (!best || spec.path.length > best.path.length) best = spec;
    }
  }
  if (best) {
    const rest = path.slice(best.path.length);
    const index = /^\[(\d+)\]/.exec(rest);
    let where = '';
    if (index) where = best.type === 'range' ? (index[1] === '0' ? 'lo' : 'hi') : `entry ${Number(index[1]) + 1}`;
    return { key: best.path, message: where ? `${where}: ${issue.message}` : issue.message };
  }
  return { key: 'general', message: path ? `${path}: ${issue.message}` : issue.message };
}

/** Issues grouped by where they are shown. */
export function issuesByTarget(issues: readonly ConfigIssue[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const issue of issues) {
    const target = issueTarget(issue);
    const list = out.get(target.key) ?? [];
    if (!list.includes(target.message)) list.push(target.message);
    out.set(target.key, list);
  }
  return out;
}

/** Whether the place an issue key names is on screen (else the issue goes to "Other problems"). */
export function isShownKey(key: string, state: FormState, showAll: boolean): boolean {
  if (key === 'seeds' || key === 'sweep' || key === 'variants') return true;
  if (key.startsWith('sweep:')) return state.sweep.some((r) => `sweep:${r.path}` === key);
  if (key.startsWith('variant:')) return true;
  const spec = FIELD_BY_PATH.get(key);
  if (!spec) return false;
  if (!fieldApplies(spec, datasetKind(state))) return false;
  return showAll || fieldRelevant(state, spec);
}

/** Problems that cannot be shown at a field on screen: general ones, then those of hidden places ("sweep model.width: …"). */
export function otherProblems(byTarget: ReadonlyMap<string, readonly string[]>, state: FormState, showAll: boolean): string[] {
  const general = [...(byTarget.get('general') ?? [])];
  const unplaced = [...byTarget.entries()].filter(([key]) => key !== 'general' && !isShownKey(key, state, showAll));
  return [...general, ...unplaced.flatMap(([key, messages]) => messages.map((m) => `${key.replace(/^sweep:/, 'sweep ')}: ${m}`))];
}
