/** What the history's and the runs table's cells say, the run view's lines, and row selections (pure). */
import { describe, expect, it } from 'vitest';
import type { ExperimentRow, RunRow } from '../../../shared/api.js';
import { validateExperiment } from '../../../shared/config.js';
import { experimentProgress } from '../../../shared/progress.js';
import { isFiltered, nextSort, EMPTY_FILTER } from '../../../renderer/src/experiments/history.js';
import {
  deadStripText,
  historyCells,
  ordinal,
  runCells,
  runChartFacts,
  runViewProgressText,
  sentence,
  sweepColumns,
  sweepHeader,
  timeLeftText,
} from '../../../renderer/src/experiments/rows.js';
import { experimentEta, mergeRun } from '../../../renderer/src/experiments/shown-run.js';
import { selectionState, withMembers } from '../../../renderer/src/ui/selection.js';

const checked = validateExperiment({ name: 'x', dataset: { kind: 'blobs' }, model: { hiddenLayers: 2, width: 4 }, training: { learningRate: 0.1, epochs: 10 } });
if (!checked.ok) throw new Error('bad config');
const config = checked.runs[0].config;

function experiment(patch: Partial<ExperimentRow> = {}): ExperimentRow {
  return {
    id: 3,
    name: 'Large LR',
    config: {},
    notes: '',
    tags: [],
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    runCount: 3,
    statusCounts: { completed: 2, diverged: 1 },
    activations: ['relu', 'leaky_relu'],
    inits: ['he_normal'],
    learningRates: [0.5, 0.05],
    batchNorm: [false],
    datasetKind: 'blobs',
    finalMeanDeadFraction: 0.4567,
    epochsDone: 25,
    epochsTotal: 30,
    progress: experimentProgress([
      { status: 'completed', epochsDone: 10, epochsTotal: 10 },
      { status: 'completed', epochsDone: 10, epochsTotal: 10 },
      { status: 'diverged', epochsDone: 5, epochsTotal: 10 },
    ]),
    ...patch,
  };
}

function run(patch: Partial<RunRow> = {}): RunRow {
  return {
    id: 41,
    experimentId: 3,
    index: 1,
    name: null,
    seed: 2,
    sweep: { 'training.learningRate': 0.5, variant: 'PReLU' },
    config,
    status: 'running',
    backend: 'wasm',
    versions: null,
    error: null,
    epochsDone: 4,
    epochsTotal: 10,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    notes: '',
    tags: [],
    experimentName: 'Large LR',
    lastEpoch: 4,
    lastTrainLoss: 0.123456,
    lastValAccuracy: 0.877,
    lastDeadFractions: [0.25, 0.5],
    ...patch,
  };
}

describe('history cells', () => {
  it('summarize the config, the final dead fraction and the progress of an experiment', () => {
    const cells = historyCells(experiment({ notes: 'n'.repeat(70), batchNorm: [true, false] }));
    expect(cells).toEqual({
      activations: 'ReLU, Leaky ReLU',
      inits: 'he_normal',
      learningRates: '0.5, 0.05',
      batchNorm: 'both',
      dataset: 'blobs',
      notesPreview: `${'n'.repeat(60)}…`,
      finalDead: { text: '45.7%', barPercent: 45.67 },
      progressText: 'done · 1 diverged',
      progressTitle: '3 runs done · 1 diverged',
    });
  });

  it('say "—" for what is not known yet', () => {
    const cells = historyCells(experiment({ activations: [], inits: [], learningRates: [], batchNorm: [], datasetKind: '', finalMeanDeadFraction: null, notes: '' }));
    expect([cells.activations, cells.inits, cells.learningRates, cells.batchNorm, cells.dataset]).toEqual(['—', '—', '—', '—', '—']);
    expect(cells.finalDead).toBeNull();
    expect(cells.notesPreview).toBeNull();
    expect(historyCells(experiment({ batchNorm: [true] })).batchNorm).toBe('on');
    expect(historyCells(experiment({ batchNorm: [false] })).batchNorm).toBe('off');
  });

  it('a filter counts once it hides something; a click sorts a new column its natural way, the same one the other way', () => {
    expect(isFiltered(EMPTY_FILTER)).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, fieldPath: 'model.activation' })).toBe(false);
    expect(isFiltered({ ...EMPTY_FILTER, fieldPath: 'model.activation', fieldValue: 'relu' })).toBe(true);
    expect(isFiltered({ ...EMPTY_FILTER, tag: 'paper' })).toBe(true);
    expect(nextSort({ key: 'created', direction: 'desc' }, 'name')).toEqual({ key: 'name', direction: 'asc' });
    expect(nextSort({ key: 'name', direction: 'asc' }, 'finalDead')).toEqual({ key: 'finalDead', direction: 'desc' });
    expect(nextSort({ key: 'finalDead', direction: 'desc' }, 'finalDead')).toEqual({ key: 'finalDead', direction: 'asc' });
  });
});

