/**
 * `relu-lab merge OUT.sqlite INPUT…`: lab databases and bundles (the shards of a cluster run) into one
 * database, in one transaction. Each experiment merged says how many of its runs are there.
 */
import fs from 'node:fs';
import { countRuns } from '../../../shared/config.js';
import { BundleError } from '../../../db/bundle.js';
import { mergeInputKinds, mergeLabFiles, mixedBackends, requireExperiment } from '../../lab/operations.js';
import { parseArgs, UsageError } from '../args.js';
import { CliError, help, openStore, type CliIo } from '../context.js';
import { jsonText, terminalSafe } from '../format.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function mergeCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { json: {}, help: {} });
  if (help(options, io)) return 0;
  if (positionals.length < 2) throw new UsageError('merge needs OUT.sqlite and at least one INPUT (a lab database or a bundle)');
  const [out, ...inputs] = positionals;
  const refused = (err: BundleError) => new CliError(`merge refused, ${terminalSafe(out)} left as it was: ${err.message}`, 1);
  try {
    mergeInputKinds(out, inputs);
  } catch (err) {
    throw err instanceof BundleError ? refused(err) : err;
  }
  const isNew = !fs.existsSync(out);
  const store = openStore(out);
  try {
    let merged;
    try {
      merged = mergeLabFiles(store, inputs);
    } catch (err) {
      if (!(err instanceof BundleError)) throw err;
      // A database this merge created holds nothing: it goes, as if never made.
      if (isNew) {
        store.close();
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${out}${suffix}`, { force: true });
      }
      throw refused(err);
    }
    const experimentIds = [...new Set(merged.flatMap((m) => m.experimentIds))];
    const experiments = experimentIds.map((id) => {
      const experiment = requireExperiment(store, id);
      return { experimentId: id, name: experiment.name, runs: experiment.runCount, expectedRuns: countRuns(experiment.config), backends: mixedBackends(store, id) };
    });
    if (options.json) {
      io.stdout.write(`${jsonText({ db: store.file, inputs: merged, experiments })}\n`);
      return 0;
    }
    for (const m of merged) {
      io.stdout.write(`${terminalSafe(m.file)} (${m.kind}): ${plural(m.experiments, 'experiment')} and ${plural(m.runs, 'run')} added${m.skipped ? `, ${m.skipped} already present` : ''}\n`);
    }
    for (const e of experiments) {
      const of = e.expectedRuns === null ? '' : ` of the ${e.expectedRuns} its config expands to`;
      io.stdout.write(`experiment ${e.experimentId} "${terminalSafe(e.name)}": ${plural(e.runs, 'run')}${of} in ${terminalSafe(store.file)}\n`);
      if (e.backends.length > 0) io.stderr.write(`relu-lab: note: experiment ${e.experimentId} mixes training backends (${e.backends.join(', ')}); numbers are reproducible per backend\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
