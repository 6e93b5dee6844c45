/**
 * `relu-lab`: run experiments, list and show runs, export models and metrics, list presets.
 * Exit codes: 0 done (diverged runs are results), 2 invalid config or arguments, 1 anything else.
 */
import path from 'node:path';
import { BACKENDS, dataProblemIssue, formatIssues, parseAssignment, plainDataProblem, validateExperiment, withValueAt, type BackendChoice, type ConfigIssue } from '../../shared/config.js';
import { findPreset, PRESETS } from '../../shared/presets.js';
import type { EpochMetrics, RunSummary } from '../../shared/metrics.js';
import { DatabaseRefusedError, DatabaseTooNewError, LabStore, isDatabaseError } from '../../db/store.js';
import { resolveDatabasePath } from '../../db/paths.js';
import { TrainingPool, defaultWorkerCount, workerCountProblem } from '../lab/pool.js';
import { preflightExperiment } from '../lab/preflight.js';
import { CsvFileError, readRegularFile } from '../engine/csv.js';
import { experimentLongRows, longRowsToCsv, longRowsToJson } from '../lab/export.js';
import { runRows } from '../lab/dto.js';
import { writeModelFiles } from '../engine/artifacts.js';
import { parseArgs, UsageError, wholeNumber } from './args.js';
import { BUNDLE_OUTPUT, compareCommand, exportBundleTo, figureCommand, importCommand, type CommandContext } from './compare.js';
import { checkOutput, outputFolder, regularFileTarget, writeFileAtomic, writeOutput, STDOUT_OUT } from './output.js';
import { serve } from './serve.js';
import { tokenProblem } from '../server/http.js';
import { duration, fraction, jsonText, num, sweepLabel, table, terminalSafe } from './format.js';

/** A failure with a one-line reason and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const HELP = `relu-lab: an offline laboratory for the dying ReLU problem

Usage:
  relu-lab run CONFIG.json [options]     run an experiment described by a JSON file
  relu-lab run --preset NAME [options]   run a built-in experiment design
  relu-lab list [--json]                 list experiments and their runs
  relu-lab show RUN_ID [--json]          one run, epoch by epoch
  relu-lab export RUN_ID --format model --out DIR
                                         the run's final model (TF.js layers format) and probe set
  relu-lab export EXPERIMENT_ID --format csv|json --out FILE
                                         every run's metrics, long format
  relu-lab export EXPERIMENT_ID[,ID…] --format bundle --out FILE
                                         experiments as one bundle another ReLU Lab imports
  relu-lab import BUNDLE                 import a bundle (importing twice adds nothing)
  relu-lab compare save NAME --experiment ID [--run ID] [--group-by FIELD] [--band std|se|ci95|none]
                   [--layer N|mean|all] [--show-runs] [--x-axis epoch|time] [--log-x] [--log-y]
                   [--smoothing W] [--at-epoch N] [--diverged include|exclude] [--hide GROUP]
                                         save a comparison by name (same name: replaced)
  relu-lab compare list|show|delete NAME saved comparisons
  relu-lab figure NAME --chart KIND --out FILE [--format svg|pdf|png|csv] [--dpi 300]
                   [--preset single-column|double-column|screen] [--font sans|serif]
                   [--font-size PT] [--grayscale] [--title TEXT]
                                         one chart of a saved comparison, as the app draws it
                                         (KIND: dead-fraction, final-dead-bars, dead-heatmap, loss,
                                         accuracy, histograms, revival, active-probability,
                                         dormant-fraction; csv = exactly the plotted data)
  relu-lab presets [--json]              the built-in experiment designs
  relu-lab serve [--port P] [--token T] [--no-open]
                                         the app in a web browser (web mode): serves the
                                         interface on 127.0.0.1 and prints a sign-in address
  relu-lab help                          this text

Options:
  --db FILE                 database file (default: $RELU_LAB_DB, else the app's lab.sqlite)
  --backend auto|tensorflow|wasm|cpu
                            training backend (auto: tfjs-node, else wasm, else cpu)
  --workers N               runs trained at once (default: cores - 1, at least 1;
                            at most twice the cores)
  --set path=value          override one config field, e.g. --set training.epochs=5 (repeatable)
  --json                    machine-readable output on stdout
  --name TEXT               experiment name (overrides the config's)
  --port P                  serve: port on 127.0.0.1 (default 0: a free port)
  --token T                 serve: a fixed API token (16+ characters of A-Z a-z 0-9 . _ ~ -), so
                            bookmarks survive a restart; default: webToken of settings.json, else
                            a random one. Other users can read command lines: prefer webToken
  --no-open                 serve: do not open a web browser

Exit codes: 0 done (diverged runs are results, not errors), 2 invalid config or
arguments, 1 anything else.`;

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(`${HELP}\n`);
        return 0;
      case 'run':
        return await runCommand(rest, io);
      case 'list':
        return listCommand(rest, io);
      case 'show':
        return showCommand(rest, io);
      case 'export':
        return exportCommand(rest, io);
      case 'compare':
        return compareCommand(rest, commandContext(io));
      case 'figure':
        return figureCommand(rest, commandContext(io));
      case 'import':
        return importCommand(rest, commandContext(io));
      case 'presets':
        return presetsCommand(rest, io);
      case 'serve':
        return await serveCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)} (try relu-lab help)`);
    }
  } catch (err) {
    // Messages may echo names and arguments: one line, with control and bidi characters escaped.
    if (err instanceof UsageError) {
      io.stderr.write(`relu-lab: ${terminalSafe(err.message)}\n`);
      return 2;
    }
    if (err instanceof CliError) {
      io.stderr.write(`relu-lab: ${terminalSafe(err.message)}\n`);
      return err.exitCode;
    }
    const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    // SQLite's own messages ("database disk image is malformed") do not say which file.
    const file = isDatabaseError(err) && openedDatabase && !message.includes(openedDatabase) ? `${openedDatabase}: ` : '';
    io.stderr.write(`relu-lab: ${terminalSafe(`${file}${message}`)}\n`);
    return 1;
  }
}

function commandContext(io: CliIo): CommandContext {
  return { io, openStore, fail: (message) => new CliError(message, 1) };
}

/**
 * Opens the database of `--db` (else `$RELU_LAB_DB`, else the app's). `read` (list, show, export,
 * figure…): the file must exist, nothing is created, and a file this user cannot write is opened
 * read-only. `write` (run, import…): created with its folders when missing. Every message names the file.
 */
