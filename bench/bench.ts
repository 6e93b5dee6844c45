/**
 * `npm run bench`: the engine's speed against its baselines, every figure measured in the same
 * process as its baseline. JSON on stdout, a table on stderr.
 *
 * Sections (all by default; `--only a,b` picks some):
 *   wide, narrow  one epoch of the reference workloads: the current loop, the previous one
 *                 (PreviousTrainer) and the same network through tf.LayersModel.fit, interleaved
 *                 A B C, C B A, … and the median of the per-round ratios; the probe's milliseconds
 *                 and share of the epoch for both loops.
 *   batched       through the training pool (worker threads, a SQLite file): a 64-seed narrow sweep
 *                 and the born-dead preset with 2,000 seeds per width, one run at a time against
 *                 batched. The one-at-a-time born-dead baseline trains `--born-dead-sample` seeds per
 *                 width (default 100) and is scaled to 2,000 (its cost per run is constant);
 *                 `--full-baseline` trains all 10,000 (`--born-dead-seeds N` uses N seeds per width).
 *   workers       a 16-run narrow sweep on one worker against two (runs not batched).
 *   memory        `--memory-epochs` (default 200) wide epochs: tensors and resident memory per epoch.
 *
 * Options: --backend auto|tensorflow|wasm|cpu (default auto), --rounds N (wide/narrow, default 5),
 * --sweep-epochs N (batched and workers sweeps, default 10). `--quick` changes the defaults to 3
 * rounds, 5-epoch sweeps, 200 born-dead seeds per width (20 one at a time) and 40 memory epochs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { layerWidths, validateExperiment, type BackendChoice, type ExperimentConfigInput, type RunConfig } from '../shared/config.js';
import { initBackend } from '../electron/engine/backend.js';
import { Trainer } from '../electron/engine/train.js';
import { PreviousTrainer } from '../electron/engine/previous.js';
import type { Dataset } from '../electron/engine/types.js';
import { LabStore } from '../db/store.js';
import { TrainingPool } from '../electron/lab/pool.js';
import { bornDeadExperiment, narrowConfig, narrowData, narrowExperiment, seeds, wideConfig, wideData } from './workloads.js';

const args = process.argv.slice(2);
const VALUE_OPTIONS = ['only', 'backend', 'rounds', 'sweep-epochs', 'memory-epochs', 'born-dead-seeds', 'born-dead-sample'];
// --baseline: the previous loop and model.fit run by default; the flag is kept so older command lines work.
const FLAGS = ['quick', 'full-baseline', 'baseline'];
function usage(problem: string): never {
  process.stderr.write(`bench: ${problem}\noptions: ${[...VALUE_OPTIONS.map((o) => `--${o} VALUE`), ...FLAGS.map((f) => `--${f}`)].join(', ')}\n`);
  process.exit(2);
}
for (let i = 0; i < args.length; i++) {
  const name = args[i].replace(/^--/, '');
  if (VALUE_OPTIONS.includes(name) && args[i + 1] !== undefined) i++;
  else if (!FLAGS.includes(name)) usage(`unknown option ${args[i]}`);
}
function option(name: string, fallback: string): string {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}
function count(name: string, fallback: number): number {
  const raw = option(name, String(fallback));
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) usage(`--${name}: must be a whole number ≥ 1, got ${raw}`);
  return value;
}
const SECTIONS = ['wide', 'narrow', 'batched', 'workers', 'memory'] as const;
type Section = (typeof SECTIONS)[number];
const only = option('only', SECTIONS.join(',')).split(',') as Section[];
for (const s of only) if (!SECTIONS.includes(s)) usage(`--only: sections are ${SECTIONS.join(', ')}, got ${s}`);
const QUICK = args.includes('--quick');
const ROUNDS = count('rounds', QUICK ? 3 : 5);
const SWEEP_EPOCHS = count('sweep-epochs', QUICK ? 5 : 10);
const MEMORY_EPOCHS = count('memory-epochs', QUICK ? 40 : 200);
const BORN_DEAD_SEEDS = count('born-dead-seeds', QUICK ? 200 : 2000);
const BORN_DEAD_SAMPLE = count('born-dead-sample', QUICK ? 20 : 100);

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const log = (text: string) => process.stderr.write(`${text}\n`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-bench-'));

/** One table row: a figure, its value, its baseline, and the target it is held to. */
interface Row {
  figure: string;
  value: string;
  baseline: string;
  result: string;
  target: string;
  met: boolean | null;
}
const rows: Row[] = [];

