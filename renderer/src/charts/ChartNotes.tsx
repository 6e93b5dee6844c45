/** What the chart's numbers rest on (the same lines as the exported figure's footnote). */
export function ChartNotes({ notes }: { notes: readonly string[] }) {
  if (notes.length === 0) return null;
  return (
    <ul className="chart-notes" aria-label="Notes">
      {notes.map((n) => (
        <li key={n}>{n}</li>
      ))}
    </ul>
  );
}