/** The database the running command opened (named in messages of SQLite errors). */
let openedDatabase: string | null = null;

function openStore(dbOption: unknown, access: 'read' | 'write' = 'write'): LabStore {
  const file = resolveDatabasePath(typeof dbOption === 'string' ? dbOption : undefined);
  openedDatabase = file;
  try {
    return access === 'read' ? LabStore.open(file, { mustExist: true, readonly: 'if-unwritable' }) : LabStore.open(file);
  } catch (err) {
    if (err instanceof DatabaseRefusedError && err.reason === 'missing') {
      throw new CliError(`no lab database at ${file} (start an experiment with relu-lab run, or give another file with --db)`, 1);
    }
    if (err instanceof DatabaseRefusedError || err instanceof DatabaseTooNewError) throw new CliError(err.message.split('\n')[0], 1);
    const message = (err as Error).message.split('\n')[0];
    throw new CliError(message.includes(file) ? `cannot open database: ${message}` : `cannot open database ${file}: ${message}`, 1);
  }
}

function help(options: Record<string, unknown>, io: CliIo): boolean {
  if (options.help) {
    io.stdout.write(`${HELP}\n`);
    return true;
  }
  return false;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    // A regular file only (a FIFO or /dev/zero would hang or never end), of sane size.
    text = readRegularFile(file, 64 * 1024 * 1024, undefined, 'config files').toString('utf8');
  } catch (err) {
    if (err instanceof CsvFileError) throw new UsageError(`cannot read ${file}: ${err.problem === 'does not exist' ? 'no such file' : `it ${err.problem}`}`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UsageError(`${file} is not valid JSON: ${jsonProblem(text, err)}`);
    throw err;
  }
}

/** Where JSON.parse failed, without the text V8 quotes in its message (the file may not be a config at all). */
function jsonProblem(text: string, err: unknown): string {
  const message = (err as Error).message;
  const at = /\bposition (\d+)/.exec(message);
  if (at) {
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return `unexpected text at line ${line}, column ${Number(at[1]) - before.lastIndexOf('\n')}`;
  }
  if (/unexpected end/i.test(message)) return 'the text ends before the JSON does';
  return 'unexpected text (it does not read as JSON)';
}

