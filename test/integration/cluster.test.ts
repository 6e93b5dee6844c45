/**
 * `relu-lab cluster`: the sbatch script parses, and run by bash as Slurm would (one process per
 * array task, the array variables set) it trains every shard and leaves the bundles its own merge
 * line merges into one experiment; the Kubernetes manifest parses as YAML into an Indexed Job.
 * Also the refusals of `--shard`, `--experiment-uid`, `--bundle-out`, `--shards` and `merge`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LabStore } from '../../db/store.js';
import { cliInProcess, ROOT, runProcess, type ProcessResult } from './processes.js';

// js-yaml ships no types: only loadAll is used.
const yaml = createRequire(import.meta.url)('js-yaml') as { loadAll(text: string): unknown[] };

const cli = cliInProcess;

function bash(script: string, args: string[], env: Record<string, string>): Promise<ProcessResult> {
  return runProcess('bash', [script, ...args], { cwd: dir, env: { ...process.env, ...env } });
}

let dir: string;
let config: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relu-lab-cluster-'));
  config = path.join(dir, 'three runs.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      name: "a researcher's sweep",
      dataset: { kind: 'moons', samples: 64 },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 2, batchSize: 16 },
      probe: { samples: 16 },
      seeds: [1, 2, 3],
    }),
  );
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
});

describe('relu-lab cluster slurm', () => {
  it('prints an sbatch array script that bash parses; run as 3 array tasks it leaves bundles its merge line merges', async () => {
    const output = path.join(dir, 'slurm out');
    const made = await cli(['cluster', 'slurm', config, '--shards', '3', '--project', ROOT, '--output', output, '--backend', 'cpu', '--set', 'training.epochs=1', '--time', '0:30:00']);
    expect(made.code).toBe(0);
    const script = path.join(dir, 'job.sh');
    fs.writeFileSync(script, made.stdout);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    const lines = made.stdout.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain('#SBATCH --array=1-3');
    expect(lines).toContain('#SBATCH --cpus-per-task=1');
    expect(lines).toContain('#SBATCH --time=0:30:00');
    const uid = /--experiment-uid ([0-9a-f-]{36})/.exec(made.stdout)![1];
    expect(made.stdout).toContain(`--shard auto --experiment-uid ${uid}`);
    expect(made.stdout).toContain(`--set training.epochs=1`);
    // Nothing is installed at run time.
    expect(lines.filter((l) => /^\s*(npm|npx|yarn|pnpm)\b/.test(l))).toEqual([]);
    // The merge to run afterwards, in the script's header and on stderr.
    const merge = /^# {3}(cd .* && node bin\/relu-lab\.mjs merge .*)$/m.exec(made.stdout)![1];
    expect(made.stderr).toContain(merge);

    // Slurm's view of an array submitted as --array=1-3.
    const tasks = await Promise.all(
      [1, 2, 3].map((id) =>
        bash(script, [], { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '3', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_JOB_ID: '77' }),
      ),
    );
    tasks.forEach((task, i) => {
      expect([i, task.code, task.stdout]).toEqual([i, 0, expect.stringContaining(`shard ${i + 1} of 3 done: ${output}/shard-${i + 1}.relulab`)]);
    });
    const merged = spawnSync('bash', ['-c', merge], { encoding: 'utf8' });
    expect([merged.status, merged.stderr]).toEqual([0, '']);
    expect(merged.stdout).toContain(`experiment 1 "a researcher's sweep": 3 runs of the 3 its config expands to`);
    const store = LabStore.open(path.join(output, 'merged.sqlite'), { readonly: true });
    try {
      const runs = store.listRuns();
      expect(runs.map((r) => [r.id, r.seed, r.status, r.epochsTotal])).toEqual([
        [1, 1, 'completed', 1],
        [2, 2, 'completed', 1],
        [3, 3, 'completed', 1],
      ]);
    } finally {
      store.close();
    }
    // Four processes, each loading TF.js: generous on a loaded machine.
  }, 480_000);

  it('refuses more shards than runs, a bad count and an unknown scheduler, naming the option', async () => {
    expect(await cli(['cluster', 'slurm', config, '--shards', '4'])).toEqual({ code: 2, stdout: '', stderr: 'relu-lab: --shards: at most one shard per run: this design has 3 runs, got 4\n' });
    expect(await cli(['cluster', 'slurm', config, '--shards', '0'])).toEqual({ code: 2, stdout: '', stderr: 'relu-lab: --shards: must be a whole number >= 1, got "0"\n' });
    expect(await cli(['cluster', 'slurm', config])).toEqual({ code: 2, stdout: '', stderr: 'relu-lab: --shards: required (how many array tasks share the runs)\n' });
    expect((await cli(['cluster', 'pbs', config, '--shards', '2'])).stderr).toBe('relu-lab: cluster: first say which scheduler, one of slurm, k8s, got "pbs"\n');
    expect((await cli(['cluster', 'slurm', config, '--shards', '2', '--set', 'training.learningRate=-1'])).stderr).toContain('training.learningRate: must be > 0, got -1');
  });
});

describe('relu-lab cluster k8s', () => {
  it('prints a ConfigMap and an Indexed Job that parse as YAML, with the image, the volume and the shard count', async () => {
    const made = await cli(['cluster', 'k8s', config, '--shards', '3', '--image', 'registry.example.org/lab:2', '--parallelism', '2', '--memory', '1Gi', '--cpus', '2', '--name', 'sweep: "quoted"']);
    expect(made.code).toBe(0);
    // The parsed manifest, read field by field below.
    type Manifest = { kind: string; metadata: { name: string }; data: Record<string, string>; spec: { template: { spec: { volumes: unknown[]; containers: { image: string; env: unknown; resources: { requests: unknown }; command: string[] }[] } } } };
    const [configMap, job] = yaml.loadAll(made.stdout) as Manifest[];
    expect(configMap.kind).toBe('ConfigMap');
    expect(JSON.parse(configMap.data['config.json'])).toEqual({ ...JSON.parse(fs.readFileSync(config, 'utf8')), name: 'sweep: "quoted"' });
    expect(job).toMatchObject({
      apiVersion: 'batch/v1',
      kind: 'Job',
      spec: { completionMode: 'Indexed', completions: 3, parallelism: 2, template: { spec: { restartPolicy: 'Never' } } },
    });
    const pod = job.spec.template.spec;
    const [container] = pod.containers;
    expect(container.image).toBe('registry.example.org/lab:2');
    expect(container.env).toEqual([{ name: 'RELU_LAB_SHARD_COUNT', value: '3' }]);
    expect(container.resources.requests).toEqual({ cpu: '2', memory: '1Gi' });
    expect(pod.volumes).toEqual([
      { name: 'config', configMap: { name: configMap.metadata.name } },
      { name: 'results', persistentVolumeClaim: { claimName: 'relu-lab-results' } },
    ]);
    expect(configMap.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    const shell = container.command[2] as string;
    expect(shell).toContain('--shard auto --experiment-uid');
    expect(shell).toContain('--workers 2');
    expect(shell).not.toMatch(/\bnpm\b/);
    // Kubernetes turns $$ into $ before the shell sees it.
    expect(spawnSync('sh', ['-n', '-c', shell.replaceAll('$$', '$')]).status).toBe(0);
  });

  it('needs an image', async () => {
    expect((await cli(['cluster', 'k8s', config, '--shards', '2'])).stderr).toBe('relu-lab: --image: required for k8s (an image holding the installed project)\n');
  });
});

describe('refusals of run --shard and merge', () => {
  const db = () => path.join(dir, 'never.sqlite');

  it('refuses a shard outside 1..N, auto without an array task, a bad uid and --bundle-out -, before anything is stored', async () => {
    expect(await cli(['run', config, '--shard', '4/3', '--db', db()])).toEqual({ code: 2, stdout: '', stderr: 'relu-lab: --shard: K must be from 1 to N (shards are numbered from 1), got "4/3"\n' });
    expect((await cli(['run', config, '--shard', '0/3', '--db', db()])).stderr).toBe('relu-lab: --shard: K must be from 1 to N (shards are numbered from 1), got "0/3"\n');
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('SLURM_') || name === 'JOB_COMPLETION_INDEX') delete process.env[name];
    try {
      expect((await cli(['run', config, '--shard', 'auto', '--db', db()])).stderr).toMatch(/^relu-lab: --shard: auto needs a Slurm array task .* none is set\n$/);
    } finally {
      Object.assign(process.env, saved);
    }
    expect((await cli(['run', config, '--experiment-uid', 'my-sweep', '--db', db()])).stderr).toBe(
      'relu-lab: --experiment-uid: must be a UUID such as 3f2b8c1e-5d4a-4e6f-9a7b-0c1d2e3f4a5b, got "my-sweep"\n',
    );
    expect((await cli(['run', config, '--bundle-out', '-', '--db', db()])).code).toBe(2);
    expect(fs.existsSync(db())).toBe(false);
  });

  it('merge names an input that is neither a database nor a bundle, and leaves OUT as it was', async () => {
    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not lab data');
    const out = path.join(dir, 'merge-out.sqlite');
    const result = await cli(['merge', out, text]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `relu-lab: merge refused, ${out} left as it was: ${text}: is neither a ReLU Lab database nor a bundle\n` });
    expect(fs.existsSync(out)).toBe(false);
    expect((await cli(['merge', out])).stderr).toBe('relu-lab: merge needs OUT.sqlite and at least one INPUT (a lab database or a bundle)\n');
    expect((await cli(['merge', out, out])).stderr).toContain('is the database merged into; give it only as OUT');
  });
});
