/**
 * Seeded generators for the fuzz tests: a small PRNG, hostile values (wrong types, out of range,
 * huge lists, deep nesting, odd unicode, values JSON cannot carry, cycles), experiment configs built
 * from valid ones by random mutations, and values for any zod schema read from its definition (so an
 * API operation added later is fuzzed from its argument schema without new code here).
 */
import type { z } from 'zod';
import { PRESETS } from '../../../shared/presets.js';

/** mulberry32: tiny, fast and good enough to drive a fuzzer reproducibly. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A whole number in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/**
 * Large hostile values are built once and shared, frozen: building a 100,000-level list for every
 * case would make the fuzzer slower than what it tests. (Nothing under test mutates its input;
 * the mutators below skip frozen values.)
 */
const shared = new Map<string, unknown>();

function once(key: string, build: () => unknown): unknown {
  let value = shared.get(key);
  if (value === undefined) {
    value = build();
    const stack = [value];
    while (stack.length > 0) {
      const v = stack.pop();
      if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
        Object.freeze(v);
        if (Array.isArray(v) ? v.length <= 16 : true) stack.push(...Object.values(v));
      }
    }
    shared.set(key, value);
  }
  return value;
}

export function deepList(depth: number): unknown {
  return once(`list ${depth}`, () => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  });
}

export function deepObject(depth: number): unknown {
  return once(`object ${depth}`, () => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = { a: value };
    return value;
  });
}

function bigList(length: number, fill: unknown): unknown {
  return once(`fill ${length} ${String(fill)}`, () => new Array(length).fill(fill));
}

