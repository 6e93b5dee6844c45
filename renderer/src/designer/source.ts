/**
 * What the Designer opens on (a fresh form, a copy of an experiment, a preset, an import) and the
 * draft kept for it across reloads of the tab (pure).
 */
import type { FormState } from './form.js';

export const DRAFT_KEY = 'relu-lab.designer-draft';

/** What the Designer was opened on: a fresh form, a copy of an experiment, a preset. Its drafts are kept per source. */
export function designerSource(params: URLSearchParams): string {
  for (const key of ['from', 'preset', 'new', 'import']) {
    const v = params.get(key);
    if (v) return `${key}=${v}`;
  }
  return '';
}

export interface Draft {
  source: string;
  state: FormState;
}

/** A draft read back from storage (anything else: none). */
export function readDraft(stored: unknown): Draft | null {
  const draft = stored as Partial<Draft> | null;
  return draft && typeof draft === 'object' && typeof draft.source === 'string' && draft.state && typeof draft.state === 'object' ? (draft as Draft) : null;
}

/** "Name (copy)", "Name (copy 2)" … not colliding with existing names. */
export function copyName(name: string, existing: readonly string[]): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  const taken = new Set(existing);
  let candidate = `${base} (copy)`;
  for (let i = 2; taken.has(candidate); i++) candidate = `${base} (copy ${i})`;
  return candidate.length > 200 ? candidate.slice(0, 200) : candidate;
}

/** A config file's text as a design to load, or why it is not one. */
export function readConfigText(fileName: string, text: string): { config: object } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { error: `${fileName} is not valid JSON: ${(err as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { error: `${fileName} does not hold an experiment config (expected a JSON object).` };
  return { config: parsed };
}
