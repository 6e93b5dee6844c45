/**
 * What a run needs: its data shape, parameter count and an estimate of its memory, from the config
 * alone (csv files: from the shape found in the file). Pure TypeScript, shared by the main
 * process's preflight check (which refuses designs the machine cannot hold) and the designer
 * (which shows the estimate as you type).
 */
import { layerWidths, type DatasetConfig, type ModelConfig, type RunConfig } from './config.js';
import { convPlan, imageShapeOf, isConvNet, type ImageShape } from './architecture.js';

/** Samples (before the split), input features and outputs (classes, or regression targets). */
export interface DataShape {
  samples: number;
  inputs: number;
  outputs: number;
}

/** The shape of a generated or bundled data set; null for csv (the file decides). */
export function datasetShape(dataset: DatasetConfig): DataShape | null {
  switch (dataset.kind) {
    case 'blobs':
      return { samples: dataset.samples, inputs: dataset.features, outputs: dataset.classes };
    case 'spirals':
      return { samples: dataset.samples, inputs: 2, outputs: dataset.classes };
    case 'moons':
      return { samples: dataset.samples, inputs: 2, outputs: 2 };
    case 'abs1d':
      return { samples: dataset.samples, inputs: 1, outputs: 1 };
    case 'mnist':
      return { samples: dataset.samples, inputs: 784, outputs: 10 };
    case 'iris':
      return { samples: 150, inputs: 4, outputs: 3 };
    case 'csv':
      return null;
  }
}

/** Trainable parameters: kernels, biases, batch-norm or layer-norm scales and shifts, PReLU slopes. */
export function parameterCount(model: ModelConfig, inputs: number, outputs: number, image: ImageShape | null = null): number {
  const perUnit = 1 + (model.batchNorm || model.layerNorm ? 2 : 0) + (model.activation === 'prelu' ? 1 : 0);
  let fanIn = inputs;
  let params = 0;
  const conv = isConvNet(model) && image ? convPlan(model, image) : null;
  if (conv && !('problem' in conv)) {
    for (const l of conv.layers) params += l.kernel * l.kernel * l.input[2] * l.filters + perUnit * l.filters;
    fanIn = conv.flatSize;
  }
  for (const w of layerWidths(model)) {
    params += fanIn * w + perUnit * w;
    fanIn = w;
  }
  return params + fanIn * outputs + outputs;
}

/**
 * Values one input row puts through the hidden layers: units of dense layers, and positions × channels
 * of convolutional layers (their pre-activations, before pooling), plus the patches each convolution
 * reads (k·k·in_channels per output position).
 */
export function hiddenValuesPerRow(model: ModelConfig, image: ImageShape | null): number {
  let values = layerWidths(model).reduce((s, w) => s + w, 0);
  const conv = isConvNet(model) && image ? convPlan(model, image) : null;
  if (conv && !('problem' in conv)) {
    for (const l of conv.layers) values += l.convHeight * l.convWidth * (l.filters + l.kernel * l.kernel * l.input[2]);
  }
  return values;
}

/** Bytes of one float32. */
const F32 = 4;
/** Rows per chunk when the engine evaluates a whole split (train.ts, EVAL_CHUNK). */
const EVAL_ROWS = 4096;
/** A training worker before its first run: a V8 isolate, TF.js and its backend's memory. */
export const WORKER_BASE_BYTES = 200 * 1024 * 1024;

export interface MemoryEstimate {
  /** Weights, their gradients, the optimizer's slots and the exported copy at the end. */
  parameters: number;
  /** One training step: every layer's pre-activations, activations and their gradients for a batch. */
  activations: number;
  /** One measurement: the probe set's forward and backward pass and its read-back. */
  probe: number;
  /** Loss and accuracy of a whole split, in chunks of up to 4096 rows through every layer. */
  evaluation: number;
  /** The data set: generated or read, split, and as tensors (inputs, one-hot targets). */
  data: number;
  /** The worker itself (isolate, TF.js). */
  base: number;
  total: number;
  /** The config field that drives the largest part (what to change to need less). */
  field: 'model.width' | 'model.widths' | 'training.batchSize' | 'probe.samples' | 'dataset.samples' | 'dataset.features' | 'dataset.path';
  /** The largest part's name, for messages. */
  largest: 'parameters' | 'activations' | 'probe' | 'evaluation' | 'data';
}

