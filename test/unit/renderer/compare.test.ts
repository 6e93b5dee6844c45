/** The Compare view's pure logic: the spec in the address, group-by choices, the summary table, and chart rows. */
import { describe, expect, it } from 'vitest';
import type { EpochMetricsDto } from '../../../shared/api.js';
import { comparisonSpecSchema, type ComparisonSpec } from '../../../shared/compare.js';
import { buildComparison, chartData, type ComparedRun, type LinePanelData } from '../../../shared/charts.js';
import { sortByColumn } from '../../../shared/analysis/index.js';
import { validateExperiment } from '../../../shared/config.js';
import { parseHash, routeHref } from '../../../renderer/src/app/routes.js';
import { axisModel } from '../../../shared/figure/axis.js';
import { barRows, lineRows, ridgePanels } from '../../../renderer/src/charts/rows.js';
import {
  base64ToBytes,
  compareHref,
  dataUrlBase64,
  DEFAULT_EXPORT_OPTIONS,
  DEFAULT_SPEC,
  exportFileName,
  fieldLabel,
  groupByChoices,
  hasSelection,
  importSummaryText,
  paramsToSpec,
  patchSpec,
  readExportOptions,
  specToParams,
  statLabel,
  summaryTable,
  toggleHidden,
} from '../../../renderer/src/lib/compare.js';

const base = validateExperiment({
  name: 'x',
  dataset: { kind: 'blobs' },
  model: { hiddenLayers: 2, width: 4 },
  training: { learningRate: 0.1, epochs: 2 },
});
if (!base.ok) throw new Error('bad base config');
const config = base.runs[0].config;

/** A run of a variant whose layer-l dead fraction at epoch e is `dead(e, l)`. */
function run(id: number, seed: number, variant: string, activation: string, dead: (e: number, l: number) => number, epochs = 3): ComparedRun {
  const list: EpochMetricsDto[] = [];
  for (let e = 0; e < epochs; e++) {
    list.push({
      epoch: e,
      trainLoss: 1 / (e + 1) + seed / 100,
      trainAccuracy: 0.5,
      valLoss: 2 / (e + 1),
      valAccuracy: 0.4 + e / 10,
      seconds: e === 0 ? 0 : 1,
      elapsedSeconds: e + seed / 10,
      probeMs: 1,
      layers: [0, 1].map((l) => {
        const d = dead(e, l);
        return {
          layer: l,
          units: 4,
          deadFraction: d,
          activeProbability: 1 - d,
          dormantFraction: d,
          gradNorm: 1,
          preActMean: 0,
          preActStd: 1,
          histogram: { lo: -2, hi: 2, counts: [1, 3, 4, 2] },
          deadMask: [0, 0, 0, 0],
          preluAlphas: null,
        };
      }),
    });
  }
  return {
    id,
    experimentId: 7,
    seed,
    sweep: { variant },
    config: { ...config, seed, model: { ...config.model, activation: activation as 'relu' } },
    status: 'completed',
    name: null,
    epochs: list,
  };
}

const runs = [
  run(1, 1, 'ReLU baseline', 'relu', (e, l) => 0.25 * e * (l + 1) * 0.5),
  run(2, 2, 'ReLU baseline', 'relu', (e) => (e === 0 ? 0 : 0.5)),
  run(3, 1, 'Leaky ReLU', 'leaky_relu', () => 0),
  run(4, 2, 'Leaky ReLU', 'leaky_relu', (e) => (e === 1 ? 0.25 : 0)),
];

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

