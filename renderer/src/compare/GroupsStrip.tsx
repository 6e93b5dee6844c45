/** The groups with their colour and dash: rename a group for the legends (and exported figures), hide or show it. */
import { useState } from 'react';
import { divergenceLabel } from '../../../shared/charts.js';
import type { ComparisonSpec } from '../../../shared/compare.js';
import type { GroupView } from '../../../shared/comparison-view.js';
import { DivergenceBadge } from '../charts/DivergenceBadge.js';
import { GroupSwatch } from '../charts/GroupSwatch.js';
import { plural } from '../ui/format.js';
import { IconButton } from '../ui/IconButton.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { toggleHidden } from './url.js';

export function GroupsStrip({ groups, spec, setSpec }: { groups: GroupView[]; spec: ComparisonSpec; setSpec: (patch: Partial<ComparisonSpec>) => void }) {
  const [editing, setEditing] = useState<string | null>(null);
  const rename = (key: string, name: string | null) => {
    const next = { ...spec.groupNames };
    if (name === null) delete next[key];
    else next[key] = name;
    setSpec({ groupNames: next });
  };
  return (
    <section className="groups-strip" aria-label="Groups">
      <span className="control-label">Groups</span>
      <ul className="group-chips">
        {groups.map((g) => {
          const custom = spec.groupNames[g.key] !== undefined && spec.groupNames[g.key].trim() !== '';
          return (
            <li key={g.key} className={`group-chip${g.hidden ? ' group-chip-hidden' : ''}`} title={g.label}>
              <GroupSwatch color={g.color} dash={g.dash} band={spec.band !== 'none'} />
              {editing === g.key ? (
                <InlineEdit
                  value={g.name}
                  label={`Legend name of ${g.label}`}
                  maxLength={100}
                  onSave={async (name) => rename(g.key, name === g.label ? null : name)}
                  onDone={() => setEditing(null)}
                />
              ) : (
                <>
                  <span className="group-name">{g.name}</span>
                  <span className="muted small">{plural(g.runCount, 'run')}</span>
                  <DivergenceBadge divergence={divergenceLabel(g)} excluded={g.divergedExcluded} />
                  <label className="check-inline group-shown" title={g.hidden ? 'Hidden from the charts and their exports' : 'Shown in the charts'}>
                    <input type="checkbox" checked={!g.hidden} onChange={() => setSpec(toggleHidden(spec, g.key))} aria-label={`Show ${g.name} in the charts`} /> shown
                  </label>
                  <IconButton icon="edit" label={`Rename ${g.name}`} onClick={() => setEditing(g.key)} />
                  {custom && <IconButton icon="x" label={`Use the original name of ${g.name} (${g.label})`} onClick={() => rename(g.key, null)} />}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
