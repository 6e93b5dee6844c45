/**
 * `relu-lab run CONFIG.json | --preset NAME`: validates the design (exit 2, nothing stored), stores
 * it, trains its runs on worker threads with progress on stderr, and prints the runs table (or
 * `--json`). Ctrl-C or SIGTERM cancels cleanly; a second one quits at once. `--shard K/N|auto`
 * trains one slice of the runs (a cluster array task), `--bundle-out FILE` leaves the experiment as a
 * bundle to merge (docs/cluster.md).
 */
import { InvalidConfigError } from '../../../shared/errors.js';
import type { LabStore } from '../../../db/store.js';
import { exportExperimentsBundle, prepareExperiment, startExperiment, type PreparedExperiment } from '../../lab/operations.js';
import { shardLabel, shardRunIndices } from '../../../shared/shard.js';
import { TrainingPool, defaultWorkerCount } from '../../lab/pool.js';
import { parseArgs, UsageError } from '../args.js';
import { designInput, invalidConfig, DESIGN_OPTIONS } from '../config-input.js';
import { CliError, help, openStore, type CliIo } from '../context.js';
import { jsonText, sweepLabel, terminalSafe } from '../format.js';
import { backendOption, shardPlacementOptions, workersOption } from '../options.js';
import { checkOutput, writeFileAtomic } from '../output.js';
import { ProgressReporter } from '../progress.js';
import { nonFinite, runReport, runsTable } from '../run-report.js';

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, {
    db: { value: true },
    backend: { value: true },
    workers: { value: true },
    ...DESIGN_OPTIONS,
    json: {},
    shard: { value: true },
    'experiment-uid': { value: true },
    'bundle-out': { value: true },
    help: {},
  });
  if (help(options, io)) return 0;
  const placement = shardPlacementOptions(options, process.env);
  const bundleOut = options['bundle-out'];
  if (bundleOut !== undefined) {
    if (typeof bundleOut !== 'string' || bundleOut === '' || bundleOut === '-') throw new UsageError('--bundle-out: must name a file (the bundle is binary; standard output carries the runs table)');
    checkOutput(bundleOut, io);
  }
  const input = designInput('run', positionals, options);
  if ('issues' in input) return invalidConfig(io, input.source, input.issues);
  const { raw, source, baseDir } = input;
  const backend = backendOption(options.backend) ?? 'auto';
  const workers = workersOption(options.workers) ?? defaultWorkerCount();

  let design: PreparedExperiment;
  try {
    // Against this machine too (data files, memory), before anything is stored.
    design = await prepareExperiment(raw, { baseDir, workers });
  } catch (err) {
    if (err instanceof InvalidConfigError) return invalidConfig(io, source, err.issues);
    throw err;
  }
  for (const warning of design.warnings) io.stderr.write(`relu-lab: note: ${warning}\n`);
  const store = openStore(options.db);
  const pool = new TrainingPool(store, { workers, backend, baseDir });
  const shard = placement?.shard;
  const progress = new ProgressReporter(io, shard ? shardRunIndices(design.runs.length, shard).length : design.runs.length);
  pool.on('progress', (e) => progress.update(e.runId, e.fraction, e.etaSeconds));
  pool.on('problem', (e) => progress.line(`relu-lab: ${terminalSafe(e.message)}`));
  pool.on('run-status', (e) => {
    if (e.status === 'running') progress.update(e.runId, 0, null);
    else if (e.status !== 'queued') {
      const run = store.getRun(e.runId);
      progress.finish(e.runId, `run ${e.runId} (${run ? sweepLabel(run) : '-'}, seed ${run?.seed}) ${e.status}${e.error ? `: ${terminalSafe(e.error)}` : ''}`);
    }
  });
  const { experimentId, runIds } = startExperiment(store, pool, design, placement);
  const slice = shard ? ` (shard ${shardLabel(shard)} of its ${design.runs.length}${runIds.length > 0 ? `: runs ${runIds.join(', ')}` : ''})` : '';
  progress.line(`experiment ${experimentId} "${terminalSafe(design.config.name)}": ${runIds.length} run${runIds.length === 1 ? '' : 's'}${slice} on ${workers} worker${workers === 1 ? '' : 's'}, database ${terminalSafe(store.file)}`);

  // Ctrl-C and SIGTERM (a service manager, `kill`, a container stopping) cancel cleanly: runs stop
  // after the current batch and are stored as cancelled. A second signal quits at once.
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts === 1) {
      progress.line('cancelling: stopping runs after the current batch (Ctrl-C again to quit at once)');
      pool.cancelAll();
    } else {
      quitNow(store, runIds, signal);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await pool.idle();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
    progress.done();
  }

  const finished = store.listRuns({ experimentId });
  // A cancelled shard leaves no bundle: merging its cancelled runs would keep a rerun from adding them.
  if (typeof bundleOut === 'string' && interrupts === 0) {
    const { data } = exportExperimentsBundle(store, [experimentId]);
    writeFileAtomic(bundleOut, data);
    io.stderr.write(`wrote bundle of experiment ${experimentId} (${finished.length} run${finished.length === 1 ? '' : 's'}) to ${terminalSafe(bundleOut)}\n`);
  }
  if (options.json) {
    io.stdout.write(`${jsonText(runReport(store, experimentId, finished), nonFinite)}\n`);
  } else {
    io.stdout.write(`${runsTable(store, finished)}\n`);
  }
  store.close();
  const cancelled = finished.filter((r) => r.status === 'cancelled').length;
  const failed = finished.filter((r) => r.status === 'failed');
  if (cancelled > 0 && interrupts > 0) throw new CliError(`cancelled: ${cancelled} of ${finished.length} runs did not finish`, 1);
  if (failed.length > 0) throw new CliError(`${failed.length} of ${finished.length} runs failed (first: run ${failed[0].id}: ${failed[0].error})`, 1);
  return 0;
}

/** Error of the runs a second Ctrl-C (or SIGTERM) left unfinished. */
export const FORCED_QUIT_ERROR = 'relu-lab was stopped at once (a second Ctrl-C or SIGTERM) before this run finished';

/** A second signal: queued runs become cancelled, training ones interrupted, then exit (128 + signal number). */
function quitNow(store: LabStore, runIds: number[], signal: NodeJS.Signals): never {
  try {
    store.cancelQueuedRuns(runIds);
    store.releaseLease(FORCED_QUIT_ERROR);
  } catch {
    // Locked or full: the lease expires by itself and the next open marks the runs interrupted.
  }
  process.exit(signal === 'SIGTERM' ? 143 : 130);
}
