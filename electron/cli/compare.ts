/**
 * CLI commands for comparisons, figures and bundles:
 *   relu-lab compare save NAME (--experiment ID … | --run ID …) [--group-by FIELD …] [--band …]
 *                         [--diverged include|exclude] [--hide GROUP …] …
 *   relu-lab compare list | show NAME | delete NAME
 *   relu-lab figure NAME --chart KIND --format svg|pdf|png|csv --out FILE [--dpi N] [--preset P] …
 *   relu-lab import BUNDLE
 * (`relu-lab export EXPERIMENT_ID … --format bundle` is in main.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { BAND_KINDS, CHART_KINDS, DIVERGED_RUNS, parseComparisonSpec, type ChartKind, type ComparisonSpec, type ComparisonSpecInput } from '../../shared/compare.js';
import { buildComparison } from '../../shared/charts.js';
import { FIGURE_FORMATS, type FigureFormat } from '../../shared/api.js';
import { FIGURE_PRESET_NAMES, type FigurePresetName } from '../../shared/figure/types.js';
import { ValidationError } from '../../shared/errors.js';
import type { LabStore } from '../../db/store.js';
import { BundleError, importBundle } from '../../db/bundle.js';
import { exportExperimentsBundle, requireExperiment, requireRun } from '../lab/operations.js';
import { loadComparedRuns, renderComparisonChart } from '../figure/comparison.js';
import { parseArgs, UsageError, wholeNumber } from './args.js';
import { jsonText, table, terminalSafe } from './format.js';
import { checkOutput, writeOutput, type OutputKind, type OutputStreams } from './output.js';

export interface CommandContext {
  io: OutputStreams & { stderr: NodeJS.WritableStream };
  /** `read`: the file must exist (nothing is created) and is opened read-only when it cannot be written. */
  openStore(db: unknown, access?: 'read' | 'write'): LabStore;
  fail(message: string): Error;
}

function ids(name: string, values: unknown): number[] {
  return ((values as string[] | undefined) ?? []).flatMap((v) => v.split(',')).map((v) => wholeNumber(name, v.trim()));
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name}: must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

