import { describe, expect, it } from 'vitest';
import {
  compareCells,
  configDiff,
  groupRuns,
  nextSort,
  sortByColumn,
  sortRows,
  commonFinalEpoch,
  summarizeGroup,
  summaryMetrics,
  type RunLike,
  type TableColumn,
} from '../../../../shared/analysis/index.js';

function cfg(activation: string, lr: number, width = 16, name = 'exp'): object {
  return {
    name,
    dataset: { kind: 'moons', samples: 512 },
    model: { hiddenLayers: 2, width, activation, batchNorm: false },
    training: { optimizer: 'sgd', learningRate: lr, epochs: 5 },
  };
}

let id = 1;
const run = (seed: number, config: object, sweep: Record<string, unknown> = {}): RunLike => ({ id: id++, seed, sweep, config });

describe('config diff', () => {
  it('lists only the fields that differ between groups, with each group value', () => {
    const runs = [
      run(1, cfg('relu', 0.1, 16, 'a'), { variant: 'baseline' }),
      run(2, cfg('relu', 0.1, 16, 'a'), { variant: 'baseline' }),
      run(1, cfg('leaky_relu', 0.1, 16, 'a'), { variant: 'leaky' }),
      run(1, cfg('relu', 0.01, 16, 'b'), { variant: 'low-lr' }),
    ];
    const diff = configDiff(groupRuns(runs, []));
    expect(diff.groups.map((g) => g.label)).toEqual(['baseline', 'leaky', 'low-lr']);
    expect(diff.rows.map((r) => r.field)).toEqual(['variant', 'model.activation', 'training.learningRate']);
    expect(diff.rows[1].cells.map((c) => c.text)).toEqual(['relu', 'leaky_relu', 'relu']);
    expect(diff.rows[2].cells.map((c) => c.values)).toEqual([[0.1], [0.1], [0.01]]);
  });

  it('is empty for a single group or identical groups, and shows mixed values', () => {
    expect(configDiff(groupRuns([run(1, cfg('relu', 0.1)), run(2, cfg('relu', 0.1))], [])).rows).toEqual([]);
    const runs = [run(1, cfg('relu', 0.1)), run(1, cfg('relu', 0.01)), run(1, cfg('elu', 0.1, 32))];
    const diff = configDiff(groupRuns(runs, ['model.activation']));
    expect(diff.groups.map((g) => g.label)).toEqual(['activation=elu', 'activation=relu']);
    const lr = diff.rows.find((r) => r.field === 'training.learningRate');
    expect(lr?.cells.map((c) => c.text)).toEqual(['0.1', 'mixed: 0.01, 0.1']);
    expect(lr?.cells[1].mixed).toBe(true);
    expect(diff.rows.map((r) => r.field)).toEqual(['model.activation', 'model.width', 'training.learningRate']);
  });

  it('shows a field absent from one group', () => {
    const a = cfg('relu', 0.1) as { model: Record<string, unknown> };
    const b = cfg('relu', 0.1) as { model: Record<string, unknown> };
    delete b.model.width;
    b.model.widths = [16, 8];
    const diff = configDiff([
      { key: 'a', label: 'A', runs: [{ config: a, sweep: {} }] },
      { key: 'b', label: 'B', runs: [{ config: b, sweep: {} }] },
    ]);
    expect(diff.rows.map((r) => [r.field, r.cells.map((c) => c.text)])).toEqual([
      ['model.width', ['16', '—']],
      ['model.widths', ['—', '[16, 8]']],
    ]);
  });
});

