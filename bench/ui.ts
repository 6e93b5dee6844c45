/**
 * `npm run bench:ui`: how fast the Compare view draws at scale, in Chromium. For each size it seeds a
 * database in a temporary folder (bench/seed.ts: N runs × 8 layers × 100 epochs, 5 variants, through
 * the store's own write functions), starts `relu-lab serve` on it, opens the compare view of the
 * experiment in headless Chromium and times, inside the page (performance.now()):
 *
 *   first chart   from setting the address to the headline chart's group means drawn
 *   layer switch  from choosing another layer to that layer's panel drawn (median of 4)
 *   band switch   from choosing another band to the chart retitled with it (median of 4)
 *   show runs     from ticking "Individual runs" to the runs drawn
 *
 * plus the longest main-thread task the page reported (PerformanceObserver 'longtask') and, last, the
 * time until every chart below the screen has caught up too (they are drawn in idle time). Prints a table,
 * then the JSON. The interface is built first when dist/renderer is missing or stale. Screenshots go to
 * test-results/screenshots/bench-ui-<runs>.png.
 *
 * Options: --sizes 200,2000 (runs per size), --epochs 100, --layers 8, --keep (keep the temp folders),
 * --profile (the page's CPU profile of each step, test-results/profiles/bench-ui-<runs>-<step>.cpuprofile,
 * for Chrome DevTools' Performance panel).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedComparison } from './seed.js';
import { buildRendererIfStale, launchChromium, ROOT, startServer } from './web.js';

/** CPU time (ms) of the page's main thread and of the lab process for one step: robust where wall times are not (a busy machine). */
interface CpuMs {
  page: number;
  lab: number | null;
}

interface SizeResult {
  runs: number;
  layers: number;
  epochs: number;
  seedSeconds: number;
  dbMegabytes: number;
  firstChartMs: number | null;
  /** Of the first chart: the compare view's request, from sending it to its last byte (the rest is drawing). */
  firstRequestMs: number | null;
  layerSwitchMs: number | null;
  bandSwitchMs: number | null;
  showRunsMs: number | null;
  longestTaskMs: number | null;
  /** After the steps above: until every chart of the page (on screen or not) shows the current data. */
  allDrawnMs: number | null;
  /** CPU time of each step (first chart, a layer switch, a band switch, show runs). */
  cpuMs: Record<string, CpuMs>;
  error: string | null;
}

/** User + system CPU time of a process so far, ms (Linux /proc; null elsewhere). */
function processCpuMs(pid: number | undefined): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After "(comm) ": state is field 0, utime field 11, stime field 12, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const DEAD = '.compare-chart[data-chart="dead-fraction"]';
const TIMEOUT_MS = 240_000;

/** What the page must show for a change to count as drawn: `count` elements match `selector` (and, with `text`, one has that text). */
interface Drawn {
  selector: string;
  count?: number;
  text?: string;
}

/** Runs `act` in the page (returning the page time when it acted) and waits, frame by frame, until `drawn`: the milliseconds between. */
async function timed(page: Page, act: () => Promise<number>, drawn: Drawn): Promise<number> {
  const start = await act();
  const end = await page.waitForFunction(
    ({ selector, count, text }) => {
      const found = [...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> } }).document.querySelectorAll(selector)];
      const ok = text === undefined ? found.length >= (count ?? 1) : found.some((e) => e.textContent === text);
      return ok ? performance.now() : false;
    },
    drawn,
    { polling: 'raf', timeout: TIMEOUT_MS },
  );
  return ((await end.jsonValue()) as number) - start;
}

/** Sets a control's value (select) or clicks it, as a user would, and returns the page time just before. */
function change(page: Page, selector: string, value: string | null): Promise<number> {
  return page.locator(selector).first().evaluate((el, v) => {
    const t = performance.now();
    if (v === null) (el as unknown as { click(): void }).click();
    else {
      const select = el as unknown as { value: string; dispatchEvent(e: unknown): void };
      const setter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(select), 'value')!.set!;
      setter.call(select, v);
      select.dispatchEvent(new (globalThis as unknown as { Event: new (type: string, init: object) => unknown }).Event('change', { bubbles: true }));
    }
    return t;
  }, value);
}