describe('summary table', () => {
  const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'std', layer: 0 });
  const model = buildComparison(runs, spec);

  it('has only the differing config fields and final/min/max per metric, bands clipped to the metric range', () => {
    const table = summaryTable(model, spec);
    expect(table.fields).toEqual(['variant', 'model.activation']);
    expect(table.metrics.map((m) => m.label)).toEqual(['Dead fraction (layer 1)', 'Validation loss', 'Validation accuracy']);
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
    expect(table.columns.map((c) => c.id).slice(0, 4)).toEqual(['group', 'runs', 'diverged', 'finalEpoch']);

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
    const column = table.columns.find((c) => c.id === 'dead.atEpoch')!;
    expect(column.label).toBe('Dead fraction (layer 1): at epoch 1');
    const asc = sortByColumn(table.rows, table.columns, { columnId: 'dead.atEpoch', direction: 'asc' }).map((r) => r.name);
    const desc = sortByColumn(table.rows, table.columns, { columnId: 'dead.atEpoch', direction: 'desc' }).map((r) => r.name);
    expect(asc).toEqual(['Leaky ReLU', 'ReLU baseline']);
    expect(desc).toEqual(['ReLU baseline', 'Leaky ReLU']);
    const byField = sortByColumn(table.rows, table.columns, { columnId: 'field:model.activation', direction: 'desc' }).map((r) => r.name);
    expect(byField).toEqual(['ReLU baseline', 'Leaky ReLU']);
  });
});

describe('chart rows', () => {
  const spec = comparisonSpecSchema.parse({ runIds: [1, 2, 3, 4], band: 'std', layer: 0, showRuns: true });
  const model = buildComparison(runs, spec);
  const lines = chartData(model, 'dead-fraction', spec);
  if (lines.kind !== 'lines') throw new Error('expected lines');
  const panel: LinePanelData = lines.panels[0];

  it('lines: one row per x with each group mean, band, n and runs (numbers straight from chartData)', () => {
    const shaped = lineRows(panel, { logX: false, logY: false, integerX: true, fraction: true });
    expect(shaped.rows.map((r) => r.x)).toEqual([0, 1, 2]);
    const relu = panel.series.findIndex((s) => s.name === 'ReLU baseline');
    expect(shaped.rows.map((r) => r[`m${relu}`])).toEqual(panel.series[relu].points.map((p) => p.mean));
    expect(shaped.rows[1][`b${relu}`]).toEqual([panel.series[relu].points[1].lo, panel.series[relu].points[1].hi]);
    expect(shaped.rows[1][`n${relu}`]).toBe(2);
    expect(shaped.rows[2][`r${relu}_0`]).toBe(0.25);
    expect(shaped.droppedY).toBe(0);
    // Integer epoch ticks, labelled as integers, from 0.
    expect(shaped.x.ticks.map((t) => t.label?.text)).toEqual(['0', '1', '2']);
    expect(shaped.y.domain[0]).toBe(0);
  });

  it('lines on log axes: non-positive values are left out and counted, bands reaching 0 end at the axis bottom', () => {
    const shaped = lineRows(panel, { logX: false, logY: true, integerX: true, fraction: true });
    // Means ≤ 0: both groups at epoch 0, Leaky at epoch 2; runs ≤ 0: 2 + 2 at epoch 0, Leaky 3 + 1 more.
    expect(shaped.droppedY).toBeGreaterThan(0);
    expect(shaped.y.scale).toBe('log');
    expect(shaped.y.domain[0]).toBeGreaterThan(0);
    for (const row of shaped.rows) {
      for (const [k, v] of Object.entries(row)) {
        if (/^m\d/.test(k) && typeof v === 'number') expect(v).toBeGreaterThan(0);
        if (/^b\d/.test(k) && Array.isArray(v)) expect(v[0]).toBeGreaterThanOrEqual(shaped.y.domain[0]);
      }
    }
    const logX = lineRows(panel, { logX: true, logY: false, integerX: true, fraction: true });
    expect(logX.rows.map((r) => r.x)).toEqual([1, 2]);
    expect(logX.droppedX).toBe(2 * 1 + 4 * 1);
    expect(logX.x.scale).toBe('log');
  });

  it('axes: an all-zero fraction shows [0, 1], not a range around 0', () => {
    expect(axisModel([0, 0, 0], { includeZero: true }).domain).toEqual([0, 1]);
    expect(axisModel([], { scale: 'log' }).domain).toEqual([1, 10]);
    expect(axisModel([0.02, 0.4], { scale: 'log' }).domain).toEqual([0.01, 1]);
  });

  it('bars: means and error-bar offsets per layer; log y drops zero bars', () => {
    const bars = chartData(model, 'final-dead-bars', spec);
    if (bars.kind !== 'bars') throw new Error('expected bars');
    const p = bars.panels[0];
    const shaped = barRows(p, { logY: false, band: 'std', fraction: true });
    expect(shaped.rows.map((r) => r.category)).toEqual(['Layer 1', 'Layer 2']);
    const i = p.groups.findIndex((g) => g.name === 'ReLU baseline');
    const v = p.groups[i].values[0];
    expect(shaped.rows[0][`v${i}`]).toBe(v.mean);
    expect(shaped.rows[0][`e${i}`]).toEqual([v.mean - v.lo, v.hi - v.mean]);
    const none = barRows(p, { logY: false, band: 'none', fraction: true });
    expect(none.rows[0][`e${i}`]).toBe(null);
    const log = barRows(p, { logY: true, band: 'std', fraction: true });
    const leaky = p.groups.findIndex((g) => g.name === 'Leaky ReLU');
    expect(log.rows[0][`v${leaky}`]).toBe(null);
    expect(log.droppedY).toBeGreaterThan(0);
  });

  it('histograms: step outlines in shares, the share at z ≤ 0, one shared z range', () => {
    const ridges = chartData(model, 'histograms', spec);
    if (ridges.kind !== 'ridges') throw new Error('expected ridges');
    const shaped = ridgePanels(ridges);
    expect(shaped.x.domain).toEqual([-2, 2]);
    expect(shaped.panels).toHaveLength(3);
    const first = shaped.panels[0];
    expect(first.steps.map((s) => s.z)).toEqual([-2, -1, 0, 1, 2]);
    expect(first.steps.map((s) => s.share)).toEqual([0.1, 0.3, 0.4, 0.2, 0.2]);
    expect(first.negativeShare).toBeCloseTo(0.4, 12);
  });
});

