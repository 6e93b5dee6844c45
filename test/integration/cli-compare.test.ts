import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../db/store.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');
let dir: string;
let db: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RELU_LAB_DB: db } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-compare-'));
  db = path.join(dir, 'lab.sqlite');
  const config = {
    name: 'activations',
    dataset: { kind: 'moons', samples: 96 },
    model: { hiddenLayers: 2, width: 6 },
    training: { learningRate: 0.2, epochs: 3 },
    probe: { samples: 48 },
    seeds: [1, 2],
    sweep: { 'model.activation': ['relu', 'leaky_relu'] },
  };
  fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(config));
  const run = await cli(['run', 'cfg.json', '--workers', '1', '--backend', 'cpu']);
  expect(run.code).toBe(0);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('relu-lab compare, figure, bundles', () => {
  it('saves a comparison and rebuilds its figures and plotted data by script', async () => {
    const save = await cli(['compare', 'save', 'acts', '--experiment', '1', '--group-by', 'model.activation', '--band', 'se', '--layer', '2']);
    expect(save.code).toBe(0);
    expect(save.stdout).toContain('saved comparison 1 "acts"');
    const list = await cli(['compare', 'list']);
    expect(list.stdout).toContain('acts');

    const svg = await cli(['figure', 'acts', '--chart', 'dead-fraction', '--out', 'dead.svg', '--preset', 'double-column']);
    expect(svg.code).toBe(0);
    const svgText = fs.readFileSync(path.join(dir, 'dead.svg'), 'utf8');
    expect(svgText).toContain('width="7in"');
    expect(svgText).toContain('activation=relu');
    expect(svgText).toContain('activation=leaky_relu');

    const png = await cli(['figure', 'acts', '--chart', 'final-dead-bars', '--out', 'bars.png', '--dpi', '200']);
    expect(png.code).toBe(0);
    const bytes = fs.readFileSync(path.join(dir, 'bars.png'));
    expect(bytes.readUInt32BE(16)).toBe(700);

    const pdf = await cli(['figure', 'acts', '--chart', 'revival', '--out', 'revival.pdf']);
    expect(pdf.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'revival.pdf')).subarray(0, 5).toString()).toBe('%PDF-');

    const csv = await cli(['figure', 'acts', '--chart', 'dead-fraction', '--out', 'dead.csv']);
    expect(csv.code).toBe(0);
    const rows = fs.readFileSync(path.join(dir, 'dead.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    // Layer 2, group relu, epoch 3: the mean of the two seeds' stored dead fractions.
    const store = LabStore.open(db);
    const relu = store.listRuns({ experimentId: 1 }).filter((r) => r.sweep['model.activation'] === 'relu');
    const stored = relu.map((r) => store.getRunMetrics(r.id).find((e) => e.epoch === 3)!.layers[1].deadFraction);
    store.close();
    const row = rows.find((r) => r[2] === 'activation=relu' && r[3] === 'mean' && r[6] === '3')!;
    expect(Number(row[7])).toBeCloseTo((stored[0] + stored[1]) / 2, 12);

    const bad = await cli(['figure', 'acts', '--chart', 'pie', '--out', 'x.svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--chart: must be one of dead-fraction/);
    const missing = await cli(['figure', 'nope', '--out', 'x.svg']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no saved comparison "nope"/);
  });

  it('exports a bundle that imports once into another database and refuses a foreign file', async () => {
    const out = await cli(['export', '1', '--format', 'bundle', '--out', 'exp.relulab']);
    expect(out.code).toBe(0);
    const other = path.join(dir, 'other.sqlite');
    const first = await cli(['import', 'exp.relulab', '--db', other]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('imported 1 experiment and 4 runs');
    const second = await cli(['import', 'exp.relulab', '--db', other]);
    expect(second.stdout).toContain('imported 0 experiments and 0 runs (5 already present, skipped)');
    const foreign = await cli(['import', 'dead.svg', '--db', other]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/not a ReLU Lab bundle/);
  });

  it('saves how diverged runs count and which groups are hidden, and the figure, its CSV and footnote follow', async () => {
    fs.writeFileSync(
      path.join(dir, 'diverging.json'),
      JSON.stringify({
        name: 'diverging',
        dataset: { kind: 'moons', samples: 96 },
        model: { hiddenLayers: 2, width: 6 },
        training: { learningRate: 0.2, epochs: 4 },
        probe: { samples: 48 },
        seeds: [1, 2, 3],
        variants: [
          { name: 'ReLU', set: {} },
          { name: 'ELU at lr 1000', set: { 'model.activation': 'elu', 'training.learningRate': 1000 } },
          { name: 'PReLU at lr 1000', set: { 'model.activation': 'prelu', 'training.learningRate': 1000 } },
        ],
      }),
    );
    const run = await cli(['run', 'diverging.json', '--workers', '1', '--backend', 'cpu', '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { experimentId: number; runs: { status: string; sweep: Record<string, unknown>; epochs: { epoch: number }[] }[] };
    const elu = result.runs.filter((r) => r.sweep.variant === 'ELU at lr 1000');
    const eluDiverged = elu.filter((r) => r.status === 'diverged').length;
    expect(result.runs.some((r) => r.status === 'diverged')).toBe(true);
    const exp = String(result.experimentId);

    const badHide = await cli(['compare', 'save', 'div', '--experiment', exp, '--group-by', 'variant', '--hide', 'Tanh']);
    expect(badHide.code).toBe(2);
    expect(badHide.stderr).toContain('--hide: no group "Tanh"; the groups are "ReLU", "ELU at lr 1000", "PReLU at lr 1000"');
    const badDiverged = await cli(['compare', 'save', 'div', '--experiment', exp, '--diverged', 'drop']);
    expect(badDiverged.code).toBe(2);
    expect(badDiverged.stderr).toMatch(/--diverged: must be one of include, exclude, got "drop"/);

    const save = await cli(['compare', 'save', 'div', '--experiment', exp, '--group-by', 'variant', '--diverged', 'exclude', '--hide', 'ReLU', '--json']);
    expect(save.code).toBe(0);
    expect(JSON.parse(save.stdout).spec).toMatchObject({ divergedRuns: 'exclude', hiddenGroups: ['variant="ReLU"'] });

    const csv = await cli(['figure', 'div', '--chart', 'final-dead-bars', '--out', 'div-bars.csv']);
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(fs.readFileSync(path.join(dir, 'div-bars.csv'), 'utf8')) as string[][];
    expect(header).toEqual(['chart', 'panel', 'group', 'category', 'epoch', 'mean', 'lo', 'hi', 'n']);
    expect(rows.some((r) => r[2] === 'ReLU')).toBe(false);
    // ELU: only the runs that did not diverge count, at the last epoch they all reached.
    const eluRow = rows.find((r) => r[2] === 'ELU at lr 1000' && r[3].startsWith('Dense 1 ('))!;
    expect(Number(eluRow[8])).toBe(elu.length - eluDiverged);
    if (elu.length > eluDiverged) expect(Number(eluRow[4])).toBe(Math.min(...elu.filter((r) => r.status !== 'diverged').map((r) => Math.max(...r.epochs.map((e) => e.epoch)))));

    const svg = await cli(['figure', 'div', '--chart', 'dead-fraction', '--out', 'div.svg']);
    expect(svg.code).toBe(0);
    const text = fs.readFileSync(path.join(dir, 'div.svg'), 'utf8');
    expect(text).toContain('Hidden: ReLU (3 runs).');
    expect(text).toContain('Diverged runs (loss NaN or ∞) are excluded');
    if (eluDiverged > 0) expect(text).toContain(`ELU at lr 1000 (${eluDiverged}/3 diverged)`);
  });
});
