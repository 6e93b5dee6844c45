/** Which group the heatmap and the histograms show (the focus group). */
import type { GroupView } from '../../../shared/comparison-view.js';
import { GroupSwatch } from '../charts/GroupSwatch.js';

export function FocusNote({ group: g, extra }: { group: GroupView | null; extra?: string }) {
  if (!g) return null;
  return (
    <p className="focus-note">
      <GroupSwatch color={g.color} dash={g.dash} /> <strong>{g.name}</strong>
      <span className="muted">
        {' '}
        · focus group (change it above){extra ? ` · ${extra}` : ''}
      </span>
    </p>
  );
}
