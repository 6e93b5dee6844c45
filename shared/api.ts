/**
 * The API contract between the renderer and the main process, declared once. Every operation has a
 * typed signature (`LabApi`) and a schema for its arguments (`apiArgSchemas`), which the main process
 * uses to validate every payload whatever the carrier (Electron IPC or HTTP in web mode). The list of
 * operation names, the IPC channels and the preload bridge's type live in shared/api-operations.ts,
 * which the preload can import without zod. Pure TypeScript: no Node, no DOM.
 */
import { z } from 'zod';
import { BACKENDS, type BackendChoice, type ConfigIssue, type RunConfig } from './config.js';
import { RUN_STATUSES, type EpochMetrics, type ExperimentSummary, type LayerMetrics, type LibraryVersions, type RunStatus, type RunSummary } from './metrics.js';
import type { Preset } from './presets.js';
import { CHART_KINDS, comparisonSpecSchema, type ChartKind, type ComparisonSpecInput, type SavedComparison } from './compare.js';
import type { ComparedRun } from './charts.js';
import type { ComparisonView } from './comparison-view.js';
import { FIGURE_PRESET_NAMES, type FigurePresetName } from './figure/types.js';
import type { ExperimentProgress } from './progress.js';
import { runTableQuerySchema, type RunTableInfo, type RunTablePage, type RunTableQueryInput } from './run-table.js';
import { sweepRequestSchema, type SweepChart, type SweepRequestInput } from './sweep.js';

// ---------- Data carried over the API (plain JSON-able shapes, typed arrays as number lists) ----------

/** A layer's metrics with the per-unit arrays as number lists. */
export interface LayerMetricsDto extends Omit<LayerMetrics, 'deadMask' | 'preluAlphas'> {
  /** 1 where the unit is dead. */
  deadMask: number[];
  preluAlphas: number[] | null;
}

export interface EpochMetricsDto extends Omit<EpochMetrics, 'layers'> {
  layers: LayerMetricsDto[];
}

/** A row of the experiments history: the summary plus what the table shows. */
export interface ExperimentRow extends ExperimentSummary {
  /** Distinct values across the experiment's runs, for the table's columns. */
  activations: string[];
  inits: string[];
  learningRates: number[];
  batchNorm: boolean[];
  datasetKind: string;
  /** Mean over runs (that have measurements) of the mean-over-layers dead fraction at their last epoch. */
  finalMeanDeadFraction: number | null;
  /** Epochs done / total over all runs. */
  epochsDone: number;
  epochsTotal: number;
  /** How far the experiment is, by the one rule every view uses (shared/progress.ts). */
  progress: ExperimentProgress;
}

export interface ExperimentDetail {
  experiment: ExperimentRow;
  runs: RunRow[];
}

/** A run with its latest measurement, for tables and queue views. */
export interface RunRow extends RunSummary {
  experimentName: string;
  lastEpoch: number | null;
  lastTrainLoss: number | null;
  lastValAccuracy: number | null;
  /** Dead fraction per layer at the last measured epoch. */
  lastDeadFractions: number[];
}

export interface QueueEntry {
  runId: number;
  experimentId: number;
  status: RunStatus;
  /** Fraction of the run done, 0..1. */
  fraction: number;
  etaSeconds: number | null;
}

export interface QueueState {
  active: QueueEntry[];
  queuedRunIds: number[];
  workers: number;
}

export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

/**
 * The most training workers any machine may use. The lab caps them further at twice the machine's
 * cores (electron/lab/pool.ts, maxWorkerCount): more threads than that only compete for the cores.
 */
export const MAX_WORKERS = 64;

export interface Settings {
  /** The database file in use. */
  databaseFile: string;
  defaultBackend: BackendChoice;
  workers: number;
  theme: Theme;
}

export interface AppInfo {
  appVersion: string;
  electronVersion: string | null;
  tfjsVersion: string;
  /** Backend the last run trained on, or the one `auto` resolves to. */
  trainingBackend: string | null;
  versions: LibraryVersions | null;
  nodeVersion: string;
  platform: string;
  transport: 'ipc' | 'http';
  databaseFile: string;
}

/** A file produced in the main process (figure, bundle), base64 so both carriers move it cheaply. */
export interface FileData {
  mimeType: string;
  base64: string;
  suggestedName: string;
  /** Pixel size (PNG) or physical size in inches (SVG, PDF). */
  size: { width: number; height: number; unit: 'px' | 'in' } | null;
}