describe('run cells', () => {
  const now = Date.parse('2025-01-01T00:00:40.000Z');

  it('one column per sweep key, in order of appearance, headed by the field’s last name', () => {
    const keys = sweepColumns([run({ sweep: { variant: 'a' } }), run({ sweep: { 'training.learningRate': 1, variant: 'b' } })]);
    expect(keys).toEqual(['variant', 'training.learningRate']);
    expect(keys.map(sweepHeader)).toEqual(['Variant', 'learningRate']);
  });

  it('a training run: its id, position, sweep values, epochs, time left, loss, accuracy; cancellable', () => {
    const shown = mergeRun(run(), { etaSeconds: 125 }, now);
    expect(runCells(shown, ['variant', 'training.learningRate', 'model.width'])).toEqual({
      href: '#/experiments/3/runs/41',
      title: 'Run 41 (the 2nd run of this experiment)',
      sweep: ['PReLU', '0.5', '—'],
      progressText: '4/10 epochs',
      timeLeft: '2 min 05 s left',
      lastLoss: '0.1235',
      valAccuracy: '87.7%',
      reason: null,
      cancellable: true,
    });
    expect(runViewProgressText(shown, 40)).toBe('4/10 epochs · ETA 2 min 05 s · loss 0.1235 · val acc 87.7% · 40 s elapsed');
  });

  it('a diverged run: done, with its reason, no time left, not cancellable', () => {
    const shown = mergeRun(run({ status: 'diverged', epochsDone: 3, lastEpoch: 3, error: 'the training loss became NaN at epoch 4', lastValAccuracy: null }), undefined, now);
    const cells = runCells(shown, []);
    expect(cells).toMatchObject({ progressText: 'diverged at epoch 3/10', timeLeft: null, valAccuracy: '—', reason: 'the training loss became NaN at epoch 4', cancellable: false });
    expect(runViewProgressText(shown, null)).toBe('diverged at epoch 3/10 · loss 0.1235');
    expect(sentence(shown.error!)).toBe('the training loss became NaN at epoch 4.');
    expect(sentence('stopped.  ')).toBe('stopped.');
    // A completed run's error (none) and a cancelled run's are not shown as a reason.
    expect(runCells(mergeRun(run({ status: 'cancelled', error: 'cancelled by you' }), undefined, now), []).reason).toBeNull();
  });

  it('ordinals, dead strips and the time-left tile', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
    expect(deadStripText([0.25, 0.5])).toEqual({ text: '25% · 50%', title: 'layer 1: 25.0%\nlayer 2: 50.0%' });
    expect(timeLeftText(null, 2)).toBe('estimating…');
    expect(timeLeftText(null, 0)).toBe('—');
    expect(timeLeftText(3700, 1)).toBe('1 h 01 min');
  });

  it('chart facts: layer lines, classification, where a diverged run stopped', () => {
    const points = [
      { epoch: 0, dead: [0, 0], trainLoss: 1, valLoss: 1, trainAccuracy: 0.5 },
      { epoch: 1, dead: [0.5, 0], trainLoss: 2, valLoss: NaN, trainAccuracy: 0.4 },
    ];
    expect(runChartFacts(run(), 'diverged', points)).toEqual({ layers: 2, classification: true, divergedAt: 1 });
    expect(runChartFacts(run(), 'diverged', points.slice(0, 1))).toEqual({ layers: 2, classification: true, divergedAt: 1 });
    expect(runChartFacts(run(), 'completed', points).divergedAt).toBeNull();
    const regression = validateExperiment({ name: 'r', dataset: { kind: 'abs1d' }, model: { hiddenLayers: 3, width: 2 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!regression.ok) throw new Error('bad config');
    expect(runChartFacts(run({ config: regression.runs[0].config }), 'running', [])).toEqual({ layers: 3, classification: false, divergedAt: null });
  });
});

describe('row selections', () => {
  it('add and remove ids, and say whether all or some are ticked', () => {
    const none: ReadonlySet<number> = new Set();
    const two = withMembers(none, [1, 2], true);
    expect([...two]).toEqual([1, 2]);
    expect(none.size).toBe(0);
    expect([...withMembers(two, [1], false)]).toEqual([2]);
    expect(selectionState(two, [1, 2])).toEqual({ all: true, some: true });
    expect(selectionState(two, [1, 2, 3])).toEqual({ all: false, some: true });
    expect(selectionState(none, [])).toEqual({ all: false, some: false });
  });
});

describe('time left', () => {
  const now = Date.parse('2025-01-01T00:00:40.000Z');

  it('a run: the lab’s estimate, else its pace so far (measured time, else time since it started)', () => {
    expect(mergeRun(run(), { etaSeconds: 125 }, now).etaSeconds).toBe(125);
    // 4 of 10 epochs in 40 s since the start: 6 more at 10 s each.
    expect(mergeRun(run(), undefined, now).etaSeconds).toBe(60);
    // The newest measurement's elapsed time wins over the clock: 5 epochs in 25 s, 5 more.
    const last = { epoch: 5, trainLoss: 0.2, valLoss: null, trainAccuracy: null, valAccuracy: null, elapsedSeconds: 25, task: null, dead: [0], dormant: [0] };
    expect(mergeRun(run(), { last }, now).etaSeconds).toBe(25);
    expect(mergeRun(run({ status: 'completed', epochsDone: 10 }), undefined, now).etaSeconds).toBeNull();
    expect(mergeRun(run({ epochsDone: 0, lastEpoch: null }), undefined, now).etaSeconds).toBeNull();
  });

  it('an experiment: the epochs still to train at the running runs’ pace, spread over the runs training now', () => {
    const training = mergeRun(run({ id: 1 }), { etaSeconds: 60 }, now);
    const waiting = mergeRun(run({ id: 2, status: 'queued', epochsDone: 0, lastEpoch: null, startedAt: null }), undefined, now);
    const done = mergeRun(run({ id: 3, status: 'completed', epochsDone: 10 }), undefined, now);
    // 10 s per epoch; 6 + 10 epochs left on one worker.
    expect(experimentEta([training, waiting, done])).toBe(160);
    const second = mergeRun(run({ id: 4 }), { etaSeconds: 60 }, now);
    expect(experimentEta([training, second, waiting])).toBe((6 + 6 + 10) * 10 / 2);
    expect(experimentEta([waiting, done])).toBeNull();
    expect(experimentEta([done])).toBeNull();
  });
});
