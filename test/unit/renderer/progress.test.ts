/**
 * One rule for progress everywhere: a run that ended is done whatever epoch it stopped at, an
 * experiment is the mean over its runs, and the history row (computed in the main process), the
 * experiment page and the queue (merged with live events in the renderer) agree.
 */
import { describe, expect, it, vi } from 'vitest';
import type { EpochMetricsDto, ExperimentDetail, ExperimentRow, LabEvent, RunRow } from '../../../shared/api.js';
import { experimentProgress, experimentProgressText, runFraction, runProgressText } from '../../../shared/progress.js';
import { mergeRun, shownExperimentProgress } from '../../../renderer/src/experiments/shown-run.js';
import { LiveStore } from '../../../renderer/src/app/live.js';
import { sortExperiments } from '../../../renderer/src/experiments/history.js';
import { openService, tinyConfig, waitForRuns } from '../electron/helpers.js';

function runRow(patch: Partial<RunRow>): RunRow {
  return {
    id: 1,
    experimentId: 1,
    index: 0,
    name: null,
    seed: 1,
    sweep: {},
    config: tinyConfig() as unknown as RunRow['config'],
    status: 'running',
    backend: 'cpu',
    versions: null,
    error: null,
    epochsDone: 0,
    epochsTotal: 10,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    notes: '',
    tags: [],
    experimentName: 'x',
    lastEpoch: null,
    lastTrainLoss: null,
    lastValAccuracy: null,
    lastDeadFractions: [],
    ...patch,
  };
}

function epoch(e: number, loss: number): EpochMetricsDto {
  return { epoch: e, trainLoss: loss, trainAccuracy: null, valLoss: null, valAccuracy: null, seconds: 0, elapsedSeconds: e, probeMs: 0, task: null, layers: [] };
}

