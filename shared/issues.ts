/**
 * One wording for validation problems. A failed zod parse becomes a list of issues, each
 * `path: rule, got value` (`training.learningRate: must be > 0, got -1`), the same for the
 * experiment config, the API's arguments and a comparison spec. Pure TypeScript.
 */
import type { z } from 'zod';

/** One problem found in an input: where (a formatted path, `''` for the input itself), and what rule it broke. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `training.learningRate` or `sweep["model.width"][1]`. */
  path: string;
  message: string;
}

/** A problem before its path is formatted: callers that name the place their own way (`argument 2 field tags[1]`) use this. */
export interface FieldProblem {
  path: PropertyKey[];
  /** The rule and the value given, e.g. `must be a string, got 3`. */
  message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map(formatIssue).join('\n');
}

/** Formats a zod-style path: `model.widths[2]`; keys that are not plain names are quoted: `sweep["model.width"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** A short, unambiguous rendering of a value given by the user. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return `a ${typeof value}`;
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return Array.isArray(value) ? 'a list' : 'an object';
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    // Circular, too deep, or holding values JSON cannot write.
    return Array.isArray(value) ? 'a list' : 'an object';
  }
}

/** How a message names a value of the wrong type: lists and objects by their kind, anything else as given. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto === Object.prototype || proto === null) return 'an object';
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
  }
  return describeValue(value);
}

/** The value at `path` inside `root`, or undefined where the path leads nowhere. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key as string];
  }
  return cur;
}

/** How a validation message names an expected type. */
export const TYPE_NAMES: Readonly<Record<string, string>> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  tuple: 'a list',
  record: 'an object',
  null: 'null',
};

/** The fields of a zod issue this module reads (zod's own issue types carry more). */
interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  values?: unknown[];
  keys?: string[];
  options?: unknown[];
  errors?: ZodLikeIssue[][];
  note?: string;
}

