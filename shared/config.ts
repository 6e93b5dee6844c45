/**
 * The experiment configuration: one schema that validates the file everywhere
 * (main process, CLI, renderer forms, docs). Pure TypeScript, no Node, no DOM. Long (~730 lines):
 * the schema of every section, its cross-field rules and the expansion into runs are read as one
 * contract; the architecture's arithmetic is in architecture.ts, the wording of problems in issues.ts.
 */
import { z } from 'zod';
import { dedupeIssues, describeValue, formatPath, valueAt, zodIssues, type ConfigIssue } from './issues.js';
import { convPlan, denseWidths, imageShapeOf, trainsWithAutodiff } from './architecture.js';
import { interventionsSchema, scheduleSchema, tasksSchema, UNIT_RESET_INTERVENTIONS } from './training-blocks.js';

// The training section's optional blocks are declared in training-blocks.ts.
export { LR_DECAYS, resetsUnits, TASK_KINDS, UNIT_RESET_INTERVENTIONS, usesTrainingOptions, type TaskKind } from './training-blocks.js';

// The wording of validation problems is shared with the API and comparisons (shared/issues.ts).
export { describeValue, formatIssue, formatIssues, formatPath, TYPE_NAMES, type ConfigIssue } from './issues.js';

export const ACTIVATIONS = ['relu', 'leaky_relu', 'prelu', 'elu', 'selu', 'gelu', 'swish', 'tanh'] as const;
/** Initializers of a kernel alone, drawn from a symmetric distribution (hidden and output layers). */
export const KERNEL_INITS = ['he_normal', 'he_uniform', 'glorot_normal', 'glorot_uniform', 'lecun_normal', 'normal'] as const;
/**
 * Initializers of the hidden layers: the kernel initializers, and `rai`, Lu et al.'s randomized
 * asymmetric initialization (2019), which draws each unit's weights and bias together.
 */
export const INITS = [...KERNEL_INITS, 'rai'] as const;
/**
 * Initializers of the output layer: the kernel initializers plus `torch_linear`, PyTorch's
 * `nn.Linear` default (weights and bias U(±1/√fan_in)). (RAI is for ReLU units, not a linear read-out.)
 */
