/**
 * A training worker thread: picks its TF.js backend once, then trains the runs it is sent, reporting
 * every measurement back to the training pool. A run sent alone builds its own network and frees it;
 * runs sent together (the pool found they share an architecture) train batched, as one stacked
 * computation, each with its own seed, data, probe and result. The same code serves the design
 * checks (a worker of its own): reading a csv data set for its shape, and the divergence quick check.
 *
 * Cancel (a shared flag per run set by the main thread) is honoured at every stage: while the backend
 * starts, while the data loads (between chunks of rows), between batches and between measurements.
 */
import { parentPort } from 'node:worker_threads';
import type { BackendChoice } from '../../shared/config.js';
import { firstLine } from '../../shared/errors.js';
import { initBackend } from '../engine/backend.js';
import { DatasetError, LoadCancelled, loadDataset } from '../engine/datasets/index.js';
import { quickDivergenceCheck } from '../engine/quick-check.js';
import { RunGroup } from '../engine/train.js';
import { createTrainer } from '../engine/autodiff-train.js';
import { stackProblem } from '../engine/stack.js';
import type { GroupMember, TrainHooks } from '../engine/outcome.js';
import type { RunArtifacts } from '../../shared/metrics.js';
import type { DesignFailure, DesignReply, DesignRequest, FromWorker, RunRequest, ToWorker } from './messages.js';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker | DesignReply) => port.postMessage(message);

let backendReady: Promise<Awaited<ReturnType<typeof initBackend>>> | null = null;
let backendChoice: BackendChoice | null = null;

/** Progress messages at most this often (the pool only needs it for bars and ETAs). */
const PROGRESS_INTERVAL_MS = 250;

function backend(choice: BackendChoice) {
  if (!backendReady || backendChoice !== choice) {
    backendChoice = choice;
    backendReady = initBackend(choice);
  }
  return backendReady;
}

type Request = RunRequest & { shouldStop: () => boolean };
type Outcome = Extract<FromWorker, { type: 'done' }>['status'];

function done(runId: number, status: Outcome, error: string | null, artifacts: RunArtifacts | null = null) {
  send({ type: 'done', runId, status, error, artifacts });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Hooks that report one run's measurements, progress and end to the pool. */
function reporting(run: Request): TrainHooks {
  let lastProgress = 0;
  return {
    onEpoch: (metrics) => send({ type: 'epoch', runId: run.runId, metrics }),
    shouldStop: run.shouldStop,
    onProgress: (fraction) => {
      const now = Date.now();
      if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
        lastProgress = now;
        send({ type: 'progress', runId: run.runId, fraction });
      }
    },
    onEnd: (result) => done(run.runId, result.status, result.reason, result.artifacts),
  };
}

async function train(message: Extract<ToWorker, { type: 'train' }>): Promise<void> {
  const flags = new Int32Array(message.cancel);
  const runs: Request[] = message.runs.map((r, i) => ({ ...r, shouldStop: () => Atomics.load(flags, i) === 1 }));
  let info: Awaited<ReturnType<typeof initBackend>>;
  try {
    info = await backend(message.backend);
  } catch (err) {
    for (const run of runs) done(run.runId, run.shouldStop() ? 'cancelled' : 'failed', run.shouldStop() ? null : messageOf(err));
    return;
  }
  if (runs.length === 1) return runOne(runs[0], info, message.baseDir);
  return runBatched(runs, info, message.baseDir);
}

async function runOne(run: Request, info: Awaited<ReturnType<typeof initBackend>>, baseDir: string): Promise<void> {
  const { runId, config, seed, shouldStop } = run;
  const cancelled = () => done(runId, 'cancelled', null);
  try {
    if (shouldStop()) return cancelled();
    send({ type: 'started', runId, backend: info.backend, versions: info.versions });
    const data = loadDataset(config.dataset, seed, { baseDir, shouldStop });
    if (shouldStop()) return cancelled();
    const trainer = createTrainer(config, seed, data);
    try {
      trainer.run(reporting(run));
    } finally {
      trainer.dispose();
    }
  } catch (err) {
    if (err instanceof LoadCancelled) return cancelled();
    done(runId, 'failed', messageOf(err));
  }
}

