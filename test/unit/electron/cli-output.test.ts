/**
 * What the CLI writes and where: `--out FILE|DIR|-` for every command that writes a file (export
 * csv/json/bundle/model, figure), symbolic links, devices and FIFOs, a reader that closes the pipe
 * early, and user-given names with control or bidi characters in the terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../../db/store.js';
import { validateExperiment } from '../../../shared/config.js';
import { main } from '../../../electron/cli/main.js';
import { jsonText, sweepLabel, table, terminalSafe } from '../../../electron/cli/format.js';
import { handleClosedStandardStreams, writeFileAtomic } from '../../../electron/cli/output.js';
import { tempDir } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const CLI = path.join(ROOT, 'bin/relu-lab.mjs');

/** Standard output or error of an in-process `main`, as bytes. */
class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
  get text(): string {
    return this.bytes.toString('utf8');
  }
}

async function cli(args: string[], options: { tty?: boolean } = {}) {
  const stdout = new Capture(options.tty ?? false);
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, stdout, stderr };
}

/** Characters a terminal acts on instead of showing (see terminalSafe). */
// eslint-disable-next-line no-control-regex
const RAW_UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

// One trained experiment shared by the tests below (the files they write go to their own folders).
let db: string;
let runId: number;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cli-output-'));
  db = path.join(dir, 'lab.sqlite');
  const config = {
    name: 'out tests',
    dataset: { kind: 'moons', samples: 64 },
    model: { hiddenLayers: 1, width: 4 },
    training: { learningRate: 0.1, epochs: 1 },
    probe: { samples: 16 },
    seeds: [1],
  };
  fs.writeFileSync(path.join(dir, 'cfg.json'), JSON.stringify(config));
  const run = await cli(['run', path.join(dir, 'cfg.json'), '--db', db, '--workers', '1', '--backend', 'cpu']);
  expect(run.stderr.text).not.toMatch(/failed/);
  expect(run.code).toBe(0);
  const store = LabStore.open(db);
  runId = store.listRuns()[0].id;
  store.close();
  expect(await cli(['compare', 'save', 'fig', '--experiment', '1', '--db', db]).then((r) => r.code)).toBe(0);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('--out - (standard output)', () => {
  it('writes csv, json, bundles and figures to standard output, and the message to stderr', async () => {
    const csv = await cli(['export', '1', '--format', 'csv', '--out', '-', '--db', db]);
    expect(csv.code).toBe(0);
    expect(csv.stdout.text.split('\n')[0]).toMatch(/^experiment_id,/);
    expect(csv.stderr.text).toMatch(/^wrote \d+ rows to standard output\n$/);
    expect(fs.existsSync(path.join(process.cwd(), '-'))).toBe(false);

    const json = await cli(['export', '1', '--format', 'json', '--out', '-', '--db', db]);
    expect(json.code).toBe(0);
    expect(Array.isArray(JSON.parse(json.stdout.text))).toBe(true);

    const bundle = await cli(['export', '1', '--format', 'bundle', '--out', '-', '--db', db]);
    expect(bundle.code).toBe(0);
    const bundleFile = path.join(tempDir(), 'piped.relulab');
    fs.writeFileSync(bundleFile, bundle.stdout.bytes);
    const other = path.join(tempDir(), 'other.sqlite');
    expect((await cli(['import', bundleFile, '--db', other])).code).toBe(0);

    const svg = await cli(['figure', 'fig', '--chart', 'dead-fraction', '--out', '-', '--db', db]);
    expect(svg.code).toBe(0);
    expect(svg.stdout.text).toMatch(/^<\?xml[^>]*>\s*<svg[\s\S]*<\/svg>\s*$/);
    expect(svg.stderr.text).toMatch(/wrote SVG of dead-fraction for comparison "fig" to standard output/);

    const png = await cli(['figure', 'fig', '--chart', 'loss', '--format', 'png', '--dpi', '72', '--out', '-', '--db', db]);
    expect(png.code).toBe(0);
    expect(png.stdout.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('never writes binary data to a terminal, and a model folder cannot go to standard output', async () => {
    for (const args of [
      ['figure', 'fig', '--format', 'png', '--out', '-'],
      ['figure', 'fig', '--format', 'pdf', '--out', '-'],
      ['export', '1', '--format', 'bundle', '--out', '-'],
    ]) {
      const r = await cli([...args, '--db', db], { tty: true });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout.bytes.length).toBe(0);
      expect(r.stderr.text).toMatch(/^relu-lab: --out -: standard output is a terminal and .* is binary; redirect it/);
    }
    // Text is fine on a terminal.
    expect((await cli(['figure', 'fig', '--format', 'svg', '--out', '-', '--db', db], { tty: true })).code).toBe(0);
    const model = await cli(['export', String(runId), '--format', 'model', '--out', '-', '--db', db]);
    expect(model.code).toBe(2);
    expect(model.stderr.text).toBe('relu-lab: --out -: a model is a folder of several files, it cannot go to standard output; give a folder\n');
  });
});

describe('--out through symbolic links', () => {
  it('writes through a link to a file: the target is replaced, the link stays a link', async () => {
    const here = tempDir();
    const targets = path.join(here, 'real');
    fs.mkdirSync(targets);
    const cases: [string[], string, (data: Buffer) => void][] = [
      [['export', '1', '--format', 'csv'], 'metrics.csv', (d) => expect(d.toString().startsWith('experiment_id,')).toBe(true)],
      [['export', '1', '--format', 'json'], 'metrics.json', (d) => expect(Array.isArray(JSON.parse(d.toString()))).toBe(true)],
      [['export', '1', '--format', 'bundle'], 'lab.relulab', (d) => expect(d.length).toBeGreaterThan(100)],
      [['figure', 'fig', '--format', 'pdf'], 'fig.pdf', (d) => expect(d.subarray(0, 5).toString()).toBe('%PDF-')],
    ];
    for (const [args, name, check] of cases) {
      const target = path.join(targets, name);
      fs.writeFileSync(target, 'old contents');
      const link = path.join(here, `link-${name}`);
      fs.symlinkSync(path.relative(here, target), link);
      const r = await cli([...args, '--out', link, '--db', db]);
      expect(r.code, `${args.join(' ')}: ${r.stderr.text}`).toBe(0);
      expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
      check(fs.readFileSync(target));
    }
    // A dangling link creates its target; a chain of links is followed to the end.
    const dangling = path.join(here, 'dangling.csv');
    fs.symlinkSync(path.join(targets, 'new', 'created.csv'), dangling);
    expect((await cli(['export', '1', '--format', 'csv', '--out', dangling, '--db', db])).code).toBe(0);
    expect(fs.readFileSync(path.join(targets, 'new', 'created.csv'), 'utf8')).toMatch(/^experiment_id,/);
    const chain = path.join(here, 'chain.csv');
    fs.symlinkSync(path.join(here, 'link-metrics.csv'), chain);
    fs.writeFileSync(path.join(targets, 'metrics.csv'), 'old');
    expect((await cli(['export', '1', '--format', 'csv', '--out', chain, '--db', db])).code).toBe(0);
    expect(fs.readFileSync(path.join(targets, 'metrics.csv'), 'utf8')).toMatch(/^experiment_id,/);
    expect(fs.readdirSync(targets).sort()).toEqual(['fig.pdf', 'lab.relulab', 'metrics.csv', 'metrics.json', 'new']);
  });

  it('writes a model into a linked folder and through links inside it', async () => {
    const here = tempDir();
    fs.mkdirSync(path.join(here, 'models'));
    fs.symlinkSync(path.join(here, 'models'), path.join(here, 'latest'));
    fs.writeFileSync(path.join(here, 'kept.json'), 'old');
    fs.symlinkSync(path.join(here, 'kept.json'), path.join(here, 'models', 'model.json'));
    const r = await cli(['export', String(runId), '--format', 'model', '--out', path.join(here, 'latest'), '--db', db]);
    expect(r.code, r.stderr.text).toBe(0);
    expect(fs.lstatSync(path.join(here, 'latest')).isSymbolicLink()).toBe(true);
    expect(fs.lstatSync(path.join(here, 'models', 'model.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(here, 'kept.json'), 'utf8')).format).toBe('layers-model');
    expect(fs.readdirSync(path.join(here, 'models')).sort()).toEqual(['model.json', 'probe.json', 'weights.bin']);
  });
});

describe('--out refuses what is not a regular file', () => {
  it('refuses a character device, naming it, and leaves it a device', async () => {
    const before = fs.statSync('/dev/null');
    expect(before.isCharacterDevice()).toBe(true);
    for (const args of [
      ['export', '1', '--format', 'csv'],
      ['export', '1', '--format', 'bundle'],
      ['figure', 'fig', '--format', 'svg'],
    ]) {
      const r = await cli([...args, '--out', '/dev/null', '--db', db]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.text).toBe('relu-lab: --out /dev/null: is a character device; ReLU Lab writes only regular files (use --out - to write to standard output)\n');
    }
    const after = fs.statSync('/dev/null');
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.rdev).toBe(before.rdev);
    // Also through a link, which the message names.
    const link = path.join(tempDir(), 'null-link');
    fs.symlinkSync('/dev/null', link);
    const r = await cli(['export', '1', '--format', 'json', '--out', link, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr.text).toBe(`relu-lab: --out ${link}: is a character device (the link leads to /dev/null); ReLU Lab writes only regular files (use --out - to write to standard output)\n`);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('refuses a FIFO (without blocking on it) and a folder, and a file where a model folder goes', async () => {
    const here = tempDir();
    const fifo = path.join(here, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const r = await cli(['export', '1', '--format', 'csv', '--out', fifo, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr.text).toBe(`relu-lab: --out ${fifo}: is a named pipe (FIFO); ReLU Lab writes only regular files (use --out - to write to standard output)\n`);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);

    const folder = path.join(here, 'folder');
    fs.mkdirSync(folder);
    const f = await cli(['figure', 'fig', '--out', folder, '--format', 'svg', '--db', db]);
    expect(f.code).toBe(2);
    expect(f.stderr.text).toMatch(/^relu-lab: --out .*folder: is a folder; ReLU Lab writes only regular files/);

    const file = path.join(here, 'file.txt');
    fs.writeFileSync(file, 'keep me');
    const m = await cli(['export', String(runId), '--format', 'model', '--out', file, '--db', db]);
    expect(m.code).toBe(2);
    expect(m.stderr.text).toBe(`relu-lab: --out ${file}: is a file; a model is written into a folder\n`);
    expect(fs.readFileSync(file, 'utf8')).toBe('keep me');

    // A FIFO inside the model folder is refused too, before anything blocks on it.
    const models = path.join(here, 'models');
    fs.mkdirSync(models);
    expect(spawnSync('mkfifo', [path.join(models, 'weights.bin')]).status).toBe(0);
    const inside = await cli(['export', String(runId), '--format', 'model', '--out', models, '--db', db]);
    expect(inside.code).toBe(2);
    expect(inside.stderr.text).toMatch(/--out .*models\/weights\.bin: is a named pipe \(FIFO\)/);
    expect(fs.readdirSync(models)).toEqual(['weights.bin']);
  });
});

describe('writeFileAtomic', () => {
  it('replaces a file whole, keeps its permissions, and leaves no temporary file behind', () => {
    const here = tempDir();
    const file = path.join(here, 'out.csv');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o640);
    expect(writeFileAtomic(file, 'new')).toBe(file);
    expect(fs.readFileSync(file, 'utf8')).toBe('new');
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(here)).toEqual(['out.csv']);
    // Missing folders are created.
    writeFileAtomic(path.join(here, 'a', 'b', 'c.json'), '{}');
    expect(fs.readFileSync(path.join(here, 'a', 'b', 'c.json'), 'utf8')).toBe('{}');
  });
});

describe('README: loading an exported model with plain @tensorflow/tfjs', () => {
  /** Runs an ES module from the checkout (so it resolves the project's node_modules). */
  function runModule(code: string, cwd: string) {
    const folder = path.join(ROOT, 'test-results');
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `readme-snippet-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
    fs.writeFileSync(file, code);
    try {
      return spawnSync(process.execPath, [file], { cwd, encoding: 'utf8' });
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  it('the documented IO handler loads the folder and predicts; file:// needs tfjs-node', async () => {
    const here = tempDir();
    const folder = path.join(here, 'run-7-model');
    expect((await cli(['export', String(runId), '--format', 'model', '--out', folder, '--db', db])).code).toBe(0);
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /give\s+it a small file-reading IO handler instead:\n\n {2}```js\n([\s\S]*?)\n {2}```/.exec(readme);
    expect(block).not.toBeNull();
    const snippet = block![1].replace(/^ {2}/gm, '');
    const run = runModule(snippet, here);
    expect(run.status, run.stderr).toBe(0);
    // Tensor.print(): the probe set's 16 rows of 2 class probabilities.
    expect(run.stdout).toMatch(/Tensor\s*\n\s*\[\[/);
    const rows = (run.stdout.match(/\[\s*\d\.\d+,\s*\d\.\d+\s*\]/g) ?? []).map((row) => row.slice(1, -1).split(',').map(Number));
    expect(rows).toHaveLength(16);
    for (const [p0, p1] of rows) expect(p0 + p1).toBeCloseTo(1, 5);

    const plain = runModule(
      `import * as tf from '@tensorflow/tfjs';\ntry { await tf.loadLayersModel(${JSON.stringify(`file://${path.join(folder, 'model.json')}`)}); console.log('loaded'); } catch (e) { console.log('refused: ' + e.message); }\n`,
      here,
    );
    expect(plain.stdout).toContain('refused: fetch failed');
  }, 60_000);
});

describe('a closed pipe', () => {
  it('relu-lab list | head -1 ends quietly: status 0, nothing on stderr', async () => {
    // Enough experiments that `list` writes well past the pipe's buffer after head has left.
    const here = tempDir();
    const listDb = path.join(here, 'many.sqlite');
    const store = LabStore.open(listDb);
    const v = validateExperiment({ name: 'x', dataset: { kind: 'moons' }, model: { hiddenLayers: 1, width: 2 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!v.ok) throw new Error('invalid');
    for (let i = 0; i < 600; i++) store.createExperiment({ name: `experiment number ${i} with a reasonably long name`, config: {}, runs: v.runs });
    store.close();
    const result = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve, reject) => {
      const child = spawn('bash', ['-c', 'node "$CLI" list --db "$DB" | head -1; echo "status=${PIPESTATUS[0]}"'], {
        env: { ...process.env, CLI, DB: listDb },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ stdout, stderr, code }));
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^experiment 600 {2}"experiment number 599 with a reasonably long name".*\nstatus=0\n$/);
  }, 60_000);

  it('any other failure of standard output is one line and status 1; a lost stderr is ignored', () => {
    const stdout = new Writable();
    const stderr = new Writable();
    const exits: number[] = [];
    const lines: string[] = [];
    handleClosedStandardStreams({ stdout, stderr }, (code) => exits.push(code), (line) => lines.push(line));
    stdout.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    stdout.emit('error', Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    stderr.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(exits).toEqual([0, 1]);
    expect(lines).toEqual(['relu-lab: cannot write to standard output: no space left on device\n']);
  });
});

describe('names with control or bidi characters', () => {
  const EVIL = 'evil\u001b]0;owned\u0007\u001b[2J\r\u202eexe.txt\u2066';

  it('terminalSafe escapes controls and bidi characters visibly and keeps everything else', () => {
    expect(terminalSafe(EVIL)).toBe('evil\\x1b]0;owned\\x07\\x1b[2J\\r\\u202eexe.txt\\u2066');
    expect(terminalSafe('a\nb\tc\u0085d\u007f\u061c\u200e\u2028')).toBe('a\\nb\\tc\\x85d\\x7f\\u061c\\u200e\\u2028');
    expect(terminalSafe('ReLU — Leaky α=0.01, 日本語, naïve')).toBe('ReLU — Leaky α=0.01, 日本語, naïve');
    expect(terminalSafe(terminalSafe(EVIL))).toBe(terminalSafe(EVIL));
    expect(table(['name'], [[EVIL]])).not.toMatch(RAW_UNSAFE);
    expect(sweepLabel({ sweep: { variant: EVIL } })).toBe(terminalSafe(EVIL));
    // JSON stays valid and means the same, with nothing raw left for the terminal.
    const json = jsonText({ name: EVIL });
    expect(json).not.toMatch(RAW_UNSAFE);
    expect(JSON.parse(json)).toEqual({ name: EVIL });
  });

  it('list, show, compare and error messages print them escaped', async () => {
    const here = tempDir();
    const evilDb = path.join(here, 'evil.sqlite');
    const v = validateExperiment({
      name: EVIL,
      dataset: { kind: 'moons' },
      model: { hiddenLayers: 1, width: 2 },
      training: { learningRate: 0.1, epochs: 1 },
      variants: [{ name: `variant ${EVIL}`, set: { 'training.learningRate': 0.2 } }],
    });
    if (!v.ok) throw new Error(JSON.stringify(v.issues));
    const store = LabStore.open(evilDb);
    const { runIds } = store.createExperiment({ name: EVIL, config: {}, runs: v.runs, tags: [`tag\u001b[31m\u202e`] });
    store.close();

    const outputs = [
      await cli(['list', '--db', evilDb]),
      await cli(['list', '--json', '--db', evilDb]),
      await cli(['show', String(runIds[0]), '--db', evilDb]),
      await cli(['show', String(runIds[0]), '--json', '--db', evilDb]),
      await cli(['compare', 'save', EVIL, '--experiment', '1', '--db', evilDb]),
      await cli(['compare', 'list', '--db', evilDb]),
      await cli(['compare', 'show', EVIL, '--db', evilDb]),
      await cli(['compare', 'show', `missing ${EVIL}`, '--db', evilDb]),
      await cli(['show', `\u202e12`, '--db', evilDb]),
      await cli(['run', '--preset', `\u202eevil`, '--db', evilDb]),
      await cli(['compare', 'delete', EVIL, '--db', evilDb]),
    ];
    for (const o of outputs) {
      expect(o.stdout.text, o.stdout.text).not.toMatch(RAW_UNSAFE);
      expect(o.stderr.text, o.stderr.text).not.toMatch(RAW_UNSAFE);
    }
    const [list, listJson, show, showJson, saved, compareList, , missing, badId] = outputs;
    expect(list.stdout.text).toContain(`"${terminalSafe(EVIL)}"`);
    expect(list.stdout.text).toContain('tags: tag\\x1b[31m\\u202e');
    expect(list.stdout.text).toContain(`variant ${terminalSafe(EVIL)}`);
    expect((JSON.parse(listJson.stdout.text) as { experiments: { name: string }[] }).experiments[0].name).toBe(EVIL);
    expect(show.stdout.text).toContain(`variant ${terminalSafe(EVIL)}`);
    expect((JSON.parse(showJson.stdout.text) as { sweep: { variant: string } }).sweep.variant).toBe(`variant ${EVIL}`);
    expect(saved.stdout.text).toBe(`saved comparison 1 "${terminalSafe(EVIL)}"\n`);
    expect(compareList.stdout.text).toContain(terminalSafe(EVIL));
    expect(missing.code).toBe(1);
    expect(missing.stderr.text).toContain('\\u202e');
    expect(badId.code).toBe(2);
    expect(badId.stderr.text).toBe('relu-lab: RUN_ID: must be a positive whole number, got "\\u202e12"\n');
  });
});
