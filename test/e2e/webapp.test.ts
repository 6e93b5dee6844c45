/**
 * End to end: the real `relu-lab serve` (web mode) driven in Chromium through playwright-core.
 * Designs a small sweep in the Designer (after an invalid value that must be caught at the field),
 * starts it, watches progress and the live charts, finds it in the history after a reload, renames
 * and tags it, deletes another experiment through its confirmation, and saves a screenshot of each page
 * (light and dark) to test-results/screenshots/.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts
 * Needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium); without it the suite is
 * reported as skipped, with the reason printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExperimentRow } from '../../shared/api.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('webapp.test.ts');

describe.skipIf(!HAVE_CHROMIUM)('web app: relu-lab serve in Chromium', () => {
  let app: WebApp;
  let tmp: string;
  let url: string;
  let origin: string;
  let page: Page;
  let pageErrors: string[];
  let experimentId = 0;
  const api = <T>(operation: string, ...args: unknown[]) => app.api<T>(operation, ...args);

  async function shot(name: string): Promise<void> {
    // (Page scripts are strings here: this file is type-checked without the DOM library.)
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  const field = (p: string) => page.locator(`[data-issue-key="${p}"]`).first();

  beforeAll(async () => {
    app = await startWebApp({ name: 'webapp', workers: 1 });
    ({ tmp, url, origin, page, pageErrors } = app);
    // Screenshots show settled progress bars, not their width transition.
    await page.emulateMedia({ reducedMotion: 'reduce' });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('opens on the (empty) history and hides the token from the address bar', async () => {
    await page.goto(url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
    await page.getByText('No experiments yet').waitFor();
    expect(page.url()).not.toContain('token=');
    await shot('experiments-empty');
  });

  it('catches an invalid value at its field as you type, with Start disabled and nothing created', async () => {
    // Another experiment, created through the API, to delete later.
    await api('createExperiment', {
      name: 'To be deleted',
      dataset: { kind: 'moons', samples: 64 },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 1 },
    });
    await page.getByRole('link', { name: 'Designer' }).click();
    await page.getByRole('heading', { name: 'Designer', level: 1 }).waitFor();
    await field('name').fill('E2E sweep');
    await field('dataset.kind').selectOption('blobs');
    // Enough work (2 runs × 40 epochs of 4,096 samples) that the progress bar is seen before the end.
    await field('dataset.samples').fill('4096');
    await field('model.hiddenLayers').fill('2');
    await field('model.width').fill('16');
    await field('training.epochs').fill('40');
    await field('training.learningRate').fill('-1');

    const lr = field('training.learningRate');
    await expect.poll(() => lr.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await lr.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    await expect.poll(() => page.locator(`[id="${errorId}"]`).textContent()).toContain('must be > 0, got -1');
    const start = page.getByRole('button', { name: /^Start/ });
    expect(await start.isDisabled()).toBe(true);
    await shot('designer-error');

    // Nothing but the API-made experiment exists.
    const rows = await api<ExperimentRow[]>('listExperiments');
    expect(rows.map((r) => r.name)).toEqual(['To be deleted']);
  });

  it('builds a valid sweep (2 activations) and shows the run count', async () => {
    await field('training.learningRate').fill('0.05');
    await expect.poll(() => field('training.learningRate').getAttribute('aria-invalid')).toBe(null);
    await page.getByRole('button', { name: 'Add a swept field' }).click();
    await page.getByRole('combobox', { name: 'Swept field 1' }).selectOption('model.activation');
    await page.getByRole('checkbox', { name: 'relu', exact: true }).check();
    await page.getByRole('checkbox', { name: 'leaky_relu', exact: true }).check();
    await expect.poll(() => page.getByTestId('run-count').textContent()).toBe('2');
    await page.getByText('Valid config').waitFor();
    const start = page.getByRole('button', { name: 'Start 2 runs' });
    expect(await start.isEnabled()).toBe(true);
    await shot('designer-valid');
  });

  it('starts it: progress advances and the live charts draw', async () => {
    // Record every value the experiment's progress bar takes.
    await page.evaluate(`(() => {
      const seen = [];
      window.progressSeen = seen;
      const record = () => {
        const bar = document.querySelector('[role="progressbar"][aria-label="Experiment progress"]');
        const v = bar && bar.getAttribute('aria-valuenow');
        if (v !== null && v !== undefined && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
      };
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-valuenow'] });
    })()`);
    await page.getByRole('button', { name: 'Start 2 runs' }).click();
    await page.waitForURL(/#\/experiments\/\d+$/);
    experimentId = Number(/#\/experiments\/(\d+)/.exec(page.url())![1]);
    await page.getByRole('heading', { name: /E2E sweep/, level: 1 }).waitFor();

    await page.locator('.exp-summary .badge.status-completed', { hasText: '2 completed' }).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('[role="progressbar"][aria-label="Experiment progress"]').getAttribute('aria-valuenow')).toBe('100');
    const seen = await page.evaluate<number[]>('window.progressSeen');
    expect(seen[seen.length - 1]).toBe(100);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(Math.min(...seen)).toBeLessThan(100);

    // The runs table: both runs 40/40 epochs with their sweep value, each named by its run id.
    const rows = page.locator('.runs-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => rows.nth(1).textContent()).toMatch(/leaky_relu.*40\/40/);
    const detail = await api<{ runs: { id: number }[] }>('getExperiment', experimentId);
    const runIds = detail.runs.map((r) => r.id);
    for (const [i, id] of runIds.entries()) {
      expect((await rows.nth(i).locator('a.run-id').textContent())?.trim()).toBe(String(id));
      expect(await rows.nth(i).locator('a.run-id').getAttribute('href')).toBe(`#/experiments/${experimentId}/runs/${id}`);
    }
    // The run view's title names the selected run by the same id.
    await page.getByRole('heading', { name: new RegExp(`^Run ${runIds[0]} · seed`), level: 2 }).waitFor();

    // Live charts (recharts SVG): losses and one line per hidden layer.
    const lossLines = page.locator('.chart-card').nth(0).locator('path.recharts-curve');
    const deadLines = page.locator('.chart-card').nth(1).locator('path.recharts-curve');
    await expect.poll(() => lossLines.count()).toBe(2);
    await expect.poll(() => deadLines.count()).toBe(2);
    const d = await lossLines.first().getAttribute('d');
    expect(d && d.length).toBeGreaterThan(20);
    await page.getByText(/^dense 2 \(\d+ units\)$/).first().waitFor();
    await shot('live-view');
  });

  it('finds it in the history after a page reload', async () => {
    await page.reload();
    await page.getByRole('heading', { name: /E2E sweep/, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Experiments', exact: true }).first().click();
    await page.getByRole('link', { name: 'E2E sweep' }).waitFor();
    await page.getByRole('link', { name: 'To be deleted' }).waitFor();
  });

  it('renames it inline and tags it', async () => {
    await page.getByRole('button', { name: 'Rename E2E sweep' }).click();
    const input = page.getByRole('textbox', { name: 'New name for E2E sweep' });
    await input.fill('E2E sweep (renamed)');
    await input.press('Enter');
    await page.getByRole('link', { name: 'E2E sweep (renamed)' }).waitFor();

    await page.getByRole('button', { name: 'Tags of E2E sweep (renamed)' }).click();
    const dialog = page.getByRole('dialog', { name: /Tags/ });
    await dialog.getByLabel('Add a tag').fill('e2e');
    await dialog.getByLabel('Add a tag').press('Enter');
    await dialog.getByRole('button', { name: 'Save tags' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.experiments-table .tag', { hasText: 'e2e' }).waitFor();

    const row = (await api<ExperimentRow[]>('listExperiments')).find((r) => r.id === experimentId)!;
    expect(row.name).toBe('E2E sweep (renamed)');
    expect(row.tags).toEqual(['e2e']);
  });

  it('shows why runs diverged or failed; shows and cancels a training run', async () => {
    const diverging = await api<{ experimentId: number }>('createExperiment', {
      name: 'Diverging (lr 1000)',
      dataset: { kind: 'blobs', samples: 256 },
      model: { hiddenLayers: 2, width: 16, init: 'normal', initStd: 5 },
      training: { learningRate: 1000, epochs: 5 },
    });
    const long = await api<{ experimentId: number; runIds: number[] }>('createExperiment', {
      name: 'Long run',
      dataset: { kind: 'blobs', samples: 2048 },
      model: { hiddenLayers: 4, width: 64 },
      training: { learningRate: 0.01, epochs: 100000 },
    });
    // A csv file that is checked when the experiment is created and gone when its run starts (queued
    // behind the long run on the only worker): the run fails with the reason.
    fs.writeFileSync(path.join(tmp, 'missing.csv'), 'x,y\n1,a\n2,b\n3,a\n4,b\n');
    const failing = await api<{ experimentId: number }>('createExperiment', {
      name: 'Failing (missing CSV)',
      dataset: { kind: 'csv', path: path.join(tmp, 'missing.csv'), labelColumn: 'y', task: 'classification' },
      model: { hiddenLayers: 1, width: 4 },
      training: { learningRate: 0.1, epochs: 2 },
    });
    fs.rmSync(path.join(tmp, 'missing.csv'));

    await page.goto(`${origin}/#/experiments/${diverging.experimentId}`);
    await page.locator('.reason-diverged').waitFor({ timeout: 120_000 });
    expect(await page.locator('.reason-diverged').textContent()).toMatch(/Diverged/);
    await page.locator('.chart-card').first().waitFor();
    // Finished, not stalled: the experiment's bar is full and says what happened.
    const expBar = page.locator('[role="progressbar"][aria-label="Experiment progress"]');
    await expect.poll(() => expBar.getAttribute('aria-valuenow')).toBe('100');
    expect(await page.locator('.exp-summary .progress-detail').textContent()).toBe('1 run done · 1 diverged');
    const divergedRun = (await api<{ runs: { id: number; epochsDone: number; epochsTotal: number }[] }>('getExperiment', diverging.experimentId)).runs[0];
    expect(divergedRun.epochsDone).toBeLessThan(divergedRun.epochsTotal);
    const divergedBar = page.locator(`.runs-table [role="progressbar"][aria-label="Run ${divergedRun.id} progress"]`);
    expect(await divergedBar.getAttribute('aria-valuenow')).toBe('100');
    expect(await divergedBar.locator('xpath=..').locator('.progress-detail').textContent()).toBe(`diverged at epoch ${divergedRun.epochsDone}/5`);
    await shot('run-diverged');

    await page.goto(`${origin}/#/experiments/${long.experimentId}`);
    await page.locator('.runs-table .badge.status-running').waitFor({ timeout: 120_000 });
    // Epochs arrive live: the run's epoch counter and progress bar move.
    const epochsCell = page.locator('.runs-table tbody tr').first().locator('.progress-detail');
    await expect.poll(async () => Number(/^(\d+)\//.exec((await epochsCell.textContent()) ?? '')?.[1] ?? 0), { timeout: 60_000 }).toBeGreaterThan(2);
    const longRunId = long.runIds[0];
    const runBar = page.locator(`[role="progressbar"][aria-label="Run ${longRunId} progress"]`).last();
    await expect.poll(async () => Number(await runBar.getAttribute('aria-valuenow')), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.chart-card').nth(1).locator('path.recharts-curve').count(), { timeout: 60_000 }).toBe(4);
    await shot('live-view-running');

    await page.getByRole('link', { name: 'Queue' }).click();
    await page.getByRole('heading', { name: 'Queue', level: 1 }).waitFor();
    // The queue names the run by the same id, with its progress and last loss.
    const queued = page.getByRole('link', { name: `Run ${longRunId}`, exact: true });
    await queued.waitFor();
    const queueRow = page.locator('tr', { has: queued });
    await expect.poll(async () => (await queueRow.locator('.progress-detail').textContent())?.trim()).toMatch(/^[\d,]+\/100,000 epochs$/);
    await expect.poll(async () => (await queueRow.locator('td.num').first().textContent())?.trim()).toMatch(/^[\d.e−-]+$/);
    await shot('queue');

    await page.goto(`${origin}/#/experiments/${long.experimentId}`);
    await page.getByRole('button', { name: 'Cancel 1 run' }).click();
    await page.locator('.runs-table .badge.status-cancelled').waitFor({ timeout: 60_000 });

    await page.goto(`${origin}/#/experiments/${failing.experimentId}`);
    const failure = page.getByRole('alert').filter({ hasText: 'This run failed' });
    await failure.waitFor({ timeout: 120_000 });
    expect(await failure.textContent()).toContain('missing.csv');
  });

  it('the history shows a finished experiment with a diverged run as finished, with its diverged count', async () => {
    await page.getByRole('link', { name: 'Experiments', exact: true }).first().click();
    const bar = page.getByRole('progressbar', { name: 'Progress of Diverging (lr 1000)' });
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await bar.locator('xpath=..').locator('.progress-detail').textContent()).toBe('done · 1 diverged');
    expect(await bar.locator('xpath=..').locator('.progress-detail span').getAttribute('title')).toBe('1 run done · 1 diverged');
    const sweepBar = page.getByRole('progressbar', { name: 'Progress of E2E sweep (renamed)' });
    expect(await sweepBar.locator('xpath=..').locator('.progress-detail').textContent()).toBe('completed');
  });

  it('deletes another experiment after the confirmation', async () => {
    await page.getByRole('link', { name: 'Experiments', exact: true }).first().click();
    await page.getByRole('button', { name: 'Delete To be deleted' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete experiment?' });
    await expect.poll(() => dialog.textContent()).toMatch(/1 run\b.*data goes too/s);
    await dialog.getByRole('button', { name: /^Delete experiment and 1 run$/ }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'To be deleted' }).waitFor({ state: 'detached' });
    const rows = await api<ExperimentRow[]>('listExperiments');
    expect(rows.map((r) => r.name).sort()).toEqual(['Diverging (lr 1000)', 'E2E sweep (renamed)', 'Failing (missing CSV)', 'Long run']);
    await shot('experiments');
  });

  it('settings, and the dark theme', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByText('Web mode (relu-lab serve)').waitFor();
    await shot('settings');

    await page.getByRole('radio', { name: 'Dark' }).click();
    await expect.poll(() => page.evaluate<string>('document.documentElement.dataset.theme')).toBe('dark');
    expect((await api<{ theme: string }>('getSettings')).theme).toBe('dark');
    await shot('settings-dark');
    await page.goto(`${origin}/#/experiments/${experimentId}`);
    await page.locator('.chart-card path.recharts-curve').first().waitFor();
    await shot('live-view-dark');
    await page.getByRole('link', { name: 'Experiments', exact: true }).first().click();
    await page.getByRole('link', { name: 'E2E sweep (renamed)' }).waitFor();
    await shot('experiments-dark');
    await page.getByRole('link', { name: 'Designer' }).click();
    // The design that was started is not offered again as a draft.
    expect(await field('name').inputValue()).toBe('New experiment');
    await field('training.learningRate').fill('-1');
    await expect.poll(() => field('training.learningRate').getAttribute('aria-invalid')).toBe('true');
    await shot('designer-error-dark');
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
