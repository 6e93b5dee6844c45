/** "ETA 3 min 05 s", or nothing while the time left is unknown. */
import { formatDuration } from './format.js';

export function Eta({ seconds }: { seconds: number | null | undefined }) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  return <span className="muted">ETA {formatDuration(seconds)}</span>;
}
