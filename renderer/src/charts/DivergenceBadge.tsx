/** "2/3 diverged" (and whether they are left out), as a small badge after a group's name. */
export function DivergenceBadge({ divergence, excluded }: { divergence: string | null | undefined; excluded?: boolean }) {
  if (!divergence) return null;
  return (
    <span className="diverged-badge" title={excluded ? 'Diverged runs are excluded from this group' : 'Diverged runs count up to their last measured epoch'}>
      {divergence}
      {excluded ? ', excluded' : ''}
    </span>
  );
}
