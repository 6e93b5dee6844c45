/** The legend above a chart: each group's swatch and name, a button that hides or shows it. */
import { DivergenceBadge } from './DivergenceBadge.js';
import { GroupSwatch } from './GroupSwatch.js';

export interface LegendGroup {
  key: string;
  name: string;
  color: string;
  dash: string;
  /** Hidden from the charts (drawn struck through; a click shows it again). */
  hidden?: boolean;
  /** "2/3 diverged", shown next to the name. */
  divergence?: string | null;
  /** Whether the diverged runs are excluded from the group's numbers. */
  excluded?: boolean;
}

/**
 * The legend of every chart: all groups, each a button that hides the group from the charts (and from
 * what is exported from them) or shows it again. Hidden groups stay listed, struck through.
 */
export function ChartLegend({ groups, band, onToggle }: { groups: readonly LegendGroup[]; band: boolean; onToggle?: (key: string) => void }) {
  if (groups.length === 0) return null;
  return (
    <ul className="chart-legend" aria-label="Legend">
      {groups.map((g) => (
        <li key={g.key} className={g.hidden ? 'legend-hidden' : undefined}>
          {onToggle ? (
            <button type="button" className="legend-btn" aria-pressed={!g.hidden} title={g.hidden ? `Show ${g.name} in the charts` : `Hide ${g.name} from the charts`} onClick={() => onToggle(g.key)}>
              <GroupSwatch color={g.color} dash={g.dash} band={band} />
              <span className="legend-name">{g.name}</span>
            </button>
          ) : (
            <>
              <GroupSwatch color={g.color} dash={g.dash} band={band} />
              <span className="legend-name">{g.name}</span>
            </>
          )}
          <DivergenceBadge divergence={g.divergence} excluded={g.excluded} />
        </li>
      ))}
    </ul>
  );
}
