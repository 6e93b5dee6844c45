/** What the queue says: its summary, the experiments in progress, each training run's progress and ETA. */
import { describe, expect, it } from 'vitest';
import type { ExperimentRow, QueueState, RunRow } from '../../../shared/api.js';
import { validateExperiment } from '../../../shared/config.js';
import { experimentProgress } from '../../../shared/progress.js';
import { activeRunCells, experimentCardText, experimentsInProgress, queueSummary } from '../../../renderer/src/queue/rows.js';

const checked = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 1, width: 4 }, training: { learningRate: 0.1, epochs: 30 } });
if (!checked.ok) throw new Error('bad config');
const config = checked.runs[0].config;

function run(patch: Partial<RunRow> = {}): RunRow {
  return {
    id: 7,
    experimentId: 2,
    index: 0,
    name: null,
    seed: 1,
    sweep: {},
    config,
    status: 'running',
    backend: 'wasm',
    versions: null,
    error: null,
    epochsDone: 6,
    epochsTotal: 30,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    notes: '',
    tags: [],
    experimentName: 'Long',
    lastEpoch: 6,
    lastTrainLoss: 0.5,
    lastValAccuracy: null,
    lastDeadFractions: [0.1],
    ...patch,
  };
}

function experiment(id: number, statusCounts: ExperimentRow['statusCounts'], runs: Parameters<typeof experimentProgress>[0]): ExperimentRow {
  return {
    id,
    name: `exp ${id}`,
    config: {},
    notes: '',
    tags: [],
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    runCount: runs.length,
    statusCounts,
    activations: [],
    inits: [],
    learningRates: [],
    batchNorm: [],
    datasetKind: 'blobs',
    finalMeanDeadFraction: null,
    epochsDone: 0,
    epochsTotal: 0,
    progress: experimentProgress(runs),
  };
}

const queue: QueueState = { active: [{ runId: 7, experimentId: 2, status: 'running', fraction: 0.1, etaSeconds: 90 }], queuedRunIds: [8, 9, 10], workers: 1 };

describe('the queue', () => {
  it('sums up what trains and what waits', () => {
    expect(queueSummary(queue)).toBe('1 run training on 1 worker, 3 runs waiting.');
    expect(queueSummary({ active: [], queuedRunIds: [], workers: 2 })).toBe('0 runs training on 2 workers, 0 runs waiting.');
  });

  it('lists the experiments with runs training or waiting, by the queue, the runs fetched or their counts', () => {
    const all = [
      experiment(1, { completed: 2 }, [{ status: 'completed', epochsDone: 1, epochsTotal: 1 }]),
      experiment(2, { running: 1 }, [{ status: 'running', epochsDone: 6, epochsTotal: 30 }]),
      experiment(3, { completed: 1 }, [{ status: 'completed', epochsDone: 1, epochsTotal: 1 }]),
      experiment(4, { queued: 2 }, [{ status: 'queued', epochsDone: 0, epochsTotal: 5 }, { status: 'queued', epochsDone: 0, epochsTotal: 5 }]),
    ];
    expect(experimentsInProgress(all, queue, [{ experimentId: 3 }]).map((e) => e.id)).toEqual([2, 3, 4]);
    expect(experimentCardText(all[3])).toBe('0/2 runs done · 0/10 epochs · 2 waiting');
    expect(experimentCardText(all[1])).toBe('0/1 runs done · 6/30 epochs');
  });

  it('a training run: the fetched row merged with newer live news, as on its experiment page', () => {
    const cells = activeRunCells(queue.active[0], run(), { last: { epoch: 9, trainLoss: 0.25, valLoss: null, trainAccuracy: null, valAccuracy: null, elapsedSeconds: 9, task: null, dead: [0], dormant: [0] }, etaSeconds: 125 });
    expect(cells).toEqual({ status: 'running', fraction: 9 / 30, progressText: '9/30 epochs', eta: '2 min 05 s', lastLoss: '0.25' });
  });

  it('before its row arrives: the queue’s own numbers, live ones first', () => {
    expect(activeRunCells(queue.active[0], undefined, undefined)).toEqual({ status: 'running', fraction: 0.1, progressText: '10%', eta: '1 min 30 s', lastLoss: '—' });
    expect(activeRunCells(queue.active[0], undefined, { fraction: 0.25, etaSeconds: 30 })).toMatchObject({ fraction: 0.25, progressText: '25%', eta: '30 s' });
    // No live estimate yet: the queue's stands in.
    expect(activeRunCells(queue.active[0], undefined, { fraction: 0.25, etaSeconds: null })).toMatchObject({ eta: '1 min 30 s' });
    expect(activeRunCells({ ...queue.active[0], etaSeconds: null }, undefined, undefined).eta).toBe('—');
  });
});
