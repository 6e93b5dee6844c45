/**
 * Checks an operation's arguments against `apiArgSchemas` and words the problems for people, with
 * the shared wording (shared/issues.ts), naming the argument and the field:
 * `getRun: argument 1 must be a whole number >= 1, got "x"`,
 * `updateExperiment: argument 2 field tags[1] must be a string, got 3`.
 */
import { apiArgSchemas, type ApiOperation } from '../../shared/api.js';
import { describeKind, formatPath, zodProblems, type FieldProblem } from '../../shared/issues.js';
import { InvalidConfigError, ValidationError } from '../../shared/errors.js';

export type ArgsCheck = { ok: true; args: unknown[] } | { ok: false; message: string };

/** Validates `args` for `operation` (which must be a known operation). */
export function checkArgs(operation: ApiOperation, args: unknown): ArgsCheck {
  const schema = apiArgSchemas[operation];
  const arity = (schema as unknown as { _zod: { def: { items?: unknown[] } } })._zod.def.items?.length ?? 0;
  if (!Array.isArray(args)) {
    return { ok: false, message: `${operation}: the arguments must be a list, got ${describeKind(args)}` };
  }
  if (args.length !== arity) {
    const expected = arity === 0 ? 'no arguments' : `${arity} argument${arity === 1 ? '' : 's'}`;
    return { ok: false, message: `${operation}: takes ${expected}, got ${args.length}` };
  }
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  const messages = zodProblems(parsed.error.issues, args, { schema }).map(argumentProblem);
  return { ok: false, message: `${operation}: ${[...new Set(messages)].join('; ')}` };
}

/** `argument 2 field tags[1] must be a string, got 3`. */
function argumentProblem({ path: [index, ...field], message }: FieldProblem): string {
  const where = typeof index === 'number' ? `argument ${index + 1}` : 'the arguments';
  return `${where}${field.length > 0 ? ` field ${formatPath(field)}` : ''} ${message}`;
}

/**
 * Runs `fn`; a ValidationError it throws about argument `index` (1-based) is said as the carriers say
 * every argument problem: `queryRunTable: argument 1: filter clause 2 "…": …`.
 */
export function withArgument<T>(operation: ApiOperation, index: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ValidationError && !(err instanceof InvalidConfigError)) throw new ValidationError(`${operation}: argument ${index}: ${err.message}`, { cause: err });
    throw err;
  }
}