describe('run and experiment progress', () => {
  it('a run that ended is done, however early it stopped', () => {
    expect(runFraction({ status: 'diverged', epochsDone: 3, epochsTotal: 10 })).toBe(1);
    expect(runFraction({ status: 'cancelled', epochsDone: 0, epochsTotal: 10 })).toBe(1);
    expect(runFraction({ status: 'running', epochsDone: 3, epochsTotal: 10 })).toBeCloseTo(0.3);
    expect(runFraction({ status: 'running', epochsDone: 3, epochsTotal: 10, fraction: 0.35 })).toBeCloseTo(0.35);
    expect(runFraction({ status: 'queued', epochsDone: 0, epochsTotal: 10, fraction: 0.5 })).toBe(0);
    expect(runProgressText({ status: 'diverged', epochsDone: 3, epochsTotal: 10 })).toBe('diverged at epoch 3/10');
    expect(runProgressText({ status: 'running', epochsDone: 3, epochsTotal: 10 })).toBe('3/10 epochs');
    expect(runProgressText({ status: 'completed', epochsDone: 10, epochsTotal: 10 })).toBe('10/10 epochs');
  });

  it('a finished experiment with diverged runs is finished, with its diverged count', () => {
    const p = experimentProgress([
      { status: 'completed', epochsDone: 10, epochsTotal: 10 },
      { status: 'diverged', epochsDone: 1, epochsTotal: 10 },
      { status: 'diverged', epochsDone: 0, epochsTotal: 10 },
    ]);
    expect(p).toMatchObject({ fraction: 1, state: 'finished', finished: 3, pending: 0, status: 'diverged', epochsDone: 11, epochsTotal: 30 });
    expect(experimentProgressText(p)).toBe('3 runs done · 2 diverged');
    expect(experimentProgressText(p, { compact: true })).toBe('done · 2 diverged');
    expect(experimentProgressText(experimentProgress([{ status: 'completed', epochsDone: 2, epochsTotal: 2 }]))).toBe('1 run completed');
    expect(runProgressText({ status: 'running', epochsDone: 1200, epochsTotal: 100_000 })).toBe('1,200/100,000 epochs');

    const active = experimentProgress([
      { status: 'diverged', epochsDone: 1, epochsTotal: 10 },
      { status: 'running', epochsDone: 5, epochsTotal: 10 },
      { status: 'queued', epochsDone: 0, epochsTotal: 10 },
    ]);
    expect(active.fraction).toBeCloseTo(0.5);
    expect(active).toMatchObject({ state: 'active', status: 'running' });
    expect(experimentProgressText(active)).toBe('1/3 runs done · 6/30 epochs · 1 diverged');
    expect(experimentProgress([])).toMatchObject({ state: 'empty', fraction: 0, status: undefined });
  });

  it('mergeRun: a live status or epoch newer than the fetched row wins, and progress follows the rule', () => {
    const row = runRow({ epochsDone: 2, lastEpoch: 2, lastTrainLoss: 0.5 });
    const diverged = mergeRun(row, { status: 'diverged', error: 'loss became NaN', last: { epoch: 3, trainLoss: 0.25, valLoss: null, trainAccuracy: null, valAccuracy: null, elapsedSeconds: 3, task: null, dead: [0.5], dormant: [0] } });
    expect(diverged).toMatchObject({ status: 'diverged', fraction: 1, epochsDone: 3, lastEpoch: 3, lastTrainLoss: 0.25, lastDead: [0.5], etaSeconds: null });
    // An older live measurement does not replace the row's.
    const stale = mergeRun(runRow({ epochsDone: 5, lastEpoch: 5, lastTrainLoss: 0.1 }), { fraction: 0.2, last: { epoch: 4, trainLoss: 9, valLoss: null, trainAccuracy: null, valAccuracy: null, elapsedSeconds: 4, task: null, dead: [], dormant: [] } });
    expect(stale).toMatchObject({ lastEpoch: 5, lastTrainLoss: 0.1, fraction: 0.5 });
  });

  it('loading a watched run brings its newest measurement to every view of that run', async () => {
    let listener: ((e: LabEvent) => void) | null = null;
    const client = {
      subscribe: (l: (e: LabEvent) => void) => {
        listener = l;
        return () => (listener = null);
      },
      getRunMetrics: vi.fn(async () => [epoch(0, 1), epoch(1, 0.5), epoch(2, 0.25)]),
    };
    const live = new LiveStore(client, { flushMs: 10 });
    live.start();
    const off = live.watch(1);
    await vi.waitFor(() => expect(live.getSnapshot().series.get(1)?.status).toBe('ready'));
    // The table row was fetched at epoch 1; the chart's series goes to epoch 2: both show epoch 2.
    const shown = mergeRun(runRow({ epochsDone: 1, lastEpoch: 1, lastTrainLoss: 0.5 }), live.getSnapshot().runs.get(1));
    expect(shown).toMatchObject({ lastEpoch: 2, lastTrainLoss: 0.25, epochsDone: 2 });
    off();
    live.stop();
    expect(listener).toBeNull();
  });

  it('the history row, the experiment page and the queue agree on a finished experiment with a diverged run', async () => {
    const { service } = openService();
    // Inputs scaled past float32's range: the second run's loss is NaN at initialization.
    const created = await service.handle('createExperiment', [{ ...tinyConfig({ epochs: 3 }), sweep: { 'dataset.inputScale': [1, 1e300] } }]);
    if (!created.ok) throw new Error(created.error.message);
    const { experimentId, runIds } = created.value as { experimentId: number; runIds: number[] };
    await waitForRuns(service, runIds);

    const list = await service.handle('listExperiments', []);
    const detail = await service.handle('getExperiment', [experimentId]);
    if (!list.ok || !detail.ok) throw new Error('listing failed');
    const row = (list.value as ExperimentRow[]).find((r) => r.id === experimentId)!;
    const runs = (detail.value as ExperimentDetail).runs;
    expect(runs.map((r) => [r.status, r.epochsDone, r.epochsTotal])).toEqual([
      ['completed', 3, 3],
      ['diverged', 0, 3],
    ]);
    // The history row: finished, not half done.
    expect(row.progress).toMatchObject({ fraction: 1, state: 'finished', status: 'diverged', counts: { completed: 1, diverged: 1 } });
    expect(experimentProgressText(row.progress)).toBe('2 runs done · 1 diverged');
    // The experiment page (and the queue, which merges runs the same way) computes the same.
    const page = shownExperimentProgress(runs.map((r) => mergeRun(r, undefined)));
    expect(page).toEqual(row.progress);
    expect(sortExperiments([row], { key: 'progress', direction: 'asc' })).toHaveLength(1);
  });
});
