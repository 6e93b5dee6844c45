/**
 * Every field of the experiment config (shared/config.ts) as the Designer shows it: label, type,
 * default, unit, one-line help, and for dataset fields the kinds that have it. The rules themselves
 * are NOT repeated here: validation always goes through the shared schema. A unit test checks that
 * the defaults below are the schema's.
 */
import { ACTIVATIONS, CONV_PADDINGS, CSV_DELIMITERS, DATASET_KINDS, INITS, LR_DECAYS, MAX_SAMPLES, MNIST_MAX_SAMPLES, MODEL_KINDS, OPTIMIZERS, OUTPUT_INITS, POOLINGS, TASK_KINDS, type DatasetKind } from '../../../shared/config.js';
import { CONV_DEFAULTS } from '../../../shared/architecture.js';

export type FieldType =
  /** whole number */
  | 'int'
  | 'number'
  | 'enum'
  | 'boolean'
  | 'string'
  /** multi-line text */
  | 'text'
  /** list of whole numbers, e.g. "64, 64, 32" */
  | 'intList'
  /** [lo, hi] */
  | 'range'
  /** a column name, or a 0-based column index */
  | 'column';

export type FieldGroup = 'general' | 'data' | 'model' | 'training' | 'probe';

export interface FieldSpec {
  /** Dotted config path. */
  path: string;
  label: string;
  group: FieldGroup;
  type: FieldType;
  options?: readonly string[];
  /** The schema's default (per dataset kind where it differs); undefined when there is none. */
  defaultValue?: unknown;
  /**
   * For optional fields without a schema default: what leaving the field out means (the engine's
   * choice), shown like a default.
   */
  absentMeans?: unknown;
  /** How enum options are shown, when not as written (e.g. a tab character). */
  optionLabels?: Readonly<Record<string, string>>;
  defaultByKind?: Partial<Record<DatasetKind, unknown>>;
  /** The schema requires a value (no default). */
  required?: boolean;
  unit?: string;
  help: string;
  /** Dataset fields: the kinds that have this field. */
  kinds?: readonly DatasetKind[];
  /** Can be changed per run by the sweep or by variants. */
  sweepable: boolean;
  /** Hint for number inputs. */
  step?: string;
  /** Only used when another field takes one of these values, written as text (`"true"` for a boolean; the form hides it otherwise, unless it is set). */
  dependsOn?: { path: string; values: readonly string[] };
}

const GENERATED: DatasetKind[] = ['blobs', 'spirals', 'moons', 'abs1d', 'mnist'];
const ALL_KINDS: DatasetKind[] = [...DATASET_KINDS];

export const DATASET_KIND_HELP: Record<DatasetKind, string> = {
  blobs: 'Gaussian blobs: one cluster per class, in as many dimensions as features.',
  spirals: 'Interleaved 2-D spirals, one arm per class.',
  moons: 'Two interleaving half circles (2-D, 2 classes).',
  abs1d: 'Regression of |x| on one input (Lu et al. 2019).',
  mnist: 'Handwritten digits, 28×28 pixels (bundled, up to 10 000).',
  iris: 'Fisher’s iris: 150 flowers, 4 features, 3 species.',
  csv: 'Your own data from a CSV file.',
};

export const ACTIVATION_LABELS: Record<string, string> = {
  relu: 'ReLU',
  leaky_relu: 'Leaky ReLU',
  prelu: 'PReLU',
  elu: 'ELU',
  selu: 'SELU',
  gelu: 'GELU',
  swish: 'Swish',
  tanh: 'tanh',
};

