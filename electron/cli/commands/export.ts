/**
 * `relu-lab export`: a run's final model (`--format model`, a folder), an experiment's metrics in
 * long format (`csv`, `json`), or experiments as one bundle (`bundle`), to `--out` or stdout.
 */
import path from 'node:path';
import { writeModelFiles } from '../../engine/artifacts.js';
import { experimentLongRows, longRowsToCsv, longRowsToJson } from '../../lab/export.js';
import { exportExperimentsBundle, requireExperiment, requireRun } from '../../lab/operations.js';
import { parseArgs, UsageError } from '../args.js';
import { CliError, help, openStore, type CliIo } from '../context.js';
import { terminalSafe } from '../format.js';
import { idArgument } from '../options.js';
import { checkOutput, outputFolder, regularFileTarget, writeFileAtomic, writeOutput, STDOUT_OUT, type OutputKind } from '../output.js';

const BUNDLE_OUTPUT: OutputKind = { binary: true, what: 'a bundle' };

export function exportCommand(argv: string[], io: CliIo): number {
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
      const run = requireRun(store, runId);
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
      const { data } = exportExperimentsBundle(store, experimentIds);
      const where = writeOutput(out, data, io, BUNDLE_OUTPUT);
      io.stderr.write(`wrote bundle of ${experimentIds.length} experiment${experimentIds.length === 1 ? '' : 's'} to ${where} (${(data.length / 1024).toFixed(0)} KiB)\n`);
      return 0;
    }
    const experimentId = idArgument(positionals, 'EXPERIMENT_ID');
    requireExperiment(store, experimentId);
    const rows = experimentLongRows(store, experimentId);
    const where = writeOutput(out, format === 'csv' ? longRowsToCsv(rows) : longRowsToJson(rows), io);
    io.stderr.write(`wrote ${rows.length} rows to ${where}\n`);
    return 0;
  } finally {
    store.close();
  }
}
