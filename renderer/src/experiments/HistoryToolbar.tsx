/** The history's search box and filters (status, tag, any config field). */
import type { RunStatus } from '../../../shared/api.js';
import { RUN_STATUSES } from '../../../shared/metrics.js';
import { FIELDS, FIELD_BY_PATH } from '../designer/fields.js';
import { Icon } from '../ui/Icon.js';
import { EMPTY_FILTER, isFiltered, type ExperimentFilter } from './history.js';

const FILTER_FIELDS = FIELDS.filter((f) => f.group !== 'general');

export function HistoryToolbar({ filter, setFilter, tags }: { filter: ExperimentFilter; setFilter: (filter: ExperimentFilter) => void; tags: readonly string[] }) {
  const fieldSpec = filter.fieldPath ? FIELD_BY_PATH.get(filter.fieldPath) : undefined;
  return (
    <section className="toolbar" aria-label="Search and filter">
      <label className="search">
        <Icon name="search" />
        <span className="sr-only">Search experiments</span>
        <input
          type="search"
          className="input"
          placeholder="Search name, tags, notes…"
          value={filter.text}
          onChange={(e) => setFilter({ ...filter, text: e.target.value })}
        />
      </label>
      <label className="field-inline">
        <span>Status</span>
        <select className="input" value={filter.status} onChange={(e) => setFilter({ ...filter, status: e.target.value as RunStatus | '' })}>
          <option value="">any</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              has {s}
            </option>
          ))}
        </select>
      </label>
      <label className="field-inline">
        <span>Tag</span>
        <select className="input" value={filter.tag} onChange={(e) => setFilter({ ...filter, tag: e.target.value })} disabled={tags.length === 0}>
          <option value="">any</option>
          {tags.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <div className="field-inline field-filter" role="group" aria-label="Config field filter">
        <span>Where</span>
        <select className="input" aria-label="Config field" value={filter.fieldPath} onChange={(e) => setFilter({ ...filter, fieldPath: e.target.value, fieldValue: '' })}>
          <option value="">any field</option>
          {FILTER_FIELDS.map((f) => (
            <option key={f.path} value={f.path}>
              {f.path}
            </option>
          ))}
        </select>
        <span aria-hidden="true">=</span>
        {fieldSpec?.options ? (
          <select className="input" aria-label="Field value" value={filter.fieldValue} onChange={(e) => setFilter({ ...filter, fieldValue: e.target.value })}>
            <option value="">any value</option>
            {fieldSpec.options.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        ) : (
          <input
            className="input input-short"
            aria-label="Field value"
            placeholder={fieldSpec?.type === 'boolean' ? 'true / false' : 'value'}
            value={filter.fieldValue}
            disabled={!filter.fieldPath}
            onChange={(e) => setFilter({ ...filter, fieldValue: e.target.value })}
          />
        )}
      </div>
      {isFiltered(filter) && (
        <button type="button" className="btn btn-ghost" onClick={() => setFilter(EMPTY_FILTER)}>
          <Icon name="x" /> Clear filters
        </button>
      )}
    </section>
  );
}