function invalidConfig(io: CliIo, source: string, issues: ConfigIssue[]): 2 {
  const lines = formatIssues(issues).split('\n').map((line) => `  ${terminalSafe(line)}`);
  io.stderr.write(`relu-lab: invalid experiment config (${terminalSafe(source)}):\n${lines.join('\n')}\n`);
  return 2;
}

async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, {
    db: { value: true },
    backend: { value: true },
    workers: { value: true },
    set: { value: true, repeat: true },
    json: {},
    preset: { value: true },
    name: { value: true },
    help: {},
  });
  if (help(options, io)) return 0;
  let raw: unknown;
  let source: string;
  if (typeof options.preset === 'string') {
    if (positionals.length > 0) throw new UsageError('give either CONFIG.json or --preset NAME, not both');
    const preset = findPreset(options.preset);
    if (!preset) throw new UsageError(`--preset: no preset named ${JSON.stringify(options.preset)} (presets: ${PRESETS.map((p) => p.name).join(', ')})`);
    raw = JSON.parse(JSON.stringify(preset.config));
    source = `preset ${preset.name}`;
  } else {
    if (positionals.length !== 1) throw new UsageError('run needs one CONFIG.json file (or --preset NAME)');
    raw = readConfigFile(positionals[0]);
    source = positionals[0];
    // Before anything recursive (--set copies the config) touches what the file holds.
    const problem = plainDataProblem(raw);
    if (problem) return invalidConfig(io, source, [dataProblemIssue(problem)]);
  }
  for (const assignment of (options.set as string[] | undefined) ?? []) {
    const parsed = parseAssignment(assignment);
    if ('error' in parsed) throw new UsageError(parsed.error);
    raw = withValueAt(raw, parsed.path, parsed.value);
  }
  if (typeof options.name === 'string') raw = withValueAt(raw, 'name', options.name);
  const backend = (options.backend ?? 'auto') as BackendChoice;
  if (!BACKENDS.includes(backend)) throw new UsageError(`--backend: must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(options.backend)}`);
  const workers = options.workers === undefined ? defaultWorkerCount() : wholeNumber('workers', options.workers);
  const workersProblem = workerCountProblem('--workers', workers);
  if (workersProblem) throw new UsageError(workersProblem);

  const validation = validateExperiment(raw);
  if (!validation.ok) return invalidConfig(io, source, validation.issues);
  const { config, runs } = validation;
  const baseDir = typeof options.preset === 'string' ? process.cwd() : path.dirname(path.resolve(positionals[0]));
  // Against this machine (data files, memory), before anything is stored.
  const preflight = await preflightExperiment(config, runs, { baseDir, workers });
  if (preflight.issues.length > 0) return invalidConfig(io, source, preflight.issues);
  for (const warning of preflight.warnings) io.stderr.write(`relu-lab: note: ${warning}\n`);
  const store = openStore(options.db);
  const pool = new TrainingPool(store, { workers, backend, baseDir });
  const { experimentId, runIds } = store.createExperiment({ name: config.name, config: raw, runs });
  const progress = new ProgressReporter(io, runIds.length);
  progress.line(`experiment ${experimentId} "${terminalSafe(config.name)}": ${runIds.length} run${runIds.length === 1 ? '' : 's'} on ${workers} worker${workers === 1 ? '' : 's'}, database ${terminalSafe(store.file)}`);

  pool.on('progress', (e) => progress.update(e.runId, e.fraction, e.etaSeconds));
  pool.on('problem', (e) => progress.line(`relu-lab: ${terminalSafe(e.message)}`));
  pool.on('run-status', (e) => {
    if (e.status === 'running') progress.update(e.runId, 0, null);
    else if (e.status !== 'queued') {
      const run = store.getRun(e.runId);
      progress.finish(e.runId, `run ${e.runId} (${run ? sweepLabel(run) : '-'}, seed ${run?.seed}) ${e.status}${e.error ? `: ${terminalSafe(e.error)}` : ''}`);
    }
  });

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
    pool.enqueueExperiment(experimentId);
    await pool.idle();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
    progress.done();
  }

  const finished = store.listRuns({ experimentId });
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

/** JSON can't hold NaN/Infinity: write them as strings rather than null so a diverged loss stays visible. */
function nonFinite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (value instanceof Uint8Array || value instanceof Float32Array) return Array.from(value);
  return value;
}

