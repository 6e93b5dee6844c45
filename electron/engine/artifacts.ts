/**
 * A run's final model in TF.js layers format (loadable by `tf.loadLayersModel`), built from the
 * trained variables, plus what is needed to rebuild its probe set.
 */
import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import path from 'node:path';
import type { RunArtifacts } from '../../shared/metrics.js';
import { BN_EPSILON, BN_MOMENTUM, type Network } from './model.js';

/** The equivalent tf.LayersModel, with the network's current weights. Caller disposes it. */
export function toLayersModel(net: Network, task: 'classification' | 'regression'): tf.Sequential {
  const { config } = net;
  // A fixed name: TF.js would number it by how many models this process built before, so the same run
  // would store other bytes depending on what its worker trained first.
  const model = tf.sequential({ name: 'relu_lab_model' });
  // Weights per layer, in each layer's own order (model.weights lists trainable ones first).
  const weights = new Map<tf.layers.Layer, tf.Tensor[]>();
  const add = (layer: tf.layers.Layer, values: tf.Tensor[] = []) => {
    model.add(layer);
    if (values.length > 0) weights.set(layer, values);
  };
  net.hidden.forEach((h, l) => {
    add(
      tf.layers.dense({
        units: h.units,
        useBias: true,
        name: `hidden${l}`,
        ...(l === 0 ? { inputShape: [net.inputSize] } : {}),
      }),
      [h.kernel, h.bias],
    );
    if (h.gamma && h.beta && h.movingMean && h.movingVariance) {
      add(tf.layers.batchNormalization({ momentum: BN_MOMENTUM, epsilon: BN_EPSILON, name: `hidden${l}_bn` }), [
        h.gamma,
        h.beta,
        h.movingMean,
        h.movingVariance,
      ]);
    }
    const name = `hidden${l}_${config.activation}`;
    switch (config.activation) {
      case 'leaky_relu':
        add(tf.layers.leakyReLU({ alpha: config.leakyAlpha, name }));
        break;
      case 'prelu':
        add(tf.layers.prelu({ alphaInitializer: tf.initializers.constant({ value: config.preluAlphaInit }), name }), [h.preluAlpha!]);
        break;
      case 'elu':
        add(tf.layers.elu({ alpha: 1, name }));
        break;
      default:
        add(tf.layers.activation({ activation: config.activation, name }));
    }
  });
  add(tf.layers.dense({ units: net.outputSize, name: 'output' }), [net.outKernel, net.outBias]);
  if (task === 'classification') add(tf.layers.activation({ activation: 'softmax', name: 'output_softmax' }));
  for (const [layer, values] of weights) layer.setWeights(values);
  return model;
}

/** Serializes the trained network and the probe set into the stored artifacts. */
export function exportArtifacts(
  net: Network,
  task: 'classification' | 'regression',
  probeIndices: number[],
  probeX: tf.Tensor2D,
): RunArtifacts {
  const model = toLayersModel(net, task);
  try {
    let topology: unknown = null;
    const specs: RunArtifacts['weightSpecs'] = [];
    const chunks: Float32Array[] = [];
    for (const w of model.weights) {
      const values = w.read().dataSync() as Float32Array;
      specs.push({ name: w.originalName, shape: [...w.shape] as number[], dtype: 'float32' });
      chunks.push(Float32Array.from(values));
    }
    topology = model.toJSON(null, false);
    const total = chunks.reduce((s, c) => s + c.length, 0);
    const all = new Float32Array(total);
    let offset = 0;
    for (const c of chunks) {
      all.set(c, offset);
      offset += c.length;
    }
    return {
      modelTopology: topology,
      weightSpecs: specs,
      weightData: new Uint8Array(all.buffer),
      probeIndices,
      probeInputs: Float32Array.from(probeX.dataSync()),
      inputSize: net.inputSize,
    };
  } finally {
    model.dispose();
  }
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
