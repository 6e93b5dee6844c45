import { CHART_KINDS } from '../../shared/compare.js';

/** Text broken into lines of at most `width` characters, each indented by `indent` spaces. */
function wrapped(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${' '.repeat(indent)}${l}`).join('\n');
}

/** The text of `relu-lab help` (and of `--help` after any command); the chart kinds are the comparison's. */
export const HELP = `relu-lab: an offline laboratory for the dying ReLU problem

Usage:
  relu-lab run CONFIG.json [options]     run an experiment described by a JSON file
  relu-lab run --preset NAME [options]   run a built-in experiment design
  relu-lab list [--json]                 list experiments and their runs
  relu-lab show RUN_ID [--json]          one run, epoch by epoch
  relu-lab export RUN_ID --format model --out DIR
                                         the run's final model (TF.js layers format) and probe set
  relu-lab export EXPERIMENT_ID --format csv|json --out FILE
                                         every run's metrics, long format
  relu-lab export EXPERIMENT_ID[,ID…] --format bundle --out FILE
                                         experiments as one bundle another ReLU Lab imports
  relu-lab import BUNDLE                 import a bundle (importing twice adds nothing)
  relu-lab run CONFIG.json --shard K/N|auto [--experiment-uid UUID] [--bundle-out FILE] [options]
                                         train slice K of N of the runs (one task of a cluster's
                                         array job), see docs/cluster.md
  relu-lab merge OUT.sqlite INPUT…       lab databases and bundles (e.g. shards) into one database
  relu-lab cluster slurm CONFIG.json --shards N [--project DIR] [--output DIR] [--cpus N]
                   [--time T] [--partition P] [--memory M] [--node PATH] [--out FILE]
                                         print an sbatch array script that trains the shards
  relu-lab cluster k8s CONFIG.json --shards N --image IMAGE [--parallelism P] [--cpus N]
                   [--memory M] [--volume-claim NAME] [--project DIR] [--out FILE]
                                         print a Kubernetes Indexed Job manifest that does
  relu-lab compare save NAME --experiment ID [--run ID] [--group-by FIELD] [--band std|se|ci95|none]
                   [--layer N|mean|all] [--show-runs] [--x-axis epoch|time] [--log-x] [--log-y]
                   [--smoothing W] [--at-epoch N] [--diverged include|exclude] [--hide GROUP]
                                         save a comparison by name (same name: replaced)
  relu-lab compare list|show|delete NAME saved comparisons
  relu-lab figure NAME --chart KIND --out FILE [--format svg|pdf|png|csv] [--dpi 300]
                   [--preset single-column|double-column|screen] [--font sans|serif]
                   [--font-size PT] [--grayscale] [--title TEXT]
                                         one chart of a saved comparison, as the app draws it
${wrapped(`(KIND: ${CHART_KINDS.join(', ')}; csv = exactly the plotted data)`, 41, 100)}
  relu-lab presets [--json]              the built-in experiment designs
  relu-lab serve [--port P] [--token T] [--no-open]
                                         the app in a web browser (web mode): serves the
                                         interface on 127.0.0.1 and prints a sign-in address
  relu-lab help                          this text

Options:
  --db FILE                 database file (default: $RELU_LAB_DB, else the app's lab.sqlite)
  --backend auto|tensorflow|wasm|cpu
                            training backend (auto: tfjs-node, else wasm, else cpu)
  --workers N               runs trained at once (default: cores - 1, at least 1;
                            at most twice the cores)
  --set path=value          override one config field, e.g. --set training.epochs=5 (repeatable)
  --json                    machine-readable output on stdout
  --name TEXT               experiment name (overrides the config's)
  --shard K/N|auto          run: only the runs i with i mod N = K - 1 (K from 1); auto reads
                            SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT,
                            or JOB_COMPLETION_INDEX + 1 of RELU_LAB_SHARD_COUNT (Kubernetes)
  --experiment-uid UUID     run, cluster: the uid the shards share (default for --shard: derived
                            from the validated config; cluster writes a fresh one)
  --bundle-out FILE         run: also write the experiment as a bundle when it ends
  --shards N                cluster: how many array tasks (at most one per run)
  --port P                  serve: port on 127.0.0.1 (default 0: a free port)
  --token T                 serve: a fixed API token (16+ characters of A-Z a-z 0-9 . _ ~ -), so
                            bookmarks survive a restart; default: webToken of settings.json, else
                            a random one. Other users can read command lines: prefer webToken
  --no-open                 serve: do not open a web browser

Exit codes: 0 done (diverged runs are results, not errors), 2 invalid config or
arguments, 1 anything else.`;