export const FIGURE_FORMATS = ['svg', 'pdf', 'png', 'csv'] as const;
export type FigureFormat = (typeof FIGURE_FORMATS)[number];

export interface FigureRequestOptions {
  preset: FigurePresetName;
  fontFamily?: string;
  fontSize?: number;
  grayscaleSafe?: boolean;
  /** Pixels per inch for PNG. */
  dpi?: number;
  title?: string;
}

export interface BundleImportSummary {
  experiments: number;
  runs: number;
  skipped: number;
  experimentIds: number[];
}

export interface CreateExperimentResult {
  experimentId: number;
  runIds: number[];
  /** Things worth knowing that did not stop the experiment (e.g. little free memory right now). */
  warnings?: string[];
}

/** One distinct setup of a design in the divergence quick check. */
export interface DivergenceSetupResult {
  /** The variant and sweep values that make this setup ('' when the design has only one). */
  label: string;
  learningRate: number;
  init: string;
  optimizer: string;
  /** Trials run (seeds 1..trials) and how many of them diverged (a non-finite training loss). */
  trials: number;
  diverged: number;
  /** Optimizer steps per trial. */
  steps: number;
  firstDivergedStep: number | null;
  /** e.g. "2 of 3 quick trials at lr 0.5 with he_normal diverged within 200 steps (the first at step 14)". */
  message: string;
}

/** The answer of `checkDivergence`: an estimate from short real training runs, shown as a warning, never a refusal. */
export interface DivergenceCheck {
  setups: DivergenceSetupResult[];
  /** Distinct setups not checked (over the setup limit or the time budget). */
  unchecked: number;
  trialsPerSetup: number;
  steps: number;
  /** Training rows the trials drew their batches from. */
  samples: number;
  seconds: number;
}

// ---------- Errors ----------

export const API_ERROR_CODES = ['invalid_argument', 'invalid_config', 'not_found', 'conflict', 'unauthorized', 'internal'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** An error returned by an operation: a code, a readable message, and per-field issues where relevant. */
export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
  issues?: ConfigIssue[];
}

export class ApiError extends Error implements ApiErrorData {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ConfigIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toData(): ApiErrorData {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

/** What every carrier returns for an operation: never a thrown error across the boundary. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

// ---------- The operations ----------

export interface ExperimentPatch {
  name?: string;
  notes?: string;
  tags?: string[];
}

export interface RunPatch {
  name?: string | null;
  notes?: string;
  tags?: string[];
}

export interface RunFilter {
  experimentId?: number;
  ids?: number[];
  statuses?: RunStatus[];
}

/** Every operation the renderer may call, with its signature. */
export interface LabApi {
  getAppInfo(): Promise<AppInfo>;
  listPresets(): Promise<Preset[]>;

  listExperiments(): Promise<ExperimentRow[]>;
  getExperiment(id: number): Promise<ExperimentDetail>;
  /**
   * Validates the config with the shared schema, checks it against the machine (data files readable,
   * memory), stores the experiment and queues its runs.
   */
  createExperiment(config: unknown): Promise<CreateExperimentResult>;
  /**
   * Trains a few short trials of each distinct setup of a design (in a worker, bounded in time) and
   * says how many diverged. A newer call cancels one still running (it fails with `conflict`).
   */
  checkDivergence(config: unknown): Promise<DivergenceCheck>;
  updateExperiment(id: number, patch: ExperimentPatch): Promise<ExperimentRow>;
  /** Cancels its runs if any are queued or training, then deletes it with all its data. */
  deleteExperiment(id: number): Promise<void>;
  cancelExperiment(id: number): Promise<number>;

  listRuns(filter: RunFilter): Promise<RunRow[]>;
  getRun(id: number): Promise<RunRow>;
  getRunMetrics(id: number): Promise<EpochMetricsDto[]>;
  updateRun(id: number, patch: RunPatch): Promise<RunRow>;
  cancelRun(id: number): Promise<boolean>;

  getQueue(): Promise<QueueState>;

  getSettings(): Promise<Settings>;
  /** Changing the database file reopens the lab on it (refused while runs are training). */
  updateSettings(patch: Partial<Settings>): Promise<Settings>;

