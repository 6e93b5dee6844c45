/** A small, strict command-line parser: unknown options are errors, never silently ignored. */
import { ValidationError } from '../../shared/errors.js';

/** A problem with the command line itself (exit 2, as every ValidationError). */
export class UsageError extends ValidationError {}

export interface OptionSpec {
  /** Takes a value (`--db FILE`), else a flag (`--json`). */
  value?: boolean;
  /** May be given several times (`--set a=1 --set b=2`). */
  repeat?: boolean;
}

export interface Parsed {
  positionals: string[];
  options: Record<string, string | string[] | boolean | undefined>;
}

export function parseArgs(argv: string[], spec: Record<string, OptionSpec>): Parsed {
  const positionals: string[] = [];
  const options: Parsed['options'] = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-' && arg !== '-h') throw new UsageError(`unknown option ${arg}`);
      if (arg === '-h') {
        options.help = true;
        continue;
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const s = spec[name];
    if (!s) throw new UsageError(`unknown option --${name}`);
    let value: string | boolean = true;
    if (s.value) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(`--${name} needs a value`);
        value = next;
        i++;
      }
    } else if (eq >= 0) {
      throw new UsageError(`--${name} takes no value`);
    }
    if (s.repeat) {
      const list = (options[name] as string[] | undefined) ?? [];
      list.push(String(value));
      options[name] = list;
    } else {
      if (options[name] !== undefined) throw new UsageError(`--${name} given twice`);
      options[name] = value;
    }
  }
  return { positionals, options };
}

/** Parses a positive whole number option, naming the option in the error. */
export function wholeNumber(name: string, value: unknown, min = 1): number {
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name}: must be a whole number >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}
