/**
 * End to end: the Compare view of the real `relu-lab serve` (web mode) in Chromium through
 * playwright-core. Runs a reduced `mitigations` preset (6 variants × 2 seeds, 3 epochs) through the
 * API, selects it in the history, opens the compare view grouped by variant, switches the band, the
 * log scale and the layer, checks the recharts charts draw, and exports the headline chart through
 * the UI as SVG, PNG (300 dpi, single column) and CSV, captured as browser downloads. Then checks the
 * files: the SVG is well-formed XML with the legend and axis labels, the PNG's size is what the figure
 * layout says, and the CSV's means are the means of the dead fractions stored in the database. Also:
 * legend renames, saving / reopening / renaming / deleting a comparison, comparing a subset of runs,
 * and a bundle export → delete → import round trip. Screenshots of every chart (light and dark) go
 * to test-results/screenshots/compare-*.png.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts
 * Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium); without it the suite is
 * reported as skipped, with the reason printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Locator, Page } from 'playwright-core';
import { type CreateExperimentResult, type Preset, type RunRow, type SavedComparison } from '../../shared/api.js';
import { CHART_KINDS } from '../../shared/compare.js';
import { buildComparison, chartData, type ComparedRun } from '../../shared/charts.js';
import { chartToFigure } from '../../shared/chart-export.js';
import { figurePixelSize } from '../../shared/figure/index.js';
import { FINAL_STATUSES } from '../../shared/metrics.js';
import { LabStore } from '../../db/store.js';
import { loadComparedRuns } from '../../electron/figure/comparison.js';
import { paramsToSpec } from '../../renderer/src/compare/url.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

const VARIANTS = ['ReLU baseline', 'Leaky ReLU', 'PReLU', 'He init', 'Lower learning rate', 'Batch norm'];

reportSkip('compare.test.ts');

/** `expect.poll` with room for a busy machine: the page redraws nine charts after each change. */
const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 20_000, ...(typeof options === 'object' ? options : {}) });