// ---------------------------------------------------------------------------------------------
// wide, narrow: one epoch, current loop against the previous one

interface EpochSample {
  seconds: number;
  probeMs: number;
  cpuSeconds: number;
}

/** One epoch (and its probe) of a fresh trainer; the epoch-0 measurement warms the probe up. */
function epochOf(which: 'current' | 'previous', config: ReturnType<typeof wideConfig>, data: Dataset, store: LabStore, runId: number, writeMs: number[]): EpochSample {
  const trainer = which === 'current' ? new Trainer(config, 1, data) : new PreviousTrainer(config, 1, data);
  let trainingCpu = 0;
  let epochStart = process.cpuUsage();
  try {
    const result = trainer.run({
      onEpoch: (m) => {
        if (m.epoch === 0) epochStart = process.cpuUsage();
        if (m.epoch === 1) {
          const u = process.cpuUsage(epochStart);
          // CPU of the epoch's training and its probe together (the probe's share is its wall time).
          trainingCpu = (u.user + u.system) / 1e6;
          if (which === 'current') {
            const t0 = performance.now();
            store.recordEpoch(runId, m);
            writeMs.push(performance.now() - t0);
          }
        }
      },
    });
    const e = result.epochs[1];
    return { seconds: e.seconds, probeMs: e.probeMs, cpuSeconds: trainingCpu };
  } finally {
    trainer.dispose();
  }
}

/** One epoch of the same wide network through tf.LayersModel.fit. */
async function fitEpoch(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<number> {
  const t0 = performance.now();
  await model.fit(x, y, { batchSize, epochs: 1, shuffle: true, verbose: 0 });
  return (performance.now() - t0) / 1000;
}

/** The same network as a tf.layers model, compiled with the run's loss and plain SGD. */
function layersModel(config: RunConfig, data: Dataset): tf.Sequential {
  const model = tf.sequential();
  layerWidths(config.model).forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: 'heNormal', ...(i === 0 ? { inputShape: [data.inputSize] } : {}) })),
  );
  const classification = data.task === 'classification';
  model.add(tf.layers.dense({ units: data.outputSize, activation: classification ? 'softmax' : 'linear' }));
  model.compile({ optimizer: tf.train.sgd(config.training.learningRate), loss: classification ? 'categoricalCrossentropy' : 'meanSquaredError' });
  return model;
}

/** model.fit's inputs: the whole training split as tensors (one-hot targets for classification). */
function fitTensors(data: Dataset): { x: tf.Tensor; y: tf.Tensor } {
  const x = tf.tensor2d(data.xTrain, [data.nTrain, data.inputSize]);
  const y =
    data.task === 'classification'
      ? tf.oneHot(tf.tensor1d(Int32Array.from(data.yTrain), 'int32'), data.outputSize)
      : tf.tensor2d(data.yTrain, [data.nTrain, data.outputSize]);
  return { x, y };
}