/**
 * An upper-side estimate of the memory one run takes at its peak, in bytes. Meant to tell a design
 * that fits from one that cannot (tens of MB vs tens of GB), not to predict the process size to the
 * megabyte. Measured on the wasm backend (peak resident memory of a process training one run):
 * mnist 4 × 512 estimated 462 MiB, measured 375 MiB; mnist 8 × 1024 1007 vs 864 MiB; mnist 4 × 2048
 * (batch 512, probe 2048) 1.38 vs 1.33 GiB; blobs 200,000 × 64 with 4 × 256 425 vs 364 MiB.
 */
export function estimateRunMemory(config: Pick<RunConfig, 'dataset' | 'model' | 'training' | 'probe'>, shape: DataShape): MemoryEstimate {
  const image = imageShapeOf(config.dataset);
  const units = hiddenValuesPerRow(config.model, image);
  const params = parameterCount(config.model, shape.inputs, shape.outputs, image);
  // `training.l2Init` keeps a copy of the initial weights as one more slot.
  const slots = { sgd: 0, momentum: 1, adam: 2, rmsprop: 2 }[config.training.optimizer] + (config.training.l2Init !== undefined ? 1 : 0);
  // Weights, gradients, optimizer slots, and the weights copied out for the artifacts; batch norm's
  // moving statistics.
  const parameters = params * F32 * (3 + slots) + (config.model.batchNorm ? 2 * units * F32 * 2 : 0);

  const nVal = Math.min(Math.round(shape.samples * config.dataset.validationSplit), shape.samples - 1);
  const nTrain = shape.samples - nVal;
  const batch = Math.min(config.training.batchSize, nTrain);
  const bn = config.model.batchNorm ? 2 : 0;
  // Per unit of a batch: z, a and their gradients (+ the normalized z and its gradient with batch norm).
  const activations = batch * (units * (4 + bn) + 2 * shape.inputs + 3 * shape.outputs) * F32;

  const probeRows = Math.min(config.probe.samples, nTrain);
  // Forward and backward for the gradient norms, the kept pre-activations and activations, their
  // copies in JS.
  const probe = probeRows * (units * 8 + shape.inputs) * F32;
  // Every layer's output of a chunk stays until the chunk is done.
  const evaluation = Math.min(EVAL_ROWS, nTrain) * (units * (2 + bn / 2) + shape.inputs + shape.outputs * 2) * F32;

  // The raw samples, the split copies and the tensors (inputs; targets one-hot or as values); a csv
  // file's numbers are also kept by the worker for the next run of the same file; a task sequence
  // keeps the current task's transformed inputs next to the loaded ones.
  const copies = (config.dataset.kind === 'csv' ? 4 : 3) + (config.training.tasks ? 1 : 0);
  const data = shape.samples * (shape.inputs * copies + shape.outputs * 2 + 2) * F32;

  const parts = { parameters, activations, probe, evaluation, data };
  const largest = (Object.keys(parts) as (keyof typeof parts)[]).reduce((a, b) => (parts[b] > parts[a] ? b : a));
  const field: MemoryEstimate['field'] =
    largest === 'parameters' || largest === 'evaluation'
      ? config.model.widths
        ? 'model.widths'
        : 'model.width'
      : largest === 'activations'
        ? 'training.batchSize'
        : largest === 'probe'
          ? 'probe.samples'
          : config.dataset.kind === 'csv'
            ? 'dataset.path'
            : config.dataset.kind === 'blobs' && config.dataset.features > shape.samples / 16
              ? 'dataset.features'
              : 'dataset.samples';
  return { ...parts, base: WORKER_BASE_BYTES, total: parameters + activations + probe + evaluation + data + WORKER_BASE_BYTES, field, largest };
}

/** 1.5 GiB, 320 MiB, 12 KiB. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${Math.round(v)} bytes` : `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))} ${units[u]}`;
}
