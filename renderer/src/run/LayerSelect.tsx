/** Picks one hidden layer (shown 1-based, as everywhere in the lab). */
export function LayerSelect({ layers, value, onChange, label }: { layers: number; value: number; onChange: (layer: number) => void; label: string }) {
  return (
    <label className="check-inline">
      Layer{' '}
      <select className="input input-small" aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {Array.from({ length: layers }, (_, i) => (
          <option key={i} value={i}>
            {i + 1}
          </option>
        ))}
      </select>
    </label>
  );
}
