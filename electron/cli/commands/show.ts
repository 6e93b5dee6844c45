/** `relu-lab show RUN_ID [--json]`: one run, epoch by epoch. */
import { requireRun } from '../../lab/operations.js';
import { parseArgs } from '../args.js';
import { help, openStore, type CliIo } from '../context.js';
import { fraction, jsonText, num, sweepLabel, table, terminalSafe } from '../format.js';
import { idArgument } from '../options.js';
import { nonFinite, runJson } from '../run-report.js';

export function showCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, json: {}, help: {} });
  if (help(options, io)) return 0;
  const runId = idArgument(positionals, 'RUN_ID');
  const store = openStore(options.db, 'read');
  try {
    const run = requireRun(store, runId);
    if (options.json) {
      io.stdout.write(`${jsonText({ ...runJson(store, run), config: run.config }, nonFinite)}\n`);
      return 0;
    }
    const epochs = store.getRunMetrics(runId);
    const m = run.config.model;
    const t = run.config.training;
    // A task sequence shows each epoch's task (1-based, as people count tasks).
    const tasks = t.tasks;
    io.stdout.write(
      [
        `run ${run.id} of experiment ${run.experimentId}, seed ${run.seed}, ${sweepLabel(run)}`,
        `status: ${run.status}${run.error ? ` (${terminalSafe(run.error)})` : ''}; backend: ${run.backend ?? '-'}; epochs ${run.epochsDone}/${run.epochsTotal}`,
        `model: ${m.widths ? m.widths.join('-') : `${m.hiddenLayers} x ${m.width}`} ${m.activation}, init ${m.init}, bias ${m.biasInit}${m.batchNorm ? ', batch norm' : ''}; ` +
          `training: ${t.optimizer} lr ${t.learningRate}, batch ${t.batchSize}${tasks ? `, ${tasks.count} ${tasks.kind} tasks of ${tasks.epochsPerTask} epochs` : ''}; data: ${run.config.dataset.kind}`,
        '',
        table(
          ['epoch', ...(tasks ? ['task'] : []), 'train loss', 'val loss', 'val acc', 'seconds', 'dead fraction per layer', 'active p', 'grad norm per layer'],
          epochs.map((e) => [
            e.epoch,
            ...(tasks ? [e.task === null ? null : `${e.task + 1}/${tasks.count}`] : []),
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