function circular(): unknown {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

const UNICODE = [
  '',
  ' ',
  '\u0000',
  'tab\there',
  'line\nbreak',
  'ReLU 💥🧠',
  '\u202eevil\u202c',
  'zero\u200bwidth',
  '\ud800',
  'e\u0301\u0301\u0301',
  '名前',
  'مرحبا',
  '../../etc/passwd',
  '%s%n%x',
  '<script>alert(1)</script>',
  'NaN',
  '__proto__',
  'constructor',
];

/** A string meant to stress whatever reads it. */
export function hostileString(rng: Rng): string {
  switch (rng.int(0, 4)) {
    case 0:
      return rng.pick(UNICODE).repeat(rng.pick([1, 2, 1000]));
    case 1: {
      const n = rng.pick([201, 4097, 100_001, 2_000_000]);
      return once(`string ${n}`, () => 'x'.repeat(n)) as string;
    }
    case 2:
      return String.fromCharCode(...Array.from({ length: rng.int(1, 40) }, () => rng.int(0, 0xffff)));
    default:
      return rng.pick(UNICODE);
  }
}

const NUMBERS = [0, -0, -1, 1, 0.5, 1.5, -2.5, 3, 7, 1e-320, 2 ** 31, 2 ** 53, 2 ** 60, 1e308, -1e308, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, 4096, 4097, 100_000, 100_001];

/** A value of any kind, chosen to be wrong, extreme or unusual for most fields. */
export function hostileValue(rng: Rng): unknown {
  switch (rng.int(0, 11)) {
    case 0:
      return rng.pick(NUMBERS);
    case 1:
      return hostileString(rng);
    case 2:
      return rng.pick([null, true, false, undefined]);
    case 3:
      return rng.pick([[], [null], ['x', 1, {}], new Array(rng.pick([3, 1000]))]);
    case 4:
      return bigList(rng.pick([1001, 10_001, 200_000]), rng.pick([1, 'x', null]));
    case 5:
      return deepList(rng.pick([31, 33, 1000, 100_000]));
    case 6:
      return deepObject(rng.pick([31, 33, 1000, 100_000]));
    case 7:
      return rng.pick([{}, { unknown: 1 }, JSON.parse('{"__proto__":{"polluted":1}}') as unknown, { constructor: { prototype: { polluted: 1 } } }, Object.create(null) as object]);
    case 8:
      // What JSON cannot carry (only in-process or structured-clone callers can send these).
      return rng.pick<() => unknown>([() => 10n, () => new Date(0), () => new Map([[1, 2]]), () => new Set([1]), () => new Uint8Array(4), () => new Error('x'), () => Symbol('s'), () => () => 1])();
    case 9:
      return circular();
    case 10:
      return rng.int(-1000, 1000);
    default:
      return rng.pick(['relu', 'adam', 'blobs', 'he_normal', 'mean', 'svg', 'dark', 'wasm', 'x']);
  }
}

// ---------- Experiment configs ----------

/** Valid starting points: a minimal config per data set kind, plus every preset. */
export const BASE_CONFIGS: readonly Record<string, unknown>[] = [
  { name: 'blobs', dataset: { kind: 'blobs', samples: 64, features: 4, classes: 2 }, model: { hiddenLayers: 1, width: 4 }, training: { learningRate: 0.1, epochs: 1 } },
  { name: 'moons', dataset: { kind: 'moons', samples: 64 }, model: { widths: [4, 3] }, training: { learningRate: 0.1, epochs: 2, optimizer: 'adam' }, seeds: [1, 2] },
  { name: 'abs', dataset: { kind: 'abs1d', samples: 32, range: [-1, 1] }, model: { hiddenLayers: 2, width: 3 }, training: { learningRate: 0.01, epochs: 1 }, probe: { samples: 8 } },
  { name: 'spirals', dataset: { kind: 'spirals', samples: 64 }, model: { hiddenLayers: 1, width: 8 }, training: { learningRate: 0.1, epochs: 1 }, sweep: { 'model.activation': ['relu', 'elu'] } },
  { name: 'iris', dataset: { kind: 'iris' }, model: { hiddenLayers: 1, width: 8 }, training: { learningRate: 0.1, epochs: 1 }, variants: [{ name: 'base', set: {} }, { name: 'leaky', set: { 'model.activation': 'leaky_relu' } }] },
  ...PRESETS.map((p) => p.config as Record<string, unknown>),
];

/** Fields a sweep or variant may set, and some it may not. */
const SWEEP_PATHS = [
  'model.width',
  'model.hiddenLayers',
  'model.widths',
  'model.activation',
  'model.init',
  'model.biasInit',
  'model.batchNorm',
  'training.learningRate',
  'training.batchSize',
  'training.epochs',
  'training.optimizer',
  'dataset.samples',
  'dataset.noise',
  'dataset.inputShift',
  'dataset.kind',
  'probe.samples',
  'seeds.from',
  'name',
  'model.depth',
  'lr',
  'constructor.prototype',
  '__proto__.polluted',
  'model.__proto__',
  '',
];

/** Valid values for the fields above, the enormous ones included. */
const FIELD_VALUES: Record<string, unknown[]> = {
  'model.width': [1, 4, 4096, 4097, 0],
  'model.hiddenLayers': [1, 2, 100, 101],
  'model.widths': [[4], [4096, 4096], new Array(100).fill(4096)],
  'model.activation': ['relu', 'prelu', 'tanh', 'sigmoid'],
  'model.init': ['he_normal', 'normal', 'zeros'],
  'model.biasInit': [0, -1, 1e300],
  'model.batchNorm': [true, false, 'yes'],
  'training.learningRate': [0.1, 1000, 1001, 0, 1e-9],
  'training.batchSize': [1, 64, 65536, 65537],
  'training.epochs': [0, 1, 100_000, 100_001],
  'training.optimizer': ['sgd', 'adam', 'lbfgs'],
  'dataset.samples': [4, 64, 1_000_000, 1_000_001],
  'dataset.noise': [0, 1000, -1],
  'dataset.inputShift': [0, -10, 1e308],
  'dataset.kind': ['moons', 'csv', 'nope'],
  'probe.samples': [1, 100_000, 100_001],
};

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/** Every path to a value inside `root` (bounded, for picking a place to mutate). */
export function pathsOf(root: unknown, limit = 200): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { value, path } = stack.pop()!;
    if (path.length > 0) out.push(path);
    if (value === null || typeof value !== 'object' || Object.isFrozen(value) || path.length > 6) continue;
    const keys: (string | number)[] = Array.isArray(value) ? range(Math.min(value.length, 20), (i) => i) : Object.keys(value).slice(0, 40);
    for (const key of keys) stack.push({ value: (value as Record<string | number, unknown>)[key], path: [...path, key] });
  }
  return out;
}

export function setPath(root: unknown, path: (string | number)[], value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    if (next === null || typeof next !== 'object') return;
    cur = next as Record<string | number, unknown>;
  }
  if (!Object.isFrozen(cur)) cur[path[path.length - 1]] = value;
}

function deletePath(root: unknown, path: (string | number)[]): void {
  let cur = root as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    if (next === null || typeof next !== 'object') return;
    cur = next as Record<string | number, unknown>;
  }
  // (A hole in a list: its own methods may have been overwritten by an earlier mutation.)
  if (!Object.isFrozen(cur)) delete cur[path[path.length - 1]];
}