async function measure(runs: number, layers: number, epochs: number, keep: boolean, profile: boolean): Promise<SizeResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `relu-lab-bench-ui-${runs}-`));
  const dbFile = path.join(dir, 'lab.sqlite');
  const result: SizeResult = { runs, layers, epochs, seedSeconds: 0, dbMegabytes: 0, firstChartMs: null, firstRequestMs: null, layerSwitchMs: null, bandSwitchMs: null, showRunsMs: null, longestTaskMs: null, allDrawnMs: null, cpuMs: {}, error: null };
  const t0 = performance.now();
  const variants = 5;
  const { experimentId } = seedComparison(dbFile, { runs, layers, epochs, variants, diverged: 2 });
  result.seedSeconds = (performance.now() - t0) / 1000;
  result.dbMegabytes = fs.statSync(dbFile).size / 2 ** 20;
  process.stderr.write(`bench:ui: seeded ${runs} runs in ${result.seedSeconds.toFixed(1)} s (${result.dbMegabytes.toFixed(0)} MB)\n`);

  const server = await startServer({ dbFile, dir, workers: 1 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'light' });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const pageCpu = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
    /** Runs a step and records the CPU it took in the page and in the lab. */
    const cpu = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
      if (profile) await cdp.send('Profiler.start');
      const [p0, l0] = [await pageCpu(), processCpuMs(server.process.pid)];
      const out = await step();
      const [p1, l1] = [await pageCpu(), processCpuMs(server.process.pid)];
      result.cpuMs[name] = { page: Math.round(p1 - p0), lab: l0 === null || l1 === null ? null : Math.round(l1 - l0) };
      if (profile) {
        const { profile: cpuProfile } = await cdp.send('Profiler.stop');
        fs.writeFileSync(path.join(ROOT, 'test-results', 'profiles', `bench-ui-${runs}-${name.replace(/[^\w]+/g, '-')}.cpuprofile`), JSON.stringify(cpuProfile));
      }
      return out;
    };
    if (profile) {
      fs.mkdirSync(path.join(ROOT, 'test-results', 'profiles'), { recursive: true });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    }
    await page.addInitScript(() => {
      const w = globalThis as unknown as { __longest: number; PerformanceObserver: new (cb: (list: { getEntries(): { duration: number }[] }) => void) => { observe(o: object): void } };
      w.__longest = 0;
      new w.PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest = Math.max(w.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(server.url);
    await page.getByRole('heading', { name: 'Experiments', level: 1 }).waitFor({ timeout: 60_000 });

    const open = (hash: string) => {
      const t = performance.now();
      (globalThis as unknown as { location: { hash: string } }).location.hash = hash;
      return t;
    };
    result.firstChartMs = await cpu('firstChart', () => timed(page, () => page.evaluate(open, `#/compare?exp=${experimentId}`), { selector: `${DEAD} .mean-line path.recharts-curve`, count: variants }));
    result.firstRequestMs = await page.evaluate(() => {
      const entries = performance.getEntriesByType('resource').filter((e) => /\/api\/call\/(getComparisonView|getComparedRuns)/.test(e.name)) as unknown as { responseEnd: number; startTime: number }[];
      return entries.length === 0 ? null : Math.max(...entries.map((e) => e.responseEnd - e.startTime));
    });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', `bench-ui-${runs}.png`), fullPage: false });

    const layerSelect = 'label.control:has(> span.control-label:text-is("Layer")) select';
    const layerTimes: number[] = [];
    for (const layer of [...new Set([2, 5, 0, 7].map((l) => l % layers))]) {
      // The panel is titled as the layer's option is labelled ("dense 3 (32 units)").
      const label = (await page.locator(`${layerSelect} option[value="${layer}"]`).textContent()) ?? `layer ${layer + 1}`;
      layerTimes.push(await cpu(`layer${layer + 1}`, () => timed(page, () => change(page, layerSelect, String(layer)), { selector: `${DEAD} .panel-title`, text: label })));
    }
    result.layerSwitchMs = median(layerTimes);

    const bandTimes: number[] = [];
    for (const [label, title] of [
      ['± SE', 'mean ± SE'],
      ['95 % CI', 'mean, 95 % CI'],
      ['none', 'mean'],
      ['± std', 'mean ± std'],
    ]) {
      const radio = `[role="radiogroup"][aria-label="Band"] [role="radio"]:text-is("${label}")`;
      bandTimes.push(await cpu(`band ${label}`, () => timed(page, () => change(page, radio, null), { selector: `${DEAD} h3`, text: `Dead fraction (${title})` })));
    }
    result.bandSwitchMs = median(bandTimes);

    const showRuns = 'label.check-inline:has-text("Individual runs") input';
    result.showRunsMs = await cpu('showRuns', () => timed(page, () => change(page, showRuns, null), { selector: `${DEAD} .run-line` }));
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', `bench-ui-${runs}-runs.png`), fullPage: false });
    result.longestTaskMs = await page.evaluate(() => (globalThis as unknown as { __longest: number }).__longest);
    // Charts off screen are drawn in idle time: every one of them, then the whole page.
    const since = await page.evaluate(() => performance.now());
    const allDrawn = await page.waitForFunction(
      () => {
        const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document;
        const charts = doc.querySelectorAll('.compare-chart').length;
        return charts > 0 && doc.querySelectorAll('.compare-chart .chart-draw[data-drawn="current"]').length === charts ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: TIMEOUT_MS },
    );
    result.allDrawnMs = ((await allDrawn.jsonValue()) as number) - since;
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'screenshots', `bench-ui-${runs}-page.png`), fullPage: true });
  } catch (error) {
    result.error = (error as Error).message.split('\n')[0];
  } finally {
    await browser.close();
    await server.stop();
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const sizes = option('sizes', '200,2000').split(',').map(Number);
const epochs = Number(option('epochs', '100'));
const layers = Number(option('layers', '8'));
const keep = process.argv.includes('--keep');
const profile = process.argv.includes('--profile');
fs.mkdirSync(path.join(ROOT, 'test-results', 'screenshots'), { recursive: true });
if (buildRendererIfStale()) process.stderr.write('bench:ui: built the interface (dist/renderer)\n');

const results: SizeResult[] = [];
for (const runs of sizes) {
  const r = await measure(runs, layers, epochs, keep, profile);
  results.push(r);
  // Each size as soon as it is measured (a 2,000-run size takes minutes to seed).
  process.stderr.write(`bench:ui: ${JSON.stringify(r)}\n`);
}

const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
const rows = [
  ['runs × layers × epochs', 'first chart', '(its request)', 'layer switch', 'band switch', 'show runs', 'longest task', 'all drawn', 'note'],
  ...results.map((r) => [`${r.runs} × ${r.layers} × ${r.epochs}`, ms(r.firstChartMs), ms(r.firstRequestMs), ms(r.layerSwitchMs), ms(r.bandSwitchMs), ms(r.showRunsMs), ms(r.longestTaskMs), ms(r.allDrawnMs), r.error ?? '']),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()}\n`);
process.stdout.write('\nCPU time per step (page main thread + lab process), ms:\n');
for (const r of results) {
  process.stdout.write(`${r.runs} runs: ${Object.entries(r.cpuMs).map(([step, c]) => `${step} ${c.page} + ${c.lab ?? '?'}`).join('; ')}\n`);
}
// The machine's load says how far the timings can be trusted (they are wall times).
process.stdout.write(`${JSON.stringify({ loadAverage: os.loadavg(), cpus: os.cpus().length, results }, null, 2)}\n`);
