/** What an axis left out: values a log axis cannot place, values that are not finite. */
export function AxisNotes({ droppedX, droppedY, nonFinite, what }: { droppedX: number; droppedY: number; nonFinite: number; what: string }) {
  const parts: string[] = [];
  const n = (count: number) => `${count.toLocaleString('en-US')} ${what}${count === 1 ? '' : 's'}`;
  if (droppedX > 0) parts.push(`Log x axis: ${n(droppedX)} at x ≤ 0 (e.g. epoch 0) left out.`);
  if (droppedY > 0) parts.push(`Log y axis: ${n(droppedY)} ≤ 0 left out; bands reaching 0 end at the bottom of the axis.`);
  if (nonFinite > 0) parts.push(`${n(nonFinite)} not finite (diverged runs), not drawn.`);
  if (parts.length === 0) return null;
  return (
    <p className="chart-axis-note" role="note">
      {parts.join(' ')}
    </p>
  );
}
