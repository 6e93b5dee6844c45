/** What the learning-rate field says about the divergence quick check (render it when `hasDivergenceNote`). */
import { Icon } from '../ui/Icon.js';
import { divergenceFindings, type DivergenceState } from './divergence.js';

export function DivergenceNote({ state }: { state: DivergenceState }) {
  switch (state.status) {
    case 'idle':
    case 'invalid':
      return null;
    case 'checking':
      return <span className="muted small">Checking whether this learning rate diverges (a few short trials)…</span>;
    case 'error':
      return <span className="muted small">Divergence check unavailable: {state.message}</span>;
    case 'done': {
      const findings = divergenceFindings(state.result);
      if (findings.diverging.length === 0) {
        return (
          <span className="muted small" data-testid="divergence-ok">
            Quick check: {findings.calm}.{findings.unchecked}
          </span>
        );
      }
      return (
        <div className="field-warning" role="status" data-testid="divergence-warning">
          {findings.diverging.map((message, i) => (
            <div key={i}>
              <Icon name="alert" size={12} /> {message}.
            </div>
          ))}
          <div className="small">
            {findings.basis} Diverged runs stop early (kept as results); lower the learning rate unless divergence is what you study.{findings.unchecked}
          </div>
        </div>
      );
    }
  }
}
