/**
 * A training worker thread: picks its TF.js backend once, then trains the runs it is sent, one at a
 * time, reporting every measurement back to the lab. Runs never share state: each builds its own
 * network and frees it.
 */
import { parentPort } from 'node:worker_threads';
import type { BackendChoice } from '../../shared/config.js';
import { initBackend } from '../engine/backend.js';
import { loadDataset } from '../engine/datasets.js';
import { Trainer } from '../engine/train.js';
import type { FromWorker, ToWorker } from './messages.js';

if (!parentPort) throw new Error('worker.ts must run in a worker thread');
const port = parentPort;
const send = (message: FromWorker) => port.postMessage(message);

let backendReady: Promise<Awaited<ReturnType<typeof initBackend>>> | null = null;
let backendChoice: BackendChoice | null = null;

/** Progress messages at most this often (the lab only needs it for bars and ETAs). */
const PROGRESS_INTERVAL_MS = 250;

async function runOne(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { runId, config, seed } = message;
  const cancel = new Int32Array(message.cancel);
  try {
    if (!backendReady || backendChoice !== message.backend) {
      backendChoice = message.backend;
      backendReady = initBackend(message.backend);
    }
    const backend = await backendReady;
    const data = loadDataset(config.dataset, seed, { baseDir: message.baseDir });
    send({ type: 'started', runId, backend: backend.backend, versions: backend.versions, dataset: data.description });
    const trainer = new Trainer(config, seed, data);
    try {
      let lastProgress = 0;
      const result = trainer.run({
        onEpoch: (metrics) => send({ type: 'epoch', runId, metrics }),
        shouldStop: () => Atomics.load(cancel, 0) === 1,
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
    send({ type: 'done', runId, status: 'failed', error: err instanceof Error ? err.message : String(err), artifacts: null });
  }
}

// Runs are processed strictly one after another.
let chain = Promise.resolve();
port.on('message', (message: ToWorker) => {
  if (message.type === 'exit') {
    chain = chain.then(() => process.exit(0));
    return;
  }
  chain = chain.then(() => runOne(message));
});