// jsdom (a dev dependency) has no bundled types and this tsconfig has no DOM lib: type what we use.
interface XNode {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface XDocument {
  documentElement: XNode & { tagName: string };
  getElementsByTagName(name: string): ArrayLike<XNode>;
  querySelectorAll(selector: string): ArrayLike<XNode> & Iterable<XNode>;
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => { window: { DOMParser: new () => { parseFromString(source: string, type: string): XDocument } } };
};

/** A CSV line split into fields (quoted fields may hold commas and doubled quotes). */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

describe.skipIf(!HAVE_CHROMIUM)('compare view: relu-lab serve in Chromium', () => {
  let app: WebApp;
  let tmp: string;
  let dbFile: string;
  let url: string;
  let origin: string;
  let page: Page;
  let pageErrors: string[];
  let experimentId = 0;
  let runIds: number[] = [];
  let divergingId = 0;
  const files: Record<string, string> = {};

  const api = <T>(operation: string, ...args: unknown[]) => app.api<T>(operation, ...args);

  /** Closes the toasts, so they do not cover the charts in screenshots (one may close itself meanwhile). */
  async function dismissToasts(): Promise<void> {
    const buttons = page.locator('.toasts button[aria-label="Dismiss"]');
    while ((await buttons.count()) > 0) await buttons.first().click({ timeout: 2000 }).catch(() => undefined);
  }

  async function shot(name: string): Promise<void> {
    await dismissToasts();
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  const chart = (kind: string): Locator => page.locator(`.compare-chart[data-chart="${kind}"]`);

  /** Clicks `button` and returns the browser download it starts, saved under the test's temp dir. */
  async function download(button: Locator, name: string): Promise<{ file: string; download: Download }> {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), button.click()]);
    const file = path.join(tmp, 'downloads', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await d.saveAs(file);
    return { file, download: d };
  }

  /** The comparison spec the page shows, read back from its address. */
  function pageSpec() {
    const hash = new URL(page.url()).hash;
    const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
    const { spec, warnings } = paramsToSpec(new URLSearchParams(query));
    expect(warnings).toEqual([]);
    return spec;
  }

  /** Waits until the headline chart has drawn a mean curve per group. */
  async function chartsDrawn(groups = 6): Promise<void> {
    await poll(() => chart('dead-fraction').locator('path.recharts-curve').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(groups);
  }

  beforeAll(async () => {
    app = await startWebApp({ name: 'compare', workers: 2, page: { acceptDownloads: true } });
    ({ tmp, dbFile, url, origin, page, pageErrors } = app);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('runs a reduced mitigations preset (6 variants × 2 seeds, 3 epochs) through the API', async () => {
    const presets = await api<Preset[]>('listPresets');
    const preset = presets.find((p) => p.name === 'mitigations');
    expect(preset, 'the mitigations preset').toBeDefined();
    const base = structuredClone(preset!.config) as unknown as Record<string, Record<string, unknown> | undefined>;
    const config = {
      ...base,
      dataset: { ...base.dataset, samples: 256 },
      training: { ...base.training, epochs: 3 },
      probe: { ...base.probe, samples: 128 },
      seeds: [1, 2],
    };
    const created = await api<CreateExperimentResult>('createExperiment', config);
    experimentId = created.experimentId;
    runIds = created.runIds;
    expect(runIds).toHaveLength(12);
    await expect
      .poll(async () => (await api<RunRow[]>('listRuns', { experimentId })).every((r) => FINAL_STATUSES.includes(r.status)), { timeout: 150_000, interval: 1000 })
      .toBe(true);
    const runs = await api<RunRow[]>('listRuns', { experimentId });
    expect(new Set(runs.map((r) => r.sweep.variant))).toEqual(new Set(VARIANTS));
  });

  it('selects it in the history and opens the compare view grouped by variant', async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
    await page.getByRole('checkbox', { name: 'Select Mitigations side by side' }).check();
    await page.getByText('1 selected').waitFor();
    await shot('compare-history-selection');
    await page.getByRole('button', { name: 'Compare 1' }).click();
    await page.waitForURL(/#\/compare\?exp=\d+/);
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    await chartsDrawn();

    await page.getByRole('button', { name: 'Group by' }).click();
    await page.getByRole('checkbox', { name: 'variant', exact: true }).check();
    await page.keyboard.press('Escape');
    await poll(() => pageSpec().groupBy).toEqual(['variant']);
    // Groups keep the experiment's declared order of variants, not an alphabetical one.
    const legend = chart('dead-fraction').locator('.chart-legend li');
    await poll(() => legend.allTextContents()).toEqual(VARIANTS);
    await page.getByText('12 runs in 6 groups').waitFor();
  });

  it('switches the band, the log scale and the layer; the charts redraw', async () => {
    await page.getByRole('radio', { name: '± SE' }).click();
    await poll(() => chart('dead-fraction').locator('h3').textContent()).toBe('Dead fraction (mean ± SE)');
    expect(pageSpec().band).toBe('se');
    expect(await chart('dead-fraction').locator('.recharts-area-area').count()).toBeGreaterThanOrEqual(6);

    // Log y: positive domain, decade ticks, and the dropped zeros are reported.
    await page.getByRole('checkbox', { name: 'Log y' }).check();
    await chart('dead-fraction').getByText(/Log y axis: \d+ values? ≤ 0 left out/).waitFor();
    // Decade ticks only (10^k, written 0.01 / 0.1 / 1 or 10 with a superscript exponent).
    const yTicks = async () => (await chart('dead-fraction').locator('.recharts-yAxis-tick-labels text').allTextContents()).filter((t) => t !== '');
    await poll(async () => (await yTicks()).length).toBeGreaterThan(1);
    for (const t of await yTicks()) expect(t).toMatch(/^(0\.0*1|1|10+|10−\d+)$/);
    expect(pageSpec().logY).toBe(true);
    await chart('dead-fraction').screenshot({ path: path.join(SHOTS, 'compare-log-y.png') });
    await page.getByRole('checkbox', { name: 'Log y' }).uncheck();
    await poll(() => chart('dead-fraction').locator('.chart-axis-note').count()).toBe(0);

    // All layers: small multiples, one panel per hidden layer, each with its curves.
    await page.getByRole('combobox', { name: 'Layer' }).selectOption('all');
    const panels = chart('dead-fraction').locator('.compare-panel');
    await poll(() => panels.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      await poll(() => panels.nth(i).locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(6);
      expect(await panels.nth(i).locator('.panel-title').textContent()).toMatch(new RegExp(`^dense ${i + 1} \\(\\d+ units\\)$`));
    }
    const d = await panels.nth(3).locator('path.recharts-curve').first().getAttribute('d');
    expect(d && d.length).toBeGreaterThan(20);
    expect(pageSpec().layer).toBe('all');

    // Every chart of the page draws something.
    await poll(() => chart('final-dead-bars').locator('.recharts-bar-rectangle path').count()).toBeGreaterThan(0);
    await poll(() => chart('dead-heatmap').locator('rect.heat-cell').count()).toBe(4 * 4);
    await poll(() => chart('loss').locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(12);
    await poll(() => chart('accuracy').locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(12);
    await poll(() => chart('histograms').locator('.recharts-area-area').count()).toBe(4);
    await poll(() => chart('revival').locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await poll(() => chart('active-probability').locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(24);
    await poll(() => chart('dormant-fraction').locator('path.recharts-curve').count()).toBeGreaterThanOrEqual(24);
    await page.locator('.summary-table tbody tr').first().waitFor();
    expect(await page.locator('.summary-table tbody tr').count()).toBe(6);

    await shot('compare-page');
    for (const kind of CHART_KINDS) {
      // The born-dead chart is offered only when some run has a fully dead layer.
      if ((await chart(kind).count()) === 0) continue;
      await page.mouse.move(1, 1); // no tooltip left over from the last chart
      await chart(kind).screenshot({ path: path.join(SHOTS, `compare-${kind}.png`) });
    }
    await page.locator('.compare-controls').screenshot({ path: path.join(SHOTS, 'compare-controls.png') });
    await page.locator('.summary-section').screenshot({ path: path.join(SHOTS, 'compare-summary.png') });
  });

  it('exports the dead-fraction chart as SVG, PNG (300 dpi, single column), PDF and CSV through the UI', async () => {
    await chart('dead-fraction').getByRole('button', { name: /^Export Dead fraction/ }).click();
    const menu = chart('dead-fraction').locator('.export-panel');
    await menu.getByRole('combobox', { name: 'Figure size' }).selectOption('single-column');
    await menu.getByRole('textbox', { name: 'PNG resolution (dots per inch)' }).fill('300');
    await menu.getByRole('checkbox', { name: /Grayscale-safe/ }).setChecked(false);
    await chart('dead-fraction').screenshot({ path: path.join(SHOTS, 'compare-export-menu.png') });

    const svg = await download(menu.getByRole('button', { name: 'SVG', exact: true }), 'dead-fraction.svg');
    expect(svg.download.suggestedFilename()).toBe('dead-fraction.svg');
    files.svg = svg.file;
    const png = await download(menu.getByRole('button', { name: 'PNG', exact: true }), 'dead-fraction.png');
    expect(png.download.suggestedFilename()).toBe('dead-fraction.png');
    files.png = png.file;
    const pdf = await download(menu.getByRole('button', { name: 'PDF', exact: true }), 'dead-fraction.pdf');
    expect(fs.readFileSync(pdf.file).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const csv = await download(menu.getByRole('button', { name: 'CSV', exact: true }), 'dead-fraction.csv');
    expect(csv.download.suggestedFilename()).toBe('dead-fraction.csv');
    files.csv = csv.file;
    await page.keyboard.press('Escape');
  });

  it('the SVG is well-formed XML with the six legend entries and the axis labels', () => {
    const source = fs.readFileSync(files.svg, 'utf8');
    const { DOMParser } = new JSDOM('').window;
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    expect(doc.getElementsByTagName('parsererror').length).toBe(0);
    expect(doc.documentElement.tagName).toBe('svg');
    expect(doc.documentElement.getAttribute('width')).toBe('3.5in');
    const texts = [...doc.querySelectorAll('text')].map((t) => (t.textContent ?? '').trim());
    for (const name of VARIANTS) expect(texts, `legend entry ${name}`).toContain(name);
    expect(texts).toContain('Epoch');
    expect(texts).toContain('Dead fraction of units');
    expect(texts.some((t) => t.startsWith('Dead fraction (mean ± SE)'))).toBe(true);
  });

  it('the PNG is 3.5 in × 300 dpi wide: its IHDR size is figurePixelSize(figure, 300)', () => {
    const png = fs.readFileSync(files.png);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);

    const spec = pageSpec();
    const store = LabStore.open(dbFile, { readonly: true });
    try {
      const model = buildComparison(loadComparedRuns(store, spec), spec);
      const figure = chartToFigure(chartData(model, 'dead-fraction', spec), spec, { preset: 'single-column', fontFamily: 'sans', grayscaleSafe: false });
      expect({ width, height }).toEqual(figurePixelSize(figure, 300));
    } finally {
      store.close();
    }
    expect(width).toBe(1050);
  });

  it('the CSV holds the means of the dead fractions stored in the database (same layers)', () => {
    const lines = fs.readFileSync(files.csv, 'utf8').trim().split('\n');
    const header = csvFields(lines[0]);
    expect(header).toEqual(['chart', 'panel', 'group', 'series', 'run_id', 'seed', 'epoch', 'mean', 'lo', 'hi', 'n', 'value']);
    const col = (name: string) => header.indexOf(name);
    const rows = lines.slice(1).map(csvFields).filter((f) => f[col('series')] === 'mean');
    // 6 groups × 4 layers × 4 epochs (0..3).
    expect(rows).toHaveLength(6 * 4 * 4);
    expect(new Set(rows.map((r) => r[col('group')]))).toEqual(new Set(VARIANTS));
    expect([...new Set(rows.map((r) => r[col('panel')].replace(/ \(\d+ units\)$/, '')))].sort()).toEqual(['dense 1', 'dense 2', 'dense 3', 'dense 4']);

    // Recompute from the database: the runs of each variant, their stored dead fraction at (layer, epoch).
    const store = LabStore.open(dbFile, { readonly: true });
    try {
      const runs = store.listRuns({ experimentId });
      const metrics = new Map(runs.map((r) => [r.id, store.getRunMetrics(r.id)]));
      for (const row of rows) {
        const group = row[col('group')];
        const layer = Number(/^dense (\d+) \(\d+ units\)$/.exec(row[col('panel')])![1]) - 1;
        const epoch = Number(row[col('epoch')]);
        const values = runs
          .filter((r) => r.sweep.variant === group)
          .flatMap((r) => metrics.get(r.id)!.filter((e) => e.epoch === epoch))
          .flatMap((e) => e.layers.filter((l) => l.layer === layer).map((l) => l.deadFraction))
          .filter(Number.isFinite);
        expect(values.length, `${group} ${row[col('panel')]} epoch ${epoch}`).toBeGreaterThan(0);
        const expected = values.reduce((s, v) => s + v, 0) / values.length;
        expect(Number(row[col('mean')])).toBeCloseTo(expected, 12);
        expect(Number(row[col('n')])).toBe(values.length);
      }
    } finally {
      store.close();
    }
  });

  it('renames a legend entry, saves the comparison, and keeps it all over a reload', async () => {
    await page.getByRole('button', { name: 'Rename ReLU baseline' }).click();
    const input = page.getByRole('textbox', { name: 'Legend name of ReLU baseline' });
    await input.fill('ReLU (baseline)');
    await input.press('Enter');
    await poll(() => chart('dead-fraction').locator('.chart-legend li').allTextContents()).toContain('ReLU (baseline)');
    expect(Object.values(pageSpec().groupNames)).toEqual(['ReLU (baseline)']);

    await page.getByRole('button', { name: 'Save comparison…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save comparison' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('e2e mitigations');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    const saved = await api<SavedComparison[]>('listComparisons');
    expect(saved.map((c) => c.name)).toEqual(['e2e mitigations']);
    expect(saved[0].spec).toMatchObject({ experimentIds: [experimentId], groupBy: ['variant'], band: 'se', layer: 'all' });
    expect(Object.values(saved[0].spec.groupNames)).toEqual(['ReLU (baseline)']);
    await page.getByRole('heading', { name: /Compare · e2e mitigations/, level: 1 }).waitFor();

    await page.reload();
    await chartsDrawn();
    expect(await page.getByRole('radio', { name: '± SE' }).getAttribute('aria-checked')).toBe('true');
    expect(await page.getByRole('combobox', { name: 'Layer' }).inputValue()).toBe('all');
    await poll(() => chart('dead-fraction').locator('.chart-legend li').allTextContents()).toContain('ReLU (baseline)');
  });

  it('opens, renames and deletes the saved comparison from the list', async () => {
    await page.getByRole('link', { name: 'Compare', exact: true }).click();
    await page.getByText('Nothing to compare yet').waitFor();
    await page.getByRole('link', { name: 'Open' }).click();
    await page.waitForURL(/saved=e2e/);
    await chartsDrawn();
    expect(pageSpec().layer).toBe('all');

    await page.getByRole('button', { name: 'Rename e2e mitigations' }).click();
    const input = page.getByRole('textbox', { name: 'New name for e2e mitigations' });
    await input.fill('e2e mitigations v2');
    await input.press('Enter');
    await page.getByRole('link', { name: 'e2e mitigations v2' }).waitFor();
    expect((await api<SavedComparison[]>('listComparisons')).map((c) => c.name)).toEqual(['e2e mitigations v2']);

    await page.getByRole('button', { name: 'Delete e2e mitigations v2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete saved comparison?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('None yet.').waitFor();
    expect(await api<SavedComparison[]>('listComparisons')).toEqual([]);
  });

  it('compares a subset of an experiment’s runs', async () => {
    await page.goto(`${origin}/#/experiments/${experimentId}`);
    await page.getByRole('heading', { name: /Mitigations side by side/, level: 1 }).waitFor();
    expect(await page.getByRole('link', { name: 'Compare runs' }).getAttribute('href')).toBe(`#/compare?exp=${experimentId}`);
    const rows = await api<RunRow[]>('listRuns', { experimentId });
    const baseline = rows.filter((r) => r.sweep.variant === 'ReLU baseline');
    const leaky = rows.filter((r) => r.sweep.variant === 'Leaky ReLU');
    const picked = [...baseline, ...leaky];
    for (const r of picked) await page.getByRole('checkbox', { name: `Select run ${r.id} to compare` }).check();
    await page.getByRole('link', { name: 'Compare 4 runs' }).click();
    await page.waitForURL(/#\/compare\?runs=/);
    await chartsDrawn(2);
    expect(pageSpec().runIds.sort((a, b) => a - b)).toEqual(picked.map((r) => r.id).sort((a, b) => a - b));
    await poll(() => chart('dead-fraction').locator('.chart-legend li').allTextContents()).toEqual(['ReLU baseline', 'Leaky ReLU']);
    await page.getByText('4 runs in 2 groups').waitFor();
    // Each group keeps the colour it had among all six variants.
    const full = buildComparison(await api<ComparedRun[]>('getComparedRuns', { experimentIds: [experimentId] }), pageSpec());
    const subset = buildComparison(await api<ComparedRun[]>('getComparedRuns', { runIds: picked.map((r) => r.id) }), pageSpec());
    for (const g of subset.groups) expect(g.color, g.name).toBe(full.groups.find((f) => f.label === g.label)!.color);
    const strokes = await chart('dead-fraction').locator('.mean-line path.recharts-curve').evaluateAll((els) => els.map((e) => e.getAttribute('stroke')));
    expect(strokes).toEqual(expect.arrayContaining(subset.groups.map((g) => g.color)));
  });

  it('diverged runs: n per point, counts in legend, notes and table, include or exclude, legend click hides a group, exports what is shown', async () => {
    // One variant trains, two use a learning rate at which some or all of their runs diverge.
    const created = await api<CreateExperimentResult>('createExperiment', {
      name: 'Diverging learning rates',
      dataset: { kind: 'moons', samples: 96 },
      model: { hiddenLayers: 2, width: 6 },
      training: { learningRate: 0.2, epochs: 4 },
      probe: { samples: 48 },
      seeds: [1, 2, 3],
      variants: [
        { name: 'ReLU', set: {} },
        { name: 'ELU at lr 1000', set: { 'model.activation': 'elu', 'training.learningRate': 1000 } },
        { name: 'PReLU at lr 1000', set: { 'model.activation': 'prelu', 'training.learningRate': 1000 } },
      ],
    });
    divergingId = created.experimentId;
    await expect
      .poll(async () => (await api<RunRow[]>('listRuns', { experimentId: divergingId })).every((r) => FINAL_STATUSES.includes(r.status)), { timeout: 120_000, interval: 500 })
      .toBe(true);
    const rows = await api<RunRow[]>('listRuns', { experimentId: divergingId });
    const divergedOf = (variant: string) => rows.filter((r) => r.sweep.variant === variant && r.status === 'diverged').length;
    const divergingVariants = ['ELU at lr 1000', 'PReLU at lr 1000'].filter((v) => divergedOf(v) > 0);
    expect(divergingVariants.length, 'a variant with diverged runs').toBeGreaterThan(0);

    // Sign in when this test runs alone (the printed address is single use: not again after the others).
    if (!page.url().startsWith(origin)) await page.goto(url);
    await page.goto(`${origin}/#/compare?exp=${divergingId}&group=variant&band=std`);
    await chartsDrawn(3);
    const dead = chart('dead-fraction');
    await poll(() => dead.locator('.chart-legend .legend-name').allTextContents()).toEqual(['ReLU', 'ELU at lr 1000', 'PReLU at lr 1000']);
    const legendEntry = (v: string) => dead.locator('.chart-legend li').filter({ has: page.getByRole('button', { name: v, exact: true }) });
    for (const v of divergingVariants) await legendEntry(v).getByText(`${divergedOf(v)}/3 diverged`).waitFor();
    await dead.locator('.chart-notes').getByText(/^Diverged runs \(loss NaN or ∞\) count up to their last measured epoch, so n drops after it/).waitFor();
    await dead.locator('.chart-notes').getByText('Band: ± one standard deviation over the runs, drawn only where n ≥ 2.').waitFor();
    // The summary table: a diverged count and the epoch "final" is read at, per group.
    const tableRow = (v: string) => page.locator('.summary-table tbody tr').filter({ has: page.getByRole('cell', { name: v, exact: true }) });
    for (const v of divergingVariants) expect(await tableRow(v).locator('td.diverged-cell').textContent()).toContain(`${divergedOf(v)}/3`);
    const spec = pageSpec();
    const model = buildComparison(await api<ComparedRun[]>('getComparedRuns', { experimentIds: [divergingId] }), spec);
    for (const g of model.groups) expect(await tableRow(g.name).locator('td').nth(3).textContent()).toBe(g.finalEpoch === null ? '—' : String(g.finalEpoch));
    await shot('compare-diverged');
    await page.mouse.move(1, 1);
    await dead.screenshot({ path: path.join(SHOTS, 'compare-diverged-dead-fraction.png') });
    await chart('final-dead-bars').screenshot({ path: path.join(SHOTS, 'compare-diverged-final-dead-bars.png') });
    await chart('dead-heatmap').screenshot({ path: path.join(SHOTS, 'compare-diverged-heatmap.png') });
    await page.locator('.summary-section').screenshot({ path: path.join(SHOTS, 'compare-diverged-summary.png') });

    // Exclude them: the address keeps it, the notes say so.
    await page.getByRole('radio', { name: 'exclude' }).click();
    await poll(() => pageSpec().divergedRuns).toBe('exclude');
    await dead.locator('.chart-notes').getByText(/^Diverged runs \(loss NaN or ∞\) are excluded/).waitFor();

    // A legend click hides a group from every chart; it stays in the legend (struck through) and the notes name it.
    const curves = await dead.locator('.mean-line path.recharts-curve').count();
    await dead.getByRole('button', { name: 'ReLU', exact: true }).click();
    await poll(() => pageSpec().hiddenGroups).toEqual(['variant="ReLU"']);
    await poll(() => dead.locator('.mean-line path.recharts-curve').count()).toBeLessThan(curves);
    expect(await dead.getByRole('button', { name: 'ReLU', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await dead.locator('.chart-notes').getByText(/^Hidden: ReLU \(3 runs\)/).waitFor();

    // What is exported from this view is what it shows: no ReLU rows, the footnote in the figure.
    await dead.getByRole('button', { name: /^Export Dead fraction/ }).click();
    const menu = dead.locator('.export-panel');
    const csv = await download(menu.getByRole('button', { name: 'CSV', exact: true }), 'diverged.csv');
    const csvRows = fs.readFileSync(csv.file, 'utf8').trim().split('\n').slice(1).map(csvFields);
    expect(csvRows.some((r) => r[2] === 'ReLU')).toBe(false);
    expect(csvRows.length).toBeGreaterThan(0);
    const svg = await download(menu.getByRole('button', { name: 'SVG', exact: true }), 'diverged.svg');
    const svgText = fs.readFileSync(svg.file, 'utf8');
    expect(svgText).toContain('Hidden: ReLU (3 runs)');
    expect(svgText).toContain('Diverged runs (loss NaN or ∞) are excluded');
    for (const v of divergingVariants) expect(svgText).toContain(`${v} (${divergedOf(v)}/3 diverged)`);
    files.divergedSvg = svg.file;
    await page.keyboard.press('Escape');
    await shot('compare-diverged-excluded');

    await api('updateSettings', { theme: 'dark' });
    await poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
    await page.getByRole('radio', { name: 'count until diverged' }).click();
    await dead.getByRole('button', { name: 'ReLU', exact: true }).click();
    await poll(() => pageSpec().hiddenGroups).toEqual([]);
    await page.mouse.move(1, 1);
    await shot('compare-diverged-dark');
    await dead.screenshot({ path: path.join(SHOTS, 'compare-diverged-dark-dead-fraction.png') });
    await chart('dead-heatmap').screenshot({ path: path.join(SHOTS, 'compare-diverged-dark-heatmap.png') });
    await api('updateSettings', { theme: 'light' });
  });

  it('dark theme', async () => {
    await api('updateSettings', { theme: 'dark' });
    await page.goto(`${origin}/#/compare?exp=${experimentId}&group=variant&band=std&showRuns=1`);
    await poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
    await chartsDrawn();
    await shot('compare-dark');
    for (const kind of ['dead-fraction', 'final-dead-bars', 'dead-heatmap', 'histograms']) {
      await page.mouse.move(1, 1);
      await chart(kind).screenshot({ path: path.join(SHOTS, `compare-dark-${kind}.png`) });
    }
    await api('updateSettings', { theme: 'light' });
  });

  it('exports a bundle from the history and imports it back (summary shown; a bad file is refused)', async () => {
    await page.goto(`${origin}/#/experiments`);
    await page.getByRole('checkbox', { name: 'Select Mitigations side by side' }).check();
    const bundle = await download(page.getByRole('button', { name: 'Export bundle' }), 'mitigations.relulab');
    expect(bundle.download.suggestedFilename()).toMatch(/\.relulab$/);
    expect(fs.statSync(bundle.file).size).toBeGreaterThan(1000);

    await api('deleteExperiment', experimentId);
    await page.getByRole('link', { name: 'Mitigations side by side' }).waitFor({ state: 'detached' });
    const input = page.getByLabel('Import bundle');
    await input.setInputFiles(bundle.file);
    const result = page.getByTestId('import-result');
    await poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/Imported 1 experiment, 12 runs; 0 skipped/);
    await page.getByRole('link', { name: 'Mitigations side by side' }).waitFor();
    await shot('compare-bundle-imported');

    await input.setInputFiles(bundle.file);
    await poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/Imported 0 experiments, 0 runs; 13 skipped/);

    const junk = path.join(tmp, 'junk.relulab');
    fs.writeFileSync(junk, 'not a bundle');
    await input.setInputFiles(junk);
    await poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/Could not import junk\.relulab: .+/);
    // The refused import was answered with an HTTP error the page handled.
    for (let i = pageErrors.length - 1; i >= 0; i--) if (/HTTP 4\d\d .*importBundle|status of 4\d\d/.test(pageErrors[i])) pageErrors.splice(i, 1);
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
