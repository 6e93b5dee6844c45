/** What the lab keeps between spec changes must be what those changes leave alone: each chart reads only its declared spec fields. */
import { describe, expect, it } from 'vitest';
import { buildComparison, chartData, CHART_SPEC_FIELDS, MODEL_SPEC_FIELDS } from '../../../shared/charts.js';
import { CHART_KINDS, comparisonSpecSchema, type ComparisonSpec } from '../../../shared/compare.js';
import { SUMMARY_SPEC_FIELDS, summaryTable } from '../../../shared/comparison-view.js';
import { runs } from '../renderer/compare-fixtures.js';

/** Another value for every field a view's charts could read (the model's fields excepted). */
const CHANGES: Partial<ComparisonSpec>[] = [{ band: 'se' }, { band: 'none' }, { showRuns: true }, { layer: 1 }, { layer: 'all' }, { xAxis: 'time' }, { logX: true }, { logY: true }, { smoothing: 0.5 }, { atEpoch: 1 }, { divergedRuns: 'exclude' }];

describe('the spec fields each chart reads', () => {
  const base = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4] });
  const model = buildComparison(runs, base);

  it('a change of any other field leaves the chart data as it was', () => {
    for (const kind of CHART_KINDS) {
      const before = chartData(model, kind, base);
      for (const change of CHANGES) {
        const field = Object.keys(change)[0] as keyof ComparisonSpec;
        if (CHART_SPEC_FIELDS[kind].includes(field) || (MODEL_SPEC_FIELDS as readonly string[]).includes(field)) continue;
        expect(chartData(model, kind, { ...base, ...change }), `${kind} with ${JSON.stringify(change)}`).toEqual(before);
      }
    }
  });

  it('and so does the summary table', () => {
    const before = summaryTable(model, base);
    for (const change of CHANGES) {
      const field = Object.keys(change)[0] as keyof ComparisonSpec;
      if ((SUMMARY_SPEC_FIELDS as readonly string[]).includes(field) || (MODEL_SPEC_FIELDS as readonly string[]).includes(field)) continue;
      expect(summaryTable(model, { ...base, ...change }), JSON.stringify(change)).toEqual(before);
    }
  });

  it('the declared fields do change what they should (a layer switch changes the dead fraction, not the loss)', () => {
    const layer1 = { ...base, layer: 1 };
    expect(chartData(model, 'dead-fraction', layer1)).not.toEqual(chartData(model, 'dead-fraction', base));
    expect(chartData(model, 'loss', layer1)).toEqual(chartData(model, 'loss', base));
  });
});
