/** An experiment's tags as chips; with `onFilter` each chip filters the history by its tag. */
export function TagList({ tags, onFilter }: { tags: readonly string[]; onFilter?: (tag: string) => void }) {
  if (tags.length === 0) return null;
  return (
    <span className="tag-list">
      {tags.map((t) =>
        onFilter ? (
          <button key={t} type="button" className="tag tag-button" onClick={() => onFilter(t)} title={`Show only experiments tagged “${t}”`}>
            {t}
          </button>
        ) : (
          <span key={t} className="tag">
            {t}
          </span>
        ),
      )}
    </span>
  );
}
