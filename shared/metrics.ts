/**
 * What a run measures, and the run lifecycle. Pure TypeScript (no Node, no DOM): the engine fills
 * these, the database stores them, the CLI and the app read them.
 */
import type { RunConfig, TrainingBackend } from './config.js';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'diverged', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses after which a run never changes again. */
export const FINAL_STATUSES: readonly RunStatus[] = ['completed', 'diverged', 'failed', 'cancelled', 'interrupted'];

/** A histogram of one hidden layer's pre-activations over the probe set: `bins` equal bins over [lo, hi]. */
export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}

/** Measurements of one hidden layer at one epoch (definitions in README.md, "Metrics"). */
export interface LayerMetrics {
  /** 0-based hidden layer index. */
  layer: number;
  units: number;
  /** Units whose pre-activation is ≤ 0 on every probe input, divided by `units`. */
  deadFraction: number;
  /** Mean over units and probe inputs of [z > 0]. */
  activeProbability: number;
  /** Units whose normalized mean |activation| is ≤ τ (ReDo), divided by `units`. */
  dormantFraction: number;
  /** L2 norm of the loss gradient w.r.t. the layer's kernel, on the probe set at measurement time. */
  gradNorm: number | null;
  /** Mean and standard deviation of the pre-activations over units and probe inputs. */
  preActMean: number;
  preActStd: number;
  histogram: Histogram;
  /** 1 where the unit is dead, per unit (for revival analysis). */
  deadMask: Uint8Array;
  /** Learned PReLU slopes, per unit; null for other activations. */
  preluAlphas: Float32Array | null;
  /**
   * Effective rank (Roy & Vetterli 2007) of the activations on the probe set: exp of the entropy of
   * the normalized singular values. Null for measurements stored before it existed.
   */
  effectiveRank: number | null;
  /** Mean |w| of the layer's incoming kernel (not its bias); null for measurements stored before it existed. */
  weightMagnitude: number | null;
  /** Units re-initialized during the epoch by ReDo or continual backprop; null when the run has neither. */
  unitsReset: number | null;
}

/** One measurement point of a run: epoch 0 is the initialization, before any update. */
export interface EpochMetrics {
  epoch: number;
  /** Mean training loss over the epoch's batches (epoch 0: loss of the initial network on the training split). */
  trainLoss: number;
  /** Training accuracy (classification only). */
  trainAccuracy: number | null;
  valLoss: number | null;
  valAccuracy: number | null;
  /** Wall seconds spent on this epoch's training (0 at epoch 0). */
  seconds: number;
  /** Wall seconds since the run started (including measurement). */
  elapsedSeconds: number;
  /** Milliseconds spent measuring the probe. */
  probeMs: number;
  /** The 0-based task of the epoch in a task sequence (`training.tasks`); null without one. */
  task: number | null;
  layers: LayerMetrics[];
}

export interface LibraryVersions {
  tfjs: string;
  backend: string;
  node: string;
  [name: string]: string;
}

/** Everything stored at the end of a run to rebuild its model and its probe set. */
export interface RunArtifacts {
  /** TF.js layers-format topology (the `modelTopology` of model.json). */
  modelTopology: unknown;
  /** TF.js weight manifest entries for `weightData`, in order. */
  weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[];
  weightData: Uint8Array;
  /** Indices into the training split the probe inputs were drawn from. */
  probeIndices: number[];
  /** Probe inputs themselves (row-major, probeIndices.length × inputSize), so a probe survives data changes. */
  probeInputs: Float32Array;
  inputSize: number;
}

export interface RunSummary {
  id: number;
  experimentId: number;
  index: number;
  name: string | null;
  seed: number;
  sweep: Record<string, unknown>;
  config: RunConfig;
  status: RunStatus;
  backend: string | null;
  versions: LibraryVersions | null;
  error: string | null;
  epochsDone: number;
  epochsTotal: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  notes: string;
  tags: string[];
}

export interface ExperimentSummary {
  id: number;
  name: string;
  /** The config exactly as the user gave it. */
  config: unknown;
  notes: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  runCount: number;
  statusCounts: Partial<Record<RunStatus, number>>;
}

/** The preferred order of training backends for `auto`. */
export const BACKEND_PREFERENCE: readonly TrainingBackend[] = ['tensorflow', 'wasm', 'cpu'];
