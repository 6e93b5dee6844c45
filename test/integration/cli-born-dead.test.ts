/**
 * `relu-lab figure --chart born-dead` on a reduced `born-dead` preset (widths 2 and 10, 8 seeds,
 * measured at initialization): the CSV's counts are the runs whose stored layers have a dead fraction
 * of 1 at epoch 0, with their Wilson interval; the SVG has the bars and error bars, the PNG its size.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../db/store.js';
import { wilsonInterval } from '../../shared/analysis/index.js';

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
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-born-dead-'));
  db = path.join(dir, 'lab.sqlite');
  const sets = ['dataset.samples=128', 'probe.samples=128', 'seeds={"from":1,"count":8}', 'sweep={"model.width":[2,10]}'];
  const run = await cli(['run', '--preset', 'born-dead', '--workers', '1', '--backend', 'cpu', ...sets.flatMap((s) => ['--set', s])]);
  expect(run.code, run.stderr).toBe(0);
}, 120_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('relu-lab figure --chart born-dead', () => {
  it('writes the share of runs with a fully dead layer, its Wilson interval and n, as CSV, SVG and PNG', async () => {
    const save = await cli(['compare', 'save', 'bd', '--experiment', '1', '--group-by', 'model.width']);
    expect(save.code, save.stderr).toBe(0);

    const csv = await cli(['figure', 'bd', '--chart', 'born-dead', '--out', 'bd.csv']);
    expect(csv.code, csv.stderr).toBe(0);
    const rows = parseCsv(fs.readFileSync(path.join(dir, 'bd.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const store = LabStore.open(db);
    const runs = store.listRuns({ experimentId: 1 });
    const bornDead = (width: number) =>
      runs.filter((r) => r.sweep['model.width'] === width).filter((r) => store.getRunMetrics(r.id).find((e) => e.epoch === 0)!.layers.some((l) => l.deadFraction === 1)).length;
    const expected = { 2: bornDead(2), 10: bornDead(10) };
    store.close();
    expect(rows.map((r) => r.group)).toEqual(['width=2', 'width=10']);
    for (const r of rows) {
      const width = Number(r.group.split('=')[1]) as 2 | 10;
      const w = wilsonInterval(expected[width], 8);
      expect(r).toMatchObject({ chart: 'born-dead', epoch: '0', n: '8', count: String(expected[width]) });
      expect(Number(r.mean)).toBe(expected[width] / 8);
      expect(Number(r.lo)).toBeCloseTo(w.lo, 12);
      expect(Number(r.hi)).toBeCloseTo(w.hi, 12);
    }
    // Narrow deep nets are born dead more often (Lu et al.): at width 2 most of 9 layers' 2 units die somewhere.
    expect(expected[2]).toBeGreaterThan(expected[10]);

    const svg = await cli(['figure', 'bd', '--chart', 'born-dead', '--out', 'bd.svg']);
    expect(svg.code, svg.stderr).toBe(0);
    const svgText = fs.readFileSync(path.join(dir, 'bd.svg'), 'utf8');
    expect(svgText).toContain('Born dead: share of runs with a fully dead layer');
    expect(svgText).toContain('Wilson score 95 % interval');
    expect(svgText.match(/class="bar"/g)).toHaveLength(2);
    expect(svgText.match(/class="error-bar"/g)).toHaveLength(2);

    const png = await cli(['figure', 'bd', '--chart', 'born-dead', '--out', 'bd.png', '--dpi', '200']);
    expect(png.code, png.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'bd.png')).readUInt32BE(16)).toBe(700);
  });
});
