/** One group in the groups table. */
import { GroupSwatch } from '../charts/GroupSwatch.js';
import type { SummaryRow, SummaryTable } from '../../../shared/comparison-view.js';
import { statCell } from './summary.js';

export function SummaryTableRow({ row, table }: { row: SummaryRow; table: SummaryTable }) {
  return (
    <tr className={row.hidden ? 'row-hidden' : undefined}>
      <td className="sticky-left summary-group">
        <span className="summary-group-name">
          <GroupSwatch color={row.color} dash={row.dash} width={24} />
          {row.name}
          {row.hidden && <span className="muted small"> (hidden in the charts)</span>}
        </span>
      </td>
      <td className="num" title={row.countedRuns !== row.runCount ? `${row.countedRuns} of ${row.runCount} runs counted` : undefined}>
        {row.runCount}
        {row.countedRuns !== row.runCount && <span className="stat-band">{row.countedRuns} counted</span>}
      </td>
      <td className={`num${row.divergedCount > 0 ? ' diverged-cell' : ''}`}>
        {row.divergedCount > 0 ? `${row.divergedCount}/${row.runCount}` : '0'}
        {row.divergedCount > 0 && <span className="stat-band">{row.divergedExcluded ? 'excluded' : 'counted until diverged'}</span>}
      </td>
      <td className="num">{row.finalEpoch ?? '—'}</td>
      {row.cells.map((c, i) => (
        <td key={table.fields[i]} className={`mono-sm${c.mixed ? ' mixed-cell' : ''}`}>
          {c.text}
        </td>
      ))}
      {table.metrics.flatMap((m) =>
        table.stats.map((stat) => {
          const cell = statCell(row.stats[`${m.id}.${stat}`], m.percent);
          return (
            <td key={`${m.id}.${stat}`} className="num stat-cell" title={cell.title}>
              {cell.text}
              {cell.band !== null && <span className="stat-band">{cell.band}</span>}
              {cell.n !== null && <span className="stat-n">{cell.n}</span>}
            </td>
          );
        }),
      )}
    </tr>
  );
}