function numberOption(name: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name}: must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function compareCommand(argv: string[], ctx: CommandContext): number {
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
  const store = ctx.openStore(options.db, sub === 'save' || sub === 'delete' ? 'write' : 'read');
  try {
    switch (sub) {
      case 'save': {
        if (positionals.length !== 1) throw new UsageError('compare save needs one NAME');
        const layerOption = options.layer;
        const spec: ComparisonSpecInput = {
          experimentIds: ids('experiment', options.experiment),
          runIds: ids('run', options.run),
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
        ctx.io.stdout.write(options.json ? `${jsonText(saved)}\n` : `saved comparison ${saved.id} "${terminalSafe(saved.name)}"\n`);
        return 0;
      }
      case 'list': {
        const all = store.listComparisons();
        if (options.json) ctx.io.stdout.write(`${jsonText(all)}\n`);
        else if (all.length === 0) ctx.io.stdout.write('no saved comparisons (create one with relu-lab compare save NAME --experiment ID)\n');
        else {
          ctx.io.stdout.write(
            `${table(
              ['id', 'name', 'experiments', 'runs', 'group by', 'band', 'updated'],
              all.map((c) => [c.id, c.name, c.spec.experimentIds.join(',') || '-', c.spec.runIds.join(',') || '-', c.spec.groupBy.join(',') || '(auto)', c.spec.band, c.updatedAt]),
            )}\n`,
          );
        }
        return 0;
      }
      case 'show': {
        const found = store.getComparison(comparisonKey(positionals));
        if (!found) throw ctx.fail(`no saved comparison ${JSON.stringify(positionals[0])}`);
        ctx.io.stdout.write(`${jsonText(found)}\n`);
        return 0;
      }
      case 'delete': {
        const found = store.getComparison(comparisonKey(positionals));
        if (!found) throw ctx.fail(`no saved comparison ${JSON.stringify(positionals[0])}`);
        store.deleteComparison(found.id);
        ctx.io.stdout.write(`deleted comparison "${terminalSafe(found.name)}"\n`);
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

/** A saved comparison is named by its id or its name. */
function comparisonKey(positionals: string[]): number | string {
  if (positionals.length !== 1) throw new UsageError('expected one comparison (its id or name)');
  return /^\d+$/.test(positionals[0]) ? Number(positionals[0]) : positionals[0];
}

export function figureCommand(argv: string[], ctx: CommandContext): number {
  const { positionals, options } = parseArgs(argv, {
    db: { value: true },
    chart: { value: true },
    format: { value: true },
    out: { value: true },
    dpi: { value: true },
    preset: { value: true },
    font: { value: true },
    'font-size': { value: true },
    grayscale: {},
    title: { value: true },
  });
  const chart = oneOf<ChartKind>('chart', options.chart ?? 'dead-fraction', CHART_KINDS, 'dead-fraction');
  if (typeof options.out !== 'string' || options.out === '') throw new UsageError('--out: required (the file to write)');
  const out = options.out;
  const inferred = path.extname(out).slice(1).toLowerCase();
  const format = oneOf<FigureFormat>('format', options.format ?? ((FIGURE_FORMATS as readonly string[]).includes(inferred) ? inferred : undefined), FIGURE_FORMATS, 'svg');
  const preset = oneOf<FigurePresetName>('preset', options.preset, FIGURE_PRESET_NAMES, 'single-column');
  const dpi = options.dpi === undefined ? 300 : wholeNumber('dpi', options.dpi, 36);
  if (dpi > 1200) throw new UsageError(`--dpi: must be at most 1200, got ${dpi}`);
  const kind: OutputKind = { binary: format === 'png' || format === 'pdf', what: `a ${format.toUpperCase()} figure` };
  checkOutput(out, ctx.io, kind);
  const store = ctx.openStore(options.db, 'read');
  try {
    const saved = store.getComparison(comparisonKey(positionals));
    if (!saved) throw ctx.fail(`no saved comparison ${JSON.stringify(positionals[0])} in ${store.file} (see relu-lab compare list)`);
    const figureOptions = {
      preset,
      dpi,
      fontFamily: typeof options.font === 'string' ? options.font : undefined,
      fontSize: numberOption('font-size', options['font-size'], 4, 48),
      grayscaleSafe: Boolean(options.grayscale),
      title: typeof options.title === 'string' ? options.title : undefined,
    };
    let rendered;
    try {
      rendered = renderComparisonChart(store, saved.spec, chart, format, figureOptions);
    } catch (err) {
      // The spec comes from the database, not from the command line: one that cannot be drawn
      // (its runs were deleted) is not a usage error.
      if (err instanceof ValidationError) throw ctx.fail(err.message);
      throw err;
    }
    const where = writeOutput(out, rendered.data, ctx.io, kind);
    const size = rendered.size ? ` (${rendered.size.width} × ${rendered.size.height} ${rendered.size.unit})` : '';
    ctx.io.stderr.write(`wrote ${format.toUpperCase()} of ${chart} for comparison "${terminalSafe(saved.name)}" to ${where}${size}\n`);
    return 0;
  } finally {
    store.close();
  }
}

export const BUNDLE_OUTPUT: OutputKind = { binary: true, what: 'a bundle' };

export function exportBundleTo(store: LabStore, experimentIds: number[], out: string, io: CommandContext['io']): void {
  const { data } = exportExperimentsBundle(store, experimentIds);
  const where = writeOutput(out, data, io, BUNDLE_OUTPUT);
  io.stderr.write(`wrote bundle of ${experimentIds.length} experiment${experimentIds.length === 1 ? '' : 's'} to ${where} (${(data.length / 1024).toFixed(0)} KiB)\n`);
}

export function importCommand(argv: string[], ctx: CommandContext): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, json: {} });
  if (positionals.length !== 1) throw new UsageError('import needs one BUNDLE file');
  let data: Buffer;
  try {
    data = fs.readFileSync(positionals[0]);
  } catch (err) {
    throw new UsageError(`cannot read ${positionals[0]}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const store = ctx.openStore(options.db);
  try {
    const result = importBundle(store, data);
    ctx.io.stdout.write(
      options.json
        ? `${jsonText(result)}\n`
        : `imported ${result.experiments} experiment${result.experiments === 1 ? '' : 's'} and ${result.runs} run${result.runs === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} already present, skipped)` : ''}; experiments: ${result.experimentIds.join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BundleError) throw ctx.fail(`${positionals[0]}: ${err.message}`);
    throw err;
  } finally {
    store.close();
  }
}