async function epochSection(name: 'wide' | 'narrow', store: LabStore) {
  const config = name === 'wide' ? wideConfig(1) : narrowConfig(1);
  const data = name === 'wide' ? wideData() : narrowData(config);
  const { runIds } = store.createExperiment({ name: `bench ${name}`, config, runs: [{ index: 0, seed: 1, sweep: {}, config }] });
  const writeMs: number[] = [];
  const fit = { model: layersModel(config, data), ...fitTensors(data) };
  const current: EpochSample[] = [];
  const previous: EpochSample[] = [];
  const fitSeconds: number[] = [];
  // Round 0 warms up (discarded); then A B, B A, A B, … so that drift in the machine's load hits both.
  for (let r = 0; r <= ROUNDS; r++) {
    const order: ('current' | 'previous' | 'fit')[] = r % 2 === 0 ? ['current', 'previous', 'fit'] : ['fit', 'previous', 'current'];
    for (const which of order) {
      if (which === 'fit') {
        const s = await fitEpoch(fit.model, fit.x, fit.y, config.training.batchSize);
        if (r > 0) fitSeconds.push(s);
        continue;
      }
      const sample = epochOf(which, config, data, store, runIds[0], writeMs);
      if (r > 0) (which === 'current' ? current : previous).push(sample);
    }
    log(`  ${name} round ${r}: current ${current.at(-1)?.seconds.toFixed(3) ?? '-'} s, previous ${previous.at(-1)?.seconds.toFixed(3) ?? '-'} s, model.fit ${fitSeconds.at(-1)?.toFixed(3) ?? '-'} s`);
  }
  tf.dispose([fit.x, fit.y]);
  fit.model.dispose();
  const ratios = current.map((c, i) => previous[i].seconds / c.seconds);
  const fitRatios = current.map((c, i) => fitSeconds[i] / c.seconds);
  const cpuRatios = current.map((c, i) => previous[i].cpuSeconds / c.cpuSeconds);
  const share = (s: EpochSample) => s.probeMs / 1000 / (s.seconds + s.probeMs / 1000);
  const summary = (samples: EpochSample[]) => ({
    secondsPerEpoch: round(median(samples.map((s) => s.seconds)), 4),
    samplesPerSecond: Math.round(data.nTrain / median(samples.map((s) => s.seconds))),
    cpuSecondsPerEpochWithProbe: round(median(samples.map((s) => s.cpuSeconds)), 4),
    probeMs: round(median(samples.map((s) => s.probeMs)), 2),
    probeShareOfEpoch: round(median(samples.map(share)), 4),
  });
  const result = {
    workload: name === 'wide' ? '784 → 4 × 256 ReLU → 10 softmax, 8192 random samples, batch 128, SGD lr 0.1, He normal, probe 1024' : 'abs1d 2048 grid points, 9 × 4 ReLU → 1, MSE, batch 64, SGD lr 0.01, probe 2048',
    rounds: ROUNDS,
    current: summary(current),
    previous: summary(previous),
    speedup: round(median(ratios), 2),
    speedupPerRound: ratios.map((r) => round(r, 2)),
    cpuSpeedup: round(median(cpuRatios), 2),
    dbWriteMsPerEpoch: round(median(writeMs), 3),
    layersModelFit: { secondsPerEpoch: round(median(fitSeconds), 4), speedupOfCurrent: round(median(fitRatios), 2), speedupPerRound: fitRatios.map((r) => round(r, 2)) },
  };
  rows.push({
    figure: `${name}: seconds per epoch`,
    value: `${result.current.secondsPerEpoch}`,
    baseline: `${result.previous.secondsPerEpoch} previous loop`,
    result: `${result.speedup}× faster (CPU time ${result.cpuSpeedup}×)`,
    target: '≥ 2.5×',
    met: result.speedup >= 2.5,
  });
  rows.push({
    figure: `${name}: seconds per epoch`,
    value: `${result.current.secondsPerEpoch}`,
    baseline: `${result.layersModelFit.secondsPerEpoch} model.fit`,
    result: `${result.layersModelFit.speedupOfCurrent}× faster`,
    target: '',
    met: null,
  });
  rows.push({
    figure: `${name}: probe ms (share of epoch)`,
    value: `${result.current.probeMs} (${pct(result.current.probeShareOfEpoch)})`,
    baseline: `${result.previous.probeMs} (${pct(result.previous.probeShareOfEpoch)})`,
    result: pct(result.current.probeShareOfEpoch),
    target: '≤ 3 %',
    met: result.current.probeShareOfEpoch <= 0.03,
  });
  return result;
}

const pct = (v: number) => `${round(v * 100, 1)} %`;

// ---------------------------------------------------------------------------------------------
// batched runs and workers: through the training pool