/**
 * Runs the pool sent together: each loads its data, those whose data fit train as one stack (the
 * rest one at a time), and each run's messages go out as they happen.
 */
async function runBatched(runs: Request[], info: Awaited<ReturnType<typeof initBackend>>, baseDir: string): Promise<void> {
  const loaded: (GroupMember & { run: Request })[] = [];
  for (const run of runs) {
    if (run.shouldStop()) {
      done(run.runId, 'cancelled', null);
      continue;
    }
    try {
      loaded.push({ run, config: run.config, seed: run.seed, data: loadDataset(run.config.dataset, run.seed, { baseDir, shouldStop: run.shouldStop }) });
    } catch (err) {
      if (err instanceof LoadCancelled) {
        done(run.runId, 'cancelled', null);
      } else {
        send({ type: 'started', runId: run.runId, backend: info.backend, versions: info.versions });
        done(run.runId, 'failed', messageOf(err));
      }
    }
  }
  // Runs whose loaded data differ in shape from the others' cannot share their stack.
  const stacks: (typeof loaded)[] = [];
  for (const member of loaded) {
    const stack = stacks.find((s) => stackProblem([s[0], member]) === null);
    if (stack) stack.push(member);
    else stacks.push([member]);
  }
  for (const stack of stacks) {
    if (stack.length === 1) {
      const [{ run }] = stack;
      await runOne(run, info, baseDir);
      continue;
    }
    const versions = { ...info.versions, batchedRuns: String(stack.length) };
    for (const { run } of stack) send({ type: 'started', runId: run.runId, backend: info.backend, versions });
    let group: RunGroup | null = null;
    try {
      group = new RunGroup(stack, { stacked: true });
      group.run(stack.map(({ run }) => reporting(run)));
    } catch (err) {
      // A fault (not divergence) ends every run of the stack that had not ended yet.
      const results = group?.results() ?? [];
      stack.forEach(({ run }, i) => {
        if (!results[i]) done(run.runId, 'failed', messageOf(err));
      });
    } finally {
      group?.dispose();
    }
  }
}

function failure(err: unknown): DesignFailure {
  if (err instanceof LoadCancelled) return { field: null, message: err.message, cancelled: true };
  if (err instanceof DatasetError) return { field: err.field, message: err.problem };
  return { field: null, message: firstLine(err) };
}

async function design(request: DesignRequest): Promise<void> {
  const cancel = new Int32Array(request.cancel);
  const shouldStop = () => Atomics.load(cancel, 0) === 1;
  if (request.type === 'inspect') {
    try {
      const data = loadDataset(request.dataset, request.seed, { baseDir: request.baseDir, shouldStop });
      send({ type: 'inspected', requestId: request.requestId, shape: { samples: data.nTrain + data.nVal, inputs: data.inputSize, outputs: data.outputSize }, failure: null });
    } catch (err) {
      send({ type: 'inspected', requestId: request.requestId, shape: null, failure: failure(err) });
    }
    return;
  }
  try {
    await backend(request.backend);
    const result = quickDivergenceCheck(request.setups, { ...request.options, baseDir: request.baseDir, shouldStop });
    if (shouldStop()) throw new LoadCancelled();
    send({ type: 'quick-checked', requestId: request.requestId, result, failure: null });
  } catch (err) {
    send({ type: 'quick-checked', requestId: request.requestId, result: null, failure: failure(err) });
  }
}

// Messages are processed strictly one after another.
let chain = Promise.resolve();
port.on('message', (message: ToWorker | DesignRequest) => {
  if (message.type === 'exit') {
    chain = chain.then(() => process.exit(0));
    return;
  }
  chain = chain.then(() => (message.type === 'train' ? train(message) : design(message)));
});
