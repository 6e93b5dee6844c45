/**
 * A run's final model in TF.js layers format (loadable by `tf.loadLayersModel`), built from the
 * trained variables, plus what is needed to rebuild its probe set.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { RunArtifacts } from '../../shared/metrics.js';
import { layerWidths, type ModelConfig } from '../../shared/config.js';
import { trainsWithAutodiff, type ImageShape } from '../../shared/architecture.js';
import { BN_EPSILON, batchNormMomentum, type Network, type NetworkValues } from './model.js';
import { LN_EPSILON, type GraphNet } from './autodiff.js';

/** The variables of one run's network, or its values read out of a stack (see networkValues), or an autodiff network. */
type Weights = Network | NetworkValues | GraphNet;

/** The equivalent tf.LayersModel, with the network's current weights. Caller disposes it. */
export function toLayersModel(net: Weights, task: 'classification' | 'regression'): tf.LayersModel {
  const { model, sources } = describeAny(net.config, net.inputSize, net.outputSize, task, 'image' in net ? net.image : null);
  for (const [layer, pick] of sources) {
    const made: tf.Tensor[] = [];
    layer.setWeights(
      pick(net).map((v, i) => {
        const shape = layer.weights[i].shape as number[];
        // A convolution's PReLU slopes are stored per channel (C) and read by Keras as 1 × 1 × C.
        if (!(v instanceof Float32Array) && v.shape.join() === shape.join()) return v;
        const t = v instanceof Float32Array ? tf.tensor(v, shape) : tf.reshape(v, shape);
        made.push(t);
        return t;
      }),
    );
    // setWeights copies the values.
    tf.dispose(made);
  }
  return model;
}

type WeightSource = (net: Weights) => (tf.Tensor | Float32Array)[];

/** The Keras-style model of either kind of network. */
function describeAny(config: ModelConfig, inputSize: number, outputSize: number, task: 'classification' | 'regression', image: ImageShape | null) {
  return trainsWithAutodiff(config) ? describeGraphModel(config, inputSize, outputSize, task, image) : describeModel(config, inputSize, outputSize, task);
}

/** The activation layer of a hidden layer, and where PReLU's slopes come from. */
function activationLayer(config: ModelConfig, name: string, slopes: WeightSource, perChannel = false): [tf.layers.Layer, WeightSource | undefined] {
  switch (config.activation) {
    case 'leaky_relu':
      return [tf.layers.leakyReLU({ alpha: config.leakyAlpha, name }), undefined];
    case 'prelu':
      // Slopes per unit, or per channel of a convolution (shared over its positions).
      return [tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: config.preluAlphaInit }), sharedAxes: perChannel ? [1, 2] : undefined, name }), slopes];
    case 'elu':
      return [tf.layers.elu({ alpha: 1, name }), undefined];
    default:
      return [tf.layers.activation({ activation: config.activation, name }), undefined];
  }
}

/**
 * The Keras-style model of an autodiff network (autodiff.ts), built with the functional API: a
 * reshape of the flat input to the image, conv2d (+ batch norm) + activation + pooling per
 * convolutional layer, a flatten, then dense (+ batch or layer norm) + activation per dense layer,
 * with an add layer for each residual block.
 */
