/**
 * `relu-lab`: run experiments, list and show runs, export models and metrics, compare, draw
 * figures, serve the app. One file per command in `commands/`; this one dispatches and reports.
 * Exit codes: 0 done (diverged runs are results), 2 invalid config or arguments, 1 anything else.
 */
import { NotFoundError, ValidationError, firstLine } from '../../shared/errors.js';
import { isDatabaseError } from '../../db/store.js';
import { UsageError } from './args.js';
import { CliError, openedDatabase, type CliIo } from './context.js';
import { terminalSafe } from './format.js';
import { HELP } from './help.js';
import { compareCommand } from './commands/compare.js';
import { exportCommand } from './commands/export.js';
import { figureCommand } from './commands/figure.js';
import { importCommand } from './commands/import.js';
import { listCommand } from './commands/list.js';
import { presetsCommand } from './commands/presets.js';
import { runCommand } from './commands/run.js';
import { serveCommand } from './commands/serve.js';
import { showCommand } from './commands/show.js';

export { CliError, type CliIo } from './context.js';

const COMMANDS: Record<string, (argv: string[], io: CliIo) => number | Promise<number>> = {
  run: runCommand,
  list: listCommand,
  show: showCommand,
  export: exportCommand,
  compare: compareCommand,
  figure: figureCommand,
  import: importCommand,
  presets: presetsCommand,
  serve: serveCommand,
};

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout.write(`${HELP}\n`);
      return 0;
    }
    if (!Object.prototype.hasOwnProperty.call(COMMANDS, command)) throw new UsageError(`unknown command ${JSON.stringify(command)} (try relu-lab help)`);
    return await COMMANDS[command](rest, io);
  } catch (err) {
    return reportFailure(err, io);
  }
}

/**
 * A failed command's one-line reason on stderr and its exit code, chosen by the error's type: 2 for
 * what was given (arguments, a config: every ValidationError), 1 for anything else. Messages may
 * echo names and arguments: control and bidi characters are escaped.
 */
function reportFailure(err: unknown, io: CliIo): 1 | 2 {
  if (err instanceof CliError || err instanceof ValidationError) {
    io.stderr.write(`relu-lab: ${terminalSafe(err.message)}\n`);
    return err instanceof CliError ? err.exitCode : 2;
  }
  const database = openedDatabase();
  let message = firstLine(err);
  if (err instanceof NotFoundError && database) message = `${message} in ${database}`;
  // SQLite's own messages ("database disk image is malformed") do not say which file.
  else if (isDatabaseError(err) && database && !message.includes(database)) message = `${database}: ${message}`;
  io.stderr.write(`relu-lab: ${terminalSafe(message)}\n`);
  return 1;
}
