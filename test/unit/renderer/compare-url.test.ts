/** The comparison spec in the page address, hiding groups, and what the runs can be grouped by. */
import { describe, expect, it } from 'vitest';
import { comparisonSpecSchema, type ComparisonSpec } from '../../../shared/compare.js';
import { parseHash, routeHref } from '../../../renderer/src/app/routes.js';
import { compareHref, DEFAULT_SPEC, hasSelection, paramsToSpec, patchSpec, specToParams, toggleHidden } from '../../../renderer/src/compare/url.js';
import { fieldLabel, groupByLabel } from '../../../renderer/src/compare/group-by.js';
import { groupByChoices } from '../../../shared/comparison-view.js';
import { runs } from './compare-fixtures.js';

describe('the spec in the address', () => {
  it('round-trips every setting through the URL parameters', () => {
    const spec: ComparisonSpec = comparisonSpecSchema.parse({
      runIds: [5, 3],
      experimentIds: [1, 12],
      groupBy: ['variant', 'model.activation'],
      band: 'ci95',
      showRuns: true,
      layer: 1,
      xAxis: 'time',
      logX: true,
      logY: true,
      smoothing: 0.73,
      groupNames: { 'variant="ReLU baseline"': 'ReLU & co, "baseline" ?#/=' },
      atEpoch: 12,
      focusGroup: 'variant="Leaky ReLU"|model.activation="leaky_relu"',
      divergedRuns: 'exclude',
      hiddenGroups: ['variant="PReLU"', 'variant="He & co|x=1"'],
    });
    const params = specToParams(spec, 'my comparison #1');
    expect(params.get('diverged')).toBe('exclude');
    expect(params.getAll('hide')).toEqual(['variant="PReLU"', 'variant="He & co|x=1"']);
    // Layers are 1-based in the address, as in the CLI.
    expect(params.get('layer')).toBe('2');
    const back = paramsToSpec(new URLSearchParams(params.toString()));
    expect(back.warnings).toEqual([]);
    expect(back.spec).toEqual(spec);
    expect(back.saved).toBe('my comparison #1');

    // Through the hash route and back, as the browser does it.
    const href = compareHref(spec, 'my comparison #1');
    const route = parseHash(href);
    expect(route.page).toBe('compare');
    if (route.page !== 'compare') throw new Error('not the compare route');
    expect(paramsToSpec(route.params).spec).toEqual(spec);
    expect(routeHref(route)).toBe(href);
  });

  it('keeps addresses short: defaults are left out', () => {
    expect(compareHref({ experimentIds: [3] })).toBe('#/compare?exp=3');
    expect(compareHref({ experimentIds: [3], divergedRuns: 'include', hiddenGroups: [] })).toBe('#/compare?exp=3');
    // A comparison saved before these fields existed reads with their defaults.
    expect(comparisonSpecSchema.parse({ experimentIds: [3], band: 'se' })).toMatchObject({ divergedRuns: 'include', hiddenGroups: [] });
    expect(compareHref({})).toBe('#/compare');
    expect(paramsToSpec(new URLSearchParams('')).spec).toEqual(DEFAULT_SPEC);
    for (const layer of ['mean', 'all'] as const) {
      const spec = comparisonSpecSchema.parse({ runIds: [1], layer });
      expect(paramsToSpec(specToParams(spec)).spec.layer).toBe(layer);
    }
    expect(hasSelection(DEFAULT_SPEC)).toBe(false);
    expect(hasSelection(comparisonSpecSchema.parse({ runIds: [2] }))).toBe(true);
  });

  it('ignores unreadable parameters one by one, with a warning, and keeps the rest', () => {
    const { spec, warnings } = paramsToSpec(new URLSearchParams('exp=1,x&runs=4,5&band=wide&layer=0&smooth=1.5&logY=maybe&names=[1]&at=-3&group=variant&x=time'));
    expect(spec.experimentIds).toEqual([]);
    expect(spec.runIds).toEqual([4, 5]);
    expect(spec.band).toBe('std');
    expect(spec.layer).toBe('mean');
    expect(spec.smoothing).toBe(0);
    expect(spec.logY).toBe(false);
    expect(spec.groupNames).toEqual({});
    expect(spec.atEpoch).toBe(null);
    expect(spec.groupBy).toEqual(['variant']);
    expect(spec.xAxis).toBe('time');
    expect(warnings).toHaveLength(7);
    const odd = paramsToSpec(new URLSearchParams('runs=1&diverged=drop&hide=a&hide=a'));
    expect(odd.spec.divergedRuns).toBe('include');
    expect(odd.spec.hiddenGroups).toEqual(['a']);
    expect(odd.warnings).toEqual(['Ignored diverged=drop: expected one of include, exclude']);
    expect(warnings[0]).toMatch(/^Ignored exp=1,x/);
  });

  it('lets the shared schema have the last word (limits it enforces are dropped too)', () => {
    const long = 'x'.repeat(101);
    const { spec, warnings } = paramsToSpec(new URLSearchParams({ runs: '1', names: JSON.stringify({ a: long }) }));
    expect(spec.runIds).toEqual([1]);
    expect(spec.groupNames).toEqual({});
    expect(warnings.some((w) => w.startsWith('Ignored groupNames'))).toBe(true);
  });

  it('resets the focus group when the grouping changes (its key would point at nothing)', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1], focusGroup: 'variant="a"', groupNames: { 'variant="a"': 'A' } });
    expect(patchSpec(spec, { band: 'se' }).focusGroup).toBe('variant="a"');
    const regrouped = patchSpec(spec, { groupBy: ['model.activation'] });
    expect(regrouped.focusGroup).toBe(null);
    expect(regrouped.groupNames).toEqual({ 'variant="a"': 'A' });
    expect(() => patchSpec(spec, { smoothing: 2 })).toThrow();
  });
});

describe('hiding groups', () => {
  it('toggles a group key in the spec', () => {
    const spec = comparisonSpecSchema.parse({ runIds: [1] });
    const hidden = toggleHidden(spec, 'variant="PReLU"');
    expect(hidden).toEqual({ hiddenGroups: ['variant="PReLU"'] });
    expect(toggleHidden({ ...spec, ...hidden }, 'variant="PReLU"')).toEqual({ hiddenGroups: [] });
  });
});

describe('group-by choices', () => {
  it('offers the fields that differ, variant first, and keeps chosen fields that no longer differ', () => {
    expect(groupByChoices(runs)).toEqual(['variant', 'model.activation']);
    const sameVariant = runs.filter((r) => r.sweep.variant === 'Leaky ReLU');
    // Runs of one variant differ by nothing but the seed: variant is still offered.
    expect(groupByChoices(sameVariant)).toEqual(['variant']);
    expect(groupByChoices(sameVariant, ['training.learningRate'])).toEqual(['variant', 'training.learningRate']);
    expect(fieldLabel('training.learningRate')).toBe('learningRate (training)');
    expect(fieldLabel('variant')).toBe('variant');
  });
});

describe('the Group by button', () => {
  it('names the chosen fields, or what automatic grouping picked', () => {
    expect(groupByLabel(['training.learningRate', 'variant'], [])).toBe('learningRate, variant');
    expect(groupByLabel([], ['variant', 'model.activation'])).toBe('automatic (variant, activation)');
    expect(groupByLabel([], [])).toBe('automatic (one group)');
  });
});
