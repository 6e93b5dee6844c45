/**
 * End to end: the Compare view at scale and live, on a real `relu-lab serve` in Chromium. A lab of
 * 2,000 runs (written through the store's own functions, bench/seed.ts) opens with its group means,
 * its individual runs capped per panel with the note that says so, and switches layer; a comparison
 * whose run trains (real training of a small model) gains epochs on screen without a reload or a
 * click. Screenshots: test-results/screenshots/compare-scale-*.png. No timings are asserted here
 * (`npm run bench:ui` measures them).
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/compare-scale.test.ts
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { CreateExperimentResult, RunRow } from '../../shared/api.js';
import { MAX_RUN_LINES } from '../../shared/charts.js';
import { seedComparison } from '../../bench/seed.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('compare-scale.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 120_000, interval: 250, ...(typeof options === 'object' ? options : {}) });

describe.skipIf(!HAVE_CHROMIUM)('compare view at scale and live: relu-lab serve in Chromium', () => {
  let app: WebApp;
  let page: Page;
  const chart = (kind: string): Locator => page.locator(`.compare-chart[data-chart="${kind}"]`);

  beforeAll(async () => {
    app = await startWebApp({ name: 'compare-scale', workers: 1 });
    page = app.page;
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('2,000 runs: group means drawn, individual runs capped with a note, a layer switch redraws', async () => {
    const { experimentId } = seedComparison(app.dbFile, { runs: 2000, layers: 2, epochs: 4, variants: 5, units: 8, diverged: 3 });
    await page.goto(`${app.origin}/#/compare?exp=${experimentId}&showRuns=1`);
    await poll(() => chart('dead-fraction').locator('.mean-line path.recharts-curve').count()).toBe(5);
    await page.getByText('2,000 runs in 5 groups').or(page.getByText('2000 runs in 5 groups')).waitFor();
    const perGroup = MAX_RUN_LINES / 5;
    await chart('dead-fraction').getByText(`Individual runs: at most ${perGroup} runs per group drawn, spread evenly over the seeds`, { exact: false }).waitFor();
    const lines = await chart('dead-fraction').locator('.run-line').count();
    expect(lines).toBeGreaterThan(0);
    expect(lines).toBeLessThanOrEqual(MAX_RUN_LINES);
    // Every point still rests on all of a group's counted runs, and says so.
    await chart('dead-fraction').getByText(/^n = 400 runs per group\.$|^n per group:/).waitFor();
    await page.mouse.move(1, 1);
    await page.screenshot({ path: path.join(SHOTS, 'compare-scale-2000.png') });

    await page.getByRole('combobox', { name: 'Layer' }).selectOption('1');
    await poll(() => chart('dead-fraction').locator('.panel-title').allTextContents()).toEqual(['dense 2 (8 units)']);
    await chart('dead-fraction').screenshot({ path: path.join(SHOTS, 'compare-scale-2000-dead-fraction.png') });
  });

  it('live: a compared run that trains gains epochs on screen, without a reload or a click', async () => {
    const created = await app.api<CreateExperimentResult>('createExperiment', {
      name: 'Live compare',
      dataset: { kind: 'moons', samples: 1024 },
      model: { hiddenLayers: 3, width: 32 },
      training: { learningRate: 0.05, epochs: 400, batchSize: 8 },
      probe: { samples: 64 },
      seeds: [1],
    });
    const runId = created.runIds[0];
    await poll(async () => (await app.api<RunRow>('getRun', runId)).epochsDone).toBeGreaterThanOrEqual(1);
    await page.goto(`${app.origin}/#/compare?exp=${created.experimentId}`);
    const title = chart('final-dead-bars').locator('.panel-title');
    const shownEpoch = async () => Number(/at epoch (\d+)/.exec((await title.textContent()) ?? '')?.[1] ?? -1);
    await poll(shownEpoch).toBeGreaterThanOrEqual(1);
    const first = await shownEpoch();
    expect((await app.api<RunRow>('getRun', runId)).status).toBe('running');
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));

    // The live events reload the view (at most once a second): the chart moves on by itself.
    await poll(shownEpoch).toBeGreaterThan(first);
    await poll(shownEpoch).toBeGreaterThan(first + 1);
    expect((await app.api<RunRow>('getRun', runId)).status).toBe('running');
    expect(navigations).toEqual([]);
    await page.locator('.banner-info').getByText('1 run still training or queued: the charts follow their epochs as they arrive.').waitFor();
    await page.mouse.move(1, 1);
    await page.screenshot({ path: path.join(SHOTS, 'compare-scale-live.png') });
    await app.api('cancelRun', runId);
  });

  it('logged no errors in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
