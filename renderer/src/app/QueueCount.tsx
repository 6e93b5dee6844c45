import { useAsync, useLab, useLive, useThrottledReload } from './context.js';

/** Number of runs training or waiting, in the sidebar. */
export function QueueCount() {
  const { client } = useLab();
  const runsVersion = useLive((s) => s.runsVersion);
  const queue = useAsync(() => client.getQueue(), [client]);
  useThrottledReload(runsVersion, queue.reload, 1000);
  const n = queue.data ? queue.data.active.length + queue.data.queuedRunIds.length : 0;
  if (n === 0) return null;
  return (
    <span className="nav-count" aria-label={`${n} runs in the queue`}>
      {n}
    </span>
  );
}
