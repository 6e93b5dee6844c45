/** An experiment at a glance: runs by status, progress and time left, final dead fraction, tags and notes. */
import { useState } from 'react';
import type { ExperimentRow } from '../../../shared/api.js';
import { experimentProgressText, type ExperimentProgress } from '../../../shared/progress.js';
import { useLab } from '../app/context.js';
import { Eta } from '../ui/Eta.js';
import { formatPercent } from '../ui/format.js';
import { Icon } from '../ui/Icon.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { StatusCounts } from '../ui/StatusCounts.js';
import { TagEditor } from '../ui/TagEditor.js';
import { timeLeftText } from './rows.js';

export function ExperimentSummary({
  exp,
  runCount,
  progress,
  eta,
  update,
  onNotes,
}: {
  exp: ExperimentRow;
  /** Runs shown in the table. */
  runCount: number;
  progress: ExperimentProgress;
  eta: number | null;
  update: (patch: { tags: string[] }) => Promise<void>;
  onNotes: () => void;
}) {
  const { toast } = useLab();
  const [editingTags, setEditingTags] = useState(false);
  return (
    <section className="card exp-summary" aria-label="Summary">
      <div className="exp-summary-main">
        <div className="summary-row">
          <StatusCounts counts={progress.counts} />
        </div>
        <ProgressBar
          value={progress.fraction}
          label="Experiment progress"
          status={progress.status}
          detail={
            <span>
              {experimentProgressText(progress)}
              {eta !== null && (
                <>
                  {' · '}
                  <Eta seconds={eta} />
                </>
              )}
            </span>
          }
        />
        <dl className="stat-tiles">
          <div>
            <dt>Runs</dt>
            <dd>{runCount.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Training now</dt>
            <dd>{(progress.counts.running ?? 0).toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Final dead (mean)</dt>
            <dd title="Mean over runs of the mean-over-layers dead fraction at their last epoch">{exp.finalMeanDeadFraction === null ? '—' : formatPercent(exp.finalMeanDeadFraction, 1)}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd>{timeLeftText(eta, progress.pending)}</dd>
          </div>
        </dl>
      </div>
      <div className="exp-summary-side">
        <div className="summary-tags">
          <span className="field-label">Tags</span>
          {editingTags ? (
            <div>
              <TagEditor
                tags={exp.tags}
                onChange={(tags) => {
                  update({ tags }).catch((err: Error) => toast(`Could not save the tags: ${err.message}`, 'error'));
                }}
              />
              <button type="button" className="btn btn-small" onClick={() => setEditingTags(false)}>
                Done
              </button>
            </div>
          ) : (
            <div className="tag-list">
              {exp.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
              <button type="button" className="btn btn-small" onClick={() => setEditingTags(true)}>
                <Icon name="tag" size={12} /> {exp.tags.length ? 'Edit tags' : 'Add tags'}
              </button>
            </div>
          )}
        </div>
        <div className="summary-notes">
          <span className="field-label">Notes</span>
          <p className={exp.notes ? 'notes-text' : 'muted'}>{exp.notes || 'No notes.'}</p>
          <button type="button" className="btn btn-small" onClick={onNotes}>
            <Icon name="notes" size={12} /> {exp.notes ? 'Edit notes' : 'Add notes'}
          </button>
        </div>
      </div>
    </section>
  );
}
