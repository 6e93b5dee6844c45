/**
 * End to end, the Designer against the real `relu-lab serve` in Chromium: the divergence quick check
 * warns at the learning-rate field (and says what it checked), the new model and csv fields, and a
 * data file the lab cannot read refused at its field with nothing created. Screenshots go to
 * test-results/screenshots/.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ExperimentRow } from '../../shared/api.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('designer.test.ts');

describe.skipIf(!HAVE_CHROMIUM)('designer: checks against the lab', () => {
  let app: WebApp;
  let page: Page;

  const field = (p: string) => page.locator(`[data-issue-key="${p}"]`).first();
  const note = () => page.getByTestId('note-training.learningRate');

  async function shot(name: string): Promise<void> {
    await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    app = await startWebApp({ name: 'designer', workers: 1 });
    page = app.page;
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('warns at the learning rate when quick trials diverge, naming what was checked', async () => {
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Designer' }).click();
    await page.getByRole('heading', { name: 'Designer', level: 1 }).waitFor();
    // The blank design is the README's example without the sweep: 4 × 64 ReLU, He init, SGD.
    await field('model.activation').selectOption('prelu');
    await field('training.learningRate').fill('0.5');
    const warning = page.getByTestId('divergence-warning');
    await warning.waitFor({ timeout: 120_000 });
    expect(await warning.textContent()).toMatch(/3 of 3 quick trials at lr 0\.5 with he_normal diverged within 200 steps \(the first at step \d+\)/);
    expect(await warning.textContent()).toContain('an estimate, not a rule');
    // A warning, not an error: the design can still be started.
    expect(await field('training.learningRate').getAttribute('aria-invalid')).toBe(null);
    expect(await page.getByRole('button', { name: /^Start/ }).isEnabled()).toBe(true);
    await page.locator('#sec-training-title').scrollIntoViewIfNeeded();
    await page.locator('fieldset', { has: page.locator('#sec-training-title') }).screenshot({ path: path.join(SHOTS, 'designer-divergence-warning.png') });
  });

  it('a learning rate that does not diverge gets a quiet note', async () => {
    await field('training.learningRate').fill('0.01');
    await page.getByTestId('divergence-ok').waitFor({ timeout: 120_000 });
    expect(await note().textContent()).toMatch(/^Quick check: 0 of 3 quick trials at lr 0\.01 with he_normal diverged within 200 steps\.$/);
    await page.locator('fieldset', { has: page.locator('#sec-training-title') }).screenshot({ path: path.join(SHOTS, 'designer-divergence-ok.png') });
  });

  it('offers the output initializer and the csv options', async () => {
    const outputInit = field('model.outputInit');
    expect(await outputInit.locator('option').allTextContents()).toEqual([
      'default (glorot_uniform)',
      'he_normal',
      'he_uniform',
      'glorot_normal',
      'glorot_uniform',
      'lecun_normal',
      'normal',
      'torch_linear',
    ]);
    await field('dataset.kind').selectOption('csv');
    expect(await field('dataset.delimiter').locator('option').allTextContents()).toEqual(['default (detected)', ', (comma)', '; (semicolon)', 'tab', '| (pipe)']);
    await field('dataset.skipLines').waitFor();
    await field('dataset.standardize').waitFor();
  });

  it('a csv file the lab cannot read is shown at its field as you type (the lab checked it), and the design cannot start', async () => {
    await field('dataset.path').fill('no-such-file.csv');
    await field('dataset.labelColumn').fill('label');
    await field('dataset.task').selectOption('classification');
    const pathField = field('dataset.path');
    await expect.poll(() => pathField.getAttribute('aria-invalid'), { timeout: 60_000 }).toBe('true');
    const errorId = (await pathField.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toContain('"no-such-file.csv" does not exist');
    expect(await page.getByRole('button', { name: /^Start/ }).isDisabled()).toBe(true);
    expect(await app.api<ExperimentRow[]>('listExperiments')).toEqual([]);
    await shot('designer-csv-refused');
    expect(app.pageErrors).toEqual([]);
  });
});
