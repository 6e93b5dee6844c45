/**
 * End to end: the born-dead chart of the Compare view on a real `relu-lab serve` in Chromium. Runs a
 * reduced `born-dead` preset (widths 2, 3 and 10, 12 seeds, measured at initialization) through the
 * API, opens the comparison grouped by width, checks the bars, their Wilson error bars (also with the
 * band set to none) and the notes against the stored dead fractions, and exports the chart as PNG
 * through the UI. Screenshots: test-results/screenshots/compare-born-dead*.png, and the exported
 * figure as figure-born-dead.png.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/compare-born-dead.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { CreateExperimentResult, Preset, RunRow } from '../../shared/api.js';
import { FINAL_STATUSES } from '../../shared/metrics.js';
import { LabStore } from '../../db/store.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('compare-born-dead.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 30_000, ...(typeof options === 'object' ? options : {}) });

const WIDTHS = [2, 3, 10];
const SEEDS = 12;

describe.skipIf(!HAVE_CHROMIUM)('compare view: the born-dead chart in Chromium', () => {
  let app: WebApp;
  let page: Page;
  let experimentId = 0;
  const chart = (kind: string): Locator => page.locator(`.compare-chart[data-chart="${kind}"]`);

  beforeAll(async () => {
    app = await startWebApp({ name: 'compare-born-dead', workers: 1, page: { acceptDownloads: true } });
    page = app.page;
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('runs a reduced born-dead preset through the API', async () => {
    const preset = (await app.api<Preset[]>('listPresets')).find((p) => p.name === 'born-dead')!;
    const base = structuredClone(preset.config) as unknown as Record<string, Record<string, unknown>>;
    const created = await app.api<CreateExperimentResult>('createExperiment', {
      ...base,
      dataset: { ...base.dataset, samples: 256 },
      probe: { samples: 256 },
      seeds: { from: 1, count: SEEDS },
      sweep: { 'model.width': WIDTHS },
    });
    experimentId = created.experimentId;
    await expect
      .poll(async () => (await app.api<RunRow[]>('listRuns', { experimentId })).every((r) => FINAL_STATUSES.includes(r.status)), { timeout: 150_000, interval: 1000 })
      .toBe(true);
  });

  it('draws one bar per width with its Wilson error bar, and the notes give k/n from the stored dead fractions', async () => {
    await page.goto(`${app.origin}/#/compare?exp=${experimentId}&group=model.width`);
    const born = chart('born-dead');
    await born.waitFor();
    await poll(() => born.locator('h3').textContent()).toBe('Born dead: share of runs with a fully dead layer (Wilson 95 % interval)');
    await poll(() => born.locator('.recharts-bar-rectangle').count()).toBeGreaterThan(0);
    await page.mouse.move(1, 1);
    await born.screenshot({ path: path.join(SHOTS, 'compare-born-dead.png') });
    await poll(() => born.locator('.recharts-bar-rectangle').count()).toBe(WIDTHS.length);
    await poll(() => born.locator('.recharts-errorBar').count()).toBe(WIDTHS.length);

    const store = LabStore.open(app.dbFile, { readonly: true });
    const counts = WIDTHS.map((w) => {
      const runs = store.listRuns({ experimentId }).filter((r) => r.sweep['model.width'] === w);
      return runs.filter((r) => store.getRunMetrics(r.id).find((e) => e.epoch === 0)!.layers.some((l) => l.deadFraction === 1)).length;
    });
    store.close();
    await born.getByText(`Runs with a fully dead layer / runs counted: ${WIDTHS.map((w, i) => `width=${w} ${counts[i]}/${SEEDS}`).join('; ')}.`).waitFor();
    await born.getByText('Error bars: Wilson score 95 % interval of the share (Wilson 1927), whatever the band setting.').waitFor();
    // Lu et al.: the narrowest nets are born dead most often.
    expect(counts[0]).toBeGreaterThan(counts[2]);

    await page.screenshot({ path: path.join(SHOTS, 'compare-born-dead-page.png'), fullPage: true });

    // The tooltip says k of n.
    await born.locator('.recharts-bar-rectangle').first().hover();
    await born.locator('.chart-tooltip').getByText(`${counts[0]} of n = ${SEEDS}`).waitFor();
    await born.screenshot({ path: path.join(SHOTS, 'compare-born-dead-tooltip.png') });
    await page.mouse.move(1, 1);
  });

  it('keeps its error bars with the band set to none (the other bars lose theirs)', async () => {
    await page.getByRole('radio', { name: 'none' }).click();
    await poll(() => chart('final-dead-bars').locator('.recharts-errorBar').count()).toBe(0);
    expect(await chart('born-dead').locator('.recharts-errorBar').count()).toBe(WIDTHS.length);
  });

  it('exports the chart as PNG through the UI', async () => {
    await chart('born-dead').getByRole('button', { name: /^Export Born dead/ }).click();
    const menu = chart('born-dead').locator('.export-panel');
    await menu.getByRole('combobox', { name: 'Figure size' }).selectOption('single-column');
    await menu.getByRole('textbox', { name: 'PNG resolution (dots per inch)' }).fill('200');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), menu.getByRole('button', { name: 'PNG', exact: true }).click()]);
    expect(download.suggestedFilename()).toBe('born-dead.png');
    const file = path.join(SHOTS, 'figure-born-dead.png');
    await download.saveAs(file);
    const png = fs.readFileSync(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(700);
    await page.keyboard.press('Escape');
  });

  it('logged no errors in the page', () => {
    expect(app.pageErrors).toEqual([]);
  });
});
