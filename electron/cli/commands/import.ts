/** `relu-lab import BUNDLE`: experiments from a bundle file; importing the same bundle twice adds nothing. */
import fs from 'node:fs';
import { BundleError, importBundle } from '../../../db/bundle.js';
import { parseArgs, UsageError } from '../args.js';
import { CliError, openStore, type CliIo } from '../context.js';
import { jsonText } from '../format.js';

export function importCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { db: { value: true }, json: {} });
  if (positionals.length !== 1) throw new UsageError('import needs one BUNDLE file');
  let data: Buffer;
  try {
    data = fs.readFileSync(positionals[0]);
  } catch (err) {
    throw new UsageError(`cannot read ${positionals[0]}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const store = openStore(options.db);
  try {
    const result = importBundle(store, data);
    io.stdout.write(
      options.json
        ? `${jsonText(result)}\n`
        : `imported ${result.experiments} experiment${result.experiments === 1 ? '' : 's'} and ${result.runs} run${result.runs === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} already present, skipped)` : ''}; experiments: ${result.experimentIds.join(', ')}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BundleError) throw new CliError(`${positionals[0]}: ${err.message}`, 1);
    throw err;
  } finally {
    store.close();
  }
}
