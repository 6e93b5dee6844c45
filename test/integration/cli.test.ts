/**
 * The `relu-lab` command, every command and exit code, through real child processes
 * (`node bin/relu-lab.mjs …`) with `--db` in a temp folder.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../db/store.js';
import { initBackend, tf } from '../../electron/engine/backend.js';
import type { EpochMetrics, LayerMetrics } from '../../shared/metrics.js';
import { seriesFields } from '../../shared/metric-fields.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = dir): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELU_LAB_DB: path.join(dir, 'default-must-not-be-used.sqlite') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

let dir: string;
let db: string;
let tinyConfig: string;

const TINY = {
  name: 'tiny cli',
  dataset: { kind: 'moons', samples: 64 },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 2 },
  probe: { samples: 32 },
  seeds: [1, 2],
  sweep: { 'model.activation': ['relu', 'prelu'] },
};

interface JsonRun {
  runId: number;
  status: string;
  seed: number;
  backend: string;
  sweep: Record<string, unknown>;
  epochs: {
    epoch: number;
    trainLoss: number;
    valLoss: number;
    valAccuracy: number;
    seconds: number;
    layers: { deadFraction: number; activeProbability: number; dormantFraction: number; gradNorm: number | null }[];
  }[];
}
interface JsonReport {
  experimentId: number;
  db: string;
  runs: JsonRun[];
}

/** The report of the tiny experiment, run once for the read-only commands. */
let report: JsonReport;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-'));
  db = path.join(dir, 'lab.sqlite');
  tinyConfig = path.join(dir, 'tiny.json');
  fs.writeFileSync(tinyConfig, JSON.stringify(TINY));
  const result = await cli(['run', tinyConfig, '--db', db, '--workers', '1', '--json']);
  if (result.code !== 0) throw new Error(`run --json failed (${result.code}):\n${result.stderr}`);
  report = JSON.parse(result.stdout) as JsonReport;
  await initBackend('cpu');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function experimentCount(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const store = LabStore.open(file);
  try {
    return store.listExperiments().length;
  } finally {
    store.close();
  }
}