  /** The runs a comparison holds, with all their measurements. */
  getComparedRuns(spec: ComparisonSpecInput): Promise<ComparedRun[]>;
  /**
   * What the compare view shows for a spec, computed next to the database: the groups with their run
   * counts, every chart's data, the summary table and the controls' choices (never every run's data).
   */
  getComparisonView(spec: ComparisonSpecInput): Promise<ComparisonView>;
  listComparisons(): Promise<SavedComparison[]>;
  /** Saves a comparison by name (the same name replaces it). */
  saveComparison(name: string, spec: ComparisonSpecInput): Promise<SavedComparison>;
  deleteComparison(id: number): Promise<void>;
  /** One chart of a comparison as SVG, PDF, PNG (at `dpi`) or the CSV of exactly what it plots. */
  renderChart(spec: ComparisonSpecInput, chart: ChartKind, format: FigureFormat, options: FigureRequestOptions): Promise<FileData>;
  /** Experiments as one bundle file (configs, runs, metrics, weights). */
  exportBundle(experimentIds: number[]): Promise<FileData>;
  /** Imports a bundle (base64); importing the same bundle twice adds nothing. */
  importBundle(base64: string): Promise<BundleImportSummary>;

  /** What the runs table offers: the config fields that vary between runs, the most layers and epochs. */
  describeRunTable(): Promise<RunTableInfo>;
  /** One page of the runs table across experiments: filtered, sorted and paged in the lab. */
  queryRunTable(query: RunTableQueryInput): Promise<RunTablePage>;
  /** A sweep view (scatter or parallel coordinates) over the runs a filter keeps. */
  getSweepChart(request: SweepRequestInput): Promise<SweepChart>;
  /** A sweep view as SVG, PDF, PNG (at `dpi`) or the CSV of exactly what it plots. */
  renderSweep(request: SweepRequestInput, format: FigureFormat, options: FigureRequestOptions): Promise<FileData>;
}

export type ApiOperation = keyof LabApi;
export type ApiArgs<K extends ApiOperation> = Parameters<LabApi[K]>;
export type ApiReturn<K extends ApiOperation> = Awaited<ReturnType<LabApi[K]>>;

const id = z.int().min(1).max(Number.MAX_SAFE_INTEGER);
const tags = z.array(z.string().trim().min(1).max(50)).max(50);

const experimentPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  notes: z.string().max(100_000).optional(),
  tags: tags.optional(),
});

const runPatch = z.strictObject({
  name: z.string().trim().min(1).max(200).nullable().optional(),
  notes: z.string().max(100_000).optional(),
  tags: tags.optional(),
});

const runFilter = z.strictObject({
  experimentId: id.optional(),
  ids: z.array(id).max(100_000).optional(),
  statuses: z.array(z.enum(RUN_STATUSES)).optional(),
});

const settingsPatch = z.strictObject({
  databaseFile: z.string().trim().min(1).max(4096).optional(),
  defaultBackend: z.enum(BACKENDS).optional(),
  workers: z.int().min(1).max(MAX_WORKERS).optional(),
  theme: z.enum(THEMES).optional(),
});

const figureOptions = z.strictObject({
  preset: z.enum(FIGURE_PRESET_NAMES),
  fontFamily: z.string().max(200).optional(),
  fontSize: z.number().min(4).max(48).optional(),
  grayscaleSafe: z.boolean().optional(),
  dpi: z.int().min(36).max(1200).optional(),
  title: z.string().max(300).optional(),
});

