/** The checkbox heading a column of row checkboxes: ticked when all are, half-ticked when some are. */
export function SelectAllCheckbox({ label, all, some, onChange }: { label: string; all: boolean; some: boolean; onChange: (checked: boolean) => void }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      checked={all}
      ref={(el) => {
        if (el) el.indeterminate = some && !all;
      }}
      onChange={(e) => onChange(e.target.checked)}
    />
  );
}
