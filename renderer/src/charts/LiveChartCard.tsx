import type { ReactNode } from 'react';

/** A live chart's card: its title, its controls (metric switch, log scale) and the chart with its notes. */
export function LiveChartCard({ title, controls, children }: { title: string; controls?: ReactNode; children: ReactNode }) {
  return (
    <figure className="chart-card">
      <figcaption className="chart-head">
        <h3>{title}</h3>
        <div className="chart-controls">{controls}</div>
      </figcaption>
      {children}
    </figure>
  );
}
