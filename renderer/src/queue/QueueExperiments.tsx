/** The experiments in progress, as cards with their progress and a cancel button. */
import type { ExperimentRow } from '../../../shared/api.js';
import { useLab } from '../app/context.js';
import { cancelExperiment } from '../app/lab-actions.js';
import { Icon } from '../ui/Icon.js';
import { ProgressBar } from '../ui/ProgressBar.js';
import { experimentCardText } from './rows.js';

export function QueueExperiments({ experiments }: { experiments: readonly ExperimentRow[] }) {
  const lab = useLab();
  return (
    <section aria-labelledby="q-exp">
      <h2 id="q-exp" className="section-title">
        Experiments in progress
      </h2>
      <div className="queue-experiments">
        {experiments.map((e) => (
          <div key={e.id} className="card queue-exp">
            <div className="queue-exp-head">
              <a href={`#/experiments/${e.id}`} className="row-link">
                {e.name}
              </a>
              <button type="button" className="btn btn-small btn-warn" aria-label={`Cancel the remaining runs of ${e.name}`} onClick={() => void cancelExperiment(lab, e.id, e.name)}>
                <Icon name="stop" size={12} /> Cancel
              </button>
            </div>
            <ProgressBar value={e.progress.fraction} status={e.progress.status} label={`Progress of ${e.name}`} detail={experimentCardText(e)} />
          </div>
        ))}
      </div>
    </section>
  );
}