export const OUTPUT_INITS = [...KERNEL_INITS, 'torch_linear'] as const;
/** Field separators a csv file may use (`dataset.delimiter`); the first lines decide when it is not given. */
export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export const DATASET_KINDS = ['blobs', 'spirals', 'moons', 'abs1d', 'mnist', 'iris', 'csv'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
/** `mlp`: dense layers only; `cnn`: convolutional layers on images, then dense layers. */
export const MODEL_KINDS = ['mlp', 'cnn'] as const;
export const CONV_PADDINGS = ['same', 'valid'] as const;
export const POOLINGS = ['max', 'avg', 'none'] as const;

export type Activation = (typeof ACTIVATIONS)[number];
export type Init = (typeof INITS)[number];
export type KernelInit = (typeof KERNEL_INITS)[number];
export type OutputInit = (typeof OUTPUT_INITS)[number];
export type Optimizer = (typeof OPTIMIZERS)[number];
export type DatasetKind = (typeof DATASET_KINDS)[number];
export type BackendChoice = (typeof BACKENDS)[number];
export type ModelKind = (typeof MODEL_KINDS)[number];
export type TrainingBackend = Exclude<BackendChoice, 'auto'>;

/** Largest number of samples a generated data set may have (keeps memory predictable). */
export const MAX_SAMPLES = 1_000_000;
/** The `mnist` package ships this many digits. */
export const MNIST_MAX_SAMPLES = 10_000;
export const MAX_RUNS_PER_EXPERIMENT = 10_000;
/** Deepest nesting of lists and objects a config may have (a real one needs about 6 levels). */
export const MAX_CONFIG_NESTING = 32;
/** Most fields one sweep or one variant may set (a config has fewer than 50 fields that can change per run). */
export const MAX_ASSIGNMENTS = 100;
/** Longest list any input may hold before its entries are even looked at. */
export const MAX_LIST_ENTRIES = 1_000_000;
const MAX_SEED = 2 ** 31 - 1;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const int = (min: number, max: number) => z.int().min(min).max(max);

/** Fields every data set has: the "data characteristics" knobs and the held-out split. */
const datasetCommon = {
  /** Added to every input feature after generation (negative values push pre-activations negative). */
  inputShift: finite().default(0),
  /** Multiplies every input feature (applied before the shift). */
  inputScale: finite().default(1),
  /** Fraction of the samples held out for validation. */
  validationSplit: z.number().min(0).max(0.9).default(0.2),
};

const blobs = z.strictObject({
  kind: z.literal('blobs'),
  samples: int(4, MAX_SAMPLES).default(2048),
  features: int(1, 4096).default(16),
  classes: int(2, 100).default(4),
  noise: z.number().min(0).max(1000).default(1),
  ...datasetCommon,
});

const spirals = z.strictObject({
  kind: z.literal('spirals'),
  samples: int(4, MAX_SAMPLES).default(1024),
  classes: int(2, 100).default(3),
  noise: z.number().min(0).max(1000).default(0.2),
  ...datasetCommon,
});

const moons = z.strictObject({
  kind: z.literal('moons'),
  samples: int(4, MAX_SAMPLES).default(1024),
  noise: z.number().min(0).max(1000).default(0.1),
  ...datasetCommon,
});

const abs1d = z
  .strictObject({
    kind: z.literal('abs1d'),
    samples: int(2, MAX_SAMPLES).default(2048),
    sampling: z.enum(['grid', 'uniform']).default('grid'),
    range: z.tuple([finite(), finite()]).default([-Math.sqrt(3), Math.sqrt(3)]),
    /** Standard deviation of Gaussian noise added to the targets. */
    noise: z.number().min(0).max(1000).default(0),
    ...datasetCommon,
  })
  .refine((d) => d.range[0] < d.range[1], {
    message: 'must be [lo, hi] with lo < hi',
    path: ['range'],
  });

const mnist = z.strictObject({
  kind: z.literal('mnist'),
  samples: int(10, MNIST_MAX_SAMPLES).default(MNIST_MAX_SAMPLES),
  ...datasetCommon,
});

const iris = z.strictObject({
  kind: z.literal('iris'),
  ...datasetCommon,
});

const csv = z.strictObject({
  kind: z.literal('csv'),
  path: z.string().min(1),
  /** Column holding the label or target: a header name, or a 0-based column index. */
  labelColumn: z.union([z.string().min(1), z.int().min(0)]),
  task: z.enum(['classification', 'regression']),
  /** Whether the first line (after `skipLines`) holds column names. */
  header: z.boolean().default(true),
  /** The field separator; detected from the first lines when not given. */
  delimiter: z
    .string()
    .refine((d) => (CSV_DELIMITERS as readonly string[]).includes(d), {
      message: `must be one of ${CSV_DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}`,
    })
    .optional(),
  /**
   * Lines skipped at the start of the file, before the header or the first row (e.g. a metadata
   * line); absent means 0. (Optional rather than defaulted, so configs stored before it existed
   * compare equal to new ones.)
   */
  skipLines: int(0, 1_000_000).optional(),
  /** Standardize every feature to mean 0, standard deviation 1 (training split statistics); absent means false. */
  standardize: z.boolean().optional(),
  /**
   * The features as an image, [height, width, channels] (row-major, channels last), for convolutional
   * networks; the product must equal the number of feature columns (checked when the file is read).
   */
  imageShape: z.tuple([int(1, 4096), int(1, 4096), int(1, 4096)]).optional(),
  ...datasetCommon,
});

export const datasetSchema = z.discriminatedUnion('kind', [blobs, spirals, moons, abs1d, mnist, iris, csv]);

export const modelSchema = z
  .strictObject({
    hiddenLayers: int(1, 100).optional(),
    width: int(1, 4096).optional(),
    /** One width per hidden layer; overrides `width`. */
    widths: z.array(int(1, 4096)).min(1).max(100).optional(),
    activation: z.enum(ACTIVATIONS).default('relu'),
    /** Negative-side slope of Leaky ReLU (Maas et al. 2013 use 0.01). */
    leakyAlpha: z.number().min(0).max(1).default(0.01),
    /** Initial PReLU slope, learned per unit (He et al. 2015 use 0.25). */
    preluAlphaInit: z.number().min(0).max(1).default(0.25),
    init: z.enum(INITS).default('he_normal'),
    /**
     * Initializer of the linear output layer; absent means `glorot_uniform` (Keras' Dense default).
     * Optional rather than defaulted, so configs stored before it existed compare equal to new ones.
     */
    outputInit: z.enum(OUTPUT_INITS).optional(),
    /** Standard deviation for `init: "normal"`. */
    initStd: z.number().gt(0).max(100).default(0.05),
    /** Constant every hidden and output bias starts at. */
    biasInit: finite().default(0),
    /** Batch normalization before each hidden activation (per channel in convolutional layers). */
    batchNorm: z.boolean().default(false),
    /*
     * The fields below are optional rather than defaulted, so configs stored before they existed
     * compare equal to new ones; absent values mean CONV_DEFAULTS (shared/architecture.ts) and false.
     */
    /**
     * Batch norm's moving-average momentum: each step keeps this share of the moving mean and variance
     * (absent means 0.99, as Keras and TF.js; PyTorch's default momentum 0.1 is 0.9 here).
     */
    batchNormMomentum: z.number().min(0).lt(1).optional(),
    /** `mlp` (absent) or `cnn`. */
    kind: z.enum(MODEL_KINDS).optional(),
    /** One convolutional layer per entry, with that many filters (cnn only). */
    convFilters: z.array(int(1, 1024)).min(1).max(20).optional(),
    /** Square kernel size of every convolutional layer (cnn only; absent means 3). */
    convKernel: int(1, 15).optional(),
    /** Stride of every convolutional layer (cnn only; absent means 1). */
    convStride: int(1, 8).optional(),
    /** `same` (absent; output = ⌈input / stride⌉) or `valid` (no padding). */
    convPadding: z.enum(CONV_PADDINGS).optional(),
    /** Pooling after every convolutional layer's activation (cnn only; absent means max). */
    pooling: z.enum(POOLINGS).optional(),
    /** Pooling window and stride (cnn only; absent means 2). */
    poolSize: int(2, 8).optional(),
    /** Residual connections around every hidden layer after the first: h ← h + f(z) (MLPs, same widths). */
    residual: z.boolean().optional(),
    /** Layer normalization before each hidden activation (MLPs). */
    layerNorm: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    const cnn = m.kind === 'cnn';
    if (cnn && m.convFilters === undefined) {
      ctx.addIssue({ code: 'custom', path: ['convFilters'], message: 'is required when model.kind is "cnn" (one entry per convolutional layer)' });
    }
    if (!cnn) {
      for (const field of CNN_ONLY_FIELDS) {
        if (m[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `only applies when model.kind is "cnn", got model.kind ${describeValue(m.kind ?? 'mlp')}` });
      }
    }
    if (cnn && m.residual) ctx.addIssue({ code: 'custom', path: ['residual'], message: 'applies to MLPs only (model.kind "mlp")' });
    if (cnn && m.layerNorm) ctx.addIssue({ code: 'custom', path: ['layerNorm'], message: 'applies to MLPs only (model.kind "mlp")' });
    if (m.layerNorm && m.batchNorm) ctx.addIssue({ code: 'custom', path: ['layerNorm'], message: 'must be false when model.batchNorm is true (choose one normalization)' });
    if (m.residual && !cnn) {
      const widths = denseWidths(m);
      if (widths.some((w) => w !== widths[0])) {
        ctx.addIssue({ code: 'custom', path: ['residual'], message: `needs every hidden layer the same width (same-width residual blocks), got widths ${JSON.stringify(widths)}` });
      }
    }
    if (m.widths === undefined && m.width === undefined) {
      ctx.addIssue({ code: 'custom', path: ['width'], message: 'is required unless widths is given' });
    }
    if (m.widths !== undefined && m.hiddenLayers !== undefined && m.widths.length !== m.hiddenLayers) {
      ctx.addIssue({
        code: 'custom',
        path: ['widths'],
        message: `must have one entry per hidden layer (hiddenLayers is ${m.hiddenLayers}), got ${m.widths.length}`,
      });
    }
    if (m.widths === undefined && m.hiddenLayers === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hiddenLayers'], message: 'is required unless widths is given' });
    }
  });

/** Model fields that only a convolutional network has. */
const CNN_ONLY_FIELDS = ['convFilters', 'convKernel', 'convStride', 'convPadding', 'pooling', 'poolSize'] as const;

export const trainingSchema = z.strictObject({
  optimizer: z.enum(OPTIMIZERS).default('sgd'),
  learningRate: z.number().gt(0).max(1000),
  /** Momentum coefficient for `optimizer: "momentum"`. */
  momentum: z.number().min(0).lt(1).default(0.9),
  batchSize: int(1, 65536).default(64),
  /** 0 measures the network at initialization only. */
  epochs: int(0, 100_000),
  /** A task sequence (optional; absent: one data set for the whole run). */
  tasks: tasksSchema.optional(),
  /*
   * Regularization, clipping, the learning-rate schedule and interventions (their blocks in
   * training-blocks.ts; training-options.ts and interventions.ts in the engine). Optional, absent means off, so configs stored before they
   * existed compare equal to new ones and train to the same numbers.
   */
  /** L2 penalty λ: λ·w is added to every parameter's gradient (PyTorch's `weight_decay`). */
  weightDecay: z.number().min(0).max(1000).optional(),
  /** L2 toward the initial weights λ: λ·(w − w₀) is added to every parameter's gradient (Kumar et al. 2023). */
  l2Init: z.number().min(0).max(1000).optional(),
  /** Largest global L2 norm of the loss gradient over all parameters; larger gradients are scaled down to it. */
  clipNorm: z.number().gt(0).max(1e9).optional(),
  /** Per-step learning-rate warmup and decay. */
  schedule: scheduleSchema.optional(),
  interventions: interventionsSchema.optional(),
});

export const probeSchema = z.strictObject({
  /** Probe inputs, drawn once per run (seeded) from the training inputs; capped at the training split size. */
  samples: int(1, 100_000).default(1024),
  /** τ of the dormant-unit score (Sokar et al. 2023). */
  dormantThreshold: z.number().min(0).max(1).default(0.025),
  histogramBins: int(2, 256).default(32),
});

const seedRange = z.strictObject({
  from: int(0, MAX_SEED),
  count: int(1, MAX_RUNS_PER_EXPERIMENT),
});

export const seedsSchema = z.union([z.array(int(0, MAX_SEED)).min(1).max(MAX_RUNS_PER_EXPERIMENT), seedRange]);

/** Config paths that cannot be swept (they describe the experiment, not a run). */
const UNSWEEPABLE = new Set(['name', 'description', 'seeds', 'sweep', 'variants']);
/** The key under which a run's variant name is recorded next to its sweep values. */
export const VARIANT_KEY = 'variant';

/** A dotted path → value record may set at most MAX_ASSIGNMENTS fields. */
function assignmentCount(record: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const n = Object.keys(record).length;
  if (n > MAX_ASSIGNMENTS) ctx.addIssue({ code: 'custom', message: `must set at most ${MAX_ASSIGNMENTS} fields, got ${n}` });
}

export const sweepSchema = z.record(z.string().min(1), z.array(z.unknown()).min(1).max(1000)).superRefine(assignmentCount);

/**
 * Named variants of the base config, each changing a few fields (dotted path → value): the way to
 * compare one-factor-at-a-time mitigations against a baseline, which a cartesian sweep cannot express.
 */
export const variantsSchema = z
  .array(
    z.strictObject({
      name: z.string().trim().min(1).max(100),
      set: z.record(z.string().min(1), z.unknown()).superRefine(assignmentCount).default({}),
    }),
  )
  .max(100)
  .superRefine((variants, ctx) => {
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicates the name of an earlier variant` });
      seen.add(v.name);
    });
  });

export const experimentSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    description: z.string().max(10_000).optional(),
    dataset: datasetSchema,
    model: modelSchema,
    training: trainingSchema,
    probe: probeSchema.default({ samples: 1024, dormantThreshold: 0.025, histogramBins: 32 }),
    seeds: seedsSchema.default([1]),
    sweep: sweepSchema.default({}),
    variants: variantsSchema.optional(),
  })
  .superRefine((config, ctx) => {
    tasksProblems(config, ctx);
    // Lu et al.'s RAI draws the hidden biases itself.
    if (config.model.init === 'rai' && config.model.biasInit !== 0) {
      ctx.addIssue({ code: 'custom', path: ['model', 'biasInit'], message: `must be 0 when model.init is "rai" (RAI draws the hidden biases itself), got ${describeValue(config.model.biasInit)}` });
    }
    // Unit re-initialization is written for the dense hidden units of plain MLPs.
    for (const key of UNIT_RESET_INTERVENTIONS) {
      if (config.training.interventions?.[key] === undefined || !trainsWithAutodiff(config.model)) continue;
      const what = config.model.kind === 'cnn' ? 'model.kind "cnn"' : config.model.residual ? 'model.residual true' : 'model.layerNorm true';
      ctx.addIssue({ code: 'custom', path: ['training', 'interventions', key], message: `applies to plain MLPs only (dense hidden units; not model.kind "cnn", model.residual or model.layerNorm), got ${what}` });
    }
    // A convolutional network needs images, and its layers must fit them.
    if (config.model.kind !== 'cnn') return;
    const image = imageShapeOf(config.dataset);
    if (!image) {
      const what = config.dataset.kind === 'csv' ? 'dataset.kind "csv" without dataset.imageShape' : `dataset.kind ${describeValue(config.dataset.kind)}`;
      ctx.addIssue({ code: 'custom', path: ['model', 'kind'], message: `"cnn" needs image data: dataset.kind "mnist", or "csv" with dataset.imageShape; got ${what}` });
      return;
    }
    const plan = convPlan(config.model, image);
    if ('problem' in plan) ctx.addIssue({ code: 'custom', path: ['model', 'convFilters'], message: `${plan.problem} (input ${image.join('×')})` });
  });

/** Whether a data set is a classification (softmax) or a regression (linear output) problem. */
export function datasetTask(dataset: z.output<typeof datasetSchema>): 'classification' | 'regression' {
  if (dataset.kind === 'abs1d') return 'regression';
  if (dataset.kind === 'csv') return dataset.task;
  return 'classification';
}

/** The rules a task sequence adds across sections: its epochs, and what its kind needs. */
function tasksProblems(config: { dataset: z.output<typeof datasetSchema>; training: z.output<typeof trainingSchema> }, ctx: z.RefinementCtx): void {
  const tasks = config.training.tasks;
  if (!tasks) return;
  const expected = tasks.count * tasks.epochsPerTask;
  if (config.training.epochs !== expected) {
    ctx.addIssue({
      code: 'custom',
      path: ['training', 'epochs'],
      message: `must equal training.tasks.count × training.tasks.epochsPerTask (${tasks.count} × ${tasks.epochsPerTask} = ${expected}) with a task sequence, got ${config.training.epochs}`,
    });
  }
  if (tasks.kind === 'shuffled-labels' && datasetTask(config.dataset) === 'regression') {
    ctx.addIssue({ code: 'custom', path: ['training', 'tasks', 'kind'], message: `"shuffled-labels" needs a classification data set, got a regression (dataset.kind ${describeValue(config.dataset.kind)})` });
  }
}

/** A config as a user writes it (defaults may be left out). */
export type ExperimentConfigInput = z.input<typeof experimentSchema>;
/** A validated config, defaults filled in. */
export type ExperimentConfig = z.output<typeof experimentSchema>;
export type DatasetConfig = ExperimentConfig['dataset'];
export type ModelConfig = ExperimentConfig['model'];
export type TrainingConfig = ExperimentConfig['training'];
export type ProbeConfig = ExperimentConfig['probe'];
/** Everything that defines one run, apart from its seed. */
export type RunConfig = Omit<ExperimentConfig, 'seeds' | 'sweep' | 'variants'>;
export type SweepValue = unknown;

export type ValidationResult =
  | { ok: true; config: ExperimentConfig; runs: RunSpec[] }
  | { ok: false; issues: ConfigIssue[] };

/** One run of an experiment: the resolved config, its seed and the sweep values that produced it. */
export interface RunSpec {
  index: number;
  seed: number;
  /** The sweep values of this run (dotted path → value), plus `variant` when the config has variants. */
  sweep: Record<string, SweepValue>;
  config: RunConfig;
}

/** Where a value stops being plain data, and why. */
export interface DataProblem {
  path: PropertyKey[];
  message: string;
}

/** How a message names a value that is not plain data ("a bigint", "a Map"). */
function kindName(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object';
  }
  return `a ${typeof value}`;
}

/**
 * Checks that a value is plain JSON-like data (null, booleans, numbers, strings, lists and plain
 * objects; `undefined` counts as absent) nested at most `maxDepth` levels, without recursion: it
 * runs before anything recursive (the schema, JSON.stringify, structuredClone) touches the value,
 * so a deeply nested, circular or exotic input is a message naming its place, never a stack
 * overflow. The value itself is level 1.
 */
export function plainDataProblem(root: unknown, maxDepth = MAX_CONFIG_NESTING): DataProblem | null {
  interface Frame {
    value: object;
    depth: number;
    /** Key of this value in its parent. */
    key: PropertyKey;
    /** Own keys of an object; null for a list (walked by index). */
    keys: readonly string[] | null;
    size: number;
    next: number;
  }
  const problemAt = (value: unknown): string | null => {
    if (value === null || value === undefined) return null;
    const type = typeof value;
    if (type === 'boolean' || type === 'number' || type === 'string' || Array.isArray(value)) return null;
    if (type === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto === Object.prototype || proto === null) return null;
    }
    return `must be plain data (numbers, strings, true/false, null, lists, objects), got ${kindName(value)}`;
  };
  const first = problemAt(root);
  if (first) return { path: [], message: first };
  if (root === null || typeof root !== 'object') return null;
  // Deepest level each object was seen at: a shared (not circular) object is walked again only when
  // reached deeper, which bounds the work by objects × levels.
  const seenAt = new Map<object, number>();
  const onPath = new Set<object>();
  const stack: Frame[] = [];
  // Paths are only built for the message.
  const pathTo = (key: PropertyKey): PropertyKey[] => [...stack.slice(1).map((f) => f.key), key];
  const frameOf = (value: object, depth: number, key: PropertyKey): Frame | string => {
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ENTRIES) return `must have at most ${MAX_LIST_ENTRIES} entries, got ${value.length}`;
      return { value, depth, key, keys: null, size: value.length, next: 0 };
    }
    const keys = Object.keys(value);
    return { value, depth, key, keys, size: keys.length, next: 0 };
  };
  const top = frameOf(root, 1, '');
  if (typeof top === 'string') return { path: [], message: top };
  stack.push(top);
  seenAt.set(root, 1);
  onPath.add(root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1];
    if (frame.next >= frame.size) {
      stack.pop();
      onPath.delete(frame.value);
      continue;
    }
    const key = frame.keys ? frame.keys[frame.next] : frame.next;
    frame.next++;
    const child = (frame.value as Record<string | number, unknown>)[key];
    const problem = problemAt(child);
    if (problem) return { path: pathTo(key), message: problem };
    if (child === null || typeof child !== 'object') continue;
    if (onPath.has(child)) return { path: pathTo(key), message: 'contains itself (a circular reference)' };
    const depth = frame.depth + 1;
    if (depth > maxDepth) return { path: pathTo(key), message: `is nested deeper than ${maxDepth} levels` };
    const before = seenAt.get(child);
    if (before !== undefined && before >= depth) continue;
    const next = frameOf(child, depth, key);
    if (typeof next === 'string') return { path: pathTo(key), message: next };
    seenAt.set(child, depth);
    onPath.add(child);
    stack.push(next);
  }
  return null;
}

/** A config-level issue for a data problem; a deep path is cut after its first levels (they say where). */
export function dataProblemIssue(problem: DataProblem): ConfigIssue {
  const shown = problem.path.length > 4 ? problem.path.slice(0, 4) : problem.path;
  return { path: formatPath(shown), message: problem.message };
}

/** Validates a config, reporting every problem at once with its path. */
export function parseExperimentConfig(input: unknown): { ok: true; config: ExperimentConfig } | { ok: false; issues: ConfigIssue[] } {
  // First, without recursion: deep nesting, cycles or exotic values would break everything after.
  const problem = plainDataProblem(input);
  if (problem) return { ok: false, issues: [dataProblemIssue(problem)] };
  return parsePlainConfig(input);
}

/** The schema check of a config already known to be plain data. */
function parsePlainConfig(input: unknown): { ok: true; config: ExperimentConfig } | { ok: false; issues: ConfigIssue[] } {
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    return { ok: false, issues: zodIssues(result.error.issues, input) };
  }
  return { ok: true, config: result.data };
}

export function expandSeeds(seeds: ExperimentConfig['seeds']): number[] {
  if (Array.isArray(seeds)) return [...seeds];
  return Array.from({ length: seeds.count }, (_, i) => seeds.from + i);
}

/**
 * A copy of `target` with `value` at `path`: only the objects along the path are copied (shallowly),
 * everything else is shared, so an assignment costs the path's length, not the config's size.
 * Nothing here mutates a config, so sharing is safe.
 */
function assignedAt(target: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const root = { ...target };
  let cur = root;
  for (let i = 0; i < path.length - 1; i++) {
    const next = cur[path[i]];
    const copy = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    cur[path[i]] = copy;
    cur = copy;
  }
  cur[path[path.length - 1]] = value;
  return root;
}

/** Reads a dotted path from a config object (undefined where absent). */
export function getAtPath(source: unknown, dotted: string): unknown {
  return valueAt(source, dotted.split('.'));
}

/** Sets `path=value` on a raw config, leaving the given one unchanged (used by `--set` and the sweep); the result must be validated again. */
export function withValueAt(config: unknown, dotted: string, value: unknown): Record<string, unknown> {
  const root = config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
  return assignedAt(root, dotted.split('.'), value);
}

const SWEEP_PATH = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;

/**
 * Runs a validated config creates: variants × sweep combinations × seeds, computed from the list
 * lengths (never by building the product), with the factors for messages.
 */
export function runCount(config: Pick<ExperimentConfig, 'seeds' | 'sweep' | 'variants'>): { total: number; variants: number; combinations: number; seeds: number } {
  const variants = Math.max(1, config.variants?.length ?? 0);
  const combinations = Object.values(config.sweep).reduce((n, values) => n * values.length, 1);
  const seeds = Array.isArray(config.seeds) ? config.seeds.length : config.seeds.count;
  return { total: variants * combinations * seeds, variants, combinations, seeds };
}

function tooManyRuns(count: ReturnType<typeof runCount>): ConfigIssue {
  return {
    path: 'sweep',
    message: `expands to ${count.total} runs (variants × sweep combinations × seeds); at most ${MAX_RUNS_PER_EXPERIMENT} are allowed`,
  };
}

/**
 * Validates a config and expands it into its runs: the cartesian product of the sweep values,
 * times the seeds. Every resolved run config is validated too, so a bad sweep value is reported
 * as `sweep["training.learningRate"][1]: must be > 0, got -1`. The run count is checked first, from
 * the list lengths alone, so a design of a billion runs is refused at once.
 */
export function validateExperiment(input: unknown): ValidationResult {
  const parsed = parseExperimentConfig(input);
  if (!parsed.ok) return parsed;
  const config = parsed.config;
  const count = runCount(config);
  if (count.total > MAX_RUNS_PER_EXPERIMENT) return { ok: false, issues: [tooManyRuns(count)] };
  const issues: ConfigIssue[] = [];
  const sweepEntries = Object.entries(config.sweep);
  const raw = input as Record<string, unknown>;
  const base: Record<string, unknown> = { ...raw };
  delete base.sweep;
  delete base.seeds;
  delete base.variants;

  interface Assignment {
    /** Where the assignment is written, e.g. `sweep["model.width"]` or `variants[0].set["model.kind"]`. */
    where: string;
    path: string;
    value: unknown;
    /** Position of the value in a sweep list, null for a variant's field. */
    index: number | null;
  }
  const pathProblem = (a: Assignment): boolean => {
    if (!SWEEP_PATH.test(a.path)) {
      issues.push({ path: a.where, message: 'must be a dotted config path such as "model.activation"' });
      return true;
    }
    if (UNSWEEPABLE.has(a.path.split('.')[0])) {
      issues.push({ path: a.where, message: `cannot change ${a.path.split('.')[0]} per run` });
      return true;
    }
    return false;
  };
  /**
   * Checks assignments applied together to the base config (one sweep value, or all the fields of one
   * variant, which may depend on each other: `model.kind` and `model.convFilters`); each problem is
   * reported at the assignment whose field it concerns, else at the first one with the field named.
   * False when a path is unknown (its other values need no check).
   */
  const checkAssignments = (assignments: Assignment[]): boolean => {
    const valid = assignments.filter((a) => !pathProblem(a));
    if (valid.length < assignments.length) return false;
    if (valid.length === 0) return true;
    const probe = parsePlainConfig(valid.reduce<Record<string, unknown>>((raw, a) => withValueAt(raw, a.path, a.value), base));
    if (probe.ok) return true;
    const on = (issuePath: string, a: Assignment) => issuePath === a.path || issuePath.startsWith(`${a.path}.`) || issuePath.startsWith(`${a.path}[`);
    for (const issue of probe.issues) {
      const owner = valid.find((a) => on(issue.path, a));
      if (owner && issue.path === owner.path && issue.message === 'is not a known field') {
        issues.push({ path: owner.where, message: `${owner.path} is not a known config field` });
        return false;
      }
      const a = owner ?? valid[0];
      const at = a.index === null ? a.where : `${a.where}[${a.index}]`;
      issues.push({ path: owner ? `${at}${issue.path.slice(a.path.length)}` : `${at} → ${issue.path}`, message: issue.message });
    }
    return true;
  };

  // Check each sweep value on its own against the base config, so errors point at the value.
  for (const [path, values] of sweepEntries) {
    const where = `sweep[${JSON.stringify(path)}]`;
    for (let i = 0; i < values.length; i++) if (!checkAssignments([{ where, path, value: values[i], index: i }])) break;
  }
  const variants = config.variants ?? [];
  variants.forEach((variant, v) => {
    const assignments: Assignment[] = [];
    for (const [path, value] of Object.entries(variant.set)) {
      const where = `variants[${v}].set[${JSON.stringify(path)}]`;
      if (path in config.sweep) issues.push({ path: where, message: 'is also swept; a field can be set by the sweep or by variants, not both' });
      else assignments.push({ where, path, value, index: null });
    }
    checkAssignments(assignments);
  });
  if (issues.length > 0) return { ok: false, issues: dedupeIssues(issues) };

  const seeds = expandSeeds(config.seeds);
  const combos = cartesian(sweepEntries);
  const variantList: ({ name: string; set: Record<string, unknown> } | null)[] = variants.length > 0 ? variants : [null];

  const runs: RunSpec[] = [];
  for (const variant of variantList) {
    for (const combo of combos) {
      let resolvedRaw = base;
      for (const [path, value] of [...Object.entries(variant?.set ?? {}), ...Object.entries(combo)]) resolvedRaw = assignedAt(resolvedRaw, path.split('.'), value);
      const resolved = parsePlainConfig(resolvedRaw);
      if (!resolved.ok) {
        const label = [variant ? `variant ${JSON.stringify(variant.name)}` : '', ...Object.entries(combo).map(([p, v]) => `${p}=${describeValue(v)}`)]
          .filter(Boolean)
          .join(', ');
        return { ok: false, issues: resolved.issues.map((i) => ({ path: i.path, message: `${i.message} (in the combination ${label})` })) };
      }
      const { seeds: _s, sweep: _w, variants: _v, ...runConfig } = resolved.config;
      void _s;
      void _w;
      void _v;
      const sweep = variant ? { [VARIANT_KEY]: variant.name, ...combo } : combo;
      for (const seed of seeds) {
        runs.push({ index: runs.length, seed, sweep, config: runConfig });
      }
    }
  }
  return { ok: true, config, runs };
}

function cartesian(entries: [string, unknown[]][]): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [path, values] of entries) {
    const next: Record<string, unknown>[] = [];
    for (const partial of out) for (const value of values) next.push({ ...partial, [path]: value });
    out = next;
  }
  return out;
}

/** Hidden dense layer widths of a model config (after `widths`/`width` resolution). */
export function layerWidths(model: ModelConfig): number[] {
  return denseWidths(model);
}

/** Number of runs a raw config would create, or null when it is not valid yet (for forms). */
export function countRuns(input: unknown): number | null {
  const parsed = parseExperimentConfig(input);
  if (!parsed.ok) return null;
  return runCount(parsed.config).total;
}

/**
 * Parses a `--set path=value` assignment; the value is read as JSON when it parses, else as a string
 * (so `--set model.activation=elu` and `--set training.learningRate=0.01` both work).
 */
export function parseAssignment(text: string): { path: string; value: unknown } | { error: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) return { error: `--set: expected path=value, got ${describeValue(text)}` };
  const path = text.slice(0, eq).trim();
  const rawValue = text.slice(eq + 1).trim();
  if (!/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/.test(path)) {
    return { error: `--set: ${describeValue(path)} is not a dotted config path such as training.learningRate` };
  }
  let value: unknown = rawValue;
  try {
    value = JSON.parse(rawValue);
  } catch {
    value = rawValue;
  }
  return { path, value };
}
