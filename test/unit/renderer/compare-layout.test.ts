import { describe, expect, it } from 'vitest';
import { CHART_KINDS } from '../../../shared/compare.js';
import { CHARTED_LAYER_FIELDS } from '../../../shared/metric-fields.js';
import { chartsShown, LAYOUT } from '../../../renderer/src/compare/layout.js';

const ALL_MEASURED = CHARTED_LAYER_FIELDS.map((f) => f.key as string);
const kinds = (view: Parameters<typeof chartsShown>[0]) => chartsShown(view).map((c) => c.kind as string);

describe('the charts of the compare page', () => {
  it('lays out every chart kind once, the dead fraction first and wide', () => {
    expect([...LAYOUT.map((c) => c.kind)].sort()).toEqual([...CHART_KINDS].sort());
    expect(LAYOUT[0]).toMatchObject({ kind: 'dead-fraction', wide: true });
  });

  it('offers the born-dead chart only when some run has a fully dead layer', () => {
    expect(kinds({ hasTasks: false, anyFullyDeadLayer: false, measuredLayerFields: ALL_MEASURED })).not.toContain('born-dead');
    expect(kinds({ hasTasks: true, anyFullyDeadLayer: true, measuredLayerFields: ALL_MEASURED })).toContain('born-dead');
    expect(chartsShown({ hasTasks: true, anyFullyDeadLayer: true, measuredLayerFields: ALL_MEASURED })).toHaveLength(CHART_KINDS.length);
  });

  it('offers online accuracy per task only when some run has tasks', () => {
    expect(kinds({ hasTasks: false, anyFullyDeadLayer: true, measuredLayerFields: ALL_MEASURED })).not.toContain('task-accuracy');
    expect(kinds({ hasTasks: true, anyFullyDeadLayer: false, measuredLayerFields: ALL_MEASURED })).toContain('task-accuracy');
  });

  it('offers a layer field’s chart always, or, for a field that may have no value, when some run measured it', () => {
    for (const f of CHARTED_LAYER_FIELDS) {
      expect(kinds({ hasTasks: false, anyFullyDeadLayer: false, measuredLayerFields: ALL_MEASURED })).toContain(f.chart.kind);
      expect(kinds({ hasTasks: false, anyFullyDeadLayer: false, measuredLayerFields: [] }).includes(f.chart.kind)).toBe(!f.nullable);
    }
  });
});
