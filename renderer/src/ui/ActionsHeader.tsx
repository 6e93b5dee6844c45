/** The header of a column of row buttons: empty on screen, "Actions" for screen readers. */
export function ActionsHeader({ className }: { className?: string }) {
  return (
    <th className={className}>
      <span className="sr-only">Actions</span>
    </th>
  );
}