function epochJson(m: EpochMetrics) {
  return {
    epoch: m.epoch,
    trainLoss: m.trainLoss,
    trainAccuracy: m.trainAccuracy,
    valLoss: m.valLoss,
    valAccuracy: m.valAccuracy,
    seconds: m.seconds,
    elapsedSeconds: m.elapsedSeconds,
    probeMs: m.probeMs,
    layers: m.layers.map((l) => ({
      layer: l.layer,
      units: l.units,
      deadFraction: l.deadFraction,
      activeProbability: l.activeProbability,
      dormantFraction: l.dormantFraction,
      gradNorm: l.gradNorm,
      preActMean: l.preActMean,
      preActStd: l.preActStd,
      ...(l.preluAlphas ? { preluAlphaMean: l.preluAlphas.reduce((s, a) => s + a, 0) / l.preluAlphas.length } : {}),
    })),
  };
}

function runJson(store: LabStore, run: RunSummary) {
  return {
    runId: run.id,
    experimentId: run.experimentId,
    status: run.status,
    error: run.error,
    seed: run.seed,
    backend: run.backend,
    versions: run.versions,
    sweep: run.sweep,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    epochs: store.getRunMetrics(run.id).map(epochJson),
  };
}

function runReport(store: LabStore, experimentId: number, runs: RunSummary[]) {
  return { experimentId, db: store.file, runs: runs.map((r) => runJson(store, r)) };
}

/** One line per run, keyed by the run id; the last measurement is read as the app reads it (`runRows`). */
function runsTable(store: LabStore, runs: RunSummary[]): string {
  const rows = runRows(store, runs).map((run) => [
    run.id,
    sweepLabel(run),
    run.seed,
    run.status,
    run.lastEpoch,
    num(run.lastTrainLoss),
    num(run.lastValAccuracy, 3),
    run.lastDeadFractions.length > 0 ? run.lastDeadFractions.map((f) => fraction(f)).join(' ') : '-',
  ]);
  return table(['run', 'sweep', 'seed', 'status', 'epoch', 'train loss', 'val acc', 'dead fraction per layer'], rows);
}

function listCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, json: {}, help: {} });
  if (help(options, io)) return 0;
  if (positionals.length > 0) throw new UsageError(`list takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const store = openStore(options.db, 'read');
  try {
    const experiments = store.listExperiments();
    if (options.json) {
      const out = experiments.map((e) => ({
        ...e,
        runs: store.listRuns({ experimentId: e.id }).map((r) => ({ runId: r.id, seed: r.seed, sweep: r.sweep, status: r.status, backend: r.backend, epochsDone: r.epochsDone, epochsTotal: r.epochsTotal })),
      }));
      io.stdout.write(`${jsonText({ db: store.file, experiments: out }, nonFinite)}\n`);
      return 0;
    }
    if (experiments.length === 0) {
      io.stdout.write(`no experiments in ${store.file} yet (start one with relu-lab run CONFIG.json)\n`);
      return 0;
    }
    for (const e of experiments) {
      const counts = Object.entries(e.statusCounts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      io.stdout.write(`experiment ${e.id}  "${terminalSafe(e.name)}"  ${e.createdAt}  ${counts}${e.tags.length ? `  tags: ${e.tags.map(terminalSafe).join(', ')}` : ''}\n`);
      io.stdout.write(`${runsTable(store, store.listRuns({ experimentId: e.id })).replace(/^/gm, '  ')}\n\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}

