/**
 * `relu-lab run CONFIG.json | --preset NAME`: validates the design (exit 2, nothing stored), stores
 * it, trains its runs on worker threads with progress on stderr, and prints the runs table (or
 * `--json`). Ctrl-C or SIGTERM cancels cleanly; a second one quits at once.
 */
import path from 'node:path';
import { dataProblemIssue, formatIssues, parseAssignment, plainDataProblem, withValueAt, type ConfigIssue } from '../../../shared/config.js';
import { InvalidConfigError } from '../../../shared/errors.js';
import { findPreset, PRESETS } from '../../../shared/presets.js';
import type { LabStore } from '../../../db/store.js';
import { CsvFileError, readRegularFile } from '../../engine/csv.js';
import { prepareExperiment, startExperiment, type PreparedExperiment } from '../../lab/operations.js';
import { TrainingPool, defaultWorkerCount } from '../../lab/pool.js';
import { parseArgs, UsageError } from '../args.js';
import { CliError, help, openStore, type CliIo } from '../context.js';
import { jsonText, sweepLabel, terminalSafe } from '../format.js';
import { backendOption, workersOption } from '../options.js';
import { ProgressReporter } from '../progress.js';
import { nonFinite, runReport, runsTable } from '../run-report.js';

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

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
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
  const backend = backendOption(options.backend) ?? 'auto';
  const workers = workersOption(options.workers) ?? defaultWorkerCount();

  const baseDir = typeof options.preset === 'string' ? process.cwd() : path.dirname(path.resolve(positionals[0]));
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
  const progress = new ProgressReporter(io, design.runs.length);
  pool.on('progress', (e) => progress.update(e.runId, e.fraction, e.etaSeconds));
  pool.on('problem', (e) => progress.line(`relu-lab: ${terminalSafe(e.message)}`));
  pool.on('run-status', (e) => {
    if (e.status === 'running') progress.update(e.runId, 0, null);
    else if (e.status !== 'queued') {
      const run = store.getRun(e.runId);
      progress.finish(e.runId, `run ${e.runId} (${run ? sweepLabel(run) : '-'}, seed ${run?.seed}) ${e.status}${e.error ? `: ${terminalSafe(e.error)}` : ''}`);
    }
  });
  const { experimentId, runIds } = startExperiment(store, pool, design);
  progress.line(`experiment ${experimentId} "${terminalSafe(design.config.name)}": ${runIds.length} run${runIds.length === 1 ? '' : 's'} on ${workers} worker${workers === 1 ? '' : 's'}, database ${terminalSafe(store.file)}`);

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
