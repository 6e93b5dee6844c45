/** Messages between the lab (main thread) and its training workers. */
import type { BackendChoice, RunConfig } from '../../shared/config.js';
import type { EpochMetrics, LibraryVersions, RunArtifacts } from '../../shared/metrics.js';

export type ToWorker =
  | { type: 'run'; runId: number; seed: number; config: RunConfig; backend: BackendChoice; baseDir: string; cancel: SharedArrayBuffer }
  | { type: 'exit' };

export type FromWorker =
  | { type: 'started'; runId: number; backend: string; versions: LibraryVersions; dataset: string }
  | { type: 'epoch'; runId: number; metrics: EpochMetrics }
  | { type: 'progress'; runId: number; fraction: number }
  | { type: 'done'; runId: number; status: 'completed' | 'diverged' | 'cancelled' | 'failed'; error: string | null; artifacts: RunArtifacts | null };