describe('relu-lab help and usage errors', () => {
  it('--help, help and no command print the usage (exit 0)', async () => {
    const variants = [['--help'], ['help'], [], ['-h']];
    const [sub, ...results] = await Promise.all([cli(['run', '--help']), ...variants.map((args) => cli(args))]);
    results.forEach((r, i) => {
      expect(r.code, variants[i].join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage:');
      expect(r.stdout).toContain('relu-lab run CONFIG.json');
      expect(r.stderr).toBe('');
    });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('Usage:');
  });

  it('an unknown command or option exits 2 with a one-line reason', async () => {
    const [unknown, option, short, noValue, workers, backend] = await Promise.all([
      cli(['frobnicate']),
      cli(['list', '--db', db, '--bogus']),
      cli(['run', tinyConfig, '-x']),
      cli(['run', tinyConfig, '--db']),
      cli(['run', tinyConfig, '--db', db, '--workers', 'many']),
      cli(['run', tinyConfig, '--db', db, '--backend', 'gpu']),
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('relu-lab: unknown command "frobnicate" (try relu-lab help)\n');
    expect(option.code).toBe(2);
    expect(option.stderr).toBe('relu-lab: unknown option --bogus\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toBe('relu-lab: unknown option -x\n');
    expect(noValue.code).toBe(2);
    expect(noValue.stderr).toBe('relu-lab: --db needs a value\n');
    expect(workers.code).toBe(2);
    expect(workers.stderr).toBe('relu-lab: --workers: must be a whole number >= 1, got "many"\n');
    expect(backend.code).toBe(2);
    expect(backend.stderr).toBe('relu-lab: --backend: must be one of auto, tensorflow, wasm, cpu, got "gpu"\n');
  });

  it('a missing or unreadable config file exits 2', async () => {
    fs.writeFileSync(path.join(dir, 'broken.json'), '{ "name": ');
    const [missing, broken, none] = await Promise.all([cli(['run', 'nope.json', '--db', db]), cli(['run', 'broken.json', '--db', db]), cli(['run', '--db', db])]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('relu-lab: cannot read nope.json: no such file\n');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^relu-lab: broken\.json is not valid JSON: /);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('relu-lab: run needs one CONFIG.json file (or --preset NAME)\n');
  });

  it('an invalid config exits 2, lists every field path, and creates no experiment', async () => {
    const file = path.join(dir, 'bad.json');
    const fresh = path.join(dir, 'bad.sqlite');
    fs.writeFileSync(
      file,
      JSON.stringify({
        ...TINY,
        model: { hiddenLayers: 2, width: 0, activation: 'sigmoid' },
        training: { learningRate: -1, epochs: 2 },
        sweep: {},
      }),
    );
    const r = await cli(['run', file, '--db', fresh]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toEqual([
      `relu-lab: invalid experiment config (${file}):`,
      '  model.width: must be >= 1, got 0',
      '  model.activation: must be one of relu, leaky_relu, prelu, elu, selu, gelu, swish, tanh, got "sigmoid"',
      '  training.learningRate: must be > 0, got -1',
      '',
    ]);
    expect(experimentCount(fresh)).toBe(0);
    // Nor in a database that already has experiments.
    const before = experimentCount(db);
    const again = await cli(['run', file, '--db', db]);
    expect(again.code).toBe(2);
    expect(experimentCount(db)).toBe(before);
    // A bad sweep value names its place in the sweep.
    fs.writeFileSync(file, JSON.stringify({ ...TINY, sweep: { 'training.learningRate': [0.1, 0] } }));
    const sweep = await cli(['run', file, '--db', fresh]);
    expect(sweep.code).toBe(2);
    expect(sweep.stderr).toContain('  sweep["training.learningRate"][1]: must be > 0, got 0\n');
    expect(experimentCount(fresh)).toBe(0);
  });
});

describe('relu-lab run', () => {
  it('--json reports every run with every epoch, epoch 0 included', () => {
    expect(report.db).toBe(db);
    expect(report.experimentId).toBeGreaterThan(0);
    expect(report.runs).toHaveLength(4);
    expect(report.runs.map((r) => [r.sweep['model.activation'], r.seed])).toEqual([
      ['relu', 1],
      ['relu', 2],
      ['prelu', 1],
      ['prelu', 2],
    ]);
    for (const run of report.runs) {
      expect(run.runId).toBeGreaterThan(0);
      expect(run.status).toBe('completed');
      expect(['tensorflow', 'wasm']).toContain(run.backend);
      expect(run.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect(run.epochs[0].seconds).toBe(0);
      for (const e of run.epochs) {
        for (const key of ['trainLoss', 'valLoss', 'valAccuracy', 'seconds'] as const) expect(typeof e[key]).toBe('number');
        expect(e.layers).toHaveLength(2);
        for (const l of e.layers) {
          for (const key of ['deadFraction', 'activeProbability', 'dormantFraction'] as const) {
            expect(l[key]).toBeGreaterThanOrEqual(0);
            expect(l[key]).toBeLessThanOrEqual(1);
          }
          expect(l).toHaveProperty('gradNorm');
        }
      }
    }
  });

  it('prints the results table (exit 0)', async () => {
    const r = await cli(['run', tinyConfig, '--db', db, '--workers', '1', '--set', 'seeds=[3]', '--set', 'training.epochs=1']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^run\s+sweep\s+seed\s+status\s+epoch\s+train loss\s+val acc\s+dead fraction per layer$/);
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(lines.slice(2)).toHaveLength(2);
    expect(lines[2]).toMatch(/^\s*\d+\s+activation=relu\s+3\s+completed\s+1\s+[\d.]+\s+[\d.]+\s+[\d.]+ [\d.]+$/);
    expect(lines[3]).toMatch(/activation=prelu\s+3\s+completed/);
    // Progress goes to stderr.
    expect(r.stderr).toMatch(/^experiment \d+ "tiny cli": 2 runs on 1 worker, database /);
    expect(r.stderr).toMatch(/\[2\/2\] run \d+ \(activation=prelu, seed 3\) completed/);
  });

  it('--set overrides config fields (and a bad --set exits 2)', async () => {
    const r = await cli([
      'run', tinyConfig, '--db', db, '--workers', '1', '--json',
      '--set', 'seeds=[7]', '--set', 'sweep={}', '--set', 'model.activation=elu', '--set', 'training.epochs=1', '--name', 'with sets',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonReport;
    expect(out.runs).toHaveLength(1);
    expect(out.runs[0].seed).toBe(7);
    expect(out.runs[0].epochs.map((e) => e.epoch)).toEqual([0, 1]);
    const show = JSON.parse((await cli(['show', String(out.runs[0].runId), '--db', db, '--json'])).stdout) as { config: { model: { activation: string } } };
    expect(show.config.model.activation).toBe('elu');
    const store = LabStore.open(db);
    try {
      expect(store.getExperiment(out.experimentId)?.name).toBe('with sets');
    } finally {
      store.close();
    }

    const bad = await cli(['run', tinyConfig, '--db', db, '--set', 'training.epochs']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('relu-lab: --set: expected path=value, got "training.epochs"\n');
    const invalid = await cli(['run', tinyConfig, '--db', db, '--set', 'training.epochs=-3']);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('  training.epochs: must be >= 0, got -3\n');
  });

  it('--preset with --set reductions', async () => {
    const r = await cli([
      'run', '--preset', 'mitigations', '--db', db, '--workers', '1', '--json',
      '--set', 'seeds=[1]', '--set', 'training.epochs=1', '--set', 'dataset.samples=128', '--set', 'model.width=8', '--set', 'probe.samples=32',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as JsonReport;
    expect(out.runs.map((run) => run.sweep.variant)).toEqual(['ReLU baseline', 'Leaky ReLU', 'PReLU', 'He init', 'Lower learning rate', 'Batch norm']);
    for (const run of out.runs) {
      expect(['completed', 'diverged']).toContain(run.status);
      expect(run.epochs[0].epoch).toBe(0);
      expect(run.epochs[0].layers).toHaveLength(4);
    }
    const unknown = await cli(['run', '--preset', 'nope', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      'relu-lab: --preset: no preset named "nope" (presets: large-learning-rate, bad-initialization, negative-inputs, mitigations, cnn-mitigations, born-dead, born-dead-rai, plasticity)\n',
    );
    const both = await cli(['run', tinyConfig, '--preset', 'mitigations', '--db', db]);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('relu-lab: give either CONFIG.json or --preset NAME, not both\n');
  });

  it('Ctrl-C cancels: exit 1 with a one-line "cancelled" reason, run status cancelled', async () => {
    const file = path.join(dir, 'long.json');
    const sigDb = path.join(dir, 'sigint.sqlite');
    fs.writeFileSync(
      file,
      JSON.stringify({
        name: 'long',
        dataset: { kind: 'blobs', samples: 1024, features: 8 },
        model: { hiddenLayers: 3, width: 32 },
        training: { learningRate: 0.01, epochs: 5000 },
        probe: { samples: 64 },
      }),
    );
    const child = spawn(process.execPath, [CLI, 'run', file, '--db', sigDb, '--workers', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`no epoch stored in time:\n${stderr}`);
        if (child.exitCode !== null) throw new Error(`exited early:\n${stderr}`);
        if (fs.existsSync(sigDb)) {
          try {
            const reader = LabStore.open(sigDb, { readonly: true });
            try {
              const [run] = reader.listRuns();
              if (run && reader.getRunMetrics(run.id).length >= 1) break;
            } finally {
              reader.close();
            }
          } catch (err) {
            if (!/schema version|no such table|SQLITE_BUSY|database is locked/i.test(String(err))) throw err;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(1);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const reasons = stderr.split('\n').filter((l) => l.startsWith('relu-lab: '));
    expect(reasons).toEqual(['relu-lab: cancelled: 1 of 1 runs did not finish']);
    expect(stderr).toContain('cancelling: stopping runs after the current batch');
    // The table of what was done is still printed.
    expect(stdout).toMatch(/cancelled/);
    const store = LabStore.open(sigDb);
    try {
      const [run] = store.listRuns();
      expect(run.status).toBe('cancelled');
      expect(run.error).toBeNull();
      expect(store.getRunMetrics(run.id).length).toBeGreaterThanOrEqual(1);
    } finally {
      store.close();
    }
  });
});

describe('relu-lab list and show', () => {
  it('list prints every experiment with its runs', async () => {
    const r = await cli(['list', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^experiment ${report.experimentId}  "tiny cli"  \\S+  4 completed$`, 'm'));
    for (const run of report.runs) expect(r.stdout).toMatch(new RegExp(`^\\s+${run.runId}\\s+activation=${run.sweep['model.activation']}\\s+${run.seed}\\s+completed`, 'm'));

    // A database file that does not exist is not created by reading it.
    const missing = await cli(['list', '--db', path.join(dir, 'empty.sqlite')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^relu-lab: no lab database at .*empty\.sqlite /);
    expect(fs.existsSync(path.join(dir, 'empty.sqlite'))).toBe(false);
    const extra = await cli(['list', 'x', '--db', db]);
    expect(extra.code).toBe(2);
  });

  it('list --json', async () => {
    const r = await cli(['list', '--db', db, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { db: string; experiments: { id: number; name: string; config: unknown; runs: { runId: number; status: string; epochsDone: number; epochsTotal: number }[] }[] };
    expect(out.db).toBe(db);
    const tiny = out.experiments.find((e) => e.id === report.experimentId)!;
    expect(tiny.name).toBe('tiny cli');
    expect(tiny.config).toEqual(TINY);
    expect(tiny.runs.map((run) => run.runId)).toEqual(report.runs.map((run) => run.runId));
    for (const run of tiny.runs) {
      expect(run.status).toBe('completed');
      expect(run.epochsDone).toBe(2);
      expect(run.epochsTotal).toBe(2);
    }
  });

  it('show RUN_ID prints the run epoch by epoch; --json has the same numbers', async () => {
    const run = report.runs[2];
    const r = await cli(['show', String(run.runId), '--db', db]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`run ${run.runId} of experiment ${report.experimentId}, seed 1, activation=prelu`);
    expect(lines[1]).toMatch(/^status: completed; backend: (wasm|tensorflow); epochs 2\/2$/);
    expect(lines[2]).toBe('model: 2 x 4 prelu, init he_normal, bias 0; training: sgd lr 0.1, batch 64; data: moons');
    expect(r.stdout).toMatch(/^\s+0\s+\d/m);
    expect(r.stdout).toMatch(/^\s+2\s+\d/m);

    const json = await cli(['show', String(run.runId), '--db', db, '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as JsonRun & { config: unknown };
    expect(out.runId).toBe(run.runId);
    expect(out.epochs).toEqual(run.epochs);
    expect(out.config).toMatchObject({ model: { activation: 'prelu', width: 4 } });
  });

  it('show of a missing run exits 1; a malformed id exits 2', async () => {
    const [missing, malformed] = await Promise.all([cli(['show', '99999', '--db', db]), cli(['show', 'abc', '--db', db])]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`relu-lab: run 99999 does not exist in ${db}\n`);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('relu-lab: RUN_ID: must be a positive whole number, got "abc"\n');
  });
});

describe('relu-lab export', () => {
  it('--format model writes model.json, weights.bin and probe.json that load and predict', async () => {
    const run = report.runs[2]; // prelu
    const out = path.join(dir, 'model-out');
    const r = await cli(['export', String(run.runId), '--format', 'model', '--out', out, '--db', db]);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['model.json', 'probe.json', 'weights.bin']);
    expect(r.stderr).toContain(path.join(out, 'model.json'));

    const modelJson = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')) as {
      format: string;
      modelTopology: object;
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
      userDefinedMetadata: Record<string, unknown>;
    };
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(modelJson.userDefinedMetadata).toMatchObject({ runId: run.runId, seed: 1, status: 'completed' });
    const probe = JSON.parse(fs.readFileSync(path.join(out, 'probe.json'), 'utf8')) as { inputSize: number; trainingIndices: number[]; inputs: number[][] };
    expect(probe.inputSize).toBe(2);
    expect(probe.inputs).toHaveLength(32);
    expect(probe.trainingIndices).toHaveLength(32);

    // A file-reading IOHandler, as an app loading the folder would use.
    const handler: tf.io.IOHandler = {
      load: async () => {
        const bytes = fs.readFileSync(path.join(out, modelJson.weightsManifest[0].paths[0]));
        return {
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
          weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        };
      },
    };
    const model = await tf.loadLayersModel(handler);
    const x = tf.tensor2d(probe.inputs);
    const predicted = model.predict(x) as tf.Tensor2D;
    expect(predicted.shape).toEqual([32, 2]);
    const rows = predicted.arraySync();
    for (const row of rows) {
      expect(row[0] + row[1]).toBeCloseTo(1, 5);
      expect(row.every((p) => p >= 0 && p <= 1)).toBe(true);
    }
    // The same predictions as the artifacts stored in the database.
    const store = LabStore.open(db, { readonly: true });
    const artifacts = store.getArtifacts(run.runId)!;
    store.close();
    const stored = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: artifacts.modelTopology as object, weightSpecs: artifacts.weightSpecs, weightData: artifacts.weightData.slice().buffer }),
    );
    const again = stored.predict(x) as tf.Tensor2D;
    expect(again.arraySync()).toEqual(rows);
    tf.dispose([x, predicted, again]);
    model.dispose();
    stored.dispose();
  });

  it('export errors: missing run (1), bad format or no --out (2)', async () => {
    const [missing, format, noOut, noExperiment] = await Promise.all([
      cli(['export', '99999', '--format', 'model', '--out', path.join(dir, 'x'), '--db', db]),
      cli(['export', '1', '--format', 'xml', '--out', path.join(dir, 'x'), '--db', db]),
      cli(['export', '1', '--format', 'csv', '--db', db]),
      cli(['export', '99999', '--format', 'csv', '--out', path.join(dir, 'x.csv'), '--db', db]),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`relu-lab: run 99999 does not exist in ${db}\n`);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('relu-lab: --format: must be one of model, csv, json, bundle, got "xml"\n');
    expect(noOut.code).toBe(2);
    expect(noExperiment.code).toBe(1);
    expect(noExperiment.stderr).toBe(`relu-lab: experiment 99999 does not exist in ${db}\n`);
  });

  it('--format csv and json write long-format rows holding the stored metrics', async () => {
    const csvFile = path.join(dir, 'out', 'metrics.csv');
    const jsonFile = path.join(dir, 'out', 'metrics.json');
    const [c, j] = await Promise.all([
      cli(['export', String(report.experimentId), '--format', 'csv', '--out', csvFile, '--db', db]),
      cli(['export', String(report.experimentId), '--format', 'json', '--out', jsonFile, '--db', db]),
    ]);
    expect(c.code).toBe(0);
    expect(j.code).toBe(0);

    const [header, ...lines] = fs.readFileSync(csvFile, 'utf8').trimEnd().split('\n');
    expect(header).toBe('experiment_id,run_id,seed,status,model.activation,epoch,layer,metric,value');
    const rows = lines.map((l) => l.split(','));
    expect(c.stderr).toBe(`wrote ${rows.length} rows to ${csvFile}\n`);
    const json = JSON.parse(fs.readFileSync(jsonFile, 'utf8')) as { runId: number; epoch: number; layer: number | null; metric: string; value: number | null; sweep: Record<string, unknown> }[];
    expect(json).toHaveLength(rows.length);

    const store = LabStore.open(db, { readonly: true });
    try {
      let expected = 0;
      for (const run of report.runs) {
        const metrics = store.getRunMetrics(run.runId);
        // Every metric at every epoch (and layer), with an empty value where it has none.
        for (const e of metrics) expected += seriesFields('epoch').length + e.layers.length * seriesFields('layer').length;
      }
      expect(rows).toHaveLength(expected);

      const byRun = new Map(report.runs.map((r) => [r.runId, store.getRunMetrics(r.runId)]));
      rows.forEach((row, i) => {
        const [experimentId, runId, seed, status, activation, epoch, layer, metric, value] = row;
        expect(Number(experimentId)).toBe(report.experimentId);
        const run = report.runs.find((r) => r.runId === Number(runId))!;
        expect(Number(seed)).toBe(run.seed);
        expect(status).toBe('completed');
        expect(activation).toBe(run.sweep['model.activation']);
        const e = byRun.get(run.runId)!.find((m) => m.epoch === Number(epoch))!;
        let stored: number | null;
        if (layer === '') stored = e[metric as keyof EpochMetrics] as number | null;
        else {
          const l = e.layers[Number(layer)];
          stored = metric === 'preluAlphaMean' ? (l.preluAlphas ? l.preluAlphas.reduce((s, a) => s + a, 0) / l.preluAlphas.length : null) : (l[metric as keyof LayerMetrics] as number | null);
        }
        expect(value === '' ? null : Number(value), `${runId}/${epoch}/${layer}/${metric}`).toBe(stored);
        // The JSON export holds the same row.
        expect(json[i]).toMatchObject({ runId: Number(runId), epoch: Number(epoch), layer: layer === '' ? null : Number(layer), metric, value: stored });
      });
      // Every layer metric the JSON output documents is there, for epoch 0 too.
      const metricNames = new Set(rows.filter((r) => r[5] === '0').map((r) => r[7]));
      for (const m of ['trainLoss', 'valLoss', 'valAccuracy', 'deadFraction', 'activeProbability', 'dormantFraction', 'gradNorm', 'preluAlphaMean']) {
        expect(metricNames.has(m), m).toBe(true);
      }
    } finally {
      store.close();
    }
  });
});

describe('relu-lab presets', () => {
  it('lists the eight presets', async () => {
    const [r, json] = await Promise.all([cli(['presets']), cli(['presets', '--json'])]);
    expect(r.code).toBe(0);
    const names = ['large-learning-rate', 'bad-initialization', 'negative-inputs', 'mitigations', 'cnn-mitigations', 'born-dead', 'born-dead-rai', 'plasticity'];
    for (const name of names) expect(r.stdout).toMatch(new RegExp(`^${name}  \\(\\d+ runs\\)$`, 'm'));
    expect(r.stdout).toContain('mitigations  (18 runs)');
    expect(r.stdout).toContain('born-dead  (1000 runs)');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { name: string }[]).map((p) => p.name)).toEqual(names);
  });

  it('every command above used its --db, never the default database', () => {
    expect(fs.existsSync(path.join(dir, 'default-must-not-be-used.sqlite'))).toBe(false);
  });
});
