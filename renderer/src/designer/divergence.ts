/** The divergence quick check of a design (pure part): what is asked, and what its answer says. */
import type { ConfigIssue, DivergenceCheck } from '../../../shared/api.js';
import { plural } from '../ui/format.js';

export type DivergenceState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: DivergenceCheck }
  /** The lab found problems the schema cannot see (a data file it cannot read, too little memory): shown at their fields. */
  | { status: 'invalid'; issues: ConfigIssue[] }
  | { status: 'error'; message: string };

/**
 * The design as the check sees it (and the key of its cached answer): what cannot change the answer
 * (name, description, epochs, probe, seeds) is left out, so editing it does not train again.
 */
export function divergenceKey(config: Record<string, unknown>): string {
  const { name: _n, description: _d, probe: _p, seeds: _s, ...rest } = config;
  void _n;
  void _d;
  void _p;
  void _s;
  const training = { ...((rest.training as Record<string, unknown> | undefined) ?? {}) };
  delete training.epochs;
  return JSON.stringify({ name: 'divergence check', ...rest, training: { ...training, epochs: 1 } });
}

/** Whether the learning-rate field has something to say about the check (not while idle, nor when the issues are shown at their fields). */
export function hasDivergenceNote(state: DivergenceState): boolean {
  return state.status === 'checking' || state.status === 'error' || state.status === 'done';
}

export interface DivergenceFindings {
  /** One line per setup whose trials diverged ("3 of 3 quick trials at lr 0.5 with he_normal diverged within 200 steps …"); empty when none did. */
  diverging: string[];
  /** When none diverged: what the trials found. */
  calm: string;
  /** How the estimate was made. */
  basis: string;
  /** " 2 setups not checked (time or setup limit).", or "". */
  unchecked: string;
}

export function divergenceFindings(result: DivergenceCheck): DivergenceFindings {
  const trials = result.setups.reduce((n, s) => n + s.trials, 0);
  return {
    diverging: result.setups.filter((s) => s.diverged > 0).map((s) => s.message),
    calm: result.setups.length === 1 ? result.setups[0].message : `none of ${trials} quick trials (${plural(result.setups.length, 'setup')}) diverged within ${result.steps} steps`,
    basis: `Short trials of ${result.steps} steps on ${plural(result.samples, 'training row')}: an estimate, not a rule.`,
    unchecked: result.unchecked > 0 ? ` ${plural(result.unchecked, 'setup')} not checked (time or setup limit).` : '',
  };
}
