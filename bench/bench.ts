/**
 * `npm run bench`: training speed, probe cost and database write cost on two reference workloads,
 * printed as JSON. Each workload trains 6 epochs; the first is discarded as warm-up.
 *
 *   wide:   784 → 4 × 256 ReLU → 10 softmax, 8192 random samples, batch 128, SGD lr 0.1, He normal, probe 1024
 *   narrow: abs1d, 2048 grid points, 9 × 4 ReLU → 1, MSE, batch 64, SGD lr 0.01, probe 2048
 *
 * Options: --backend auto|tensorflow|wasm|cpu (default auto), --baseline (also time tf.LayersModel.fit
 * on the wide workload, for comparison with the engine's own loop).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validateExperiment, type BackendChoice, type ExperimentConfigInput, type RunConfig } from '../shared/config.js';
import type { EpochMetrics } from '../shared/metrics.js';
import { initBackend } from '../electron/engine/backend.js';
import { loadDataset } from '../electron/engine/datasets/index.js';
import { Trainer } from '../electron/engine/train.js';
import { Rng } from '../electron/engine/rng.js';
import type { Dataset } from '../electron/engine/types.js';
import { LabStore } from '../db/store.js';

const EPOCHS = 6;

function runConfig(input: ExperimentConfigInput): RunConfig {
  const v = validateExperiment(input);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v.runs[0].config;
}

function randomDataset(n: number, features: number, classes: number, seed: number): Dataset {
  const rng = new Rng(seed, 'bench');
  const x = new Float32Array(n * features);
  for (let i = 0; i < x.length; i++) x[i] = rng.next();
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) y[i] = rng.int(classes);
  return { task: 'classification', inputSize: features, outputSize: classes, xTrain: x, yTrain: y, xVal: new Float32Array(0), yVal: new Float32Array(0), nTrain: n, nVal: 0, description: `random: ${n} samples, ${features} features, ${classes} classes` };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function workload(name: string, config: RunConfig, data: Dataset, store: LabStore) {
  const { experimentId, runIds } = store.createExperiment({ name: `bench ${name}`, config, runs: [{ index: 0, seed: 1, sweep: {}, config }] });
  void experimentId;
  const runId = runIds[0];
  const epochs: EpochMetrics[] = [];
  const writeMs: number[] = [];
  const trainer = new Trainer(config, 1, data);
  const t0 = performance.now();
  const result = trainer.run({
    onEpoch: (m) => {
      epochs.push(m);
      const w0 = performance.now();
      store.recordEpoch(runId, m);
      writeMs.push(performance.now() - w0);
    },
  });
  const totalSeconds = (performance.now() - t0) / 1000;
  trainer.dispose();
  // Epoch 0 is the initialization measurement; epoch 1 is the warm-up, discarded.
  const measured = epochs.filter((e) => e.epoch >= 2);
  const secondsPerEpoch = mean(measured.map((e) => e.seconds));
  const probeMs = mean(measured.map((e) => e.probeMs));
  return {
    status: result.status,
    epochsMeasured: measured.length,
    secondsPerEpoch: round(secondsPerEpoch, 4),
    samplesPerSecond: Math.round(data.nTrain / secondsPerEpoch),
    probeMs: round(probeMs, 2),
    probeShareOfEpoch: round(probeMs / 1000 / (secondsPerEpoch + probeMs / 1000), 4),
    dbWriteMsPerEpoch: round(mean(writeMs.slice(2)), 3),
    dbWriteMsMedian: round(median(writeMs.slice(2)), 3),
    totalSeconds: round(totalSeconds, 2),
    finalDeadFraction: epochs[epochs.length - 1]?.layers.map((l) => round(l.deadFraction, 4)),
  };
}

/** The same wide network through tf.LayersModel.fit, for comparison with the engine's loop. */
async function fitBaseline(data: Dataset) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 256, activation: 'relu', inputShape: [data.inputSize], kernelInitializer: 'heNormal' }));
  for (let i = 0; i < 3; i++) model.add(tf.layers.dense({ units: 256, activation: 'relu', kernelInitializer: 'heNormal' }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(data.xTrain, [data.nTrain, data.inputSize]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(data.yTrain), 'int32'), 10);
  const times: number[] = [];
  for (let e = 0; e < 3; e++) {
    const t0 = performance.now();
    await model.fit(x, y, { batchSize: 128, epochs: 1, shuffle: true, verbose: 0 });
    times.push((performance.now() - t0) / 1000);
  }
  tf.dispose([x, y]);
  model.dispose();
  const s = mean(times.slice(1));
  return { secondsPerEpoch: round(s, 4), samplesPerSecond: Math.round(data.nTrain / s) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

async function main() {
  const args = process.argv.slice(2);
  const bi = args.indexOf('--backend');
  const choice = (bi >= 0 ? args[bi + 1] : 'auto') as BackendChoice;
  const { backend, versions } = await initBackend(choice);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-bench-'));
  const store = LabStore.open(path.join(dir, 'bench.sqlite'));
  const rss0 = process.memoryUsage().rss;

  const wideConfig = runConfig({
    name: 'wide',
    dataset: { kind: 'blobs', features: 784, classes: 10, samples: 8192, validationSplit: 0 },
    model: { hiddenLayers: 4, width: 256, activation: 'relu', init: 'he_normal' },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 128, epochs: EPOCHS },
    probe: { samples: 1024 },
  });
  const wideData = randomDataset(8192, 784, 10, 1);
  const wide = workload('wide', wideConfig, wideData, store);

  const narrowConfig = runConfig({
    name: 'narrow',
    dataset: { kind: 'abs1d', samples: 2048, sampling: 'grid', validationSplit: 0 },
    model: { hiddenLayers: 9, width: 4, activation: 'relu', init: 'he_normal' },
    training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: EPOCHS },
    probe: { samples: 2048 },
  });
  const narrow = workload('narrow', narrowConfig, loadDataset(narrowConfig.dataset, 1), store);

  const report: Record<string, unknown> = {
    backend,
    versions,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, totalMemGiB: round(os.totalmem() / 2 ** 30, 1), platform: `${process.platform}-${process.arch}` },
    epochs: EPOCHS,
    discardedEpochs: 1,
    wide,
    narrow,
    peakRssMiB: Math.round(Math.max(rss0, process.memoryUsage().rss) / 2 ** 20),
    tensorsAfter: tf.memory().numTensors,
  };
  if (args.includes('--baseline')) report.wideLayersModelFit = await fitBaseline(wideData);
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
