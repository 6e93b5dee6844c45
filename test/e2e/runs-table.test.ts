/**
 * End to end: the runs table and the sweep views of the real `relu-lab serve` (web mode) in Chromium.
 * Seeds 300 runs (60 setups × 5 seeds, 6 epochs, 3 hidden layers) through the store's own write
 * functions, then: the first page and the count, a filter typed in the page (and one that does not
 * parse, with its message), sorting by a metric, the next page, adding a per-layer column, selecting
 * runs and opening the Compare view with them; the scatter and the parallel coordinates, and the
 * scatter's CSV export checked against the lab's own numbers. Screenshots go to
 * test-results/screenshots/runs-*.png and sweep-*.png.
 *
 * With RELU_LAB_TABLE_DB=FILE (a database seeded by `node bin/run-ts.mjs bench/runs-table.ts --db FILE`,
 * 10,000 runs), it also times the table page in Chromium on that file: from opening the address to the
 * first page's rows on screen, a sort by a metric and a filter, and prints the numbers.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/runs-table.test.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LabStore } from '../../db/store.js';
import { seedRunsTable } from '../../bench/runs-table-seed.js';
import type { RunTableInfo, RunTablePage } from '../../shared/run-table.js';
import type { ScatterChart } from '../../shared/sweep.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('runs-table.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 30_000, ...(typeof options === 'object' ? options : {}) });

describe.skipIf(!HAVE_CHROMIUM)('runs table and sweep views: relu-lab serve in Chromium', () => {
  let app: WebApp;
  let page: Page;

  const rows = () => page.locator('[data-testid="runs-table"] tbody tr');
  const count = () => page.locator('[data-testid="runs-count"]').innerText();
  const firstCells = async (column: number) => page.locator(`[data-testid="runs-table"] tbody tr td:nth-child(${column + 2})`).allInnerTexts();

  beforeAll(async () => {
    app = await startWebApp({ name: 'runs-table', workers: 1, page: { acceptDownloads: true } });
    page = app.page;
    const store = LabStore.open(app.dbFile);
    try {
      seedRunsTable(store, { runs: 300, epochs: 6, layers: 3, width: 8 });
    } finally {
      store.close();
    }
    await page.goto(app.url);
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('shows the first page of every run with the default columns and the count', async () => {
    await page.goto(`${app.origin}/#/runs`);
    await poll(() => rows().count()).toBe(100);
    await poll(count).toMatch(/^300 runs/);
    const headers = await page.locator('[data-testid="runs-table"] thead th').allInnerTexts();
    expect(headers.map((h) => h.replace(/[↕▲▼]/g, '').trim())).toEqual(['', 'run', 'experiment', 'status', 'seed', 'activation', 'learningRate', 'final dead', 'max dead', 'final loss', 'final val accuracy', 'epochs']);
    await page.screenshot({ path: path.join(SHOTS, 'runs-table.png'), fullPage: false });
  });

  it('filters with the typed filter, and says which clause does not parse', async () => {
    const input = page.getByRole('searchbox', { name: 'Filter runs' });
    await input.fill('final dead >> 0.2');
    await expect.poll(() => page.locator('.filter-problem').innerText()).toBe('filter clause 1 "final dead > >": expected a value after >');
    const filter = 'final dead > 0.2 and activation = relu and lr <= 0.3';
    await input.fill(filter);
    await input.press('Enter');
    const expected = await app.api<RunTablePage>('queryRunTable', { filter, limit: 1 });
    expect(expected.total).toBeGreaterThan(10);
    await poll(count).toMatch(new RegExp(`^${expected.total} of 300 runs match`));
    expect(decodeURIComponent(page.url())).toContain(`filter=${filter.replace(/ /g, '+')}`);
    for (const activation of await firstCells(4)) expect(activation).toBe('relu');
    await page.screenshot({ path: path.join(SHOTS, 'runs-table-filtered.png'), fullPage: false });
  });

  it('sorts by a metric in the lab, pages, and adds a per-layer column', async () => {
    await page.getByRole('searchbox', { name: 'Filter runs' }).fill('');
    await page.getByRole('searchbox', { name: 'Filter runs' }).press('Enter');
    await poll(count).toMatch(/^300 runs/);
    await page.getByRole('button', { name: /^final dead/ }).click();
    const expected = await app.api<RunTablePage>('queryRunTable', { sort: { column: 'final dead', direction: 'desc' }, columns: ['final dead'], limit: 100, offset: 100 });
    await page.getByRole('button', { name: 'Next ›' }).click();
    await poll(() => firstCells(6)).toEqual(expected.rows.map((r) => String(Number((r.cells['final dead'] as number).toPrecision(4)))));
    await page.getByRole('button', { name: 'Choose columns' }).click();
    await page.getByRole('checkbox', { name: 'final dead L3' }).check();
    await poll(() => page.locator('[data-testid="runs-table"] thead th').allInnerTexts()).toContainEqual(expect.stringContaining('final dead L3'));
    await page.keyboard.press('Escape');
  });

  it('compares the selected runs', async () => {
    await page.getByRole('checkbox', { name: /^Select run / }).nth(0).check();
    await page.getByRole('checkbox', { name: /^Select run / }).nth(1).check();
    const ids = await Promise.all([0, 1].map(async (i) => (await page.getByRole('checkbox', { name: /^Select run / }).nth(i).getAttribute('aria-label'))!.replace('Select run ', '')));
    await page.getByRole('button', { name: 'Compare 2' }).click();
    await poll(() => decodeURIComponent(new URL(page.url()).hash)).toContain(`runs=${ids.map(Number).sort((a, b) => a - b).join(',')}`);
  });

  it('draws the scatter (mean ± band per value, n) and exports its CSV with the lab’s numbers', async () => {
    const query = 'x=training.learningRate&color=model.activation&logx=1';
    await page.goto(`${app.origin}/#/sweep?${query}`);
    const img = page.locator('[data-testid="sweep-figure"] img');
    await poll(() => img.getAttribute('alt')).toMatch(/^final dead vs learningRate/);
    const chart = await app.api<ScatterChart>('getSweepChart', { x: 'training.learningRate', colorBy: 'model.activation', logX: true });
    expect(chart.groups.map((g) => g.name)).toEqual(['activation elu', 'activation leaky_relu', 'activation prelu', 'activation relu']);
    expect(chart.groups.flatMap((g) => g.means.map((m) => m.n)).reduce((a, b) => a + b, 0)).toBe(300);
    await page.locator('[data-testid="sweep-figure"]').screenshot({ path: path.join(SHOTS, 'sweep-scatter.png') });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByRole('button', { name: 'CSV' }).click()]);
    const file = path.join(app.tmp, 'sweep.csv');
    await download.saveAs(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('group,series,run_id,training.learningRate,final dead,mean,lo,hi,n,diverged');
    const means = lines.filter((l) => l.split(',')[1] === 'mean');
    expect(means.map((l) => Number(l.split(',')[8]))).toEqual(chart.groups.flatMap((g) => g.means.map((m) => m.n)));
    expect(lines.filter((l) => l.split(',')[1] === 'run')).toHaveLength(300);
  });

  it('draws parallel coordinates over the swept fields', async () => {
    await page.getByRole('radio', { name: 'Parallel coordinates' }).click();
    const img = page.locator('[data-testid="sweep-figure"] img');
    await poll(() => img.getAttribute('alt')).toMatch(/^final dead over the swept fields/);
    await page.locator('[data-testid="sweep-figure"]').screenshot({ path: path.join(SHOTS, 'sweep-parallel.png') });
    expect(app.pageErrors).toEqual([]);
  });
});

const BIG = process.env.RELU_LAB_TABLE_DB;

describe.skipIf(!HAVE_CHROMIUM || !BIG)('runs table at scale (RELU_LAB_TABLE_DB)', () => {
  let app: WebApp;

  beforeAll(async () => {
    app = await startWebApp({ name: 'runs-table-big', workers: 1, dbFile: BIG });
    await app.page.goto(app.url);
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('shows the first page, a sort and a filter of 10,000 runs', async () => {
    const { page } = app;
    const info = await app.api<RunTableInfo>('describeRunTable');
    const rows = page.locator('[data-testid="runs-table"] tbody tr');
    const timed = async (action: () => Promise<unknown>, done: () => Promise<boolean>): Promise<number> => {
      const t = performance.now();
      await action();
      await poll(done, { interval: 10, timeout: 60_000 }).toBe(true);
      return Math.round(performance.now() - t);
    };
    const count = () => page.locator('[data-testid="runs-count"]').innerText();
    const open = await timed(() => page.goto(`${app.origin}/#/runs`), async () => (await rows.count()) === 100);
    const firstRun = () => page.locator('[data-testid="runs-table"] tbody tr').first().locator('td').nth(1).innerText();
    const before = await firstRun();
    const sort = await timed(() => page.getByRole('button', { name: /^final dead/ }).click(), async () => (await firstRun()) !== before);
    await poll(count).toMatch(/answered/);
    const filter = await timed(
      async () => {
        await page.getByRole('searchbox', { name: 'Filter runs' }).fill('final dead > 0.2 and activation = relu');
        await page.getByRole('searchbox', { name: 'Filter runs' }).press('Enter');
      },
      async () => / of 10,000 runs match/.test(await count()),
    );
    const scatter = await timed(() => page.goto(`${app.origin}/#/sweep?x=training.learningRate&color=model.activation&logx=1`), async () => (await page.locator('[data-testid="sweep-figure"] img').count()) === 1);
    console.log(JSON.stringify({ runs: info.runs, chromiumMs: { firstPage: open, sortFinalDead: sort, filter, sweepScatter: scatter } }));
    expect(info.runs).toBeGreaterThanOrEqual(10_000);
  });
});