/** One mutation of a config, in place; returns what it did (for failure messages). */
function mutate(config: Record<string, unknown>, rng: Rng): string {
  const paths = pathsOf(config);
  switch (rng.int(0, 12)) {
    case 0: {
      const path = rng.pick(paths);
      setPath(config, path, hostileValue(rng));
      return `hostile value at ${path.join('.')}`;
    }
    case 1: {
      const field = rng.pick(Object.keys(FIELD_VALUES));
      const [group, key] = field.split('.');
      const target = (config[group] ??= {}) as Record<string, unknown>;
      if (target && typeof target === 'object') target[key] = rng.pick(FIELD_VALUES[field]);
      return `field ${field}`;
    }
    case 2: {
      // Enormous, yet within every per-field limit.
      config.model = { hiddenLayers: 100, width: 4096, activation: 'prelu', batchNorm: true };
      config.dataset = { kind: 'blobs', samples: 1_000_000, features: 4096, classes: 100 };
      config.training = { learningRate: 0.1, epochs: 100_000, batchSize: 65536 };
      config.probe = { samples: 100_000 };
      return 'enormous model and data';
    }
    case 3: {
      config.seeds = rng.pick<unknown>([{ from: 0, count: rng.pick([1, 100, 10_000, 10_001]) }, range(rng.pick([1, 10_000, 10_001]), (i) => i), { from: 2 ** 31, count: 1 }, []]);
      return 'seeds';
    }
    case 4: {
      const keys = rng.int(1, rng.chance(0.1) ? 120 : 3);
      const sweep: Record<string, unknown> = {};
      for (let k = 0; k < keys; k++) {
        const path = rng.chance(0.8) ? rng.pick(SWEEP_PATHS) : `model.x${k}`;
        // Mostly short lists; now and then the 1,000-value maximum (three such keys: a billion runs).
        const n = rng.chance(0.06) ? rng.pick([1000, 1001]) : rng.int(0, 4);
        const values = FIELD_VALUES[path];
        const list: unknown[] = range(n, (i) => (values && rng.chance(0.7) ? rng.pick(values) : i + 1));
        // At most one hostile value per list (they can be large to build).
        if (n > 0 && rng.chance(0.3)) list[rng.int(0, n - 1)] = hostileValue(rng);
        sweep[path] = list;
      }
      config.sweep = sweep;
      return `sweep of ${keys} keys`;
    }
    case 5: {
      const n = rng.pick([0, 1, 3, 100, 101]);
      const variants = range(n, (i) => {
        const set: Record<string, unknown> = {};
        for (let k = 0; k < rng.int(0, 3); k++) {
          const path = rng.pick(SWEEP_PATHS);
          set[path] = rng.pick(FIELD_VALUES[path] ?? [1, 'x', null]);
        }
        return rng.chance(0.95) ? { name: `v${i}`, set } : { name: 'dup', set, extra: 1 };
      });
      // One variant (at most) gets a hostile name or value.
      if (n > 0 && rng.chance(0.5)) {
        const v = rng.pick(variants);
        if (rng.chance(0.5)) v.name = hostileString(rng);
        else v.set[rng.pick(SWEEP_PATHS)] = hostileValue(rng);
      }
      config.variants = variants;
      return `${n} variants`;
    }
    case 6: {
      const path = rng.pick(paths);
      setPath(config, path, rng.chance(0.5) ? deepList(rng.pick([33, 33, 5000, 100_000])) : deepObject(rng.pick([33, 5000, 100_000])));
      return `deep nesting at ${path.join('.')}`;
    }
    case 7: {
      config.name = hostileString(rng);
      if (rng.chance(0.5)) config.description = hostileString(rng);
      return 'unicode name';
    }
    case 8: {
      const path = rng.pick(paths);
      setPath(config, [...path.slice(0, -1), rng.pick(['unknown', 'Width', 'learning_rate', '__proto__', 'constructor'])], 1);
      return `unknown field near ${path.join('.')}`;
    }
    case 9: {
      const path = rng.pick(paths);
      deletePath(config, path);
      return `deleted ${path.join('.')}`;
    }
    case 10: {
      const path = rng.pick(paths);
      setPath(config, path, circular());
      return `cycle at ${path.join('.')}`;
    }
    case 11: {
      // A large but allowed design: variants × sweep × seeds close to the maximum.
      config.seeds = { from: 1, count: rng.pick([10, 100]) };
      config.sweep = { 'training.learningRate': range(rng.pick([10, 100]), (i) => 0.001 * (i + 1)) };
      return 'large allowed design';
    }
    default: {
      const path = rng.pick(paths);
      setPath(config, path, rng.pick(NUMBERS));
      return `number at ${path.join('.')}`;
    }
  }
}

export interface ConfigCase {
  input: unknown;
  steps: string[];
}

