/**
 * What a model config builds, layer by layer: the hidden layers the probe measures (convolutional
 * layers first, measured per channel, then dense layers, measured per unit), their labels, and the
 * image shapes a convolutional network passes through. Pure TypeScript, shared by the schema's checks,
 * the engine, the memory estimate, the charts and the exports.
 */
import type { DatasetConfig, ModelConfig } from './config.js';

/** Height, width and channels of an image. */
export type ImageShape = readonly [number, number, number];

/** The digits shipped with the `mnist` package: 28 × 28 grey pixels. */
export const MNIST_IMAGE_SHAPE: ImageShape = [28, 28, 1];

/** Defaults of the convolutional fields when a config leaves them out. */
export const CONV_DEFAULTS = { convKernel: 3, convStride: 1, convPadding: 'same', pooling: 'max', poolSize: 2 } as const;

/** The image shape of a data set: mnist's digits, a csv file's declared `imageShape`; null for other data. */
export function imageShapeOf(dataset: DatasetConfig): ImageShape | null {
  if (dataset.kind === 'mnist') return MNIST_IMAGE_SHAPE;
  if (dataset.kind === 'csv' && dataset.imageShape) return dataset.imageShape;
  return null;
}

export function isConvNet(model: Pick<ModelConfig, 'kind'>): boolean {
  return model.kind === 'cnn';
}

/**
 * Whether a model trains with TF.js' automatic differentiation (convolutional networks, residual
 * blocks, layer normalization) rather than the hand-written MLP step; such runs always train alone.
 */
export function trainsWithAutodiff(model: Pick<ModelConfig, 'kind' | 'residual' | 'layerNorm'>): boolean {
  return isConvNet(model) || model.residual === true || model.layerNorm === true;
}

/** One convolutional layer: its filters, and the image it reads, its pre-activations' and its (pooled) output's sizes. */
export interface ConvLayerPlan {
  filters: number;
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  pooling: 'max' | 'avg' | 'none';
  poolSize: number;
  input: ImageShape;
  /** Spatial size of the pre-activations (before pooling). */
  convHeight: number;
  convWidth: number;
  /** Output after pooling. */
  output: ImageShape;
}

/**
 * The convolutional layers of a model on images of `image` shape, or a message naming the first layer
 * whose image becomes too small (its kernel or pooling window does not fit).
 */
export function convPlan(model: ModelConfig, image: ImageShape): { layers: ConvLayerPlan[]; flatSize: number } | { problem: string } {
  const kernel = model.convKernel ?? CONV_DEFAULTS.convKernel;
  const stride = model.convStride ?? CONV_DEFAULTS.convStride;
  const padding = model.convPadding ?? CONV_DEFAULTS.convPadding;
  const pooling = model.pooling ?? CONV_DEFAULTS.pooling;
  const poolSize = model.poolSize ?? CONV_DEFAULTS.poolSize;
  const layers: ConvLayerPlan[] = [];
  let shape: ImageShape = image;
  for (const [i, filters] of (model.convFilters ?? []).entries()) {
    const [h, w] = shape;
    const size = `conv layer ${i + 1} gets a ${h}×${w} image`;
    if (padding === 'valid' && (h < kernel || w < kernel)) return { problem: `${size}, smaller than its ${kernel}×${kernel} kernel (valid padding)` };
    const convHeight = padding === 'same' ? Math.ceil(h / stride) : Math.floor((h - kernel) / stride) + 1;
    const convWidth = padding === 'same' ? Math.ceil(w / stride) : Math.floor((w - kernel) / stride) + 1;
    const pool = pooling === 'none' ? 1 : poolSize;
    if (convHeight < pool || convWidth < pool) {
      return { problem: `${size}; its ${convHeight}×${convWidth} output is smaller than the ${pool}×${pool} pooling window` };
    }
    const output: ImageShape = [Math.floor(convHeight / pool), Math.floor(convWidth / pool), filters];
    layers.push({ filters, kernel, stride, padding, pooling, poolSize: pool, input: shape, convHeight, convWidth, output });
    shape = output;
  }
  return { layers, flatSize: shape[0] * shape[1] * shape[2] };
}

/** Hidden dense layer widths (after `widths`/`width` resolution). */
export function denseWidths(model: Pick<ModelConfig, 'widths' | 'hiddenLayers' | 'width'>): number[] {
  if (model.widths) return [...model.widths];
  return Array.from({ length: model.hiddenLayers ?? 1 }, () => model.width ?? 1);
}

/** One measured hidden layer. */
export interface HiddenLayerInfo {
  kind: 'conv' | 'dense';
  /** Channels of a convolutional layer, units of a dense one: the entries of its dead mask. */
  size: number;
}

/** Every hidden layer the probe measures, in order: convolutional layers first, then dense layers. */
export function hiddenLayers(model: ModelConfig): HiddenLayerInfo[] {
  const conv = isConvNet(model) ? (model.convFilters ?? []).map((size) => ({ kind: 'conv' as const, size })) : [];
  return [...conv, ...denseWidths(model).map((size) => ({ kind: 'dense' as const, size }))];
}

/** Entries per hidden layer's dead mask: channels of conv layers, units of dense layers. */
export function hiddenLayerSizes(model: ModelConfig): number[] {
  return hiddenLayers(model).map((l) => l.size);
}

/**
 * How every chart, table and export names hidden layer `index` (0-based): "conv 1 (16 channels)",
 * "dense 2 (64 units)"; without a model (runs of different architectures) "layer 3".
 */
export function layerLabel(index: number, model?: ModelConfig | null): string {
  const info = model ? hiddenLayers(model)[index] : undefined;
  if (!info) return `layer ${index + 1}`;
  const what = info.kind === 'conv' ? (info.size === 1 ? 'channel' : 'channels') : info.size === 1 ? 'unit' : 'units';
  return `${info.kind} ${index + 1} (${info.size} ${what})`;
}

/**
 * The model config whose layer labels fit every one of `configs` (resolved run configs): the first
 * one's, when all have the same hidden layers (kinds and sizes); else null (labels "layer N").
 */
export function commonLayerModel(configs: readonly object[]): ModelConfig | null {
  let common: ModelConfig | null = null;
  let key: string | null = null;
  for (const config of configs) {
    const model = (config as { model?: ModelConfig }).model;
    if (!model || typeof model !== 'object') return null;
    const k = JSON.stringify(hiddenLayers(model));
    if (key !== null && k !== key) return null;
    key = k;
    common ??= model;
  }
  return common;
}