function createExperiment(store: LabStore, raw: ExperimentConfigInput): { experimentId: number; runIds: number[] } {
  const v = validateExperiment(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return store.createExperiment({ name: v.config.name, config: raw, runs: v.runs });
}

/** Seconds from queueing an experiment's runs until the pool has stored the last result. */
async function timed(store: LabStore, pool: TrainingPool, raw: ExperimentConfigInput): Promise<{ seconds: number; runs: number; statuses: Record<string, number> }> {
  const { experimentId, runIds } = createExperiment(store, raw);
  const t0 = performance.now();
  pool.enqueueExperiment(experimentId);
  await pool.idle();
  const seconds = (performance.now() - t0) / 1000;
  const statuses: Record<string, number> = {};
  for (const r of store.listRuns({ experimentId })) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return { seconds, runs: runIds.length, statuses };
}

/** A pool whose workers are started and warm (one short run trained). */
async function warmPool(store: LabStore, backend: BackendChoice, workers: number, batchRuns: boolean): Promise<TrainingPool> {
  const pool = new TrainingPool(store, { workers, backend, batchRuns });
  await timed(store, pool, narrowExperiment(1, seeds(workers)));
  return pool;
}

async function batchedSection(backend: BackendChoice) {
  const store = LabStore.open(path.join(dir, 'batched.sqlite'));
  const alone = await warmPool(store, backend, 1, false);
  const batched = await warmPool(store, backend, 1, true);
  try {
    // The 64-seed narrow sweep, twice each, interleaved.
    const sweep = narrowExperiment(SWEEP_EPOCHS, seeds(64));
    const aloneSeconds: number[] = [];
    const batchedSeconds: number[] = [];
    for (let r = 0; r < 2; r++) {
      for (const which of r === 0 ? ['alone', 'batched'] : ['batched', 'alone']) {
        const t = await timed(store, which === 'alone' ? alone : batched, sweep);
        (which === 'alone' ? aloneSeconds : batchedSeconds).push(t.seconds);
        log(`  narrow sweep ${which}: ${t.seconds.toFixed(1)} s ${JSON.stringify(t.statuses)}`);
      }
    }
    const narrowSweep = {
      runs: 64,
      epochs: SWEEP_EPOCHS,
      secondsOneAtATime: round(median(aloneSeconds), 2),
      secondsBatched: round(median(batchedSeconds), 2),
      speedup: round(median(aloneSeconds) / median(batchedSeconds), 2),
    };
    rows.push({
      figure: `64-seed narrow sweep (${SWEEP_EPOCHS} epochs), seconds`,
      value: `${narrowSweep.secondsBatched} batched`,
      baseline: `${narrowSweep.secondsOneAtATime} one at a time`,
      result: `${narrowSweep.speedup}× faster`,
      target: '≥ 10×',
      met: narrowSweep.speedup >= 10,
    });

    // The born-dead preset with 2,000 seeds per width: batched in full, one at a time on a sample.
    const full = await timed(store, batched, bornDeadExperiment(BORN_DEAD_SEEDS));
    log(`  born-dead batched: ${full.seconds.toFixed(1)} s for ${full.runs} runs ${JSON.stringify(full.statuses)}`);
    const sampleSeeds = args.includes('--full-baseline') ? BORN_DEAD_SEEDS : Math.min(BORN_DEAD_SAMPLE, BORN_DEAD_SEEDS);
    const sample = await timed(store, alone, bornDeadExperiment(sampleSeeds));
    log(`  born-dead one at a time: ${sample.seconds.toFixed(1)} s for ${sample.runs} runs ${JSON.stringify(sample.statuses)}`);
    const projected = (sample.seconds / sample.runs) * full.runs;
    const bornDead = {
      runs: full.runs,
      seedsPerWidth: BORN_DEAD_SEEDS,
      secondsBatched: round(full.seconds, 2),
      oneAtATime: { runsTrained: sample.runs, seconds: round(sample.seconds, 2), msPerRun: round((sample.seconds / sample.runs) * 1000, 2), secondsFor10000Runs: round(projected, 1) },
      msPerRunBatched: round((full.seconds / full.runs) * 1000, 2),
      speedup: round(projected / full.seconds, 2),
    };
    rows.push({
      figure: `born-dead, ${BORN_DEAD_SEEDS} seeds per width (${full.runs} runs), seconds`,
      value: `${bornDead.secondsBatched} batched`,
      baseline: `${bornDead.oneAtATime.secondsFor10000Runs} one at a time${sample.runs < full.runs ? ` (${sample.runs} runs trained, scaled)` : ''}`,
      result: `${bornDead.speedup}× faster`,
      target: '≥ 10×',
      met: bornDead.speedup >= 10,
    });
    return { narrowSweep, bornDead };
  } finally {
    await alone.close();
    await batched.close();
    store.close();
  }
}

async function workersSection(backend: BackendChoice) {
  const store = LabStore.open(path.join(dir, 'workers.sqlite'));
  const one = await warmPool(store, backend, 1, false);
  const two = await warmPool(store, backend, 2, false);
  try {
    const sweep = narrowExperiment(SWEEP_EPOCHS, seeds(16));
    const oneSeconds: number[] = [];
    const twoSeconds: number[] = [];
    for (let r = 0; r < 3; r++) {
      for (const which of r % 2 === 0 ? ['one', 'two'] : ['two', 'one']) {
        const t = await timed(store, which === 'one' ? one : two, sweep);
        (which === 'one' ? oneSeconds : twoSeconds).push(t.seconds);
        log(`  16-run sweep on ${which} worker(s): ${t.seconds.toFixed(2)} s`);
      }
    }
    const ratios = oneSeconds.map((s, i) => s / twoSeconds[i]);
    const result = {
      runs: 16,
      epochs: SWEEP_EPOCHS,
      secondsOneWorker: round(median(oneSeconds), 2),
      secondsTwoWorkers: round(median(twoSeconds), 2),
      speedup: round(median(ratios), 2),
      speedupPerRound: ratios.map((r) => round(r, 2)),
    };
    rows.push({
      figure: `16-run narrow sweep (${SWEEP_EPOCHS} epochs), seconds`,
      value: `${result.secondsTwoWorkers} on 2 workers`,
      baseline: `${result.secondsOneWorker} on 1`,
      result: `${result.speedup}× faster`,
      target: '≥ 1.8×',
      met: result.speedup >= 1.8,
    });
    return result;
  } finally {
    await one.close();
    await two.close();
    store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// memory

function memorySection() {
  const config = wideConfig(MEMORY_EPOCHS);
  const data = wideData();
  const tensors: number[] = [];
  const rss: number[] = [];
  const trainer = new Trainer(config, 1, data);
  try {
    trainer.run({
      onEpoch: (m) => {
        tensors.push(tf.memory().numTensors);
        rss.push(process.memoryUsage().rss);
        if (m.epoch % 20 === 0) log(`  memory: epoch ${m.epoch}, ${tensors.at(-1)} tensors, ${Math.round(rss.at(-1)! / 2 ** 20)} MiB resident`);
      },
    });
  } finally {
    trainer.dispose();
  }
  const mib = (b: number) => round(b / 2 ** 20, 1);
  const result = {
    epochs: MEMORY_EPOCHS,
    tensorsPerEpoch: { min: Math.min(...tensors.slice(1)), max: Math.max(...tensors.slice(1)) },
    residentMiB: { afterEpoch1: mib(rss[1]), atEnd: mib(rss.at(-1)!), max: mib(Math.max(...rss)) },
    residentGrowthMiB: mib(rss.at(-1)! - rss[1]),
  };
  rows.push({
    figure: `tensors per epoch over ${MEMORY_EPOCHS} wide epochs`,
    value: `${result.tensorsPerEpoch.min}–${result.tensorsPerEpoch.max}`,
    baseline: 'epoch 1',
    result: result.tensorsPerEpoch.min === result.tensorsPerEpoch.max ? 'constant' : 'varies',
    target: 'constant',
    met: result.tensorsPerEpoch.min === result.tensorsPerEpoch.max,
  });
  rows.push({
    figure: `resident memory over ${MEMORY_EPOCHS} wide epochs, MiB`,
    value: `${result.residentMiB.atEnd}`,
    baseline: `${result.residentMiB.afterEpoch1} after epoch 1`,
    result: `+${result.residentGrowthMiB} MiB`,
    target: '< 50 MiB',
    met: result.residentGrowthMiB < 50,
  });
  return result;
}

// ---------------------------------------------------------------------------------------------

function printTable(): void {
  const header: Row = { figure: 'figure', value: 'value', baseline: 'baseline', result: 'result', target: 'target', met: null };
  const cells = (r: Row) => [r.figure, r.value, r.baseline, r.result, r.target, r.met === null ? (r === header ? 'met' : '') : r.met ? 'yes' : 'NO'];
  const all = [header, ...rows].map(cells);
  const widths = all[0].map((_, i) => Math.max(...all.map((c) => c[i].length)));
  for (const [k, c] of all.entries()) {
    log(c.map((v, i) => v.padEnd(widths[i])).join(' | '));
    if (k === 0) log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  }
}

async function main() {
  const choice = option('backend', 'auto') as BackendChoice;
  const { backend, versions } = await initBackend(choice);
  const started = performance.now();
  const report: Record<string, unknown> = {
    settings: { quick: QUICK, sections: only, rounds: ROUNDS, sweepEpochs: SWEEP_EPOCHS, memoryEpochs: MEMORY_EPOCHS, bornDeadSeedsPerWidth: BORN_DEAD_SEEDS, bornDeadSampleOneAtATime: BORN_DEAD_SAMPLE },
    backend,
    versions,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      totalMemGiB: round(os.totalmem() / 2 ** 30, 1),
      platform: `${process.platform}-${process.arch}`,
      loadAverageAtStart: os.loadavg().map((l) => round(l, 2)),
    },
  };
  const store = LabStore.open(path.join(dir, 'epochs.sqlite'));
  try {
    for (const section of only) {
      log(`${section} …`);
      if (section === 'wide' || section === 'narrow') report[section] = await epochSection(section, store);
      if (section === 'batched') report.batched = await batchedSection(backend);
      if (section === 'workers') report.workers = await workersSection(backend);
      if (section === 'memory') report.memory = memorySection();
    }
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  report.loadAverageAtEnd = os.loadavg().map((l) => round(l, 2));
  report.seconds = round((performance.now() - started) / 1000, 1);
  report.table = rows;
  printTable();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await main();