describe('files and export options', () => {
  it('decodes base64 to bytes and reads a data URL', () => {
    expect([...base64ToBytes('iVBORw0KGgo=')]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(base64ToBytes('')).toHaveLength(0);
    expect(dataUrlBase64('data:application/gzip;base64,H4sI')).toBe('H4sI');
    expect(dataUrlBase64('garbage')).toBe('');
  });

  it('words the import summary', () => {
    expect(importSummaryText({ experiments: 1, runs: 18, skipped: 0 })).toBe('Imported 1 experiment, 18 runs; 0 skipped');
    expect(importSummaryText({ experiments: 0, runs: 1, skipped: 13 })).toBe('Imported 0 experiments, 1 run; 13 skipped');
  });

  it('names exported files after the saved comparison', () => {
    expect(exportFileName('dead-fraction.svg', null)).toBe('dead-fraction.svg');
    expect(exportFileName('dead-fraction.svg', 'Mitigations, 3 seeds!')).toBe('mitigations-3-seeds-dead-fraction.svg');
    expect(exportFileName('loss.csv', '***')).toBe('loss.csv');
  });

  it('reads stored export options defensively', () => {
    expect(readExportOptions(null)).toEqual(DEFAULT_EXPORT_OPTIONS);
    expect(DEFAULT_EXPORT_OPTIONS).toMatchObject({ preset: 'single-column', dpi: 300 });
    expect(readExportOptions({ preset: 'double-column', fontFamily: 'serif', fontSize: 9, grayscaleSafe: true, dpi: 600 })).toEqual({
      preset: 'double-column',
      fontFamily: 'serif',
      fontSize: 9,
      grayscaleSafe: true,
      dpi: 600,
    });
    expect(readExportOptions({ preset: 'poster', dpi: 5, fontSize: 100 })).toEqual(DEFAULT_EXPORT_OPTIONS);
  });
});
