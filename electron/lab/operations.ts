/**
 * The lab's use cases, one function each, called by both front ends: the CLI
 * (`electron/cli/commands/*`) and the API (`LabService`). They validate, check, store and queue, and
 * fail with the typed errors of shared/errors.ts; presentation (tables, progress, exit codes) stays
 * in the CLI, transport (argument checks, live events) in the service.
 */
import fs from 'node:fs';
import path from 'node:path';
import { slug } from '../../shared/slug.js';
import { shardSlice, type Shard } from '../../shared/shard.js';
import { validateExperiment, type ExperimentConfig, type RunSpec } from '../../shared/config.js';
import { ConflictError, InvalidConfigError, NotFoundError, ValidationError, firstLine } from '../../shared/errors.js';
import { parseFilterFor, type FilterClause } from '../../shared/run-filter.js';
import { columnId, resolveColumn, runTableQuerySchema, type ColumnRef, type RunTableInfo, type RunTablePage, type RunTableQueryInput } from '../../shared/run-table.js';
import { sweepChart, sweepCsv, sweepFigure, sweepRequestSchema, type SweepChart, type SweepFigureOptions, type SweepRequestInput } from '../../shared/sweep.js';
import type { FigureFormat } from '../../shared/api.js';
import { figureFile, type RenderedChart } from '../figure/file.js';
import type { ExperimentSummary, RunSummary } from '../../shared/metrics.js';
import { ExperimentBusyError, LabStore } from '../../db/store.js';
import { BundleError, exportBundle, type BundleImportResult, type BundleSource } from '../../db/bundle.js';
import { experimentUidForConfig } from '../../db/uids.js';
import { preflightExperiment, type PreflightOptions } from './preflight.js';
import type { TrainingPool } from './pool.js';

/** A design accepted by the schema and by this machine, not stored yet. */
export interface PreparedExperiment {
  /** The config exactly as given: what is stored. */
  raw: unknown;
  config: ExperimentConfig;
  runs: RunSpec[];
  /** What does not refuse the design but is worth knowing (e.g. little free memory right now). */
  warnings: string[];
}

/**
 * Validates a design with the shared schema, then checks it against this machine (every data set
 * readable, memory). Nothing is stored; a refused design throws an InvalidConfigError with every issue.
 */
export async function prepareExperiment(raw: unknown, machine: PreflightOptions): Promise<PreparedExperiment> {
  const validation = validateExperiment(raw);
  if (!validation.ok) throw new InvalidConfigError(validation.issues);
  const preflight = await preflightExperiment(validation.config, validation.runs, machine);
  if (preflight.issues.length > 0) throw new InvalidConfigError(preflight.issues);
  return { raw, config: validation.config, runs: validation.runs, warnings: preflight.warnings };
}

/** Where a sharded experiment's runs go: one slice of them, under the uid every shard shares. */
export interface ShardPlacement {
  /** Default: derived from the validated config (shardExperimentUid). */
  uid?: string;
  /** Default: all runs (1/1). */
  shard?: Shard;
}

/**
 * The uid the shards of a design share: the one given, else one derived from the validated config
 * (defaults filled in), so shards started from the same design agree without talking to each other.
 */
export function shardExperimentUid(design: PreparedExperiment, given?: string): string {
  return given ?? experimentUidForConfig(design.config);
}

/**
 * Stores a prepared experiment with its runs and queues them on the training pool. With a placement,
 * only its shard's runs are stored, under the shared uid, each run with the id and uid it has when
 * the whole experiment is stored in a fresh database.
 */
