/**
 * `relu-lab cluster slurm|k8s CONFIG.json --shards N`: prints the job file that trains an
 * experiment as N shards on a cluster's own scheduler (a Slurm `sbatch` array script, or a
 * Kubernetes Indexed Job manifest), with a fresh experiment uid all its tasks share. The design is
 * validated first (exit 2, nothing printed on stdout). See docs/cluster.md.
 */
import path from 'node:path';
import { validateExperiment } from '../../../shared/config.js';
import { newExperimentUid } from '../../../db/uids.js';
import { parseArgs, UsageError, wholeNumber } from '../args.js';
import { kubernetesManifest, mergeCommandLine, shellQuote, slurmScript, type ClusterJob } from '../cluster-jobs.js';
import { designInput, invalidConfig, DESIGN_OPTIONS } from '../config-input.js';
import { help, type CliIo } from '../context.js';
import { terminalSafe } from '../format.js';
import { backendOption, shardPlacementOptions } from '../options.js';
import { writeOutput } from '../output.js';

const TARGETS = ['slurm', 'k8s'] as const;

/** A short option value written into the job file as is (a time, a partition, a size). */
function plainValue(name: string, value: unknown, rule: RegExp, example: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !rule.test(value)) throw new UsageError(`--${name}: must look like ${example}, got ${JSON.stringify(value)}`);
  return value;
}

export function clusterCommand(argv: string[], io: CliIo): number {
  const { positionals, options } = parseArgs(argv, {
    ...DESIGN_OPTIONS,
    shards: { value: true },
    'experiment-uid': { value: true },
    backend: { value: true },
    cpus: { value: true },
    project: { value: true },
    output: { value: true },
    node: { value: true },
    time: { value: true },
    partition: { value: true },
    memory: { value: true },
    image: { value: true },
    parallelism: { value: true },
    'volume-claim': { value: true },
    out: { value: true },
    help: {},
  });
  if (help(options, io)) return 0;
  const [target, ...rest] = positionals;
  if (!(TARGETS as readonly (string | undefined)[]).includes(target)) {
    throw new UsageError(`cluster: first say which scheduler, one of ${TARGETS.join(', ')}, got ${JSON.stringify(target ?? null)}`);
  }
  if (options.shards === undefined) throw new UsageError('--shards: required (how many array tasks share the runs)');
  const shards = wholeNumber('shards', options.shards);
  const input = designInput(`cluster ${target}`, rest, options);
  if ('issues' in input) return invalidConfig(io, input.source, input.issues);
  const validation = validateExperiment(input.raw);
  if (!validation.ok) return invalidConfig(io, input.source, validation.issues);
  const runs = validation.runs.length;
  if (shards > runs) throw new UsageError(`--shards: at most one shard per run: this design has ${runs} run${runs === 1 ? '' : 's'}, got ${shards}`);

  const common: ClusterJob = {
    name: validation.config.name,
    runs,
    shards,
    experimentUid: shardPlacementOptions({ 'experiment-uid': options['experiment-uid'] }, {})?.uid ?? newExperimentUid(),
    backend: backendOption(options.backend) ?? 'wasm',
    workers: options.cpus === undefined ? 1 : wholeNumber('cpus', options.cpus),
    generatedBy: ['relu-lab', 'cluster', ...argv].map(shellQuote).join(' '),
  };
  const memory = plainValue('memory', options.memory, /^\d+(\.\d+)?([KMGT]i?)?$/, '4G (Slurm) or 4Gi (Kubernetes)');
  const out = typeof options.out === 'string' ? options.out : '-';
  let text: string;
  let merge: string;
  if (target === 'slurm') {
    const project = path.resolve(typeof options.project === 'string' ? options.project : process.cwd());
    const output = path.resolve(typeof options.output === 'string' ? options.output : 'relu-lab-shards');
    // The tasks read the design themselves (an absolute path: they start elsewhere), with the same --set and --name.
    const design = [
      ...(typeof options.preset === 'string' ? ['--preset', options.preset] : [path.resolve(rest[0])]),
      ...((options.set as string[] | undefined) ?? []).flatMap((s) => ['--set', s]),
      ...(typeof options.name === 'string' ? ['--name', options.name] : []),
    ];
    text = slurmScript({
      ...common,
      project,
      design,
      output,
      node: typeof options.node === 'string' ? options.node : 'node',
      time: plainValue('time', options.time, /^(\d+-)?\d+(:\d{1,2}){0,2}$/, '2:00:00 or 1-12:00:00'),
      partition: plainValue('partition', options.partition, /^[A-Za-z0-9_.,-]+$/, 'gpu or short'),
      memory,
    });
    merge = `cd ${shellQuote(project)} && ${mergeCommandLine('node bin/relu-lab.mjs', output)}`;
  } else {
    if (typeof options.image !== 'string' || options.image === '') throw new UsageError('--image: required for k8s (an image holding the installed project)');
    const parallelism = options.parallelism === undefined ? shards : wholeNumber('parallelism', options.parallelism);
    text = kubernetesManifest({
      ...common,
      image: options.image,
      project: typeof options.project === 'string' ? options.project : '/app',
      config: input.raw,
      volumeClaim: plainValue('volume-claim', options['volume-claim'], /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'relu-lab-results') ?? 'relu-lab-results',
      parallelism: Math.min(parallelism, shards),
      memory,
    });
    merge = mergeCommandLine('npx relu-lab', '/relu-lab/results');
  }
  const where = writeOutput(out, text, io);
  io.stderr.write(
    `relu-lab: ${target === 'slurm' ? 'sbatch script' : 'Kubernetes manifest'} for "${terminalSafe(common.name)}" written to ${where}: ` +
      `${runs} runs in ${shards} shards, experiment uid ${common.experimentUid}\n` +
      `relu-lab: when every shard has finished, merge them with:\n  ${terminalSafe(merge)}\n`,
  );
  return 0;
}
