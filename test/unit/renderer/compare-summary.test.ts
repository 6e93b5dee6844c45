/** The Compare view's summary table (differing fields, final/min/max/at-epoch per metric with n, diverged runs), its cells and the note on run statuses. */
import { describe, expect, it } from 'vitest';
import { comparisonSpecSchema } from '../../../shared/compare.js';
import { buildComparison, type ComparedRun } from '../../../shared/charts.js';
import { sortByColumn } from '../../../shared/analysis/index.js';
import { runStatusCounts, summaryTable } from '../../../shared/comparison-view.js';
import { statCell, statLabel, summaryColumns, summaryHelpText } from '../../../renderer/src/compare/summary.js';
import { runStatusNote } from '../../../renderer/src/compare/run-status.js';
import { run, runs } from './compare-fixtures.js';

describe('summary table', () => {
  const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'std', layer: 0 });
  const model = buildComparison(runs, spec);

  it('has only the differing config fields and final/min/max per metric, bands clipped to the metric range', () => {
    const table = summaryTable(model, spec);
    expect(table.fields).toEqual(['variant', 'model.activation']);
    expect(table.metrics.map((m) => m.label)).toEqual(['Dead fraction (dense 1 (4 units))', 'Validation loss', 'Validation accuracy']);
    expect(table.stats).toEqual(['final', 'min', 'max']);
    const relu = table.rows.find((r) => r.name === 'ReLU baseline')!;
    expect(relu.runCount).toBe(2);
    expect(relu.cells.map((c) => c.text)).toEqual(['ReLU baseline', 'relu']);
    // Layer 1 final dead fraction: run 1 → 0.25, run 2 → 0.5.
    expect(relu.stats['dead.final'].mean).toBeCloseTo(0.375, 12);
    expect(relu.stats['dead.min'].mean).toBe(0);
    const leaky = table.rows.find((r) => r.name === 'Leaky ReLU')!;
    // std band of [0, 0.25] around 0.125 at max, clipped at 0 below.
    expect(leaky.stats['dead.max'].lo).toBeGreaterThanOrEqual(0);
    expect(leaky.stats['dead.final'].mean).toBe(0);
  });

  it('reads "final" at one epoch per group, and shows diverged runs, the final epoch and n', () => {
    // Run 2 of the baseline diverged after epoch 1 was measured: the group's final epoch is 1, for both runs.
    const diverged: ComparedRun = { ...run(2, 2, 'ReLU baseline', 'relu', (e) => (e === 0 ? 0 : 0.5), 2), status: 'diverged' };
    const withDiverged = [runs[0], diverged, runs[2], runs[3]];
    const table = summaryTable(buildComparison(withDiverged, spec), spec);
    const relu = table.rows.find((r) => r.name === 'ReLU baseline')!;
    expect(relu).toMatchObject({ runCount: 2, countedRuns: 2, divergedCount: 1, divergence: '1/2 diverged', finalEpoch: 1, hidden: false });
    // Layer 1 at epoch 1: run 1 → 0.125, run 2 → 0.5 (not run 1's 0.25 at its own last epoch 2).
    expect(relu.stats['dead.final'].mean).toBeCloseTo((0.125 + 0.5) / 2, 12);
    expect(relu.stats['dead.final'].n).toBe(2);
    expect(table.rows.find((r) => r.name === 'Leaky ReLU')!.finalEpoch).toBe(2);
    expect(statLabel('final', table, null)).toBe('final (see epoch)');
    expect(summaryColumns(table, spec).map((c) => c.id).slice(0, 4)).toEqual(['group', 'runs', 'diverged', 'finalEpoch']);

    // Excluded: the diverged run leaves the group's numbers, the row still counts it.
    const excluded = { ...spec, divergedRuns: 'exclude' as const, hiddenGroups: ['variant="Leaky ReLU"|model.activation="leaky_relu"'] };
    const t2 = summaryTable(buildComparison(withDiverged, excluded), excluded);
    const r2 = t2.rows.find((r) => r.name === 'ReLU baseline')!;
    expect(r2).toMatchObject({ runCount: 2, countedRuns: 1, divergedCount: 1, divergedExcluded: true, finalEpoch: 2 });
    expect(r2.stats['dead.final']).toMatchObject({ mean: 0.25, n: 1 });
    expect(Number.isNaN(r2.stats['dead.final'].lo)).toBe(true);
    // Hidden groups stay in the table, marked.
    expect(t2.rows.map((r) => [r.name, r.hidden])).toEqual([
      ['Leaky ReLU', true],
      ['ReLU baseline', false],
    ]);
    expect(statLabel('final', t2, null)).toBe('final (epoch 2)');
  });

  it('adds the value-at-epoch column when an epoch is chosen, and sorts by any column', () => {
    const at = { ...spec, atEpoch: 1 };
    const table = summaryTable(buildComparison(runs, at), at);
    expect(table.stats).toEqual(['final', 'min', 'max', 'atEpoch']);
    const columns = summaryColumns(table, at);
    const column = columns.find((c) => c.id === 'dead.atEpoch')!;
    expect(column.label).toBe('Dead fraction (dense 1 (4 units)): at epoch 1');
    const asc = sortByColumn(table.rows, columns, { columnId: 'dead.atEpoch', direction: 'asc' }).map((r) => r.name);
    const desc = sortByColumn(table.rows, columns, { columnId: 'dead.atEpoch', direction: 'desc' }).map((r) => r.name);
    expect(asc).toEqual(['Leaky ReLU', 'ReLU baseline']);
    expect(desc).toEqual(['ReLU baseline', 'Leaky ReLU']);
    const byField = sortByColumn(table.rows, columns, { columnId: 'field:model.activation', direction: 'desc' }).map((r) => r.name);
    expect(byField).toEqual(['ReLU baseline', 'Leaky ReLU']);
  });
});

