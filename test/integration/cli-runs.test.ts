/**
 * The CLI's run listings and config limits through real child processes: runs are named by their id
 * only, a diverged run's NaN loss reads the same in `list`, `show` and `export`, and a config that is
 * nested too deeply or expands to too many runs is an invalid config (exit 2) that stores nothing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

let dir: string;
let db: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELU_LAB_DB: path.join(dir, 'default-must-not-be-used.sqlite') } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function writeConfig(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const BASE = '"dataset":{"kind":"blobs","samples":64,"features":4,"classes":2},"model":{"hiddenLayers":1,"width":4},"training":{"learningRate":0.1,"epochs":2},"probe":{"samples":16}';

interface JsonRun {
  runId: number;
  status: string;
  sweep: Record<string, unknown>;
  epochs: { epoch: number; trainLoss: number | string }[];
}

let runs: JsonRun[];
let experimentId: number;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-runs-'));
  db = path.join(dir, 'lab.sqlite');
  // The second run's inputs are scaled past float32's range: its loss is NaN at initialization.
  const config = writeConfig('diverging.json', `{"name":"ids",${BASE},"sweep":{"dataset.inputScale":[1,1e300]}}`);
  const r = await cli(['run', config, '--db', db, '--workers', '1', '--json', '--backend', 'cpu']);
  if (r.code !== 0) throw new Error(`run failed (${r.code}): ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { experimentId: number; runs: JsonRun[] };
  experimentId = report.experimentId;
  runs = report.runs;
}, 120_000);

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('runs are named by their id', () => {
  it('run --json, list --json and show --json carry the run id and no per-experiment index', async () => {
    expect(runs.map((r) => r.status)).toEqual(['completed', 'diverged']);
    for (const run of runs) expect(Object.keys(run)).not.toContain('index');
    const list = await cli(['list', '--db', db, '--json']);
    const listed = (JSON.parse(list.stdout) as { experiments: { id: number; runs: Record<string, unknown>[] }[] }).experiments.find((e) => e.id === experimentId)!;
    expect(listed.runs.map((r) => r.runId)).toEqual(runs.map((r) => r.runId));
    for (const run of listed.runs) expect(Object.keys(run)).not.toContain('index');
    const show = await cli(['show', String(runs[1].runId), '--db', db, '--json']);
    const shown = JSON.parse(show.stdout) as Record<string, unknown>;
    expect(shown.runId).toBe(runs[1].runId);
    expect(Object.keys(shown)).not.toContain('index');
  });

  it("the diverged run's NaN loss reads the same in list, show and export", async () => {
    const diverged = runs[1];
    expect(diverged.epochs[0].trainLoss).toBe('NaN');
    const list = await cli(['list', '--db', db]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^\\s+${diverged.runId}\\s+inputScale=1e\\+300\\s+1\\s+diverged\\s+0\\s+NaN\\s`, 'm'));
    const show = await cli(['show', String(diverged.runId), '--db', db]);
    expect(show.stdout.split('\n')[0]).toBe(`run ${diverged.runId} of experiment ${experimentId}, seed 1, inputScale=1e+300`);
    expect(show.stdout).toMatch(/^\s+0\s+NaN\s+NaN\s/m);
    const csvFile = path.join(dir, 'metrics.csv');
    const exported = await cli(['export', String(experimentId), '--format', 'csv', '--out', csvFile, '--db', db]);
    expect(exported.code).toBe(0);
    expect(fs.readFileSync(csvFile, 'utf8')).toContain(`${experimentId},${diverged.runId},1,diverged,1e+300,0,,trainLoss,NaN\n`);
  });
});

describe('config limits through the CLI', () => {
  it('a config nested 100,000 levels deep is an invalid config naming the field, with or without --set; nothing is stored', async () => {
    const deep = `${'['.repeat(100_000)}4${']'.repeat(100_000)}`;
    const file = writeConfig('deep.json', `{"name":"deep",${BASE},"sweep":{"model.width":[${deep}]}}`);
    const other = path.join(dir, 'deep.sqlite');
    for (const extra of [[], ['--set', 'training.epochs=1']]) {
      const r = await cli(['run', file, '--db', other, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`relu-lab: invalid experiment config (${file}):\n  sweep["model.width"][0][0]: is nested deeper than 32 levels\n`);
    }
    expect(fs.existsSync(other)).toBe(false);
  });

  it('three sweep keys of 1,000 values are refused by their run count (exit 2), nothing stored', async () => {
    const values = (f: (i: number) => number) => JSON.stringify(Array.from({ length: 1000 }, (_, i) => f(i)));
    const file = writeConfig(
      'huge.json',
      `{"name":"huge",${BASE},"sweep":{"training.learningRate":${values((i) => 0.001 * (i + 1))},"model.width":${values((i) => i + 1)},"training.batchSize":${values((i) => i + 1)}}}`,
    );
    const other = path.join(dir, 'huge.sqlite');
    const r = await cli(['run', file, '--db', other]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`relu-lab: invalid experiment config (${file}):\n  sweep: expands to 1000000000 runs (variants × sweep combinations × seeds); at most 10000 are allowed\n`);
    expect(fs.existsSync(other)).toBe(false);
  });

  it('a file that is not JSON is still called not valid JSON', async () => {
    const file = writeConfig('broken.json', '{"name": ');
    const r = await cli(['run', file, '--db', path.join(dir, 'broken.sqlite')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^relu-lab: .*broken\.json is not valid JSON: /);
  });
});
