/** A form checked by the shared schema: its config, every issue, and how many runs it makes (pure). */
import { countRuns, validateExperiment, type ConfigIssue, type ValidationResult } from '../../../shared/config.js';
import { formToConfig, roughRunCount, type FormState } from './form.js';

export interface DesignAnalysis {
  /** The config JSON the form stands for (as the CLI accepts it). */
  config: Record<string, unknown>;
  validation: ValidationResult;
  /** The form's own problems (e.g. a sweep value that does not parse) and the schema's. */
  issues: ConfigIssue[];
  /** Runs it makes (null when the form cannot tell yet). */
  runs: number | null;
  /** Whether `runs` is the lab's count (the design is valid), not the form's rough one. */
  exactRuns: boolean;
}

export function analyzeDesign(state: FormState): DesignAnalysis {
  const { config, formIssues } = formToConfig(state);
  const validation = validateExperiment(config);
  const issues = [...formIssues, ...(validation.ok ? [] : validation.issues)];
  const runs = formIssues.length === 0 ? countRuns(config) : null;
  return { config, validation, issues, runs: runs ?? roughRunCount(state), exactRuns: runs !== null && validation.ok };
}
