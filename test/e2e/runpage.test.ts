/**
 * End to end: a run's own page (#/runs/ID) in the real `relu-lab serve` (web mode), in Chromium through
 * playwright-core. Watches a long run's page while it trains (its charts grow without a reload) and
 * cancels it; then trains a small design (ReLU and PReLU, 2 seeds, 3 hidden layers, real training on
 * the wasm backend) and checks every chart draws one line per hidden layer (or training and
 * validation), the PReLU run draws its slopes while the ReLU run says why it has none, the gradient
 * norm's log axis, CSV downloads that hold the stored numbers and an SVG figure, the configuration copied as JSON, the
 * links to the experiment and to the Compare view, and a missing run. Screenshots (light and dark) go to
 * test-results/screenshots/runpage-*.png.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/runpage.test.ts
 * Needs Debian's chromium at /usr/bin/chromium; without it the suite is reported as skipped, with the reason.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { CreateExperimentResult, EpochMetricsDto, RunRow } from '../../shared/api.js';
import { FINAL_STATUSES } from '../../shared/metrics.js';
import { paramsToSpec } from '../../renderer/src/compare/url.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('runpage.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 30_000, ...(typeof options === 'object' ? options : {}) });

const EPOCHS = 20;
const LAYERS = 3;

describe.skipIf(!HAVE_CHROMIUM)('run page: relu-lab serve in Chromium', () => {
  let app: WebApp;
  let page: Page;
  let runs: RunRow[] = [];
  let experimentId = 0;
  const api = <T>(operation: string, ...args: unknown[]) => app.api<T>(operation, ...args);
  const chart = (id: string): Locator => page.locator(`.run-chart[data-chart="${id}"]`);
  const lines = (id: string) => chart(id).locator('.run-line path.recharts-curve');

  async function shot(name: string): Promise<void> {
    const buttons = page.locator('.toasts button[aria-label="Dismiss"]');
    while ((await buttons.count()) > 0) await buttons.first().click({ timeout: 2000 }).catch(() => undefined);
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  async function open(runId: number): Promise<void> {
    await page.evaluate(`location.hash = '#/runs/${runId}'`);
    await page.getByRole('heading', { name: new RegExp(`^Run ${runId} `), level: 1 }).waitFor();
  }

  /** Clicks a chart's CSV or SVG button and returns the downloaded file's text. */
  async function download(chartId: string, format: 'CSV' | 'SVG'): Promise<string> {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), chart(chartId).getByRole('button', { name: new RegExp(`as ${format}$`) }).click()]);
    const file = path.join(app.tmp, 'downloads', d.suggestedFilename());
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await d.saveAs(file);
    return fs.readFileSync(file, 'utf8');
  }

  async function downloadCsv(chartId: string): Promise<string[][]> {
    return (await download(chartId, 'CSV'))
      .trim()
      .split('\n')
      .map((line) => line.split(','));
  }

  beforeAll(async () => {
    app = await startWebApp({ name: 'runpage', workers: 1 });
    page = app.page;
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('shows a run live: its charts grow epoch by epoch while it trains, without a reload', async () => {
    // A run long enough to be watched whatever the machine's speed; it is cancelled once seen to grow.
    const live = await api<CreateExperimentResult>('createExperiment', {
      name: 'Run page live e2e',
      dataset: { kind: 'blobs', samples: 1024, features: 8, classes: 3 },
      model: { hiddenLayers: LAYERS, width: 8, activation: 'relu' },
      training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 16, epochs: 100_000 },
      probe: { samples: 64, histogramBins: 16 },
      seeds: [1],
    });
    const liveRun = live.runIds[0];
    await open(liveRun);
    // Every value the page's epoch count takes while the run trains.
    await page.evaluate(`(() => {
      const seen = [];
      window.epochsSeen = seen;
      const record = () => {
        const el = document.querySelector('.run-charts');
        const v = el && Number(el.getAttribute('data-epochs'));
        if (v && seen[seen.length - 1] !== v) seen.push(v);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-epochs'] });
    })()`);
    const seenCount = async () => (await page.evaluate<number[]>('window.epochsSeen')).length;
    await poll(seenCount, { timeout: 120_000 }).toBeGreaterThanOrEqual(3);
    const seen = await page.evaluate<number[]>('window.epochsSeen');
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect((await api<RunRow>('getRun', liveRun)).status).toBe('running');
    await page.locator('.run-page .badge.status-running').waitFor();
    await api('cancelRun', liveRun);
    await page.locator('.run-page .badge.status-cancelled').waitFor({ timeout: 60_000 });

    const created = await api<CreateExperimentResult>('createExperiment', {
      name: 'Run page e2e',
      dataset: { kind: 'blobs', samples: 1024, features: 8, classes: 3 },
      model: { hiddenLayers: LAYERS, width: 8, activation: 'relu', biasInit: -0.2 },
      training: { optimizer: 'sgd', learningRate: 0.2, batchSize: 16, epochs: EPOCHS },
      probe: { samples: 64, histogramBins: 16 },
      seeds: [1, 2],
      variants: [
        { name: 'ReLU', set: {} },
        { name: 'PReLU', set: { 'model.activation': 'prelu' } },
      ],
    });
    experimentId = (await api<RunRow>('getRun', created.runIds[0])).experimentId;
    await open(created.runIds[0]);
    await page.locator('.run-page .badge.status-completed').waitFor({ timeout: 150_000 });
    await poll(() => page.locator('.run-charts').getAttribute('data-epochs')).toBe(String(EPOCHS + 1));
    await poll(async () => (await api<RunRow[]>('listRuns', { experimentId })).every((r) => FINAL_STATUSES.includes(r.status)), { timeout: 150_000 }).toBe(true);
    runs = await api<RunRow[]>('listRuns', { experimentId });
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('draws every chart of a ReLU run, one line per hidden layer, and says why it has no PReLU slopes', async () => {
    const relu = runs.find((r) => r.sweep.variant === 'ReLU')!;
    await open(relu.id);
    await poll(() => lines('deadFraction').count()).toBe(LAYERS);
    for (const id of ['activeProbability', 'dormantFraction', 'gradNorm', 'preActMean']) await poll(() => lines(id).count()).toBe(LAYERS);
    await poll(() => lines('loss').count()).toBe(2);
    await poll(() => lines('accuracy').count()).toBe(2);
    await poll(() => chart('preActMean').locator('.band-area path.recharts-curve').count()).toBe(LAYERS);
    expect(await lines('preluAlphaMean').count()).toBe(0);
    await chart('preluAlphaMean').getByText(/No values for this run\. Mean PReLU slope: .*\(PReLU only\)/).waitFor();
    // The layer × epoch heatmap, the dead units of one layer, the histograms at six epochs.
    await poll(() => chart('dead-heatmap').locator('rect.heat-cell').count()).toBe(LAYERS * (EPOCHS + 1));
    await poll(() => chart('dead-mask').locator('svg image').count()).toBe(1);
    await poll(() => chart('histograms').locator('.ridge-cell').count()).toBe(6);

    const identity = page.locator('.run-identity');
    await identity.getByText('ReLU', { exact: true }).waitFor();
    expect(await identity.textContent()).toMatch(/Seed\s*1/);
    expect(await identity.textContent()).toMatch(/Backendwasm/);
    expect(await identity.textContent()).toMatch(/Versionstfjs 4\.22\.0/);
    await shot('runpage-relu-light');
  });

  it('the gradient norm goes on a log axis, and its CSV holds the stored numbers', async () => {
    const relu = runs.find((r) => r.sweep.variant === 'ReLU')!;
    const scale = chart('gradNorm').locator('.chart-body');
    expect(await scale.getAttribute('data-scale')).toBe('linear');
    const linear = await lines('gradNorm').first().getAttribute('d');
    await chart('gradNorm').getByRole('checkbox', { name: 'log scale' }).check();
    await poll(() => scale.getAttribute('data-scale')).toBe('log');
    await poll(() => lines('gradNorm').first().getAttribute('d')).not.toBe(linear);
    await poll(() => lines('gradNorm').count()).toBe(LAYERS);
    const rows = await downloadCsv('gradNorm');
    expect(rows[0]).toEqual(['run_id', 'chart', 'series', 'layer', 'epoch', 'metric', 'value']);
    expect(rows).toHaveLength(1 + LAYERS * (EPOCHS + 1));
    const stored = await api<EpochMetricsDto[]>('getRunMetrics', relu.id);
    for (const row of rows.slice(1)) {
      const [runId, , , layer, epoch, metric, value] = row;
      expect(runId).toBe(String(relu.id));
      expect(metric).toBe('gradNorm');
      const want = stored.find((e) => e.epoch === Number(epoch))!.layers[Number(layer) - 1].gradNorm;
      expect(Number(value)).toBe(want);
    }
    const svg = await download('gradNorm', 'SVG');
    expect(svg).toMatch(/<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const text of ['Gradient norm per layer', `Run ${relu.id} · ReLU · seed 1`, 'layer 3', 'Epoch']) expect(svg).toContain(text);
  });

  it('a PReLU run draws its mean slope per layer, the mean of its stored per-unit slopes', async () => {
    const prelu = runs.find((r) => r.sweep.variant === 'PReLU')!;
    await open(prelu.id);
    await poll(() => lines('preluAlphaMean').count()).toBe(LAYERS);
    expect(await chart('preluAlphaMean').getByText('No values for this run').count()).toBe(0);
    const rows = await downloadCsv('preluAlphaMean');
    const stored = await api<EpochMetricsDto[]>('getRunMetrics', prelu.id);
    const last = stored[stored.length - 1];
    for (let l = 0; l < LAYERS; l++) {
      const alphas = last.layers[l].preluAlphas!;
      const mean = alphas.reduce((s, a) => s + a, 0) / alphas.length;
      const row = rows.find((r) => r[3] === String(l + 1) && r[4] === String(last.epoch))!;
      expect(Number(row[6])).toBeCloseTo(mean, 12);
    }
    await api('updateSettings', { theme: 'dark' });
    await poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
    await shot('runpage-prelu-dark');
    await api('updateSettings', { theme: 'light' });
    await poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('light');
    await shot('runpage-prelu-light');
  });

  it('copies the configuration as JSON', async () => {
    const prelu = runs.find((r) => r.sweep.variant === 'PReLU')!;
    await page.getByRole('button', { name: 'Copy JSON' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = await page.evaluate<string>('navigator.clipboard.readText()');
    expect(JSON.parse(copied)).toEqual(JSON.parse(JSON.stringify(prelu.config)));
    expect(JSON.parse(copied).model.activation).toBe('prelu');
  });

  it('links to its experiment and compares with its seeds; the experiment page links back', async () => {
    const prelu = runs.find((r) => r.sweep.variant === 'PReLU')!;
    const seeds = runs.filter((r) => r.sweep.variant === 'PReLU').map((r) => r.id);
    const compare = page.getByRole('link', { name: /Compare with its seeds \(2 runs\)/ });
    const href = (await compare.getAttribute('href'))!;
    expect(paramsToSpec(new URLSearchParams(href.slice(href.indexOf('?') + 1))).spec.runIds).toEqual(seeds);
    await compare.click();
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();

    await open(prelu.id);
    await page.getByRole('link', { name: 'Back to the experiment' }).click();
    await page.waitForURL(new RegExp(`#/experiments/${experimentId}/runs/${prelu.id}$`));
    await page.getByRole('link', { name: 'Open the run page' }).click();
    await page.waitForURL(new RegExp(`#/runs/${prelu.id}$`));
    await page.getByRole('heading', { name: new RegExp(`^Run ${prelu.id} `), level: 1 }).waitFor();
  });

  it('says so when a run does not exist, and nothing failed in the page', async () => {
    await page.evaluate(`location.hash = '#/runs/9999'`);
    await page.getByRole('heading', { name: 'Run 9999 does not exist' }).waitFor();
    expect(app.pageErrors).toEqual([]);
  });
});
