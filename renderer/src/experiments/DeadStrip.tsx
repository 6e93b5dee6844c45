/** A run's dead fraction per layer: small bars and the percentages. */
import { deadStripText } from './rows.js';

export function DeadStrip({ values }: { values: readonly number[] }) {
  if (values.length === 0) return <span className="muted">—</span>;
  const { text, title } = deadStripText(values);
  return (
    <span className="dead-strip" title={title}>
      <span className="dead-bars" aria-hidden="true">
        {values.map((v, i) => (
          <span key={i} className="dead-bar">
            <span style={{ height: `${Math.max(0, Math.min(1, v)) * 100}%` }} />
          </span>
        ))}
      </span>
      <span className="dead-text">{text}</span>
    </span>
  );
}
