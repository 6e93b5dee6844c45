/**
 * End to end: the Compare view of runs that use an intervention, on a real `relu-lab serve` in
 * Chromium. Trains a small dying-prone MLP with and without ReDo (2 seeds each) on 3 permuted tasks
 * through the API, opens the comparison grouped by variant and checks the units-reset chart (offered
 * because the ReDo runs reset units, drawn for them, with its figure export), the task boundaries on
 * the epoch charts and the online accuracy per task. Screenshots: test-results/screenshots/
 * compare-training-*.png, the exported figure as figure-units-reset.png.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/compare-training.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { CreateExperimentResult, RunRow } from '../../shared/api.js';
import { FINAL_STATUSES } from '../../shared/metrics.js';
import { LabStore } from '../../db/store.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('compare-training.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 30_000, ...(typeof options === 'object' ? options : {}) });

describe.skipIf(!HAVE_CHROMIUM)('compare view: interventions in Chromium', () => {
  let app: WebApp;
  let page: Page;
  let experimentId = 0;
  const chart = (kind: string): Locator => page.locator(`.compare-chart[data-chart="${kind}"]`);

  beforeAll(async () => {
    app = await startWebApp({ name: 'compare-training', workers: 1, page: { acceptDownloads: true } });
    page = app.page;
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('trains a small MLP with and without ReDo on 3 permuted tasks through the API', async () => {
    const created = await app.api<CreateExperimentResult>('createExperiment', {
      name: 'ReDo against the baseline on permuted tasks',
      dataset: { kind: 'blobs', samples: 256, features: 8 },
      model: { hiddenLayers: 3, width: 16 },
      training: { learningRate: 0.3, epochs: 6, batchSize: 32, tasks: { kind: 'permuted', count: 3, epochsPerTask: 2 } },
      probe: { samples: 128 },
      seeds: [1, 2],
      variants: [
        { name: 'baseline', set: {} },
        { name: 'ReDo', set: { 'training.interventions.redo.everySteps': 3, 'training.interventions.redo.threshold': 0.2 } },
      ],
    });
    experimentId = created.experimentId;
    await expect
      .poll(async () => (await app.api<RunRow[]>('listRuns', { experimentId })).every((r) => FINAL_STATUSES.includes(r.status)), { timeout: 150_000, interval: 1000 })
      .toBe(true);
  });

  it('offers the units-reset chart and draws the ReDo runs’ resets', async () => {
    const store = LabStore.open(app.dbFile, { readonly: true });
    const resets = store
      .listRuns({ experimentId })
      .filter((r) => r.sweep.variant === 'ReDo')
      .flatMap((r) => store.getRunMetrics(r.id).flatMap((e) => e.layers.map((l) => l.unitsReset ?? 0)));
    store.close();
    expect(resets.some((v) => v > 0)).toBe(true);

    await page.goto(`${app.origin}/#/compare?exp=${experimentId}&group=variant&layer=all`);
    const units = chart('units-reset');
    await units.waitFor();
    await poll(() => units.locator('h3').textContent()).toBe('Units reset (mean ± std)');
    await poll(() => units.locator('.compare-panel').count()).toBe(3);
    // One mean line per panel: the ReDo group's (the baseline resets nothing and has no value).
    await page.mouse.move(1, 1);
    await units.screenshot({ path: path.join(SHOTS, 'compare-training-units-reset.png') });
    const drawn = () => units.locator('.mean-line path.recharts-curve').evaluateAll((paths) => paths.filter((p) => ((p as unknown as { getAttribute(n: string): string | null }).getAttribute('d') ?? '').length > 0).length);
    await poll(drawn).toBe(3);
  });

  it('marks the task changes on the epoch charts and draws online accuracy per task', async () => {
    const dead = chart('dead-fraction');
    await poll(() => dead.locator('.task-boundary').count()).toBe(2 * 3);
    await dead.getByText('Dashed vertical lines: a new task starts (2 changes, at epochs 3 and 5).').waitFor();
    await page.mouse.move(1, 1);
    await dead.screenshot({ path: path.join(SHOTS, 'compare-training-task-boundaries.png') });
    const tasks = chart('task-accuracy');
    await poll(() => tasks.locator('h3').textContent()).toBe('Online accuracy per task (mean ± std)');
    await poll(() => tasks.locator('.mean-line path.recharts-curve').count()).toBe(2);
    await tasks.getByText('n = 2 runs per group.').waitFor();
    await tasks.screenshot({ path: path.join(SHOTS, 'compare-training-task-accuracy.png') });
  });

  it('exports the units-reset chart as PNG through the UI', async () => {
    await chart('units-reset').getByRole('button', { name: /^Export Units reset/ }).click();
    const menu = chart('units-reset').locator('.export-panel');
    await menu.getByRole('combobox', { name: 'Figure size' }).selectOption('double-column');
    await menu.getByRole('textbox', { name: 'PNG resolution (dots per inch)' }).fill('150');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), menu.getByRole('button', { name: 'PNG', exact: true }).click()]);
    const file = path.join(SHOTS, 'figure-units-reset.png');
    await download.saveAs(file);
    expect(fs.readFileSync(file).readUInt32BE(16)).toBe(1050);
    await page.keyboard.press('Escape');
  });

  it('logged no errors in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
