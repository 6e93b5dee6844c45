/**
 * A training worker thread: picks its TF.js backend once, then trains the runs it is sent, one at a
 * time, reporting every measurement back to the training pool. Runs never share state: each builds its own
 * network and frees it. The same code serves the design checks (a worker of its own): reading a
 * csv data set for its shape, and the divergence quick check.
 *
 * Cancel (a shared flag set by the main thread) is honoured at every stage: while the backend
 * starts, while the data loads (between chunks of rows), between batches and between measurements.
 */
import { parentPort } from 'node:worker_threads';
import type { BackendChoice } from '../../shared/config.js';
import { initBackend } from '../engine/backend.js';
import { DatasetError, LoadCancelled, loadDataset } from '../engine/datasets.js';
import { quickDivergenceCheck } from '../engine/quick-check.js';
import { Trainer } from '../engine/train.js';
import type { DesignFailure, DesignReply, DesignRequest, FromWorker, ToWorker } from './messages.js';

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

async function runOne(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { runId, config, seed } = message;
  const cancel = new Int32Array(message.cancel);
  const shouldStop = () => Atomics.load(cancel, 0) === 1;
  const cancelled = () => send({ type: 'done', runId, status: 'cancelled', error: null, artifacts: null });
  try {
    const info = await backend(message.backend);
    if (shouldStop()) return cancelled();
    send({ type: 'started', runId, backend: info.backend, versions: info.versions });
    const data = loadDataset(config.dataset, seed, { baseDir: message.baseDir, shouldStop });
    if (shouldStop()) return cancelled();
    const trainer = new Trainer(config, seed, data);
    try {
      let lastProgress = 0;
      const result = trainer.run({
        onEpoch: (metrics) => send({ type: 'epoch', runId, metrics }),
        shouldStop,
        onProgress: (fraction) => {
          const now = Date.now();
          if (now - lastProgress >= PROGRESS_INTERVAL_MS) {
            lastProgress = now;
            send({ type: 'progress', runId, fraction });
          }
        },
      });
      send({ type: 'done', runId, status: result.status, error: result.reason, artifacts: result.artifacts });
    } finally {
      trainer.dispose();
    }
  } catch (err) {
    if (err instanceof LoadCancelled) return cancelled();
    send({ type: 'done', runId, status: 'failed', error: err instanceof Error ? err.message : String(err), artifacts: null });
  }
}

function failure(err: unknown): DesignFailure {
  if (err instanceof LoadCancelled) return { field: null, message: err.message, cancelled: true };
  if (err instanceof DatasetError) return { field: err.field, message: err.problem };
  return { field: null, message: err instanceof Error ? err.message.split('\n')[0] : String(err) };
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
  chain = chain.then(() => (message.type === 'run' ? runOne(message) : design(message)));
});
