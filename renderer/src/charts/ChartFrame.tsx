import type { ReactNode } from 'react';

/** A chart card: title, controls, legend and the chart. */
export function ChartFrame({ title, legend, actions, children, className, id }: { title: string; legend?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string; id?: string }) {
  return (
    <figure className={`chart-card compare-chart${className ? ` ${className}` : ''}`} data-chart={id} aria-label={title}>
      <figcaption className="chart-head">
        <h3>{title}</h3>
        <div className="chart-controls">{actions}</div>
      </figcaption>
      {legend}
      {children}
    </figure>
  );
}