export function startExperiment(
  store: LabStore,
  pool: TrainingPool,
  design: PreparedExperiment,
  placement?: ShardPlacement,
): { experimentId: number; runIds: number[] } {
  const created = store.createExperiment({
    name: design.config.name,
    config: design.raw,
    runs: placement?.shard ? shardSlice(design.runs, placement.shard) : design.runs,
    totalRuns: design.runs.length,
    uid: placement ? shardExperimentUid(design, placement.uid) : undefined,
  });
  pool.enqueueExperiment(created.experimentId);
  return created;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** One input of a merge: a lab database (all its experiments) or a bundle. */
export interface MergedInput extends BundleImportResult {
  file: string;
  kind: 'database' | 'bundle';
}

function fileStart(file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleError('not-a-bundle', `${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : firstLine(err)}`);
  }
  try {
    if (!fs.fstatSync(fd).isFile()) throw new BundleError('not-a-bundle', `${file}: is not a regular file`);
    const start = Buffer.alloc(SQLITE_MAGIC.length);
    return start.subarray(0, fs.readSync(fd, start, 0, start.length, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** Every experiment of a lab database as one bundle, read without writing to it. */
function databaseAsBundle(file: string): Uint8Array {
  const input = LabStore.open(file, { mustExist: true, readonly: true });
  try {
    return input.exportBundle(input.listExperiments().map((e) => e.id).reverse());
  } finally {
    input.close();
  }
}

/**
 * Merges lab databases and bundles (e.g. the shards of one experiment) into `out`, in one
 * transaction: every input, or nothing when one is refused (the error names it). Experiments and
 * runs already in `out` (by uid) are skipped, so merging a shard twice adds nothing; runs take the
 * ids their index gives them (db/uids.ts), so the inputs may come in any order.
 */
export function mergeLabFiles(out: LabStore, files: readonly string[]): MergedInput[] {
  const kinds = mergeInputKinds(out.file, files);
  const sources: BundleSource[] = files.map((file, i) => ({
    name: file,
    read: () => (kinds[i] === 'database' ? databaseAsBundle(file) : fs.readFileSync(file)),
  }));
  return out.importBundles(sources).map((result, i) => ({ ...result, file: files[i], kind: kinds[i] }));
}

/**
 * What each input of a merge into `outFile` is, read from its first bytes; a missing file, one that
 * is neither, or `outFile` itself is refused (BundleError naming it). Checked before `outFile` is opened.
 */
export function mergeInputKinds(outFile: string, files: readonly string[]): MergedInput['kind'][] {
  const outPath = path.resolve(outFile);
  return files.map((file) => {
    if (path.resolve(file) === outPath) throw new BundleError('conflict', `${file}: is the database merged into; give it only as OUT`);
    const start = fileStart(file);
    if (start.equals(SQLITE_MAGIC)) return 'database';
    if (start.subarray(0, 2).equals(GZIP_MAGIC)) return 'bundle';
    throw new BundleError('not-a-bundle', `${file}: is neither a ReLU Lab database nor a bundle`);
  });
}

/** The training backends of an experiment's runs when they are more than one (numbers are reproducible per backend). */
export function mixedBackends(store: LabStore, experimentId: number): string[] {
  const backends = new Set(store.listRuns({ experimentId }).map((r) => r.backend ?? 'none'));
  return backends.size > 1 ? [...backends].sort() : [];
}

export function requireExperiment(store: LabStore, id: number): ExperimentSummary {
  const experiment = store.getExperiment(id);
  if (!experiment) throw new NotFoundError('experiment', id);
  return experiment;
}

export function requireRun(store: LabStore, id: number): RunSummary {
  const run = store.getRun(id);
  if (!run) throw new NotFoundError('run', id);
  return run;
}

/**
 * Experiments as one bundle, with a file name to suggest: the experiment's name for one, else
 * `N-experiments.relulab`. A missing experiment is a NotFoundError.
 */
export function exportExperimentsBundle(store: LabStore, experimentIds: number[], appVersion?: string): { data: Buffer; suggestedName: string } {
  const data = exportBundle(store, experimentIds, { appVersion });
  const name = experimentIds.length === 1 ? slug(requireExperiment(store, experimentIds[0]).name) : `${experimentIds.length}-experiments`;
  return { data, suggestedName: `${name}.relulab` };
}

/**
 * Cancels an experiment's runs: those queued or training in this pool, and those queued in the
 * database by no pool of this process (another process, or one that is gone). Returns how many,
 * and the runs cancelled in the database only (the pool announces its own).
 */
export function cancelExperimentRuns(store: LabStore, pool: TrainingPool, experimentId: number): { count: number; cancelledQueued: RunSummary[] } {
  const inPool = new Set([...pool.queuedRunIds(), ...pool.activeRunIds()]);
  const cancelled = pool.cancelExperiment(experimentId);
  const stray = store.listRuns({ experimentId, statuses: ['queued'] }).filter((r) => !inPool.has(r.id));
  const extra = stray.length > 0 ? store.cancelQueuedRuns(stray.map((r) => r.id)) : 0;
  return { count: cancelled + extra, cancelledQueued: stray };
}

/** Resolves once none of `runIds` is training or queued in `pool` any more. */
export async function runsStopped(pool: TrainingPool, runIds: readonly number[]): Promise<void> {
  const ids = new Set(runIds);
  const busy = () => [...pool.activeRunIds(), ...pool.queuedRunIds()].some((id) => ids.has(id));
  while (busy()) {
    await new Promise<void>((resolve) => {
      const done = () => {
        pool.off('run-status', done);
        pool.off('idle', done);
        resolve();
      };
      pool.on('run-status', done);
      pool.on('idle', done);
    });
  }
}

/**
 * Deletes an experiment with all its data, once none of its runs trains in this process. Runs
 * another live process trains or queued (its lease is alive) are a ConflictError, checked in the
 * delete's own transaction so a run that process starts meanwhile is never deleted from under it.
 */
export function deleteStoppedExperiment(store: LabStore, id: number): void {
  requireExperiment(store, id);
  try {
    store.deleteExperiment(id);
  } catch (err) {
    if (!(err instanceof ExperimentBusyError)) throw err;
    const n = err.running + err.queued;
    throw new ConflictError(
      `experiment ${id} has ${n} run${n === 1 ? '' : 's'} ${err.running > 0 ? 'training' : 'queued'} in another process ` +
        '(e.g. the relu-lab command line); cancel them there or wait until they finish',
    );
  }
}

// ---------- The runs table and the sweep views ----------

/** What the runs table offers: the config fields that vary (with their values), the most layers and epochs. */
export function describeRunTable(store: LabStore): RunTableInfo {
  const started = performance.now();
  const fields = store.runTableFields();
  const extent = store.runTableExtent();
  return { fields, layers: extent.layers, maxEpoch: extent.maxEpoch, runs: extent.runs, ms: performance.now() - started };
}

/** A filter parsed against the fields the table offers; a clause that does not parse is a ValidationError naming it. */
function parsedFilter(store: LabStore, filter: string): { clauses: FilterClause[]; fields: string[] } {
  const offered = store.runTableFields();
  const parsed = parseFilterFor(filter, offered);
  if (!parsed.ok) throw new ValidationError(parsed.message);
  return { clauses: parsed.clauses, fields: offered.map((f) => f.path) };
}

/** A column by the name a query gives (`what` names it in the error), refused when it is none. */
function columnOf(name: string, fields: readonly string[], what: string, atEpoch: number | null): ColumnRef {
  const ref = resolveColumn(name, fields);
  if (ref === null) throw new ValidationError(`${what}: unknown column ${JSON.stringify(name)}`);
  if (ref.kind === 'dead' && ref.metric === 'dead at epoch' && atEpoch === null) throw new ValidationError(`${what}: ${columnId(ref)} needs atEpoch, the epoch it is read at`);
  return ref;
}

/** One page of the runs table: the runs the filter keeps, sorted, with the cells of the asked columns. */
export function queryRunTable(store: LabStore, input: RunTableQueryInput): RunTablePage {
  const started = performance.now();
  const query = runTableQuerySchema.parse(input);
  const { clauses, fields } = parsedFilter(store, query.filter);
  for (const c of clauses) columnOf(columnId(c.column), fields, `filter clause "${c.text}"`, query.atEpoch);
  const columns = query.columns.map((name, i) => columnOf(name, fields, `columns[${i}]`, query.atEpoch));
  const sort = query.sort === null ? null : { column: columnOf(query.sort.column, fields, 'sort.column', query.atEpoch), direction: query.sort.direction };
  const { rows, total } = store.queryRunTable({ clauses, sort, columns, atEpoch: query.atEpoch, offset: query.offset, limit: query.limit });
  return { rows, total, all: store.runTableExtent().runs, offset: query.offset, columns: columns.map(columnId), ms: performance.now() - started };
}

/** The chart of a sweep view over the runs a filter keeps (every one of them, none dropped silently). */
export function sweepChartOf(store: LabStore, input: SweepRequestInput): SweepChart {
  const request = sweepRequestSchema.parse(input);
  const { clauses, fields: offered } = parsedFilter(store, request.filter);
  const numeric = store.runTableFields().filter((f) => f.numeric).map((f) => f.path);
  const metric = columnOf(request.metric, offered, 'metric', request.atEpoch);
  if (metric.kind !== 'dead' && metric.kind !== 'metric') throw new ValidationError(`metric: ${JSON.stringify(request.metric)} is not a summary metric (e.g. final dead, max dead L1, final loss)`);
  let fields: string[];
  if (request.view === 'scatter') {
    const x = request.x ?? numeric[0];
    if (x === undefined) throw new ValidationError('x: no numeric field varies between these runs; choose one');
    const ref = columnOf(x, offered, 'x', null);
    if (ref.kind !== 'field') throw new ValidationError(`x: ${JSON.stringify(x)} is not a config field`);
    fields = [ref.path];
  } else {
    const axes = request.axes.length > 0 ? request.axes : offered.slice(0, 8);
    fields = axes.map((a, i) => {
      const ref = columnOf(a, offered, `axes[${i}]`, null);
      if (ref.kind !== 'field') throw new ValidationError(`axes[${i}]: ${JSON.stringify(a)} is not a config field`);
      return ref.path;
    });
    if (fields.length === 0) throw new ValidationError('axes: no field varies between these runs; choose some');
  }
  if (request.colorBy !== null) {
    const ref = columnOf(request.colorBy, offered, 'colorBy', null);
    if (ref.kind !== 'field') throw new ValidationError(`colorBy: ${JSON.stringify(request.colorBy)} is not a config field`);
    fields.push(ref.path);
  }
  const columns: ColumnRef[] = [...fields.map((path): ColumnRef => ({ kind: 'field', path })), metric, { kind: 'run', id: 'diverged' }];
  const { rows } = store.queryRunTable({ clauses, sort: null, columns, atEpoch: request.atEpoch, offset: 0, limit: null });
  const metricId = columnId(metric);
  const runs = rows.map((r) => ({
    runId: r.id,
    diverged: r.cells.diverged === true,
    values: fields.map((f) => r.cells[f] ?? null),
    y: typeof r.cells[metricId] === 'number' ? (r.cells[metricId] as number) : null,
  }));
  const metricLabel = metric.kind === 'dead' && metric.metric === 'dead at epoch' ? `${metricId.replace('dead at epoch', `dead at epoch ${request.atEpoch}`)}` : metricId;
  return sweepChart({
    request: { ...request, x: request.view === 'scatter' ? fields[0] : request.x, axes: request.view === 'parallel' ? fields.slice(0, fields.length - (request.colorBy === null ? 0 : 1)) : request.axes },
    fields,
    runs,
    filteredOut: store.runTableExtent().runs - runs.length,
    metricLabel,
    yFraction: metric.kind === 'dead' || metric.id === 'final accuracy' || metric.id === 'final val accuracy',
  });
}

/** A sweep view as a file (SVG, PDF, PNG at `dpi`, or the CSV of what it plots), with a name to suggest. */
export function renderSweepFile(store: LabStore, request: SweepRequestInput, format: FigureFormat, options: SweepFigureOptions & { dpi?: number }): { file: RenderedChart; suggestedName: string } {
  const chart = sweepChartOf(store, request);
  const file = figureFile(format, () => sweepFigure(chart, options), () => sweepCsv(chart), options.dpi);
  return { file, suggestedName: `sweep-${chart.view}.${format}` };
}
