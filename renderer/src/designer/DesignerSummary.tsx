/** The Designer's side panel: runs, time and memory of the design, whether it is valid, its problems, Start, and its JSON. */
import type { ConfigIssue } from '../../../shared/api.js';
import { MAX_RUNS_PER_EXPERIMENT } from '../../../shared/config.js';
import { formatBytes } from '../../../shared/resources.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { formatDuration, plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import type { DesignAnalysis } from './analysis.js';
import { estimateExperimentSeconds, largestRunMemory } from './estimate.js';
import { runBreakdown, type FormState } from './form.js';
import { issueTarget, otherProblems } from './issues.js';

/** Scrolls to and focuses the field an issue is about. */
function focusIssue(issue: ConfigIssue): void {
  const el = document.querySelector<HTMLElement>(`[data-issue-key="${CSS.escape(issueTarget(issue).key)}"]`);
  if (el) {
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
    (el.matches('input, select, textarea') ? el : el.querySelector<HTMLElement>('input, select, textarea'))?.focus({ preventScroll: true });
  }
}

export function DesignerSummary({
  state,
  analysis,
  issues,
  byTarget,
  showAll,
  workers,
  stale,
  starting,
  startError,
  onStart,
}: {
  state: FormState;
  analysis: DesignAnalysis;
  /** Every problem: the form's, the schema's and the lab's. */
  issues: readonly ConfigIssue[];
  byTarget: ReadonlyMap<string, readonly string[]>;
  showAll: boolean;
  workers: number;
  /** The analysis is of an older state (typing): wait before starting. */
  stale: boolean;
  starting: boolean;
  startError: string | null;
  onStart: () => void;
}) {
  const valid = analysis.validation.ok && issues.length === 0;
  const estimate = analysis.validation.ok ? estimateExperimentSeconds(analysis.validation.runs, workers) : null;
  const memory = analysis.validation.ok ? largestRunMemory(analysis.validation.runs) : null;
  const others = otherProblems(byTarget, state, showAll);
  return (
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
          <div>
            <dt>Made of</dt>
            <dd className="muted">{runBreakdown(state)}</dd>
          </div>
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
              <Icon name="alert" /> {plural(issues.length, 'problem')} to fix
            </>
          )}
        </div>
        {!valid && issues.length > 0 && (
          <ul className="issue-list">
            {issues.slice(0, 8).map((issue, i) => (
              <li key={i}>
                <button type="button" className="link-btn" onClick={() => focusIssue(issue)}>
                  {issue.path || 'config'}
                </button>
                : {issue.message}
              </li>
            ))}
            {issues.length > 8 && <li className="muted">… and {issues.length - 8} more</li>}
          </ul>
        )}
        <button type="button" className="btn btn-primary btn-block" disabled={!valid || starting || stale} onClick={onStart}>
          <Icon name="play" /> {starting ? 'Starting…' : analysis.runs && analysis.runs > 1 ? `Start ${plural(analysis.runs, 'run')}` : 'Start'}
        </button>
        {startError && <ErrorBox error={startError} title="Not started" />}
      </div>
      {others.length > 0 && (
        <div className="card side-card">
          <h3>Other problems</h3>
          <ul className="issue-list">
            {others.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        </div>
      )}
      <details className="card side-card json-preview">
        <summary>Config JSON (as the CLI accepts it)</summary>
        <pre className="code-block">{JSON.stringify(analysis.config, null, 2)}</pre>
      </details>
    </aside>
  );
}
