/**
 * End to end: signing a browser in to `relu-lab serve` (web mode) in Chromium. The printed address
 * carries a single-use code that the page exchanges for the token and hides; the server's token is
 * fixed here (webToken in the test's settings file), so a bookmark opened in a new tab stays signed
 * in. A page without a token, with a used address or with a wrong token says which, and shows no
 * "reconnecting" banner.
 *
 * Run: npx vitest run --config test/e2e/vitest.config.ts
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { HAVE_CHROMIUM, SHOTS, reportSkip, startWebApp, type WebApp } from './harness.js';

reportSkip('signin.test.ts');

const BANNER = 'Lost the live connection to the lab';

describe.skipIf(!HAVE_CHROMIUM)('web app: signing in to relu-lab serve', () => {
  let app: WebApp;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    app = await startWebApp({ name: 'signin', workers: 1 });
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await app?.close();
  }, 60_000);

  /** A page in a browser profile of its own (no storage shared with the others). */
  async function freshPage(init?: string): Promise<Page> {
    const context = await app.browser.newContext({ viewport: { width: 1200, height: 760 }, colorScheme: 'light' });
    contexts.push(context);
    if (init) await context.addInitScript(init);
    return context.newPage();
  }

  /** Waits long enough for a few stream attempts, then checks no reconnecting banner ever showed. */
  async function expectNoBanner(page: Page): Promise<void> {
    await page.waitForTimeout(3000);
    expect(await page.getByText(BANNER).count()).toBe(0);
  }

  it('signs in with the printed address and hides the code from the address bar', async () => {
    const { page } = app;
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
    expect(page.url()).not.toMatch(/code=|token=/);
    await page.getByText('Web mode · live').waitFor();
    // A reload keeps the page signed in (its token was kept), although the address was single-use.
    await page.reload();
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor();
    // The server's token is fixed: the browser keeps it for this address, beyond this tab.
    expect(await page.evaluate(`localStorage.getItem('relu-lab.token')`)).toBe(app.token);
    expect(app.pageErrors).toEqual([]);
  });

  it('a bookmark opened in a new tab of that browser stays signed in (the token is fixed)', async () => {
    // A new tab: nothing in its session, the browser's kept token in localStorage.
    const tab = await freshPage(`localStorage.setItem('relu-lab.token', ${JSON.stringify(app.token)})`);
    await tab.goto(`${app.origin}/#/compare`);
    await tab.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    await tab.getByText('Web mode · live').waitFor();
    expect(await tab.getByText('needs its access token').count()).toBe(0);
  });

  it('a page without a token says it needs one, without a reconnecting banner', async () => {
    const page = await freshPage();
    await page.goto(`${app.origin}/#/experiments`);
    await page.getByRole('heading', { name: 'This page needs its access token' }).waitFor();
    await page.getByText('Not signed in').waitFor();
    await expectNoBanner(page);
    await page.screenshot({ path: path.join(SHOTS, 'signin-needs-token.png') });
  });

  it('an address already used says so', async () => {
    const page = await freshPage();
    await page.goto(app.url);
    await page.getByRole('heading', { name: 'This sign-in address was already used' }).waitFor();
    expect(page.url()).not.toContain('code=');
    await expectNoBanner(page);
  });

  it('a wrong token says "wrong token", not that the page needs one, and does not reconnect', async () => {
    const page = await freshPage(`localStorage.setItem('relu-lab.token', 'an-old-token-from-before-a-restart')`);
    await page.goto(`${app.origin}/#/experiments`);
    await page.getByRole('heading', { name: 'Wrong access token' }).waitFor();
    expect(await page.getByText('needs its access token').count()).toBe(0);
    await expectNoBanner(page);
    await page.screenshot({ path: path.join(SHOTS, 'signin-wrong-token.png') });
  });
});
