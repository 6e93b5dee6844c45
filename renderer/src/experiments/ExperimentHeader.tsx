/** An experiment's title (renamed in place), what it is, and what can be done with it. */
import { useState } from 'react';
import type { ExperimentRow } from '../../../shared/api.js';
import { useLab } from '../app/context.js';
import { cancelExperiment, saveFile } from '../app/lab-actions.js';
import { navigate } from '../app/router.js';
import { compareHref } from '../compare/url.js';
import { formatDateTime, plural } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { InlineEdit } from '../ui/InlineEdit.js';
import { experimentCsvFile } from './metrics-csv.js';

export function ExperimentHeader({
  exp,
  pendingRuns,
  update,
  onCancelled,
  onDelete,
}: {
  exp: ExperimentRow;
  /** Runs still queued or training (they can be cancelled). */
  pendingRuns: number;
  update: (patch: { name: string }) => Promise<void>;
  onCancelled: () => void;
  onDelete: () => void;
}) {
  const lab = useLab();
  const { client, toast } = lab;
  const [renaming, setRenaming] = useState(false);
  const [exporting, setExporting] = useState(false);
  const description = typeof (exp.config as { description?: unknown })?.description === 'string' ? (exp.config as { description: string }).description : '';

  const exportCsv = async () => {
    setExporting(true);
    try {
      await saveFile(lab, await experimentCsvFile(client, exp.id));
    } catch (err) {
      toast(`Export failed: ${(err as Error).message}`, 'error');
    } finally {
      setExporting(false);
    }
  };

  return (
    <header className="page-header">
      <div className="page-title-block">
        {renaming ? (
          <InlineEdit value={exp.name} label="Experiment name" onSave={(name) => update({ name })} onDone={() => setRenaming(false)} />
        ) : (
          <h1>
            {exp.name} <span className="muted id-chip">#{exp.id}</span>
          </h1>
        )}
        <div className="exp-meta">
          <span title={formatDateTime(exp.createdAt)}>Created {formatDateTime(exp.createdAt)}</span>
          <span>·</span>
          <span>{plural(exp.runCount, 'run')}</span>
          <span>·</span>
          <span>{exp.datasetKind}</span>
        </div>
        {description && <p className="page-sub">{description}</p>}
      </div>
      <div className="page-actions">
        <a className="btn" href={compareHref({ experimentIds: [exp.id] })} title="Compare all the runs of this experiment, grouped by what differs between them">
          <Icon name="compare" /> Compare runs
        </a>
        <button type="button" className="btn" onClick={() => setRenaming(true)} disabled={renaming}>
          <Icon name="edit" /> Rename
        </button>
        <button type="button" className="btn" onClick={() => navigate(`#/designer?from=${exp.id}`)}>
          <Icon name="copy" /> Edit a copy
        </button>
        <button type="button" className="btn" disabled={exporting} onClick={() => void exportCsv()}>
          <Icon name="download" /> {exporting ? 'Exporting…' : client.transport === 'ipc' ? 'Export CSV…' : 'Download CSV'}
        </button>
        {pendingRuns > 0 && (
          <button
            type="button"
            className="btn btn-warn"
            onClick={async () => {
              if (await cancelExperiment(lab, exp.id)) onCancelled();
            }}
          >
            <Icon name="stop" /> Cancel {plural(pendingRuns, 'run')}
          </button>
        )}
        <button type="button" className="btn btn-danger-ghost" onClick={onDelete}>
          <Icon name="trash" /> Delete
        </button>
      </div>
    </header>
  );
}