describe('metric summaries', () => {
  const series = [
    { epoch: 0, value: 0.1 },
    { epoch: 2, value: 0.5 },
    { epoch: 1, value: 0.7 },
    { epoch: 3, value: 0.3 },
  ];

  it('gives final, min, max and the value at an epoch', () => {
    expect(summaryMetrics(series, null)).toEqual({ final: 0.3, min: 0.1, max: 0.7, atEpoch: 0.3 });
    expect(summaryMetrics(series, 1).atEpoch).toBe(0.7);
    expect(summaryMetrics(series, 9).atEpoch).toBeNull();
    expect(summaryMetrics([], null)).toEqual({ final: null, min: null, max: null, atEpoch: null });
  });

  it('keeps a diverged final value as NaN but ignores NaN for min and max', () => {
    const s = summaryMetrics([{ epoch: 0, value: 2 }, { epoch: 1, value: 1 }, { epoch: 2, value: NaN }, { epoch: 3, value: null }], null);
    expect(s.final).toBeNaN();
    expect(s.min).toBe(1);
    expect(s.max).toBe(2);
  });

  it('summarizes a group over its runs', () => {
    const g = summarizeGroup(
      [
        [{ epoch: 0, value: 1 }, { epoch: 1, value: 2 }],
        [{ epoch: 0, value: 3 }, { epoch: 1, value: 4 }],
        [{ epoch: 0, value: 5 }, { epoch: 1, value: NaN }],
      ],
      0,
      'std',
    );
    expect(g.atEpoch).toMatchObject({ mean: 3, lo: 1, hi: 5, n: 3 });
    expect(g.final).toMatchObject({ mean: 3, n: 2 });
    expect(g.max).toMatchObject({ mean: 11 / 3, n: 3 });
  });

  it('reads "final" at one epoch for the whole group (the last all runs reached), never each run’s own last epoch', () => {
    const full = [0, 1, 2, 3].map((epoch) => ({ epoch, value: 0.1 * epoch }));
    const stoppedAt1 = [0, 1].map((epoch) => ({ epoch, value: 0.5 + epoch })); // diverged in epoch 2
    const g = summarizeGroup([full, stoppedAt1], null, 'std');
    expect(g.finalEpoch).toBe(1);
    expect(g.final).toMatchObject({ mean: (0.1 + 1.5) / 2, n: 2 });
    // min and max stop at the same epoch: the full run's 0.3 at epoch 3 is not its "max".
    expect(g.max.mean).toBeCloseTo((0.1 + 1.5) / 2, 12);
    // A chosen final epoch: runs that did not reach it are not counted, and n says so.
    const at3 = summarizeGroup([full, stoppedAt1], null, 'std', 3);
    expect(at3.finalEpoch).toBe(3);
    expect(at3.final).toMatchObject({ mean: 0.30000000000000004, n: 1 });
    expect(Number.isNaN(at3.final.lo)).toBe(true);
    expect(commonFinalEpoch([[], [{ epoch: 4 }, { epoch: 2 }]])).toBe(4);
    expect(summarizeGroup([[]], null, 'se').finalEpoch).toBeNull();
  });
});

describe('sortable rows', () => {
  interface Row {
    name: string;
    dead: number | null;
  }
  const rows: Row[] = [
    { name: 'run 10', dead: 0.2 },
    { name: 'run 2', dead: null },
    { name: 'Run 1', dead: 0.05 },
    { name: 'run 3', dead: NaN },
    { name: 'run 4', dead: 1 },
  ];
  const columns: TableColumn<Row>[] = [
    { id: 'name', label: 'Name', value: (r) => r.name },
    { id: 'dead', label: 'Dead', value: (r) => r.dead },
  ];

  it('sorts numbers numerically with empty cells last in both directions', () => {
    expect(sortRows(rows, (r) => r.dead, 'asc').map((r) => r.name)).toEqual(['Run 1', 'run 10', 'run 4', 'run 2', 'run 3']);
    expect(sortRows(rows, (r) => r.dead, 'desc').map((r) => r.name)).toEqual(['run 4', 'run 10', 'Run 1', 'run 2', 'run 3']);
  });

  it('sorts strings naturally and by column id', () => {
    expect(sortByColumn(rows, columns, { columnId: 'name', direction: 'asc' }).map((r) => r.name)).toEqual([
      'Run 1',
      'run 2',
      'run 3',
      'run 4',
      'run 10',
    ]);
    expect(sortByColumn(rows, columns, null)).toEqual(rows);
    expect(nextSort(null, 'dead')).toEqual({ columnId: 'dead', direction: 'asc' });
    expect(nextSort({ columnId: 'dead', direction: 'asc' }, 'dead')).toEqual({ columnId: 'dead', direction: 'desc' });
    expect(compareCells(1, 'a')).toBeLessThan(0);
    expect(compareCells(null, 'a', 'desc')).toBeGreaterThan(0);
    expect(compareCells(false, true)).toBeLessThan(0);
  });
});