function describeGraphModel(config: ModelConfig, inputSize: number, outputSize: number, task: 'classification' | 'regression', image: ImageShape | null) {
  const sources: [tf.layers.Layer, WeightSource][] = [];
  const graph = (n: Weights) => n as GraphNet;
  const input = tf.input({ shape: [inputSize], name: 'input' });
  let h: tf.SymbolicTensor = input;
  const apply = (layer: tf.layers.Layer, pick?: WeightSource) => {
    h = layer.apply(h) as tf.SymbolicTensor;
    if (pick) sources.push([layer, pick]);
  };
  let l = 0;
  if (config.kind === 'cnn') {
    if (!image) throw new Error('a convolutional network needs its image shape');
    apply(tf.layers.reshape({ targetShape: [...image], name: 'image' }));
    for (const filters of config.convFilters ?? []) {
      const i = l;
      const name = `conv${i}`;
      apply(
        tf.layers.conv2d({ filters, kernelSize: config.convKernel ?? 3, strides: config.convStride ?? 1, padding: config.convPadding ?? 'same', useBias: true, name }),
        (n) => [graph(n).layers[i].kernel, graph(n).layers[i].bias],
      );
      if (config.batchNorm) apply(tf.layers.batchNormalization({ momentum: batchNormMomentum(config), epsilon: BN_EPSILON, name: `${name}_bn` }), (n) => bnWeights(graph(n), i));
      apply(...activationLayer(config, `${name}_${config.activation}`, (n) => [graph(n).layers[i].preluAlpha!], true));
      const pool = config.poolSize ?? 2;
      if ((config.pooling ?? 'max') === 'max') apply(tf.layers.maxPooling2d({ poolSize: pool, strides: pool, padding: 'valid', name: `${name}_pool` }));
      else if (config.pooling === 'avg') apply(tf.layers.averagePooling2d({ poolSize: pool, strides: pool, padding: 'valid', name: `${name}_pool` }));
      l++;
    }
    apply(tf.layers.flatten({ name: 'flatten' }));
  }
  layerWidths(config).forEach((units, d) => {
    const i = l++;
    const name = `dense${i}`;
    const blockInput = h;
    apply(tf.layers.dense({ units, useBias: true, name }), (n) => [graph(n).layers[i].kernel, graph(n).layers[i].bias]);
    if (config.batchNorm) apply(tf.layers.batchNormalization({ momentum: batchNormMomentum(config), epsilon: BN_EPSILON, name: `${name}_bn` }), (n) => bnWeights(graph(n), i));
    if (config.layerNorm) apply(tf.layers.layerNormalization({ epsilon: LN_EPSILON, name: `${name}_ln` }), (n) => [graph(n).layers[i].lnGamma!, graph(n).layers[i].lnBeta!]);
    apply(...activationLayer(config, `${name}_${config.activation}`, (n) => [graph(n).layers[i].preluAlpha!]));
    if (config.residual && d > 0) h = tf.layers.add({ name: `${name}_residual` }).apply([blockInput, h]) as tf.SymbolicTensor;
  });
  apply(tf.layers.dense({ units: outputSize, name: 'output' }), (n) => [graph(n).outKernel, graph(n).outBias]);
  if (task === 'classification') apply(tf.layers.activation({ activation: 'softmax', name: 'output_softmax' }));
  return { model: tf.model({ inputs: input, outputs: h }), sources };
}

function bnWeights(net: GraphNet, i: number): tf.Tensor[] {
  const layer = net.layers[i];
  return [layer.gamma!, layer.beta!, layer.movingMean!, layer.movingVariance!];
}

/** The Keras-style model of an architecture and, per layer with weights, where its values come from. */
function describeModel(config: ModelConfig, inputSize: number, outputSize: number, task: 'classification' | 'regression') {
  // A fixed name: TF.js would number it by how many models this process built before, so the same run
  // would store other bytes depending on what its worker trained first.
  const model = tf.sequential({ name: 'relu_lab_model' });
  const sources: [tf.layers.Layer, WeightSource][] = [];
  const add = (layer: tf.layers.Layer, pick?: WeightSource) => {
    model.add(layer);
    if (pick) sources.push([layer, pick]);
  };
  layerWidths(config).forEach((units, l) => {
    add(
      tf.layers.dense({
        units,
        useBias: true,
        name: `hidden${l}`,
        ...(l === 0 ? { inputShape: [inputSize] } : {}),
      }),
      (n) => [(n as Network).hidden[l].kernel, (n as Network).hidden[l].bias],
    );
    if (config.batchNorm) {
      add(tf.layers.batchNormalization({ momentum: batchNormMomentum(config), epsilon: BN_EPSILON, name: `hidden${l}_bn` }), (n) => {
        const h = (n as Network).hidden[l];
        return [h.gamma!, h.beta!, h.movingMean!, h.movingVariance!];
      });
    }
    add(...activationLayer(config, `hidden${l}_${config.activation}`, (n) => [(n as Network).hidden[l].preluAlpha!]));
  });
  add(tf.layers.dense({ units: outputSize, name: 'output' }), (n) => [(n as Network).outKernel, (n as Network).outBias]);
  if (task === 'classification') add(tf.layers.activation({ activation: 'softmax', name: 'output_softmax' }));
  return { model, sources };
}

