/**
 * `relu-lab figure NAME --chart KIND --out FILE [--format svg|pdf|png|csv] [--dpi N] [--preset P] …`:
 * one chart of a saved comparison, drawn as the app draws it, or the CSV of exactly what it plots.
 */
import path from 'node:path';
import { CHART_KINDS, type ChartKind } from '../../../shared/compare.js';
import { FIGURE_FORMATS, type FigureFormat } from '../../../shared/api.js';
import { ValidationError } from '../../../shared/errors.js';
import { FIGURE_PRESET_NAMES, type FigurePresetName } from '../../../shared/figure/types.js';
import { renderComparisonChart } from '../../figure/comparison.js';
import { parseArgs, UsageError, wholeNumber } from '../args.js';
import { CliError, openStore, type CliIo } from '../context.js';
import { terminalSafe } from '../format.js';
import { comparisonArgument, numberOption, oneOf } from '../options.js';
import { checkOutput, writeOutput, type OutputKind } from '../output.js';

export function figureCommand(argv: string[], io: CliIo): number {
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
  checkOutput(out, io, kind);
  const store = openStore(options.db, 'read');
  try {
    const saved = store.getComparison(comparisonArgument(positionals));
    if (!saved) throw new CliError(`no saved comparison ${JSON.stringify(positionals[0])} in ${store.file} (see relu-lab compare list)`, 1);
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
      if (err instanceof ValidationError) throw new CliError(err.message, 1);
      throw err;
    }
    const where = writeOutput(out, rendered.data, io, kind);
    const size = rendered.size ? ` (${rendered.size.width} × ${rendered.size.height} ${rendered.size.unit})` : '';
    io.stderr.write(`wrote ${format.toUpperCase()} of ${chart} for comparison "${terminalSafe(saved.name)}" to ${where}${size}\n`);
    return 0;
  } finally {
    store.close();
  }
}
