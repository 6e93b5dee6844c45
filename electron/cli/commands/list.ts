/** `relu-lab list [--json]`: every experiment and its runs. */
import { parseArgs, UsageError } from '../args.js';
import { help, openStore, type CliIo } from '../context.js';
import { jsonText, terminalSafe } from '../format.js';
import { nonFinite, runsTable } from '../run-report.js';

export function listCommand(argv: string[], io: CliIo): number {
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
