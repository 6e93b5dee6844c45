/** Messages between the training pool (main thread) and its training workers. */
import type { BackendChoice, DatasetConfig, RunConfig } from '../../shared/config.js';
import type { DivergenceCheck } from '../../shared/api.js';
import type { EpochMetrics, LibraryVersions, RunArtifacts } from '../../shared/metrics.js';
import type { DataShape } from '../../shared/resources.js';
import type { QuickCheckOptions, QuickCheckSetup } from '../engine/quick-check.js';

/** One run a worker is asked to train. */
export interface RunRequest {
  runId: number;
  seed: number;
  config: RunConfig;
}

export type ToWorker =
  /**
   * Runs to train: one, or several the pool found can train batched (see engine/batching.ts).
   * `cancel` holds one Int32 flag per run, in order; the pool sets a run's flag to 1 to stop it.
   */
  | { type: 'train'; runs: RunRequest[]; backend: BackendChoice; baseDir: string; cancel: SharedArrayBuffer }
  | { type: 'exit' };

export type FromWorker =
  /**
   * The run has its backend and is loading its data (sent before loading, so a long load shows as
   * running). A run trained batched is announced once the batch's data is loaded, and its `versions`
   * say so (`batchedRuns`: how many runs the batch started with).
   */
  | { type: 'started'; runId: number; backend: string; versions: LibraryVersions }
  | { type: 'epoch'; runId: number; metrics: EpochMetrics }
  | { type: 'progress'; runId: number; fraction: number }
  | { type: 'done'; runId: number; status: 'completed' | 'diverged' | 'cancelled' | 'failed'; error: string | null; artifacts: RunArtifacts | null };

/**
 * Requests of the design checks (the same worker code, a worker of its own): reading a csv data
 * set to learn its shape, and the divergence quick check. `cancel` is set to 1 to stop early.
 */
export type DesignRequest =
  | { type: 'inspect'; requestId: number; dataset: DatasetConfig; seed: number; baseDir: string; cancel: SharedArrayBuffer }
  | {
      type: 'quick-check';
      requestId: number;
      setups: QuickCheckSetup[];
      options: Omit<QuickCheckOptions, 'shouldStop' | 'baseDir'>;
      backend: BackendChoice;
      baseDir: string;
      cancel: SharedArrayBuffer;
    };

/** A data set problem as the engine words it (`field: problem`), or another failure (`field` null). */
export interface DesignFailure {
  field: string | null;
  message: string;
  cancelled?: boolean;
}

export type DesignReply =
  | { type: 'inspected'; requestId: number; shape: DataShape | null; failure: DesignFailure | null }
  | { type: 'quick-checked'; requestId: number; result: DivergenceCheck | null; failure: DesignFailure | null };
