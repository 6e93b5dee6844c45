/** The lab's version, mode, backend and database, as a list. */
import type { AppInfo } from '../../../shared/api.js';

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
