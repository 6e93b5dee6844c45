import type { AppInfo } from '../../../shared/api.js';
import { useAsync, useLab } from '../app/context.js';
import { Dialog } from '../ui/Dialog.js';
import { ErrorBox } from '../ui/ErrorBox.js';
import { Spinner } from '../ui/Spinner.js';

export function AboutContent({ info }: { info: AppInfo }) {
  const rows: [string, string | null][] = [
    ['Version', info.appVersion],
    ['Mode', info.transport === 'ipc' ? 'Desktop app' : 'Web mode (relu-lab serve)'],
    ['Training backend', info.trainingBackend],
    ['TensorFlow.js', info.tfjsVersion],
    ['Electron', info.electronVersion],
    ['Node.js', info.nodeVersion],
    ['Platform', info.platform],
    ['Database', info.databaseFile],
  ];
  const extra = info.versions ? Object.entries(info.versions).filter(([k]) => !['tfjs', 'node', 'backend'].includes(k)) : [];
  return (
    <dl className="about-list">
      {rows
        .filter(([, v]) => v !== null && v !== '')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className={k === 'Database' ? 'mono-sm break' : undefined}>{v}</dd>
          </div>
        ))}
      {extra.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const { client } = useLab();
  const info = useAsync(() => client.getAppInfo(), [client]);
  return (
    <Dialog
      title="About ReLU Lab"
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      }
    >
      <p>
        An offline laboratory for the <strong>dying ReLU</strong> problem: design experiments, train them on this computer, and watch the share of units whose
        pre-activation is ≤ 0 on every input (they output zero, get no gradient and stop learning).
      </p>
      {info.data ? <AboutContent info={info.data} /> : info.error ? <ErrorBox error={info.error} onRetry={info.reload} /> : <Spinner />}
    </Dialog>
  );
}
