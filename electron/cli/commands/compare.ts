/**
 * `relu-lab compare save NAME (--experiment ID … | --run ID …) [--group-by FIELD …] [--band …]
 * [--diverged include|exclude] [--hide GROUP …] …`, and `compare list | show NAME | delete NAME`:
 * comparisons saved by name, the same the app's Compare view saves.
 */
import { BAND_KINDS, DIVERGED_RUNS, parseComparisonSpec, type ComparisonSpec, type ComparisonSpecInput } from '../../../shared/compare.js';
import { buildComparison } from '../../../shared/charts.js';
import type { LabStore } from '../../../db/store.js';
import { loadComparedRuns } from '../../figure/comparison.js';
import { requireExperiment, requireRun } from '../../lab/operations.js';
import { parseArgs, UsageError, wholeNumber } from '../args.js';
import { CliError, openStore, type CliIo } from '../context.js';
import { jsonText, table, terminalSafe } from '../format.js';
import { comparisonArgument, idList, numberOption, oneOf } from '../options.js';

export function compareCommand(argv: string[], io: CliIo): number {
  const [sub, ...rest] = argv;
  const { positionals, options } = parseArgs(rest, {
    db: { value: true },
    experiment: { value: true, repeat: true },
    run: { value: true, repeat: true },
    'group-by': { value: true, repeat: true },
    band: { value: true },
    layer: { value: true },
    'show-runs': {},
    'x-axis': { value: true },
    'log-x': {},
    'log-y': {},
    smoothing: { value: true },
    'at-epoch': { value: true },
    diverged: { value: true },
    hide: { value: true, repeat: true },
    json: {},
  });
  const store = openStore(options.db, sub === 'save' || sub === 'delete' ? 'write' : 'read');
  try {
    switch (sub) {
      case 'save': {
        if (positionals.length !== 1) throw new UsageError('compare save needs one NAME');
        const layerOption = options.layer;
        const spec: ComparisonSpecInput = {
          experimentIds: idList('experiment', options.experiment),
          runIds: idList('run', options.run),
          groupBy: (options['group-by'] as string[] | undefined) ?? [],
          band: oneOf('band', options.band, BAND_KINDS, 'std'),
          layer: layerOption === undefined ? 'mean' : layerOption === 'mean' || layerOption === 'all' ? layerOption : wholeNumber('layer', layerOption, 1) - 1,
          showRuns: Boolean(options['show-runs']),
          xAxis: oneOf('x-axis', options['x-axis'], ['epoch', 'time'] as const, 'epoch'),
          logX: Boolean(options['log-x']),
          logY: Boolean(options['log-y']),
          smoothing: numberOption('smoothing', options.smoothing, 0, 0.999) ?? 0,
          atEpoch: options['at-epoch'] === undefined ? null : wholeNumber('at-epoch', options['at-epoch'], 0),
          divergedRuns: oneOf('diverged', options.diverged, DIVERGED_RUNS, 'include'),
        };
        if (spec.experimentIds!.length === 0 && spec.runIds!.length === 0) throw new UsageError('compare save: give --experiment ID or --run ID (repeatable, or comma-separated)');
        for (const id of spec.experimentIds!) requireExperiment(store, id);
        for (const id of spec.runIds!) requireRun(store, id);
        const parsed = parseComparisonSpec(spec);
        const hide = (options.hide as string[] | undefined) ?? [];
        if (hide.length > 0) parsed.hiddenGroups = hiddenGroupKeys(store, parsed, hide);
        const saved = store.saveComparison(positionals[0], parsed);
        io.stdout.write(options.json ? `${jsonText(saved)}\n` : `saved comparison ${saved.id} "${terminalSafe(saved.name)}"\n`);
        return 0;
      }
      case 'list': {
        const all = store.listComparisons();
        if (options.json) io.stdout.write(`${jsonText(all)}\n`);
        else if (all.length === 0) io.stdout.write('no saved comparisons (create one with relu-lab compare save NAME --experiment ID)\n');
        else {
          io.stdout.write(
            `${table(
              ['id', 'name', 'experiments', 'runs', 'group by', 'band', 'updated'],
              all.map((c) => [c.id, c.name, c.spec.experimentIds.join(',') || '-', c.spec.runIds.join(',') || '-', c.spec.groupBy.join(',') || '(auto)', c.spec.band, c.updatedAt]),
            )}\n`,
          );
        }
        return 0;
      }
      case 'show': {
        const found = store.getComparison(comparisonArgument(positionals));
        if (!found) throw new CliError(`no saved comparison ${JSON.stringify(positionals[0])}`, 1);
        io.stdout.write(`${jsonText(found)}\n`);
        return 0;
      }
      case 'delete': {
        const found = store.getComparison(comparisonArgument(positionals));
        if (!found) throw new CliError(`no saved comparison ${JSON.stringify(positionals[0])}`, 1);
        store.deleteComparison(found.id);
        io.stdout.write(`deleted comparison "${terminalSafe(found.name)}"\n`);
        return 0;
      }
      default:
        throw new UsageError(`compare: expected save, list, show or delete, got ${JSON.stringify(sub ?? null)}`);
    }
  } finally {
    store.close();
  }
}

/**
 * The keys of the groups `--hide` names: each value is a group's label (e.g. the variant name, or
 * `activation=relu`) or its key; one that names no group is an error listing the groups there are.
 */
function hiddenGroupKeys(store: LabStore, spec: ComparisonSpec, names: readonly string[]): string[] {
  const groups = buildComparison(loadComparedRuns(store, spec), spec).groups;
  return [
    ...new Set(
      names.map((name) => {
        const found = groups.find((g) => g.key === name || g.label === name);
        if (!found) throw new UsageError(`--hide: no group ${JSON.stringify(name)}; the groups are ${groups.map((g) => JSON.stringify(g.label)).join(', ')}`);
        return found.key;
      }),
    ),
  ];
}