export const FIELDS: readonly FieldSpec[] = [
  // ----- General -----
  { path: 'name', label: 'Name', group: 'general', type: 'string', required: true, help: 'Shown in the history; 1–200 characters.', sweepable: false },
  { path: 'description', label: 'Description', group: 'general', type: 'text', help: 'What the experiment is meant to show (optional).', sweepable: false },

  // ----- Data -----
  { path: 'dataset.kind', label: 'Data set', group: 'data', type: 'enum', options: DATASET_KINDS, required: true, help: 'Which data the networks are trained on.', kinds: ALL_KINDS, sweepable: true },
  {
    path: 'dataset.samples', label: 'Samples', group: 'data', type: 'int', unit: 'samples',
    defaultByKind: { blobs: 2048, spirals: 1024, moons: 1024, abs1d: 2048, mnist: MNIST_MAX_SAMPLES },
    help: `Number of examples generated (before the validation split); mnist at most ${MNIST_MAX_SAMPLES.toLocaleString('en-US')}, others at most ${MAX_SAMPLES.toLocaleString('en-US')}.`,
    kinds: GENERATED, sweepable: true,
  },
  { path: 'dataset.features', label: 'Features', group: 'data', type: 'int', defaultValue: 16, unit: 'inputs', help: 'Input dimensions of each blob sample.', kinds: ['blobs'], sweepable: true },
  { path: 'dataset.classes', label: 'Classes', group: 'data', type: 'int', defaultByKind: { blobs: 4, spirals: 3 }, help: 'Number of classes (2–100).', kinds: ['blobs', 'spirals'], sweepable: true },
  {
    path: 'dataset.noise', label: 'Noise', group: 'data', type: 'number', step: 'any',
    defaultByKind: { blobs: 1, spirals: 0.2, moons: 0.1, abs1d: 0 },
    help: 'Standard deviation of the Gaussian noise (abs1d: added to the targets).',
    kinds: ['blobs', 'spirals', 'moons', 'abs1d'], sweepable: true,
  },
  { path: 'dataset.sampling', label: 'Sampling', group: 'data', type: 'enum', options: ['grid', 'uniform'], defaultValue: 'grid', help: 'Inputs on an even grid, or drawn uniformly at random.', kinds: ['abs1d'], sweepable: true },
  { path: 'dataset.range', label: 'Input range', group: 'data', type: 'range', defaultValue: [-Math.sqrt(3), Math.sqrt(3)], help: 'Interval [lo, hi] the input is drawn from; default [−√3, √3].', kinds: ['abs1d'], sweepable: true },
  { path: 'dataset.path', label: 'CSV file', group: 'data', type: 'string', required: true, help: 'Path of the CSV file on this computer: a regular file, UTF-8, at most 256 MiB (relative paths: from where the lab was started).', kinds: ['csv'], sweepable: true },
  { path: 'dataset.labelColumn', label: 'Label column', group: 'data', type: 'column', required: true, help: 'Column holding the label or target: a header name, or a 0-based index (digits).', kinds: ['csv'], sweepable: true },
  { path: 'dataset.task', label: 'Task', group: 'data', type: 'enum', options: ['classification', 'regression'], required: true, help: 'Classification (softmax, cross-entropy) or regression (linear output, MSE).', kinds: ['csv'], sweepable: true },
  { path: 'dataset.header', label: 'First line is a header', group: 'data', type: 'boolean', defaultValue: true, help: 'Whether the first line (after the skipped ones) holds column names.', kinds: ['csv'], sweepable: true },
  {
    path: 'dataset.delimiter', label: 'Separator', group: 'data', type: 'enum', options: CSV_DELIMITERS, absentMeans: 'detected',
    optionLabels: { ',': ', (comma)', ';': '; (semicolon)', '\t': 'tab', '|': '| (pipe)' },
    help: 'The field separator: comma, semicolon, tab or pipe; when not chosen, the first lines decide.', kinds: ['csv'], sweepable: true,
  },
  { path: 'dataset.skipLines', label: 'Skip lines', group: 'data', type: 'int', absentMeans: 0, unit: 'lines', help: 'Lines before the header or the first row that are not part of the table (e.g. scikit-learn’s metadata line).', kinds: ['csv'], sweepable: true },
  { path: 'dataset.standardize', label: 'Standardize features', group: 'data', type: 'boolean', absentMeans: false, help: 'Scale every feature to mean 0, standard deviation 1 (training split statistics, applied before scale and shift).', kinds: ['csv'], sweepable: true },
  {
    path: 'dataset.imageShape', label: 'Image shape', group: 'data', type: 'intList', unit: 'h, w, c',
    help: 'Optional: the features as images, "height, width, channels" (row-major, channels last), for a CNN; the product must equal the number of feature columns.',
    kinds: ['csv'], sweepable: true,
  },
  { path: 'dataset.inputScale', label: 'Input scale', group: 'data', type: 'number', step: 'any', defaultValue: 1, unit: 'factor', help: 'Multiplies every input feature (applied before the shift).', kinds: ALL_KINDS, sweepable: true },
  { path: 'dataset.inputShift', label: 'Input shift', group: 'data', type: 'number', step: 'any', defaultValue: 0, help: 'Added to every input feature; negative values push pre-activations negative.', kinds: ALL_KINDS, sweepable: true },
  { path: 'dataset.validationSplit', label: 'Validation split', group: 'data', type: 'number', step: 'any', defaultValue: 0.2, unit: 'fraction', help: 'Share of the samples held out for validation (0–0.9).', kinds: ALL_KINDS, sweepable: true },

  // ----- Model -----
  {
    path: 'model.kind', label: 'Model kind', group: 'model', type: 'enum', options: MODEL_KINDS, absentMeans: 'mlp',
    optionLabels: { mlp: 'MLP (dense layers)', cnn: 'CNN (convolutions, then dense layers)' },
    help: 'A CNN needs images (mnist, or a csv file with an image shape); its conv layers are measured per channel.', sweepable: true,
  },
  {
    path: 'model.convFilters', label: 'Conv filters', group: 'model', type: 'intList', unit: 'channels',
    help: 'One convolutional layer per entry, with that many filters, e.g. "8, 16" (1–1024 each); dense layers follow.', sweepable: true,
    dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  {
    path: 'model.convKernel', label: 'Kernel size', group: 'model', type: 'int', absentMeans: CONV_DEFAULTS.convKernel, unit: 'pixels',
    help: 'Square kernel of every conv layer (1–15).', sweepable: true, dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  {
    path: 'model.convStride', label: 'Stride', group: 'model', type: 'int', absentMeans: CONV_DEFAULTS.convStride, unit: 'pixels',
    help: 'Step of every conv layer’s kernel (1–8).', sweepable: true, dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  {
    path: 'model.convPadding', label: 'Padding', group: 'model', type: 'enum', options: CONV_PADDINGS, absentMeans: CONV_DEFAULTS.convPadding,
    help: '"same" keeps the image size (at stride 1), "valid" does not pad.', sweepable: true, dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  {
    path: 'model.pooling', label: 'Pooling', group: 'model', type: 'enum', options: POOLINGS, absentMeans: CONV_DEFAULTS.pooling,
    help: 'Max or average pooling after every conv layer’s activation, or none.', sweepable: true, dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  {
    path: 'model.poolSize', label: 'Pool size', group: 'model', type: 'int', absentMeans: CONV_DEFAULTS.poolSize, unit: 'pixels',
    help: 'Pooling window and its stride (2–8).', sweepable: true, dependsOn: { path: 'model.kind', values: ['cnn'] },
  },
  { path: 'model.hiddenLayers', label: 'Hidden layers', group: 'model', type: 'int', unit: 'layers', help: 'Depth (1–100); required unless widths is given.', sweepable: true },
  { path: 'model.width', label: 'Width', group: 'model', type: 'int', unit: 'units', help: 'Units per hidden layer (1–4096); required unless widths is given.', sweepable: true },
  { path: 'model.widths', label: 'Widths per layer', group: 'model', type: 'intList', unit: 'units', help: 'Optional: one width per hidden layer, e.g. "64, 64, 32"; overrides width.', sweepable: true },
  { path: 'model.activation', label: 'Activation', group: 'model', type: 'enum', options: ACTIVATIONS, defaultValue: 'relu', help: 'Hidden-layer nonlinearity; leaky/PReLU/ELU/SELU/GELU/Swish are the usual mitigations.', sweepable: true },
  {
    path: 'model.leakyAlpha', label: 'Leaky α', group: 'model', type: 'number', step: 'any', defaultValue: 0.01, unit: 'slope',
    help: 'Negative-side slope of Leaky ReLU (0–1; Maas et al. 2013 use 0.01).', sweepable: true,
    dependsOn: { path: 'model.activation', values: ['leaky_relu'] },
  },
  {
    path: 'model.preluAlphaInit', label: 'PReLU α₀', group: 'model', type: 'number', step: 'any', defaultValue: 0.25, unit: 'slope',
    help: 'Initial learned PReLU slope (0–1; He et al. 2015 use 0.25).', sweepable: true,
    dependsOn: { path: 'model.activation', values: ['prelu'] },
  },
  { path: 'model.init', label: 'Weight init', group: 'model', type: 'enum', options: INITS, defaultValue: 'he_normal', help: 'Initializer of the hidden layers’ kernels; rai: Lu et al.’s randomized asymmetric initialization (weights and bias together, one positive entry per unit; needs bias init 0).', sweepable: true },
  {
    path: 'model.outputInit', label: 'Output init', group: 'model', type: 'enum', options: OUTPUT_INITS, absentMeans: 'glorot_uniform',
    help: 'Initializer of the linear output layer: glorot_uniform as Keras, torch_linear as PyTorch’s nn.Linear (weights and bias U(±1/√fan_in)).', sweepable: true,
  },
  {
    path: 'model.initStd', label: 'Init std', group: 'model', type: 'number', step: 'any', defaultValue: 0.05, unit: 'σ',
    help: 'Standard deviation for the "normal" initializer (> 0).', sweepable: true,
    dependsOn: { path: 'model.init', values: ['normal'] },
  },
  { path: 'model.biasInit', label: 'Bias init', group: 'model', type: 'number', step: 'any', defaultValue: 0, help: 'Constant every bias starts at; negative values start units dead.', sweepable: true },
  { path: 'model.batchNorm', label: 'Batch normalization', group: 'model', type: 'boolean', defaultValue: false, help: 'Normalize each hidden layer’s pre-activations before the activation (per channel in conv layers).', sweepable: true },
  {
    path: 'model.batchNormMomentum', label: 'Batch norm momentum', group: 'model', type: 'number', step: 'any', absentMeans: 0.99,
    help: 'Share of the moving mean and variance kept at each step (0 ≤ m < 1; Keras 0.99, PyTorch’s default is 0.9 here). Short runs need a lower value: inference mode, in which the probe measures, uses these averages.',
    sweepable: true, dependsOn: { path: 'model.batchNorm', values: ['true'] },
  },
  {
    path: 'model.layerNorm', label: 'Layer normalization', group: 'model', type: 'boolean', absentMeans: false,
    help: 'MLPs: normalize each input’s pre-activations over the layer’s units before the activation; not with batch norm.', sweepable: true,
  },
  {
    path: 'model.residual', label: 'Residual blocks', group: 'model', type: 'boolean', absentMeans: false,
    help: 'MLPs: add each hidden layer’s input to its activation from the second layer on (all widths equal).', sweepable: true,
  },

  // ----- Training -----
  { path: 'training.optimizer', label: 'Optimizer', group: 'training', type: 'enum', options: OPTIMIZERS, defaultValue: 'sgd', help: 'Plain SGD, SGD with momentum, Adam or RMSprop.', sweepable: true },
  { path: 'training.learningRate', label: 'Learning rate', group: 'training', type: 'number', step: 'any', required: true, unit: 'η', help: 'Step size (> 0, ≤ 1000); large values kill ReLU units.', sweepable: true },
  {
    path: 'training.momentum', label: 'Momentum', group: 'training', type: 'number', step: 'any', defaultValue: 0.9, unit: 'β',
    help: 'Momentum coefficient for the "momentum" optimizer (0 ≤ β < 1).', sweepable: true,
    dependsOn: { path: 'training.optimizer', values: ['momentum'] },
  },
  { path: 'training.batchSize', label: 'Batch size', group: 'training', type: 'int', defaultValue: 64, unit: 'samples', help: 'Samples per update (1–65 536).', sweepable: true },
  { path: 'training.epochs', label: 'Epochs', group: 'training', type: 'int', required: true, unit: 'epochs', help: 'Passes over the training split; 0 measures the network at initialization only. With tasks: task count × epochs per task.', sweepable: true },
  {
    path: 'training.tasks.kind', label: 'Task sequence', group: 'training', type: 'enum', options: TASK_KINDS, absentMeans: 'none',
    help: 'Optional continual learning: every task transforms the data its own seeded way (permuted inputs, shuffled labels or shifted inputs); weights and optimizer carry over.', sweepable: true,
  },
  {
    path: 'training.tasks.count', label: 'Tasks', group: 'training', type: 'int', unit: 'tasks',
    help: 'Number of tasks in the sequence (≥ 1).', sweepable: true,
    dependsOn: { path: 'training.tasks.kind', values: TASK_KINDS },
  },
  {
    path: 'training.tasks.epochsPerTask', label: 'Epochs per task', group: 'training', type: 'int', unit: 'epochs',
    help: 'Epochs trained on each task (≥ 1); epochs must equal tasks × epochs per task.', sweepable: true,
    dependsOn: { path: 'training.tasks.kind', values: TASK_KINDS },
  },
  {
    path: 'training.tasks.seed', label: 'Task seed', group: 'training', type: 'int', absentMeans: 0,
    help: 'Seeds the tasks’ transformations; every run of the experiment sees the same tasks.', sweepable: true,
    dependsOn: { path: 'training.tasks.kind', values: TASK_KINDS },
  },
  {
    path: 'training.tasks.shift', label: 'Task shift', group: 'training', type: 'number', step: 'any', absentMeans: 1, unit: 'std',
    help: 'Standard deviation of each task’s input shift vector (shifted-inputs only, > 0).', sweepable: true,
    dependsOn: { path: 'training.tasks.kind', values: ['shifted-inputs'] },
  },
  // Optional training options and interventions: left empty, they are off.
  { path: 'training.weightDecay', label: 'Weight decay', group: 'training', type: 'number', step: 'any', absentMeans: 0, unit: 'λ', help: 'Adds λ·w to every parameter’s gradient (PyTorch’s weight_decay; biases included). ≥ 0.', sweepable: true },
  { path: 'training.l2Init', label: 'L2 toward initial weights', group: 'training', type: 'number', step: 'any', absentMeans: 0, unit: 'λ', help: 'Adds λ·(w − w₀) to every parameter’s gradient, w₀ its initial value (Kumar et al. 2023). ≥ 0.', sweepable: true },
  { path: 'training.clipNorm', label: 'Gradient clipping', group: 'training', type: 'number', step: 'any', absentMeans: 'off', help: 'Scales the whole gradient down to this global L2 norm when it is longer (> 0).', sweepable: true },
  { path: 'training.schedule.warmupSteps', label: 'Warmup steps', group: 'training', type: 'int', absentMeans: 0, unit: 'steps', help: 'Learning-rate schedule: linear warmup over the first steps (≥ 0).', sweepable: true },
  { path: 'training.schedule.decay', label: 'Learning-rate decay', group: 'training', type: 'enum', options: LR_DECAYS, absentMeans: 'none', help: 'Learning-rate schedule: after the warmup, constant, linear or cosine decay to the final fraction at the last step.', sweepable: true },
  { path: 'training.schedule.finalFraction', label: 'Final learning-rate fraction', group: 'training', type: 'number', step: 'any', absentMeans: 0, help: 'Learning-rate schedule: the last step’s rate as a fraction of the learning rate (0–1).', sweepable: true },
  { path: 'training.interventions.redo.everySteps', label: 'ReDo every', group: 'training', type: 'int', absentMeans: 'off', unit: 'steps', help: 'ReDo (Sokar et al. 2023): re-initialize dormant hidden units every this many steps (≥ 1; plain MLPs).', sweepable: true },
  { path: 'training.interventions.redo.threshold', label: 'ReDo threshold τ', group: 'training', type: 'number', step: 'any', absentMeans: 'probe τ', help: 'ReDo: a unit is recycled when its normalized mean |activation| on the batch is ≤ τ (0–1).', sweepable: true },
  { path: 'training.interventions.continualBackprop.replacementRate', label: 'Continual backprop rate ρ', group: 'training', type: 'number', step: 'any', absentMeans: 'off (0.0001 when on)', help: 'Continual backprop (Dohare et al. 2024): units replaced per mature unit and step (0–1; plain MLPs).', sweepable: true },
  { path: 'training.interventions.continualBackprop.maturityThreshold', label: 'Continual backprop maturity', group: 'training', type: 'int', absentMeans: 100, unit: 'steps', help: 'Continual backprop: a unit may be replaced once it is older than this many steps.', sweepable: true },
  { path: 'training.interventions.continualBackprop.decay', label: 'Continual backprop utility decay η', group: 'training', type: 'number', step: 'any', absentMeans: 0.99, help: 'Continual backprop: decay of each unit’s running utility (0 ≤ η < 1).', sweepable: true },
  { path: 'training.interventions.shrinkPerturb.everyEpochs', label: 'Shrink and perturb every', group: 'training', type: 'int', absentMeans: 'off', unit: 'epochs', help: 'Shrink and perturb (Ash & Adams 2020): w ← λ·w + σ·ε after every this many epochs (≥ 1).', sweepable: true },
  { path: 'training.interventions.shrinkPerturb.shrink', label: 'Shrink λ', group: 'training', type: 'number', step: 'any', absentMeans: 0.4, help: 'Shrink and perturb: the factor every parameter is multiplied by (0–1).', sweepable: true },
  { path: 'training.interventions.shrinkPerturb.noise', label: 'Perturb σ', group: 'training', type: 'number', step: 'any', absentMeans: 0.01, help: 'Shrink and perturb: standard deviation of the Gaussian noise added (≥ 0).', sweepable: true },

  // ----- Probe -----
  { path: 'probe.samples', label: 'Probe samples', group: 'probe', type: 'int', defaultValue: 1024, unit: 'inputs', help: 'Training inputs the dead/dormant measurements use each epoch (capped at the training split).', sweepable: true },
  { path: 'probe.dormantThreshold', label: 'Dormant threshold τ', group: 'probe', type: 'number', step: 'any', defaultValue: 0.025, help: 'A unit is dormant when its normalized mean |activation| ≤ τ (Sokar et al. 2023).', sweepable: true },
  { path: 'probe.histogramBins', label: 'Histogram bins', group: 'probe', type: 'int', defaultValue: 32, unit: 'bins', help: 'Bins of the stored pre-activation histograms (2–256).', sweepable: true },
];

export const FIELD_BY_PATH: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.path, f]));

export const SWEEPABLE_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => f.sweepable);

export const GROUP_TITLES: Record<FieldGroup, string> = {
  general: 'Experiment',
  data: 'Data',
  model: 'Model',
  training: 'Training',
  probe: 'Probe',
};

/** The schema default of a field for a dataset kind, if any. */
export function fieldDefault(spec: FieldSpec, kind: DatasetKind): unknown {
  if (spec.defaultByKind) return spec.defaultByKind[kind];
  return spec.defaultValue;
}

/** What the form shows as the field's default: the schema's, or what leaving the field out means. */
export function shownDefault(spec: FieldSpec, kind: DatasetKind): unknown {
  return fieldDefault(spec, kind) ?? spec.absentMeans;
}

/** Whether the field exists for the dataset kind (non-dataset fields always do). */
export function fieldApplies(spec: FieldSpec, kind: DatasetKind): boolean {
  return !spec.kinds || spec.kinds.includes(kind);
}

export function describeDefault(value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return `[${value.map((v) => (typeof v === 'number' ? formatShortNumber(v) : String(v))).join(', ')}]`;
  if (typeof value === 'number') return formatShortNumber(value);
  return String(value);
}

function formatShortNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** What a sweep row's values field shows while empty: an example for the field's type. */
export function valuesPlaceholder(spec: FieldSpec | undefined): string {
  if (!spec) return 'values, comma-separated';
  switch (spec.type) {
    case 'enum':
      return (spec.options ?? []).slice(0, 3).join(', ');
    case 'boolean':
      return 'false, true';
    case 'int':
      return 'e.g. 16, 64, 256';
    case 'number':
      return 'e.g. 0.001, 0.01, 0.1';
    case 'intList':
      return '[[64, 64], [128, 32]]';
    case 'range':
      return '[[-1, 1], [-2, 2]]';
    default:
      return 'values, comma-separated';
  }
}
