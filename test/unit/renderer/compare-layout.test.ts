import { describe, expect, it } from 'vitest';
import { CHART_KINDS } from '../../../shared/compare.js';
import { chartsShown, LAYOUT } from '../../../renderer/src/compare/layout.js';

describe('the charts of the compare page', () => {
  it('lays out every chart kind once', () => {
    expect([...LAYOUT.map((c) => c.kind)].sort()).toEqual([...CHART_KINDS].sort());
  });

  it('offers the born-dead chart only when some run has a fully dead layer', () => {
    expect(chartsShown({ anyFullyDeadLayer: false }).map((c) => c.kind)).not.toContain('born-dead');
    expect(chartsShown({ anyFullyDeadLayer: true }).map((c) => c.kind)).toContain('born-dead');
    expect(chartsShown({ anyFullyDeadLayer: false })).toHaveLength(CHART_KINDS.length - 1);
  });
});
