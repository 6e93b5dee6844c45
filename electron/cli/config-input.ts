/**
 * The design a command is given: `CONFIG.json` or `--preset NAME`, with its `--set path=value` and
 * `--name TEXT` applied (`run` trains it, `cluster` writes the jobs that train it).
 */
import path from 'node:path';
import { dataProblemIssue, formatIssues, parseAssignment, plainDataProblem, withValueAt, type ConfigIssue } from '../../shared/config.js';
import { findPreset, PRESETS } from '../../shared/presets.js';
import { CsvFileError, readRegularFile } from '../engine/csv.js';
import { UsageError } from './args.js';
import type { CliIo } from './context.js';
import { terminalSafe } from './format.js';

export interface DesignInput {
  /** The config with --set and --name applied, not validated yet. */
  raw: unknown;
  /** Where it came from, for messages: the file or `preset NAME`. */
  source: string;
  /** The folder relative data set paths are read from: the config file's, else the current one. */
  baseDir: string;
}

/** The options a command reading a design declares. */
export const DESIGN_OPTIONS = { set: { value: true, repeat: true }, preset: { value: true }, name: { value: true } } as const;

/**
 * Reads the design of `command`'s `positionals` (one CONFIG.json) or `--preset`, and applies `--set` and
 * `--name`. A file that is not plain data comes back as its issues (exit 2 with invalidConfig).
 */
export function designInput(command: string, positionals: string[], options: Record<string, unknown>): DesignInput | { source: string; issues: ConfigIssue[] } {
  let raw: unknown;
  let source: string;
  let baseDir = process.cwd();
  if (typeof options.preset === 'string') {
    if (positionals.length > 0) throw new UsageError('give either CONFIG.json or --preset NAME, not both');
    const preset = findPreset(options.preset);
    if (!preset) throw new UsageError(`--preset: no preset named ${JSON.stringify(options.preset)} (presets: ${PRESETS.map((p) => p.name).join(', ')})`);
    raw = JSON.parse(JSON.stringify(preset.config));
    source = `preset ${preset.name}`;
  } else {
    if (positionals.length !== 1) throw new UsageError(`${command} needs one CONFIG.json file (or --preset NAME)`);
    raw = readConfigFile(positionals[0]);
    source = positionals[0];
    baseDir = path.dirname(path.resolve(positionals[0]));
    // Before anything recursive (--set copies the config) touches what the file holds.
    const problem = plainDataProblem(raw);
    if (problem) return { source, issues: [dataProblemIssue(problem)] };
  }
  for (const assignment of (options.set as string[] | undefined) ?? []) {
    const parsed = parseAssignment(assignment);
    if ('error' in parsed) throw new UsageError(parsed.error);
    raw = withValueAt(raw, parsed.path, parsed.value);
  }
  if (typeof options.name === 'string') raw = withValueAt(raw, 'name', options.name);
  return { raw, source, baseDir };
}

/** Reports a refused design on stderr, one issue a line; returns the exit code (2). */
export function invalidConfig(io: CliIo, source: string, issues: ConfigIssue[]): 2 {
  const lines = formatIssues(issues).split('\n').map((line) => `  ${terminalSafe(line)}`);
  io.stderr.write(`relu-lab: invalid experiment config (${terminalSafe(source)}):\n${lines.join('\n')}\n`);
  return 2;
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    // A regular file only (a FIFO or /dev/zero would hang or never end), of sane size.
    text = readRegularFile(file, 64 * 1024 * 1024, undefined, 'config files').toString('utf8');
  } catch (err) {
    if (err instanceof CsvFileError) throw new UsageError(`cannot read ${file}: ${err.problem === 'does not exist' ? 'no such file' : `it ${err.problem}`}`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UsageError(`${file} is not valid JSON: ${jsonProblem(text, err)}`);
    throw err;
  }
}

/** Where JSON.parse failed, without the text V8 quotes in its message (the file may not be a config at all). */
function jsonProblem(text: string, err: unknown): string {
  const message = (err as Error).message;
  const at = /\bposition (\d+)/.exec(message);
  if (at) {
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return `unexpected text at line ${line}, column ${Number(at[1]) - before.lastIndexOf('\n')}`;
  }
  if (/unexpected end/i.test(message)) return 'the text ends before the JSON does';
  return 'unexpected text (it does not read as JSON)';
}