describe('summary cells and notes', () => {
  it('a metric cell: mean, band and n; percentages for fractions; "—" when nothing was measured', () => {
    expect(statCell({ mean: 0.375, lo: 0.25, hi: 0.5, n: 2 }, true)).toEqual({ text: '37.5%', band: '25.0%–50.0%', n: 'n = 2', title: 'mean 37.5%, band [25.0%, 50.0%], n = 2' });
    expect(statCell({ mean: 0.123456, lo: NaN, hi: NaN, n: 1 }, false)).toEqual({ text: '0.1235', band: null, n: 'n = 1', title: 'mean 0.1235, no band, n = 1' });
    expect(statCell({ mean: NaN, lo: NaN, hi: NaN, n: 0 }, true)).toEqual({ text: '—', band: null, n: null, title: 'not measured' });
    expect(statCell(undefined, true).text).toBe('—');
  });

  it('the help says which band and how diverged runs count', () => {
    expect(summaryHelpText({ band: 'ci95', divergedRuns: 'include' })).toContain('mean over the group’s runs, with the 95 % CI under it (from n ≥ 2 runs), and n, the runs');
    expect(summaryHelpText({ band: 'none', divergedRuns: 'exclude' })).toContain('mean over the group’s runs, and n, the runs each value rests on. “Final” is read at one epoch per group, the last all its runs reached (diverged runs excluded); min and max');
  });

  it('the run status note: what still trains, diverged, failed or has no measurement, and how it counts', () => {
    expect(runStatusNote(runStatusCounts(runs), 'include')).toBeNull();
    const mixed = [
      { ...runs[0], status: 'running' as const },
      { ...runs[1], status: 'diverged' as const },
      { ...runs[2], status: 'failed' as const },
      { ...runs[3], status: 'cancelled' as const, epochs: [] },
    ];
    const note = runStatusNote(runStatusCounts(mixed), 'include')!;
    expect(note.tone).toBe('info');
    expect(note.active).toBe('1 run still training or queued: the charts follow their epochs as they arrive.');
    expect(note.rest).toBe(
      "1 run diverged (the loss became NaN or infinite): it counts up to the last epoch measured, so a group's n drops after it (every point shows its n; “Diverged runs” below can exclude them). " +
        '2 runs failed, cancelled or interrupted: only their measured epochs count. 1 run have no measurements.',
    );
    const excluded = runStatusNote(runStatusCounts([{ ...runs[0], status: 'diverged' as const }, { ...runs[1], status: 'diverged' as const }]), 'exclude')!;
    expect(excluded).toEqual({ tone: 'warn', active: null, rest: '2 runs diverged (the loss became NaN or infinite) and are excluded from their groups (see “Diverged runs” below). ' });
  });
});