/**
 * The stored form of one architecture's models (topology, weight names and shapes, and which value
 * goes where), worked out once: runs trained together share it and only their numbers differ.
 */
export class ArtifactLayout {
  private readonly topology: unknown;
  private readonly specs: RunArtifacts['weightSpecs'];
  /** Per stored weight, in storage order: how to find its values in a network. */
  private readonly order: ((net: Weights) => tf.Tensor | Float32Array)[];
  private readonly total: number;

  constructor(config: ModelConfig, inputSize: number, outputSize: number, task: 'classification' | 'regression', image: ImageShape | null = null) {
    const { model, sources } = describeAny(config, inputSize, outputSize, task, image);
    try {
      const owner = new Map<string, (net: Weights) => tf.Tensor | Float32Array>();
      for (const [layer, pick] of sources) {
        layer.weights.forEach((w, i) => owner.set(w.name, (net) => pick(net)[i]));
      }
      // model.weights lists the trainable weights first, then the moving statistics.
      this.specs = model.weights.map((w) => ({ name: w.originalName, shape: [...w.shape] as number[], dtype: 'float32' as const }));
      this.order = model.weights.map((w) => {
        const find = owner.get(w.name);
        if (!find) throw new Error(`no value for weight ${w.name}`);
        return find;
      });
      this.total = model.weights.reduce((sum, w) => sum + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
      this.topology = model.toJSON(null, false);
    } finally {
      model.dispose();
    }
  }

  /** One run's artifacts: its weights in storage order and its probe set. */
  write(net: Weights, probeIndices: number[], probeInputs: Float32Array): RunArtifacts {
    const all = new Float32Array(this.total);
    let offset = 0;
    for (const find of this.order) {
      const v = find(net);
      const values = v instanceof Float32Array ? v : (v.dataSync() as Float32Array);
      all.set(values, offset);
      offset += values.length;
    }
    return {
      modelTopology: this.topology,
      weightSpecs: this.specs,
      weightData: new Uint8Array(all.buffer),
      probeIndices,
      probeInputs,
      inputSize: net.inputSize,
    };
  }
}

/** Serializes the trained network and the probe set into the stored artifacts. */
export function exportArtifacts(
  net: Network,
  task: 'classification' | 'regression',
  probeIndices: number[],
  probeX: tf.Tensor2D,
): RunArtifacts {
  const layout = new ArtifactLayout(net.config, net.inputSize, net.outputSize, task);
  return layout.write(net, probeIndices, Float32Array.from(probeX.dataSync()));
}

/**
 * Writes `model.json` + `weights.bin` (TF.js layers format) and `probe.json` into `dir`, each with
 * `write` (default: a plain write; the CLI passes its atomic one).
 */
export function writeModelFiles(
  artifacts: RunArtifacts,
  dir: string,
  meta: Record<string, unknown> = {},
  write: (file: string, data: string | Uint8Array) => void = (file, data) => fs.writeFileSync(file, data),
): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    userDefinedMetadata: meta,
  };
  const files = [path.join(dir, 'model.json'), path.join(dir, 'weights.bin'), path.join(dir, 'probe.json')];
  write(files[0], JSON.stringify(modelJson));
  write(files[1], artifacts.weightData);
  const n = artifacts.probeIndices.length;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(artifacts.probeInputs.subarray(i * artifacts.inputSize, (i + 1) * artifacts.inputSize)));
  write(files[2], JSON.stringify({ inputSize: artifacts.inputSize, trainingIndices: artifacts.probeIndices, inputs: rows, ...meta }));
  return files;
}
