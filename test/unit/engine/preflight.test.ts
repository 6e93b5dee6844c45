/**
 * The preflight check: a design is checked against this machine (data files, memory) after the
 * schema and before anything is stored, in the CLI's `run` (exit 2) and in the API's
 * createExperiment (`invalid_config` with issues), with problems worded like schema errors.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateExperiment, type ExperimentConfig, type RunSpec } from '../../../shared/config.js';
import type { ApiResult, ExperimentRow } from '../../../shared/api.js';
import { estimateRunMemory } from '../../../shared/resources.js';
import { locateField, preflightExperiment } from '../../../electron/lab/preflight.js';
import { openService, tempDir } from '../electron/helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELU_LAB_DB: path.join(cwd, 'default-must-not-be-used.sqlite') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function valid(raw: unknown): { config: ExperimentConfig; runs: RunSpec[] } {
  const v = validateExperiment(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.issues));
  return v;
}

const GiB = 1024 ** 3;

function csvDesign(file: string, extra: Record<string, unknown> = {}) {
  return {
    name: 'csv design',
    dataset: { kind: 'csv', path: file, labelColumn: 'label', task: 'classification' },
    model: { hiddenLayers: 1, width: 4 },
    training: { learningRate: 0.1, epochs: 1 },
    probe: { samples: 16 },
    ...extra,
  };
}

function writeCsv(dir: string, name: string, rows = 20): string {
  const lines = ['a,b,label'];
  for (let i = 0; i < rows; i++) lines.push(`${i},${i % 7},${i % 2 ? 'x' : 'y'}`);
  fs.writeFileSync(path.join(dir, name), `${lines.join('\n')}\n`);
  return name;
}

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('relu-lab run: the preflight refuses with exit 2 and stores nothing', () => {
  it('a missing csv file is a config error naming dataset.path (not a failed run)', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'design.json');
    fs.writeFileSync(config, JSON.stringify(csvDesign('missing.csv')));
    const db = path.join(dir, 'lab.sqlite');
    const result = await cli(['run', config, '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `relu-lab: invalid experiment config (${config}):\n  dataset.path: "missing.csv" does not exist (resolved to ${path.join(dir, 'missing.csv')})\n`,
    );
    expect(result.stdout).toBe('');
    // Nothing stored: not even the database file.
    expect(fs.existsSync(db)).toBe(false);
  });

  it('a FIFO, /dev/zero and /etc/passwd as data: refused at once, without hanging or printing the file', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.csv');
    let haveFifo = true;
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      haveFifo = false;
    }
    const paths = [...(haveFifo ? [fifo] : []), ...(fs.existsSync('/dev/zero') ? ['/dev/zero'] : []), ...(fs.existsSync('/etc/passwd') ? ['/etc/passwd'] : [])];
    const config = path.join(dir, 'design.json');
    fs.writeFileSync(config, JSON.stringify(csvDesign(paths[0] ?? 'x.csv', { sweep: { 'dataset.path': paths } })));
    const db = path.join(dir, 'lab.sqlite');
    const result = await cli(['run', config, '--db', db], dir);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`relu-lab: invalid experiment config (${config}):`);
    paths.forEach((p, i) => {
      const line = lines.find((l) => l.startsWith(`  sweep["dataset.path"][${i}]: `));
      expect(line, p).toBeDefined();
    });
    if (haveFifo) expect(result.stderr).toContain(`sweep["dataset.path"][0]: ${JSON.stringify(fifo)} is a named pipe (FIFO), not a regular file`);
    if (paths.includes('/dev/zero')) expect(result.stderr).toContain('"/dev/zero" is a device, not a regular file');
    if (paths.includes('/etc/passwd')) {
      const first = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0];
      expect(result.stderr).not.toContain(first);
      expect(result.stderr).not.toMatch(/\/bin\/(ba)?sh|nologin/);
    }
    expect(fs.existsSync(db)).toBe(false);
  });

  it('the config file itself: never echoed when it is not JSON, never read when it is not a regular file', async () => {
    const dir = tempDir();
    const secret = path.join(dir, 'secrets.txt');
    fs.writeFileSync(secret, 'root:x:0:0:SECRET-MARKER:/root:/bin/bash\n');
    const notJson = await cli(['run', secret, '--db', path.join(dir, 'lab.sqlite')], dir);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toBe(`relu-lab: ${secret} is not valid JSON: unexpected text (it does not read as JSON)\n`);
    fs.writeFileSync(path.join(dir, 'cut.json'), '{"name": "x",\n "model": ');
    expect((await cli(['run', 'cut.json'], dir)).stderr).toBe('relu-lab: cut.json is not valid JSON: the text ends before the JSON does\n');
    fs.writeFileSync(path.join(dir, 'comma.json'), '{"name": "x",\n "model": {,}}');
    expect((await cli(['run', 'comma.json'], dir)).stderr).toBe('relu-lab: comma.json is not valid JSON: unexpected text at line 2, column 12\n');
    if (fs.existsSync('/dev/zero')) {
      const zero = await cli(['run', '/dev/zero'], dir);
      expect(zero.code).toBe(2);
      expect(zero.stderr).toBe('relu-lab: cannot read /dev/zero: it is a device, not a regular file\n');
    }
    expect(fs.existsSync(path.join(dir, 'lab.sqlite'))).toBe(false);
  });

  it('a design too large for the machine names the field that drives it', async () => {
    const dir = tempDir();
    const config = path.join(dir, 'huge.json');
    fs.writeFileSync(
      config,
      JSON.stringify({ name: 'huge', dataset: { kind: 'moons', samples: 64 }, model: { hiddenLayers: 100, width: 4096 }, training: { learningRate: 0.1, epochs: 1 } }),
    );
    const db = path.join(dir, 'lab.sqlite');
    const result = await cli(['run', config, '--db', db], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^relu-lab: invalid experiment config \(.*\):\n {2}model\.width: a run of this design needs about [\d.]+ GiB of memory \(parameters [\d.]+ GiB, training step .*\), more than this machine can give one run \(80 % of its .*\)\n$/,
    );
    expect(fs.existsSync(db)).toBe(false);
  });
});

describe('LabService.createExperiment: the same checks, as invalid_config with issues', () => {
  it('missing and malformed csv files, in the base config and in a sweep; nothing stored', async () => {
    const { service, dir } = openService();
    writeCsv(dir, 'good.csv');
    fs.writeFileSync(path.join(dir, 'ragged.csv'), 'a,b,label\n1,2,x\n3,y\n');
    const missing = await service.handle('createExperiment', [csvDesign(path.join(dir, 'missing.csv'))]);
    expect(missing).toEqual({
      ok: false,
      error: {
        code: 'invalid_config',
        message: `the experiment config is invalid: dataset.path: ${JSON.stringify(path.join(dir, 'missing.csv'))} does not exist`,
        issues: [{ path: 'dataset.path', message: `${JSON.stringify(path.join(dir, 'missing.csv'))} does not exist` }],
      },
    });
    const swept = await service.handle('createExperiment', [csvDesign(path.join(dir, 'good.csv'), { sweep: { 'dataset.path': [path.join(dir, 'good.csv'), path.join(dir, 'ragged.csv')] } })]);
    expect(swept.ok).toBe(false);
    if (swept.ok) return;
    expect(swept.error.code).toBe('invalid_config');
    expect(swept.error.issues).toEqual([
      { path: 'sweep["dataset.path"][1]', message: `${JSON.stringify(path.join(dir, 'ragged.csv'))}, line 3 has 2 fields, expected 3 (as in the header on line 1)` },
    ]);
    // A label column that only the swept file lacks: named with the combination it applies to.
    fs.writeFileSync(path.join(dir, 'other.csv'), 'a,b,target\n1,2,x\n3,4,y\n');
    const relabel = await service.handle('createExperiment', [csvDesign(path.join(dir, 'good.csv'), { sweep: { 'dataset.path': [path.join(dir, 'good.csv'), path.join(dir, 'other.csv')] } })]);
    expect(relabel.ok).toBe(false);
    if (!relabel.ok) {
      expect(relabel.error.issues).toEqual([
        {
          path: 'dataset.labelColumn',
          message: `no column named "label" in the header (line 1, 3 columns) (for the runs with dataset.path = ${JSON.stringify(path.join(dir, 'other.csv'))})`,
        },
      ]);
    }
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toEqual([]);
    // A good file is accepted.
    const ok = value<{ runIds: number[] }>(await service.handle('createExperiment', [csvDesign(path.join(dir, 'good.csv'))]));
    expect(ok.runIds).toHaveLength(1);
  });

  it('a design too large for the machine', async () => {
    const { service } = openService();
    const result = await service.handle('createExperiment', [
      { name: 'huge', dataset: { kind: 'blobs', samples: 1_000_000, features: 4096 }, model: { hiddenLayers: 1, width: 8 }, training: { learningRate: 0.1, epochs: 1 } },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_config');
    expect(result.error.issues).toEqual([
      { path: 'dataset.samples', message: '1000000 samples × 4096 features = 4096000000 values is too large (at most 268435456, 1 GiB of float32)' },
    ]);
    expect(value<ExperimentRow[]>(await service.handle('listExperiments', []))).toEqual([]);
  });
});

describe('preflightExperiment', () => {
  const machine = { total: 4 * GiB, free: 3 * GiB };

  it('memory: refuses a run above 80 % of the machine, naming the swept value that makes it; warns above the free memory', async () => {
    const { config, runs } = valid({
      name: 'widths',
      dataset: { kind: 'blobs', samples: 2048 },
      model: { hiddenLayers: 60, width: 64 },
      training: { learningRate: 0.1, epochs: 1 },
      sweep: { 'model.width': [64, 256, 4096] },
    });
    const result = await preflightExperiment(config, runs, { baseDir: '/', machine });
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0].path).toBe('sweep["model.width"][2]');
    expect(result.issues[0].message).toMatch(/^a run of this design needs about [\d.]+ GiB of memory \(parameters [\d.]+ GiB, .*\), more than this machine can give one run \(80 % of its 4 GiB, 3\.2 GiB\)$/);
    expect(result.largest?.run.sweep['model.width']).toBe(4096);

    const small = valid({ ...config, sweep: { 'model.width': [64, 256] } });
    expect(await preflightExperiment(small.config, small.runs, { baseDir: '/', machine })).toMatchObject({ issues: [], warnings: [] });
    const tight = await preflightExperiment(small.config, small.runs, { baseDir: '/', machine: { total: 4 * GiB, free: 1024 * 1024 }, workers: 2 });
    expect(tight.issues).toEqual([]);
    expect(tight.warnings).toEqual([expect.stringMatching(/^2 runs training at once need about [\d.]+ [MG]iB of memory and 1 MiB is free now: fewer workers would need less$/)]);
  });

  it('memory: a variant, the batch size and the probe are named when they drive the estimate', async () => {
    const variants = valid({
      name: 'v',
      dataset: { kind: 'moons', samples: 1024 },
      model: { hiddenLayers: 60, width: 16 },
      training: { learningRate: 0.1, epochs: 1 },
      variants: [{ name: 'base', set: {} }, { name: 'wide', set: { 'model.width': 4096 } }],
    });
    const r = await preflightExperiment(variants.config, variants.runs, { baseDir: '/', machine });
    expect(r.issues.map((i) => i.path)).toEqual(['variants[1].set["model.width"]']);

    const probe = valid({ name: 'p', dataset: { kind: 'mnist' }, model: { hiddenLayers: 4, width: 4096 }, training: { learningRate: 0.1, epochs: 1, batchSize: 8 }, probe: { samples: 100000 } });
    const mnistShape = { samples: 10000, inputs: 784, outputs: 10 };
    expect(estimateRunMemory(probe.runs[0].config, mnistShape).field).toBe('probe.samples');
    const params = valid({ ...probe.config, probe: { samples: 16 } });
    expect(estimateRunMemory(params.runs[0].config, mnistShape).field).toBe('model.width');
    const batch = valid({ name: 'b', dataset: { kind: 'blobs', samples: 1_000_000 }, model: { hiddenLayers: 8, width: 4096 }, training: { learningRate: 0.1, epochs: 1, batchSize: 65536 }, probe: { samples: 16 } });
    expect(estimateRunMemory(batch.runs[0].config, { samples: 1_000_000, inputs: 16, outputs: 4 }).field).toBe('training.batchSize');
    // A task sequence keeps one transformed copy of the inputs next to the loaded ones.
    const plain = valid({ name: 't', dataset: { kind: 'mnist' }, model: { hiddenLayers: 1, width: 8 }, training: { learningRate: 0.1, epochs: 2 } });
    const tasks = valid({ ...plain.config, training: { learningRate: 0.1, epochs: 2, tasks: { kind: 'permuted', count: 2, epochsPerTask: 1 } } });
    expect(estimateRunMemory(tasks.runs[0].config, mnistShape).data - estimateRunMemory(plain.runs[0].config, mnistShape).data).toBe(10000 * 784 * 4);
  });

  it('locateField: sweep value, variant, base field with the combination it concerns', () => {
    const { config, runs } = valid({
      name: 'l',
      dataset: { kind: 'moons' },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 1 },
      sweep: { 'dataset.samples': [100, 200] },
      variants: [{ name: 'a', set: {} }, { name: 'b', set: { 'model.width': 8 } }],
    });
    const run = runs.find((r) => r.sweep.variant === 'b' && r.sweep['dataset.samples'] === 200)!;
    expect(locateField('dataset.samples', run, config)).toEqual({ path: 'sweep["dataset.samples"][1]', context: '' });
    expect(locateField('model.width', run, config)).toEqual({ path: 'variants[1].set["model.width"]', context: '' });
    expect(locateField('dataset.noise', run, config)).toEqual({ path: 'dataset.noise', context: ' (for the runs with dataset.samples = 200)' });
    expect(locateField('training.batchSize', run, config)).toEqual({ path: 'training.batchSize', context: '' });
  });
});