/** The zod internals read to word a number by its whole range (type, bounds) and to find the schema at a path. */
interface SchemaLike {
  _zod: { def: { type: string; items?: SchemaLike[]; shape?: Record<string, SchemaLike>; element?: SchemaLike; innerType?: SchemaLike } };
  shape?: Record<string, SchemaLike>;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

export interface IssueOptions {
  /**
   * The schema that was parsed. Given, a number's rule names its kind and its whole range
   * (`must be a whole number between 1 and 64, got 100`) rather than the one bound broken
   * (`must be <= 64, got 100`); the API's arguments are worded so, the config by the bound.
   */
  schema?: z.ZodType;
}

/**
 * The problems of a failed zod parse of `input`, worded for people, with unformatted paths; every
 * problem once. A union such as `seeds` (a list, or `{ from, count }`) reports the branch that
 * matches the shape given; several unknown fields at the top each get their own problem.
 */
export function zodProblems(issues: readonly z.core.$ZodIssue[], input: unknown, options: IssueOptions = {}): FieldProblem[] {
  const schema = options.schema as unknown as SchemaLike | undefined;
  const out: FieldProblem[] = [];
  const add = (issue: ZodLikeIssue) => out.push(problemOf(issue, input, schema));
  for (const issue of issues as unknown as ZodLikeIssue[]) {
    if (issue.code === 'invalid_union' && issue.errors && issue.note !== 'No matching discriminator') {
      const given = valueAt(input, issue.path);
      // The branch that matches the shape the user wrote (list vs object).
      const branch = issue.errors.find((errs) => errs.every((e) => !(e.code === 'invalid_type' && e.path.length === 0)));
      if (branch && branch.length > 0 && given !== undefined && typeof given === 'object') {
        for (const sub of branch) add({ ...sub, path: [...issue.path, ...sub.path] });
        continue;
      }
    }
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0 && (issue.keys?.length ?? 0) > 1) {
      // Unknown top-level fields: one problem each, so every problem has a path.
      for (const key of issue.keys!) add({ ...issue, keys: [key] });
      continue;
    }
    add(issue);
  }
  const seen = new Set<string>();
  return out.filter((p) => {
    const key = `${formatPath(p.path)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The issues of a failed zod parse of `input`: `path: rule, got value`, each once. */
export function zodIssues(issues: readonly z.core.$ZodIssue[], input: unknown, options: IssueOptions = {}): ConfigIssue[] {
  return zodProblems(issues, input, options).map((p) => ({ path: formatPath(p.path), message: p.message }));
}

/** Issues without repeats (the same path and message once), in order. */
export function dedupeIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = formatIssue(i);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One zod issue as a rule and the value given. */
function problemOf(issue: ZodLikeIssue, root: unknown, schema: SchemaLike | undefined): FieldProblem {
  const given = valueAt(root, issue.path);
  const path = issue.path;
  const at = (message: string, where: PropertyKey[] = path): FieldProblem => ({ path: where, message });
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    return keys.length === 1 ? at('is not a known field', [...path, keys[0]]) : at(`unknown fields: ${keys.join(', ')}`);
  }
  if (given === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || (issue.code === 'invalid_union' && issue.note !== 'No matching discriminator'))) {
    return at('is required');
  }
  const number = schema && (issue.code === 'invalid_type' || issue.code === 'too_small' || issue.code === 'too_big') ? numberSchemaAt(schema, path) : null;
  if (number) return at(`must be ${numberRange(number)}, got ${describeKind(given)}`);
  switch (issue.code) {
    case 'invalid_type':
      return at(`must be ${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected ?? 'another type'}, got ${describeKind(given)}`);
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.origin === 'array' || issue.origin === 'set') {
        const n = Array.isArray(given) ? given.length : 0;
        return at(`must have ${word} ${bound} entr${bound === 1 ? 'y' : 'ies'}, got ${n}`);
      }
      if (issue.origin === 'string') {
        if (issue.code === 'too_small' && Number(bound) <= 1) return at('must not be empty');
        return at(`must be ${word} ${bound} characters long`);
      }
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      return at(`must be ${op} ${bound}, got ${describeValue(given)}`);
    }
    case 'invalid_value':
      return at(`must be one of ${(issue.values ?? []).map((v) => String(v)).join(', ')}, got ${describeValue(given)}`);
    case 'invalid_union':
      if (issue.note === 'No matching discriminator') {
        return at(`must be one of ${(issue.options ?? []).map(String).join(', ')}, got ${describeValue(given)}`);
      }
      return at(`has the wrong form: ${unionHint(path, given)}`);
    case 'custom':
      return at(given !== undefined && !issue.message.includes('got') ? `${issue.message}, got ${describeValue(given)}` : issue.message);
    default:
      return at(`${issue.message.replace(/^Invalid input: /, '')}, got ${describeValue(given)}`);
  }
}

function unionHint(path: PropertyKey[], given: unknown): string {
  const field = path[path.length - 1];
  if (field === 'seeds') return `expected a list of whole numbers or { "from": N, "count": N }, got ${describeValue(given)}`;
  if (field === 'labelColumn') return `expected a column name or a 0-based column index, got ${describeValue(given)}`;
  return `got ${describeValue(given)}`;
}

/** `a whole number between 1 and 64`, `a number >= 0`, `a number`. */
function numberRange(schema: SchemaLike): string {
  const what = schema.isInt ? 'a whole number' : 'a number';
  const min = schema.minValue;
  const max = schema.maxValue;
  const hasMin = typeof min === 'number' && Number.isFinite(min) && min > Number.MIN_SAFE_INTEGER;
  const hasMax = typeof max === 'number' && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
  if (hasMin && hasMax) return `${what} between ${min} and ${max}`;
  if (hasMin) return `${what} >= ${min}`;
  if (hasMax) return `${what} <= ${max}`;
  return what;
}

/** The number schema that validates the value at `path`, looking through optional/nullable/default wrappers; null for anything else. */
function numberSchemaAt(root: SchemaLike, path: readonly PropertyKey[]): SchemaLike | null {
  let cur: SchemaLike | undefined = unwrap(root);
  for (const key of path) {
    if (!cur) return null;
    const def: SchemaLike['_zod']['def'] = cur._zod.def;
    if (def.type === 'tuple' && typeof key === 'number') cur = def.items?.[key];
    else if (def.type === 'array' && typeof key === 'number') cur = def.element;
    else if (def.type === 'object' && typeof key === 'string') cur = (cur.shape ?? def.shape)?.[key];
    else return null;
    cur = cur ? unwrap(cur) : undefined;
  }
  return cur?._zod.def.type === 'number' ? cur : null;
}

function unwrap(schema: SchemaLike): SchemaLike {
  let cur = schema;
  while ((cur._zod.def.type === 'optional' || cur._zod.def.type === 'nullable' || cur._zod.def.type === 'default') && cur._zod.def.innerType) {
    cur = cur._zod.def.innerType;
  }
  return cur;
}
