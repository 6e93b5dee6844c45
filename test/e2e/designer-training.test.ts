/**
 * End to end, the Designer's fields for non-stationary training and interventions against the real
 * `relu-lab serve` in Chromium: a bad value of an intervention (ReDo) and of the task sequence
 * (`training.tasks`) is shown at its field as you type and named with the rule in the list of problems,
 * and keeps the design from starting; fixed, the design creates an experiment whose stored config
 * holds what was typed. Screenshots:
 * test-results/screenshots/designer-training-*.png.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts test/e2e/designer-training.test.ts
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ExperimentRow } from '../../shared/api.js';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('designer-training.test.ts');

const poll: typeof expect.poll = (actual, options) => expect.poll(actual, { timeout: 30_000, ...(typeof options === 'object' ? options : {}) });

describe.skipIf(!HAVE_CHROMIUM)('designer: training options, interventions and tasks', () => {
  let app: WebApp;
  let page: Page;

  const field = (p: string): Locator => page.locator(`[data-issue-key="${p}"]`).first();
  const start = () => page.getByRole('button', { name: /^Start/ });
  const training = () => page.locator('fieldset', { has: page.locator('#sec-training-title') });

  /** The error shown at a field (its aria-describedby error element), once the field is marked invalid. */
  async function errorAt(p: string): Promise<string> {
    await poll(() => field(p).getAttribute('aria-invalid')).toBe('true');
    const errorId = (await field(p).getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
  }

  /** The designer's list of problems names each field with its message. */
  async function listed(p: string): Promise<string> {
    const item = page.locator('.issue-list li').filter({ hasText: `${p}:` }).first();
    await item.waitFor();
    return ((await item.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  beforeAll(async () => {
    app = await startWebApp({ name: 'designer-training', workers: 1 });
    page = app.page;
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Designer' }).click();
    await page.getByRole('heading', { name: 'Designer', level: 1 }).waitFor();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  }, 60_000);

  it('a bad ReDo interval is refused at its field as you type, naming the field and the rule', async () => {
    await field('name').fill('ReDo on blobs');
    await field('dataset.samples').fill('256');
    await field('training.epochs').fill('2');
    await field('training.interventions.redo.everySteps').fill('0');
    expect(await errorAt('training.interventions.redo.everySteps')).toContain('must be >= 1, got 0');
    expect(await listed('training.interventions.redo.everySteps')).toBe('training.interventions.redo.everySteps: must be >= 1, got 0');
    await poll(() => start().isDisabled()).toBe(true);
    await field('training.interventions.redo.everySteps').scrollIntoViewIfNeeded();
    await training().screenshot({ path: path.join(SHOTS, 'designer-training-redo-refused.png') });

    // A threshold outside [0, 1] is named too.
    await field('training.interventions.redo.everySteps').fill('20');
    await field('training.interventions.redo.threshold').fill('1.5');
    expect(await errorAt('training.interventions.redo.threshold')).toContain('must be <= 1, got 1.5');
    expect(await listed('training.interventions.redo.threshold')).toBe('training.interventions.redo.threshold: must be <= 1, got 1.5');
    await poll(() => field('training.interventions.redo.everySteps').getAttribute('aria-invalid')).toBe(null);
    await field('training.interventions.redo.threshold').fill('0.1');
    await poll(() => field('training.interventions.redo.threshold').getAttribute('aria-invalid')).toBe(null);
  });

  it('a task sequence: a bad count is named at its field, and the epochs must match count × epochs per task', async () => {
    await field('training.tasks.kind').selectOption('permuted');
    await field('training.tasks.count').fill('0');
    await field('training.tasks.epochsPerTask').fill('1');
    expect(await errorAt('training.tasks.count')).toContain('must be >= 1, got 0');
    expect(await listed('training.tasks.count')).toBe('training.tasks.count: must be >= 1, got 0');
    await poll(() => start().isDisabled()).toBe(true);
    await field('training.tasks.count').fill('3');
    expect(await errorAt('training.epochs')).toContain('must equal training.tasks.count × training.tasks.epochsPerTask (3 × 1 = 3) with a task sequence, got 2');
    await field('training.tasks.kind').scrollIntoViewIfNeeded();
    await training().screenshot({ path: path.join(SHOTS, 'designer-training-tasks-refused.png') });
    await field('training.epochs').fill('3');
    await poll(() => field('training.epochs').getAttribute('aria-invalid')).toBe(null);
    await poll(() => field('training.tasks.count').getAttribute('aria-invalid')).toBe(null);
  });

  it('a valid design with the intervention and the tasks creates an experiment holding them', async () => {
    await poll(() => start().isEnabled()).toBe(true);
    await training().screenshot({ path: path.join(SHOTS, 'designer-training-valid.png') });
    await start().click();
    await poll(async () => (await app.api<ExperimentRow[]>('listExperiments')).length).toBe(1);
    const [row] = await app.api<ExperimentRow[]>('listExperiments');
    const config = row.config as { name: string; training: { interventions?: unknown } };
    expect(config.name).toBe('ReDo on blobs');
    expect(config.training.interventions).toMatchObject({ redo: { everySteps: 20, threshold: 0.1 } });
    expect((config.training as { tasks?: unknown }).tasks).toMatchObject({ kind: 'permuted', count: 3, epochsPerTask: 1 });
    expect(app.pageErrors).toEqual([]);
  });
});