/** A config derived from a valid one by 0–3 random mutations (about one case in six stays untouched). */
export function configCase(rng: Rng): ConfigCase {
  if (rng.chance(0.02)) {
    const input = rng.pick<unknown>([null, undefined, 5, 'config', [], deepList(100_000), hostileValue(rng)]);
    return { input, steps: ['not an object'] };
  }
  const config = structuredClone(rng.pick(BASE_CONFIGS)) as Record<string, unknown>;
  const steps: string[] = [`base ${String(config.name)}`];
  const n = rng.pick([0, 1, 1, 2, 2, 3]);
  for (let i = 0; i < n; i++) steps.push(mutate(config, rng));
  return { input: config, steps };
}

// ---------- Values for a zod schema ----------

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number; value?: number; inclusive?: boolean } } }[];
  innerType?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  shape?: Record<string, z.ZodType>;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function limits(def: Def): { lo: number; hi: number; minLen: number; maxLen: number } {
  let lo = -1e6;
  let hi = 1e6;
  let minLen = 0;
  let maxLen = 5;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than' && typeof d.value === 'number') lo = d.value + (d.inclusive ? 0 : 1e-6);
    if (d.check === 'less_than' && typeof d.value === 'number') hi = d.value - (d.inclusive ? 0 : 1e-6);
    if (d.check === 'min_length' && typeof d.minimum === 'number') minLen = d.minimum;
    if (d.check === 'max_length' && typeof d.maximum === 'number') maxLen = Math.min(d.maximum, Math.max(minLen, 5));
  }
  return { lo, hi, minLen, maxLen: Math.max(minLen, maxLen) };
}

function isInt(schema: z.ZodType): boolean {
  return (schema as unknown as { isInt?: boolean }).isInt === true;
}

export interface SchemaContext {
  /** Whole numbers from 1 upwards are usually ids: pick existing ones often. */
  ids: () => number[];
}

/** A value the schema (very likely) accepts. */
export function validValue(schema: z.ZodType, rng: Rng, ctx: SchemaContext): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
      return rng.chance(0.3) ? undefined : validValue(def.innerType!, rng, ctx);
    case 'nullable':
      return rng.chance(0.2) ? null : validValue(def.innerType!, rng, ctx);
    case 'default':
    case 'prefault':
      return rng.chance(0.3) ? undefined : validValue(def.innerType!, rng, ctx);
    case 'pipe':
      return validValue(def.in!, rng, ctx);
    case 'string': {
      const { minLen, maxLen } = limits(def);
      const length = rng.int(Math.max(1, minLen), Math.max(1, maxLen, 8));
      return rng.chance(0.2) ? rng.pick(UNICODE.filter((s) => s.trim().length >= Math.max(1, minLen))) : Array.from({ length }, () => rng.pick([...'abcdefghij é😀 -_.'])).join('').trim() || 'name';
    }
    case 'number': {
      const { lo, hi } = limits(def);
      if (isInt(schema)) {
        if (lo >= 1 && rng.chance(0.7)) {
          const ids = ctx.ids();
          if (ids.length > 0) return rng.pick(ids);
        }
        return rng.int(Math.ceil(Math.max(lo, -1000)), Math.floor(Math.min(hi, Math.max(lo, -1000) + 1000)));
      }
      const a = Math.max(lo, -1000);
      const b = Math.min(hi, a + 1000);
      return a + rng.next() * (b - a);
    }
    case 'boolean':
      return rng.chance(0.5);
    case 'enum':
      return rng.pick(Object.values(def.entries ?? {}));
    case 'literal':
      return rng.pick(def.values ?? [null]);
    case 'null':
      return null;
    case 'array': {
      const { minLen, maxLen } = limits(def);
      return range(rng.int(minLen, maxLen), () => validValue(def.element!, rng, ctx));
    }
    case 'tuple':
      return (def.items ?? []).map((item) => validValue(item, rng, ctx));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape ?? {})) {
        const value = validValue(field, rng, ctx);
        if (value !== undefined) out[key] = value;
      }
      return out;
    }
    case 'record': {
      const out: Record<string, unknown> = {};
      for (let i = rng.int(0, 2); i > 0; i--) out[String(validValue(def.keyType!, rng, ctx))] = validValue(def.valueType!, rng, ctx);
      return out;
    }
    case 'union':
      return validValue(rng.pick(def.options ?? []), rng, ctx);
    default:
      return rng.chance(0.5) ? hostileValue(rng) : { a: 1 };
  }
}

/** `value` with one place inside it (or the whole) replaced by a hostile value. */
export function corrupt(value: unknown, rng: Rng): unknown {
  const paths = pathsOf(value);
  if (paths.length === 0 || rng.chance(0.25)) return hostileValue(rng);
  let copy: unknown;
  try {
    copy = structuredClone(value);
  } catch {
    // Already holds something structured clone refuses (a function, a symbol): hostile enough.
    return value;
  }
  setPath(copy, rng.pick(paths), hostileValue(rng));
  return copy;
}
