/** The runs table's column chooser: run facts, the config fields that vary, the summary metrics (per layer too). */
import { RUN_COLUMNS, columnId, columnTitle, metricColumns, type RunTableInfo } from '../../../shared/run-table.js';
import { Popover } from '../ui/Popover.js';

export function ColumnChooser({ info, columns, onChange, onReset }: { info: RunTableInfo; columns: readonly string[]; onChange: (columns: string[]) => void; onReset: () => void }) {
  const shown = new Set(columns);
  const toggle = (id: string, on: boolean) => onChange(on ? [...columns, id] : columns.filter((c) => c !== id));
  const groups: { title: string; items: { id: string; title: string }[] }[] = [
    { title: 'Run', items: RUN_COLUMNS.map((id) => ({ id, title: columnTitle({ kind: 'run', id }) })) },
    { title: 'Config fields that vary', items: info.fields.map((f) => ({ id: f.path, title: `${f.distinct} values` })) },
    { title: 'Summary metrics', items: metricColumns(info.layers).map((ref) => ({ id: columnId(ref), title: columnTitle(ref) })) },
  ];
  return (
    <Popover label={`Columns (${columns.length})`} icon="list" title="Choose columns" align="left" className="column-chooser">
      {() => (
        <div className="column-chooser-panel">
          {groups.map((g) => (
            <fieldset key={g.title}>
              <legend>{g.title}</legend>
              {g.items.map((item) => (
                <label key={item.id} className="check" title={item.title}>
                  <input type="checkbox" checked={shown.has(item.id)} onChange={(e) => toggle(item.id, e.target.checked)} /> {item.id}
                </label>
              ))}
            </fieldset>
          ))}
          <button type="button" className="btn btn-small btn-ghost" onClick={onReset}>
            Default columns
          </button>
        </div>
      )}
    </Popover>
  );
}
