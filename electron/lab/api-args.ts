/**
 * Checks an operation's arguments against `apiArgSchemas` and words the problems for people:
 * `getRun: argument 1 must be a whole number >= 1, got "x"`,
 * `updateExperiment: argument 2 field tags[1] must be a string, got 3`.
 */
import type { z } from 'zod';
import { apiArgSchemas, type ApiOperation } from '../../shared/api.js';
import { describeValue, formatPath, TYPE_NAMES } from '../../shared/config.js';

interface Issue {
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
}

/** The zod internals this module reads to word a rule (min/max of a number, string or list). */
interface SchemaLike {
  _zod: { def: { type: string; items?: SchemaLike[]; shape?: Record<string, SchemaLike>; element?: SchemaLike; innerType?: SchemaLike } };
  shape?: Record<string, SchemaLike>;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
}

export type ArgsCheck = { ok: true; args: unknown[] } | { ok: false; message: string };

/** Validates `args` for `operation` (which must be a known operation). */
export function checkArgs(operation: ApiOperation, args: unknown): ArgsCheck {
  const schema = apiArgSchemas[operation] as unknown as z.ZodType & SchemaLike;
  const arity = schema._zod.def.items?.length ?? 0;
  if (!Array.isArray(args)) {
    return { ok: false, message: `${operation}: the arguments must be a list, got ${kindOf(args)}` };
  }
  if (args.length !== arity) {
    const expected = arity === 0 ? 'no arguments' : `${arity} argument${arity === 1 ? '' : 's'}`;
    return { ok: false, message: `${operation}: takes ${expected}, got ${args.length}` };
  }
  const parsed = schema.safeParse(args);
  if (parsed.success) return { ok: true, args: parsed.data as unknown[] };
  const issues = parsed.error.issues as unknown as Issue[];
  const messages = [...new Set(issues.map((issue) => describeIssue(schema, args, issue)))];
  return { ok: false, message: `${operation}: ${messages.join('; ')}` };
}

function describeIssue(root: SchemaLike, args: unknown[], issue: Issue): string {
  const [index, ...rest] = issue.path;
  let where = typeof index === 'number' ? `argument ${index + 1}` : 'the arguments';
  let fieldPath = rest;
  let rule: string;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys ?? [];
    if (keys.length === 1) {
      fieldPath = [...rest, keys[0]];
      rule = 'is not a known field';
    } else {
      rule = `has unknown fields ${keys.join(', ')}`;
    }
  } else {
    rule = describeRule(issue, schemaAt(root, issue.path), valueAt(args, issue.path));
  }
  if (fieldPath.length > 0) where += ` field ${formatPath(fieldPath)}`;
  return `${where} ${rule}`;
}

function describeRule(issue: Issue, schema: SchemaLike | null, given: unknown): string {
  const got = `got ${kindOf(given)}`;
  const type = schema?._zod.def.type;
  if (type === 'number' && (issue.code === 'invalid_type' || issue.code === 'too_small' || issue.code === 'too_big')) {
    const what = schema?.isInt ? 'a whole number' : 'a number';
    const min = schema?.minValue;
    const max = schema?.maxValue;
    const bounds: string[] = [];
    const hasMin = typeof min === 'number' && Number.isFinite(min) && min > Number.MIN_SAFE_INTEGER;
    const hasMax = typeof max === 'number' && Number.isFinite(max) && max < Number.MAX_SAFE_INTEGER;
    if (hasMin && hasMax) bounds.push(`between ${min} and ${max}`);
    else if (hasMin) bounds.push(`>= ${min}`);
    else if (hasMax) bounds.push(`<= ${max}`);
    return `must be ${what}${bounds.length ? ` ${bounds[0]}` : ''}, ${got}`;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (given === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected ?? ''] ?? issue.expected ?? 'of another type'}, ${got}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      if (issue.origin === 'string') {
        if (issue.code === 'too_small' && Number(bound) <= 1) return 'must not be empty';
        return `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} characters long`;
      }
      if (issue.origin === 'array') {
        const n = Array.isArray(given) ? given.length : 0;
        return `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} entries, got ${n}`;
      }
      return `must be ${issue.code === 'too_small' ? '>=' : '<='} ${bound}, ${got}`;
    }
    case 'invalid_value':
      return `must be one of ${(issue.values ?? []).map(String).join(', ')}, ${got}`;
    default:
      return `${issue.message.replace(/^Invalid input: /, '')}, ${got}`;
  }
}

/** A value as a message shows it: strings quoted, lists and objects named rather than dumped. */
function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length <= 3 ? `a list ${describeValue(value)}` : `a list of ${value.length}`;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== null) return `a ${value.constructor?.name ?? 'value'}`;
    return `an object ${describeValue(value)}`;
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function' || typeof value === 'symbol') return `a ${typeof value}`;
  return describeValue(value);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  let cur = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** The schema that validates the value at `path`, looking through optional/nullable wrappers. */
function schemaAt(root: SchemaLike, path: PropertyKey[]): SchemaLike | null {
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
  return cur ?? null;
}

function unwrap(schema: SchemaLike): SchemaLike {
  let cur = schema;
  while ((cur._zod.def.type === 'optional' || cur._zod.def.type === 'nullable' || cur._zod.def.type === 'default') && cur._zod.def.innerType) {
    cur = cur._zod.def.innerType;
  }
  return cur;
}
