/** `relu-lab presets [--json]`: the built-in experiment designs. */
import { validateExperiment } from '../../../shared/config.js';
import { PRESETS } from '../../../shared/presets.js';
import { parseArgs, UsageError } from '../args.js';
import { help, type CliIo } from '../context.js';
import { jsonText } from '../format.js';

export function presetsCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, { json: {}, help: {} });
  if (help(options, io)) return 0;
  if (positionals.length > 0) throw new UsageError('presets takes no arguments');
  if (options.json) {
    io.stdout.write(`${jsonText(PRESETS)}\n`);
    return 0;
  }
  for (const p of PRESETS) {
    const v = validateExperiment(p.config);
    const runs = v.ok ? v.runs.length : 0;
    io.stdout.write(`${p.name}  (${runs} runs)\n  ${p.title}\n  ${wrap(p.description, 76).join('\n  ')}\n  expect: ${p.expectation}\n\n`);
  }
  io.stdout.write('run one with: relu-lab run --preset NAME [--set training.epochs=5 ...]\n');
  return 0;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
