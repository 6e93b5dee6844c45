/**
 * Task sequences (training.tasks): which task each epoch trains on, the seeded transformations of
 * the data, and real training of tiny networks across task boundaries (MLP step and autodiff).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAssignment, validateExperiment, withValueAt, type RunConfig } from '../../../shared/config.js';
import { initBackend } from '../../../electron/engine/backend.js';
import { trainRun } from '../../../electron/engine/train.js';
import { rowsOf } from '../../../electron/engine/rows.js';
import { taskDataset, taskOfEpoch, TaskSchedule, type TasksConfig } from '../../../electron/engine/tasks.js';
import type { Dataset } from '../../../electron/engine/types.js';
import { REFERENCE_CASES, referenceConfig, referenceData } from './reference-cases.js';

const CASE = REFERENCE_CASES.find((r) => r.name === 'relu sgd')!;
const REGRESSION = REFERENCE_CASES.find((r) => r.name === 'selu sgd regression')!;

function tasks(kind: TasksConfig['kind'], count = 3, epochsPerTask = 2, extra: Partial<TasksConfig> = {}): TasksConfig {
  return { kind, count, epochsPerTask, seed: 0, ...extra };
}

function withTasks(config: RunConfig, t: TasksConfig | undefined, model: Partial<RunConfig['model']> = {}): RunConfig {
  return { ...config, model: { ...config.model, ...model }, training: { ...config.training, epochs: t ? t.count * t.epochsPerTask : config.training.epochs, tasks: t } };
}

function column(x: Float32Array, rows: number, width: number, j: number): number[] {
  return Array.from({ length: rows }, (_, r) => x[r * width + j]);
}

describe('the task of an epoch', () => {
  it('epoch 0 and the first epochsPerTask epochs are task 0, then one task per epochsPerTask epochs', () => {
    const t = tasks('permuted', 3, 2);
    expect([0, 1, 2, 3, 4, 5, 6].map((e) => taskOfEpoch(t, e))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    expect([0, 1, 2, 3].map((e) => taskOfEpoch(tasks('permuted', 3, 1), e))).toEqual([0, 0, 1, 2]);
  });
});

describe('the data of a task', () => {
  const data = referenceData(CASE, 1);
  const k = data.inputSize;

  it('permuted: every task (the first too) permutes the features of both splits the same seeded way; the data set is untouched', () => {
    const before = Float32Array.from(data.xTrain);
    const t = tasks('permuted', 4, 1);
    const perms = [0, 1, 2, 3].map((task) => {
      const d = taskDataset(data, t, task);
      // Each transformed column is one of the original columns, the same one in both splits.
      return Array.from({ length: k }, (_, j) => {
        const source = [0, 1, 2].find((i) => JSON.stringify(column(d.xTrain, d.nTrain, k, j)) === JSON.stringify(column(data.xTrain, data.nTrain, k, i)))!;
        expect(column(d.xVal, d.nVal, k, j)).toEqual(column(data.xVal, data.nVal, k, source));
        return source;
      });
    });
    for (const p of perms) expect([...p].sort()).toEqual([0, 1, 2]);
    // Seeded: the same seed gives the same permutations, another seed others.
    expect(Array.from(taskDataset(data, t, 2).xTrain)).toEqual(Array.from(taskDataset(data, t, 2).xTrain));
    const other = Array.from({ length: 8 }, (_, task) => Array.from(taskDataset(data, { ...t, count: 8 }, task).xTrain.subarray(0, k)).join());
    expect(new Set(other).size, 'the tasks differ').toBeGreaterThan(1);
    expect(Array.from(data.xTrain)).toEqual(Array.from(before));
  });

  it('shuffled-labels: labels move between examples of a split (class counts kept), inputs stay', () => {
    const d = taskDataset(data, tasks('shuffled-labels'), 1);
    expect(Array.from(d.xTrain)).toEqual(Array.from(data.xTrain));
    const counts = (y: Float32Array) => [0, 1, 2].map((c) => y.filter((v) => v === c).length);
    expect(counts(d.yTrain)).toEqual(counts(data.yTrain));
    expect(counts(d.yVal)).toEqual(counts(data.yVal));
    expect(Array.from(d.yTrain)).not.toEqual(Array.from(data.yTrain));
    expect(() => taskDataset(referenceData(REGRESSION, 1), tasks('shuffled-labels'), 0)).toThrow(/classification/);
  });

  it('shifted-inputs: one seeded vector added to every input of both splits, scaled by shift', () => {
    const t = tasks('shifted-inputs', 2, 1, { shift: 2 });
    const d = taskDataset(data, t, 1);
    const shift = Array.from({ length: k }, (_, j) => d.xTrain[j] - data.xTrain[j]);
    for (let r = 0; r < data.nTrain; r++) for (let j = 0; j < k; j++) expect(d.xTrain[r * k + j] - data.xTrain[r * k + j]).toBeCloseTo(shift[j], 4);
    for (let r = 0; r < data.nVal; r++) for (let j = 0; j < k; j++) expect(d.xVal[r * k + j] - data.xVal[r * k + j]).toBeCloseTo(shift[j], 4);
    const unit = taskDataset(data, { ...t, shift: 1 }, 1);
    for (let j = 0; j < k; j++) expect(unit.xTrain[j] - data.xTrain[j]).toBeCloseTo(shift[j] / 2, 4);
    expect(Array.from(d.yTrain)).toEqual(Array.from(data.yTrain));
  });

  it('a schedule changes its data exactly at the task boundaries', () => {
    const schedule = new TaskSchedule(tasks('permuted', 3, 2), data);
    const changes = [1, 2, 3, 4, 5, 6].map((e) => schedule.at(e));
    expect(changes).toEqual([false, false, true, false, true, false]);
    expect(schedule.task).toBe(2);
    expect(Array.from(schedule.data.xTrain)).toEqual(Array.from(taskDataset(data, tasks('permuted', 3, 2), 2).xTrain));
  });
});

for (const backend of ['wasm'] as const) {
  describe(`training on a task sequence (${backend})`, () => {
    beforeAll(async () => {
      expect((await initBackend(backend)).backend).toBe(backend);
    });

    const base = referenceConfig(CASE);
    const data = (seed: number): Dataset => referenceData(CASE, seed);

    it('records each epoch’s task; the first task trains exactly as the task-0 data alone; the last measurement is on the last task', () => {
      for (const kind of ['permuted', 'shuffled-labels', 'shifted-inputs'] as const) {
        // Seed 0: the three tasks' permutations of the 3 features all differ.
        const t = tasks(kind, 3, 2, { seed: 0 });
        const differs = (d: Dataset) => Array.from(d.xTrain).join() + Array.from(d.yTrain).join();
        expect(differs(taskDataset(data(2), t, 1)), kind).not.toBe(differs(taskDataset(data(2), t, 0)));
        const run = trainRun(withTasks(base, t), 2, data(2));
        expect(run.status).toBe('completed');
        expect(run.epochs.map((e) => e.task), kind).toEqual([0, 0, 0, 1, 1, 2, 2]);
        // The same network on the first task's data, without a sequence: the same numbers for task 0.
        const first = trainRun({ ...base, training: { ...base.training, epochs: 2 } }, 2, taskDataset(data(2), t, 0));
        expect(first.epochs.map((e) => e.task)).toEqual([null, null, null]);
        for (let e = 0; e <= 2; e++) {
          expect(run.epochs[e].trainLoss, `${kind} epoch ${e}`).toBe(first.epochs[e].trainLoss);
          expect(run.epochs[e].valLoss, `${kind} epoch ${e}`).toBe(first.epochs[e].valLoss);
          expect(run.epochs[e].layers.map((l) => l.effectiveRank)).toEqual(first.epochs[e].layers.map((l) => l.effectiveRank));
        }
        // Epoch 3 is on task 1: different data, so different numbers than the same epoch on task 0.
        const stay = trainRun({ ...base, training: { ...base.training, epochs: 3 } }, 2, taskDataset(data(2), t, 0));
        expect(run.epochs[3].trainLoss, kind).not.toBe(stay.epochs[3].trainLoss);
        // The final probe inputs are the last task's rows.
        const last = taskDataset(data(2), t, 2);
        expect(Array.from(run.artifacts.probeInputs)).toEqual(Array.from(rowsOf(last, 'train', Int32Array.from(run.artifacts.probeIndices), 0, run.artifacts.probeIndices.length).x));
        // Deterministic: the same run again gives the same numbers.
        const again = trainRun(withTasks(base, t), 2, data(2));
        expect(again.epochs.map((e) => e.trainLoss)).toEqual(run.epochs.map((e) => e.trainLoss));
      }
    });

    it('networks trained with autodiff (a residual MLP) switch tasks the same way', () => {
      const t = tasks('permuted', 2, 1, { seed: 1 });
      const config = withTasks(base, t, { residual: true, widths: [6, 6] });
      const run = trainRun(config, 3, data(3));
      expect(run.status).toBe('completed');
      expect(run.epochs.map((e) => e.task)).toEqual([0, 0, 1]);
      expect(run.epochs.every((e) => e.layers.every((l) => l.effectiveRank !== null && l.effectiveRank >= 0 && l.weightMagnitude! > 0))).toBe(true);
      const first = trainRun({ ...config, training: { ...config.training, epochs: 1, tasks: undefined } }, 3, taskDataset(data(3), t, 0));
      expect(run.epochs[1].trainLoss).toBe(first.epochs[1].trainLoss);
      expect(run.epochs[2].trainLoss).not.toBe(trainRun({ ...config, training: { ...config.training, epochs: 2, tasks: undefined } }, 3, taskDataset(data(3), t, 0)).epochs[2].trainLoss);
    });
  });
}

describe('the task sequence in the config', () => {
  const raw = (training: Record<string, unknown>, dataset: Record<string, unknown> = { kind: 'blobs' }) => ({
    name: 'tasks',
    dataset,
    model: { hiddenLayers: 1, width: 4 },
    training: { learningRate: 0.1, ...training },
  });
  const issues = (input: unknown) => {
    const r = validateExperiment(input);
    return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
  };

  it('is accepted with its defaults; a config without it is unchanged', () => {
    const r = validateExperiment(raw({ epochs: 6, tasks: { kind: 'permuted', count: 3, epochsPerTask: 2 } }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.runs[0].config.training.tasks).toEqual({ kind: 'permuted', count: 3, epochsPerTask: 2, seed: 0 });
    const plain = validateExperiment(raw({ epochs: 6 }));
    expect(plain.ok && 'tasks' in plain.runs[0].config.training).toBe(false);
  });

  it('refuses what does not make sense, naming the field and the rule', () => {
    expect(issues(raw({ epochs: 10, tasks: { kind: 'permuted', count: 3, epochsPerTask: 5 } }))).toEqual([
      'training.epochs: must equal training.tasks.count × training.tasks.epochsPerTask (3 × 5 = 15) with a task sequence, got 10',
    ]);
    expect(issues(raw({ epochs: 2, tasks: { kind: 'shuffled-labels', count: 2, epochsPerTask: 1 } }, { kind: 'abs1d' }))).toEqual([
      'training.tasks.kind: "shuffled-labels" needs a classification data set, got a regression (dataset.kind "abs1d")',
    ]);
    expect(issues(raw({ epochs: 2, tasks: { kind: 'permuted', count: 2, epochsPerTask: 1, shift: 2 } }))).toEqual([
      'training.tasks.shift: only applies when training.tasks.kind is "shifted-inputs", got "permuted"',
    ]);
    const bad = issues(raw({ epochs: 2, tasks: { kind: 'rotated', count: 0, epochsPerTask: 1.5, shift: -1 } }));
    expect(bad.some((i) => i.startsWith('training.tasks.kind:'))).toBe(true);
    expect(bad.some((i) => i.startsWith('training.tasks.count:'))).toBe(true);
    expect(bad.some((i) => i.startsWith('training.tasks.epochsPerTask:'))).toBe(true);
    expect(bad.some((i) => i.startsWith('training.tasks.shift:'))).toBe(true);
    expect(issues(raw({ epochs: 2, tasks: { kind: 'permuted', count: 2, epochsPerTask: 1, extra: 1 } })).some((i) => i.startsWith('training.tasks.extra:'))).toBe(true);
  });

  it('can be set field by field from the command line (--set)', () => {
    let config: unknown = raw({ epochs: 6 });
    for (const text of ['training.tasks.kind=shifted-inputs', 'training.tasks.count=3', 'training.tasks.epochsPerTask=2', 'training.tasks.shift=0.5']) {
      const a = parseAssignment(text);
      if ('error' in a) throw new Error(a.error);
      config = withValueAt(config, a.path, a.value);
    }
    const r = validateExperiment(config);
    expect(r.ok && r.runs[0].config.training.tasks).toEqual({ kind: 'shifted-inputs', count: 3, epochsPerTask: 2, seed: 0, shift: 0.5 });
  });

  it('a sweep over the tasks reports the value that breaks the rule', () => {
    const input = { ...raw({ epochs: 4, tasks: { kind: 'shifted-inputs', count: 2, epochsPerTask: 2 } }), sweep: { 'training.tasks.shift': [0.5, -1] } };
    expect(issues(input)).toEqual([expect.stringMatching(/^sweep\["training\.tasks\.shift"\]\[1\]: /)]);
  });
});