function idArgument(positionals: string[], what: string): number {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}`);
  const id = Number(positionals[0]);
  if (!/^\d+$/.test(positionals[0]) || !Number.isSafeInteger(id) || id < 1) throw new UsageError(`${what}: must be a positive whole number, got ${JSON.stringify(positionals[0])}`);
  return id;
}

function showCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, json: {}, help: {} });
  if (help(options, io)) return 0;
  const runId = idArgument(positionals, 'RUN_ID');
  const store = openStore(options.db, 'read');
  try {
    const run = store.getRun(runId);
    if (!run) throw new CliError(`run ${runId} does not exist in ${store.file}`, 1);
    if (options.json) {
      io.stdout.write(`${jsonText({ ...runJson(store, run), config: run.config }, nonFinite)}\n`);
      return 0;
    }
    const epochs = store.getRunMetrics(runId);
    const m = run.config.model;
    const t = run.config.training;
    io.stdout.write(
      [
        `run ${run.id} of experiment ${run.experimentId}, seed ${run.seed}, ${sweepLabel(run)}`,
        `status: ${run.status}${run.error ? ` (${terminalSafe(run.error)})` : ''}; backend: ${run.backend ?? '-'}; epochs ${run.epochsDone}/${run.epochsTotal}`,
        `model: ${m.widths ? m.widths.join('-') : `${m.hiddenLayers} x ${m.width}`} ${m.activation}, init ${m.init}, bias ${m.biasInit}${m.batchNorm ? ', batch norm' : ''}; ` +
          `training: ${t.optimizer} lr ${t.learningRate}, batch ${t.batchSize}; data: ${run.config.dataset.kind}`,
        '',
        table(
          ['epoch', 'train loss', 'val loss', 'val acc', 'seconds', 'dead fraction per layer', 'active p', 'grad norm per layer'],
          epochs.map((e) => [
            e.epoch,
            num(e.trainLoss),
            num(e.valLoss),
            num(e.valAccuracy, 3),
            num(e.seconds, 2),
            e.layers.map((l) => fraction(l.deadFraction)).join(' '),
            e.layers.map((l) => fraction(l.activeProbability)).join(' '),
            e.layers.map((l) => num(l.gradNorm, 2) ?? '-').join(' '),
          ]),
        ),
      ].join('\n') + '\n',
    );
    return 0;
  } finally {
    store.close();
  }
}

function exportCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, format: { value: true }, out: { value: true }, help: {} });
  if (help(options, io)) return 0;
  const format = options.format;
  if (format !== 'model' && format !== 'csv' && format !== 'json' && format !== 'bundle') throw new UsageError(`--format: must be one of model, csv, json, bundle, got ${JSON.stringify(format ?? null)}`);
  if (typeof options.out !== 'string' || options.out === '') throw new UsageError('--out: required (a folder for --format model, a file or - for csv/json/bundle)');
  const out = options.out;
  if (format === 'model') {
    if (out === STDOUT_OUT) outputFolder(out, 'a model');
  } else checkOutput(out, io, format === 'bundle' ? BUNDLE_OUTPUT : {});
  const store = openStore(options.db, 'read');
  try {
    if (format === 'model') {
      const runId = idArgument(positionals, 'RUN_ID');
      const run = store.getRun(runId);
      if (!run) throw new CliError(`run ${runId} does not exist in ${store.file}`, 1);
      const artifacts = store.getArtifacts(runId);
      if (!artifacts) throw new CliError(`run ${runId} has no stored model (status ${run.status})`, 1);
      const folder = outputFolder(out, 'a model');
      // Every file is checked before the first is written: a refused one leaves the folder as it was.
      const pending: [string, string | Uint8Array][] = [];
      const files = writeModelFiles(artifacts, folder, { runId, experimentId: run.experimentId, seed: run.seed, sweep: run.sweep, status: run.status }, (file, data) => {
        pending.push([file, data]);
      });
      const shown = (file: string) => path.join(out, path.basename(file));
      for (const [file] of pending) regularFileTarget(file, shown(file));
      for (const [file, data] of pending) writeFileAtomic(file, data, shown(file));
      io.stderr.write(`wrote ${files.map((f) => terminalSafe(shown(f))).join(', ')}\n`);
      return 0;
    }
    if (format === 'bundle') {
      if (positionals.length !== 1) throw new UsageError('expected EXPERIMENT_ID (several: 1,2,3)');
      const experimentIds = positionals[0].split(',').map((v) => idArgument([v.trim()], 'EXPERIMENT_ID'));
      for (const id of experimentIds) if (!store.getExperiment(id)) throw new CliError(`experiment ${id} does not exist in ${store.file}`, 1);
      exportBundleTo(store, experimentIds, out, io);
      return 0;
    }
    const experimentId = idArgument(positionals, 'EXPERIMENT_ID');
    if (!store.getExperiment(experimentId)) throw new CliError(`experiment ${experimentId} does not exist in ${store.file}`, 1);
    const rows = experimentLongRows(store, experimentId);
    const where = writeOutput(out, format === 'csv' ? longRowsToCsv(rows) : longRowsToJson(rows), io);
    io.stderr.write(`wrote ${rows.length} rows to ${where}\n`);
    return 0;
  } finally {
    store.close();
  }
}

function presetsCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { json: {}, help: {} });
  if (help(options, io)) return 0;
  if (positionals.length > 0) throw new UsageError('presets takes no arguments');
  if (options.json) {
    io.stdout.write(`${jsonText(PRESETS)}\n`);
    return 0;
  }
  for (const p of PRESETS) {
    const v = validateExperiment(p.config);
    const runs = v.ok ? v.runs.length : 0;
    io.stdout.write(`${p.name}  (${runs} runs)\n  ${p.title}\n  ${wrap(p.description, 76).join('\n  ')}\n  expect: ${p.expectation}\n\n`);
  }
  io.stdout.write('run one with: relu-lab run --preset NAME [--set training.epochs=5 ...]\n');
  return 0;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Progress on stderr: a redrawn bar on a terminal, plain lines otherwise. */
class ProgressReporter {
  private readonly fractions = new Map<number, number>();
  private readonly etas = new Map<number, number | null>();
  private finished = 0;
  private readonly started = Date.now();
  private lastPlain = 0;
  private readonly tty: boolean;

  constructor(
    private readonly io: CliIo,
    private readonly total: number,
  ) {
    this.tty = Boolean(io.stderr.isTTY);
  }

  line(text: string): void {
    if (this.tty) this.io.stderr.write('\r\x1b[K');
    this.io.stderr.write(`${text}\n`);
    this.draw();
  }

  update(runId: number, fraction: number, eta: number | null): void {
    this.fractions.set(runId, fraction);
    this.etas.set(runId, eta);
    if (this.tty) this.draw();
    else if (Date.now() - this.lastPlain > 5000) {
      this.lastPlain = Date.now();
      this.io.stderr.write(`${this.summary()}\n`);
    }
  }

  finish(runId: number, text: string): void {
    this.fractions.delete(runId);
    this.etas.delete(runId);
    this.finished++;
    this.line(`[${this.finished}/${this.total}] ${text}`);
  }

  private done_fraction(): number {
    let inFlight = 0;
    for (const f of this.fractions.values()) inFlight += f;
    return (this.finished + inFlight) / this.total;
  }

  private summary(): string {
    const f = this.done_fraction();
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : null;
    return `runs ${this.finished}/${this.total} done, ${(f * 100).toFixed(0)}%, elapsed ${duration(elapsed)}, ETA ${duration(eta)}`;
  }

  private draw(): void {
    if (!this.tty || this.finished >= this.total) return;
    const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 60));
    const f = Math.min(1, this.done_fraction());
    const filled = Math.round(f * width);
    this.io.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.summary()}`);
  }

  done(): void {
    if (this.tty) this.io.stderr.write('\r\x1b[K');
  }
}