/** Argument schemas, one tuple per operation: the main process validates every call against these. */
export const apiArgSchemas = {
  getAppInfo: z.tuple([]),
  listPresets: z.tuple([]),
  listExperiments: z.tuple([]),
  getExperiment: z.tuple([id]),
  // The config itself is validated by the experiment schema, with its own field-level issues.
  createExperiment: z.tuple([z.unknown()]),
  checkDivergence: z.tuple([z.unknown()]),
  updateExperiment: z.tuple([id, experimentPatch]),
  deleteExperiment: z.tuple([id]),
  cancelExperiment: z.tuple([id]),
  listRuns: z.tuple([runFilter]),
  getRun: z.tuple([id]),
  getRunMetrics: z.tuple([id]),
  updateRun: z.tuple([id, runPatch]),
  cancelRun: z.tuple([id]),
  getQueue: z.tuple([]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  getComparedRuns: z.tuple([comparisonSpecSchema]),
  getComparisonView: z.tuple([comparisonSpecSchema]),
  listComparisons: z.tuple([]),
  saveComparison: z.tuple([z.string().trim().min(1).max(200), comparisonSpecSchema]),
  deleteComparison: z.tuple([id]),
  renderChart: z.tuple([comparisonSpecSchema, z.enum(CHART_KINDS), z.enum(FIGURE_FORMATS), figureOptions]),
  exportBundle: z.tuple([z.array(id).min(1).max(10_000)]),
  // ~300 MB of bundle at most through one call.
  importBundle: z.tuple([z.string().min(1).max(400_000_000)]),
  describeRunTable: z.tuple([]),
  queryRunTable: z.tuple([runTableQuerySchema]),
  getSweepChart: z.tuple([sweepRequestSchema]),
  renderSweep: z.tuple([sweepRequestSchema, z.enum(FIGURE_FORMATS), figureOptions]),
} satisfies { [K in ApiOperation]: z.ZodType };

// The operation list itself is declared once, in the zod-free shared/api-operations.ts.
export { API_OPERATIONS, isApiOperation } from './api-operations.js';

// ---------- Live events ----------

export type LabEvent =
  | { type: 'run-status'; runId: number; experimentId: number; status: RunStatus; error: string | null }
  | { type: 'epoch'; runId: number; experimentId: number; metrics: EpochMetricsDto }
  | { type: 'progress'; runId: number; experimentId: number; fraction: number; etaSeconds: number | null }
  | { type: 'experiments-changed' }
  | { type: 'settings-changed'; settings: Settings }
  /** A native menu item the renderer handles (desktop app only). */
  | { type: 'menu'; action: MenuAction };

export const MENU_ACTIONS = ['new-experiment', 'open-database', 'import', 'export', 'about', 'settings'] as const;
export type MenuAction = (typeof MENU_ACTIONS)[number];

/** A file the user saves: a save dialog in the desktop app, a download in web mode. */
export interface SaveFileRequest {
  suggestedName: string;
  mimeType: string;
  /** Text, or bytes (PNG, PDF, bundles). */
  data: string | Uint8Array;
}

export interface SaveFileResult {
  saved: boolean;
  /** Where it was written (desktop app), null for a browser download or when cancelled. */
  path: string | null;
}

/** The renderer's view of the lab: the operations plus the event stream. Carrier-independent. */
export interface LabClient extends LabApi {
  /** Which carrier this client uses (for wording only, e.g. "Download" vs "Save…"). */
  readonly transport: 'ipc' | 'http';
  /** Subscribes to live events; returns the unsubscribe function. */
  subscribe(listener: (event: LabEvent) => void): () => void;
  saveFile(request: SaveFileRequest): Promise<SaveFileResult>;
}

// ---------- JSON encoding that keeps NaN and ±Infinity (HTTP carrier) ----------

const NON_FINITE_TAG = '$nonFinite';

/** JSON.stringify that keeps NaN/±Infinity (as tagged objects) so a diverged loss survives the trip. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { [NON_FINITE_TAG]: String(v) };
    if (v instanceof Uint8Array || v instanceof Float32Array || v instanceof Float64Array || v instanceof Int32Array) return Array.from(v);
    return v;
  });
}

function nonFiniteTag(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === NON_FINITE_TAG ? Number((value as Record<string, unknown>)[NON_FINITE_TAG]) : undefined;
}

/**
 * Parses `encodeJson` output. The tags are replaced by a walk with its own stack rather than a
 * JSON.parse reviver (which recurses and overflows on deeply nested input), so a deep payload reaches
 * the validation that names its field instead of failing here.
 */
export function decodeJson<T = unknown>(text: string): T {
  const root = JSON.parse(text) as unknown;
  const top = nonFiniteTag(root);
  if (top !== undefined) return top as T;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const container = node as Record<string, unknown>;
    for (const key of Object.keys(container)) {
      const child = container[key];
      if (child === null || typeof child !== 'object') continue;
      const tagged = nonFiniteTag(child);
      // defineProperty: a key named "__proto__" is data here, not the prototype setter.
      if (tagged !== undefined) Object.defineProperty(container, key, { value: tagged, writable: true, enumerable: true, configurable: true });
      else stack.push(child);
    }
  }
  return root as T;
}

export type { ConfigIssue, RunConfig, RunStatus, RunSummary, ExperimentSummary, Preset, ChartKind, ComparisonSpecInput, SavedComparison, ComparedRun, ComparisonView };
