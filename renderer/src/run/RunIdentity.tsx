/** The run's identity and timing as a definition list. */
import { useMemo } from 'react';
import type { EpochMetricsDto, RunRow } from '../../../shared/api.js';
import type { RunStatus } from '../../../shared/metrics.js';
import { measuredTime, runFacts } from './identity.js';

export function RunIdentity({ run, status, epochs }: { run: RunRow; status: RunStatus; epochs: readonly EpochMetricsDto[] }) {
  const measured = useMemo(() => measuredTime(epochs), [epochs]);
  const facts = runFacts(run, status, measured);
  return (
    <section className="card run-identity" aria-labelledby="run-identity-title">
      <h2 id="run-identity-title" className="card-title">
        Identity
      </h2>
      <dl className="run-facts">
        {facts.map((f) => (
          <div key={f.label} title={f.title}>
            <dt>{f.label}</dt>
            <dd>{f.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
