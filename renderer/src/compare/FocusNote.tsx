/** Which group the heatmap and the histograms show (the focus group). */
import type { ComparisonModel } from '../../../shared/charts.js';
import { GroupSwatch } from '../charts/GroupSwatch.js';

export function FocusNote({ model, extra }: { model: ComparisonModel; extra?: string }) {
  const g = model.focus;
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
