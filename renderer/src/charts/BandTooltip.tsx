import { formatNumber, formatPercent } from '../ui/format.js';
import type { ChartColors } from './colors.js';
import { GroupSwatch } from './GroupSwatch.js';

function formatValue(v: number | null | undefined, percent: boolean): string {
  if (v === null || v === undefined) return '—';
  return percent ? formatPercent(v, 1) : formatNumber(v, 4);
}

/**
 * The tooltip of every band chart: one row per group with its swatch, mean (row key `<prefix><i>`),
 * band limits (`lo<i>`, `hi<i>`, or why there is no band), the number of runs (`n<i>`, after how many of
 * them have the property for a share of runs, `count<i>`) and, for values read at one epoch, that epoch (`epoch<i>`).
 */
export function BandTooltip({
  active,
  head,
  row,
  groups,
  valuePrefix,
  fraction,
  colors,
  band,
}: {
  active?: boolean;
  head: string;
  row: Record<string, unknown> | undefined;
  groups: readonly { groupKey: string; name: string; color: string; dash: string }[];
  valuePrefix: string;
  fraction: boolean;
  colors: ChartColors;
  /** Whether the chart draws bands at all (band kind not 'none'). */
  band: boolean;
}) {
  if (!active || !row) return null;
  return (
    <div className="chart-tooltip" style={{ background: colors.tooltipBg, borderColor: colors.tooltipBorder }}>
      <div className="tt-head">{head}</div>
      <table>
        <tbody>
          {groups.map((g, i) => {
            const m = row[`${valuePrefix}${i}`];
            if (typeof m !== 'number') return null;
            const lo = row[`lo${i}`];
            const hi = row[`hi${i}`];
            const n = row[`n${i}`];
            const epoch = row[`epoch${i}`];
            const count = row[`count${i}`];
            const hasBand = typeof lo === 'number' && typeof hi === 'number' && Number.isFinite(lo) && Number.isFinite(hi);
            return (
              <tr key={g.groupKey}>
                <td>
                  <GroupSwatch color={g.color} dash={g.dash} width={20} />
                </td>
                <td className="tt-name">{g.name}</td>
                <td className="num">{formatValue(m, fraction)}</td>
                <td className="num tt-band">{hasBand ? `[${formatValue(lo, fraction)}, ${formatValue(hi, fraction)}]` : band ? <span className="tt-noband">no band: n &lt; 2</span> : ''}</td>
                <td className="num tt-n">{typeof count === 'number' ? `${count} of ` : ''}n = {String(n ?? '')}</td>
                {typeof epoch === 'number' && <td className="num tt-epoch">epoch {epoch}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