async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { positionals, options } = parseArgs(argv, {
    port: { value: true },
    db: { value: true },
    backend: { value: true },
    workers: { value: true },
    'no-open': {},
    token: { value: true },
    'static-dir': { value: true },
    help: {},
  });
  if (help(options, io)) return 0;
  if (positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${JSON.stringify(positionals[0])}`);
  const port = options.port === undefined ? 0 : wholeNumber('port', options.port, 0);
  if (port > 65535) throw new UsageError(`--port: must be a whole number between 0 and 65535, got ${JSON.stringify(options.port)}`);
  const backend = options.backend as BackendChoice | undefined;
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    throw new UsageError(`--backend: must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(options.backend)}`);
  }
  const workers = options.workers === undefined ? undefined : wholeNumber('workers', options.workers);
  const workersProblem = workers === undefined ? null : workerCountProblem('--workers', workers);
  if (workersProblem) throw new UsageError(workersProblem);
  const token = options.token === undefined ? undefined : String(options.token);
  const badToken = token === undefined ? null : tokenProblem(token);
  if (badToken !== null) throw new UsageError(`--token: ${badToken}`);
  try {
    return await serve(
      {
        port,
        db: typeof options.db === 'string' ? options.db : undefined,
        backend,
        workers,
        open: !options['no-open'],
        staticDir: typeof options['static-dir'] === 'string' ? options['static-dir'] : undefined,
        token,
      },
      { ...io, stdin: process.stdin },
    );
  } catch (err) {
    throw new CliError((err as Error).message, 1);
  }
}
