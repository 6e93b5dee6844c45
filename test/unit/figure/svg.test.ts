import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { GROUP_DASHES } from '../../../shared/figure/palette.js';
import {
  FIGURE_PRESETS,
  FONT_STACKS,
  colorScale,
  fallbackWidthFactor,
  figurePixelSize,
  figureSize,
  measureText,
  renderFigureSvg,
  svgPhysicalSize,
  type FigureSpec,
  type LineSeries,
} from '../../../shared/figure/index.js';
import { ALL_SPECS, barsSpec, combinedSpec, heatmapSpec, linesSpec, logSpec } from './fixtures.js';

const OUT = path.resolve('test-results/figures');
// jsdom (a dev dependency) has no bundled types and this tsconfig has no DOM lib: type what we use.
interface XNode {
  tagName: string;
  namespaceURI: string | null;
  textContent: string | null;
  firstElementChild: XNode | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): XNode | null;
  querySelectorAll(selector: string): ArrayLike<XNode> & Iterable<XNode>;
}
interface XDocument {
  documentElement: XNode;
  getElementsByTagName(name: string): ArrayLike<XNode>;
  querySelector(selector: string): XNode | null;
  querySelectorAll(selector: string): ArrayLike<XNode> & Iterable<XNode>;
}
type Document = XDocument;
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => { window: { DOMParser: new () => { parseFromString(source: string, type: string): XDocument } } };
};
const { DOMParser } = new JSDOM('').window;

/** Parse as XML (image/svg+xml): a malformed document yields a <parsererror>. */
function parse(svg: string): Document {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const err = doc.getElementsByTagName('parsererror');
  if (err.length > 0) throw new Error(`not well-formed XML: ${err[0].textContent}`);
  return doc;
}

function texts(doc: Document, selector: string): string[] {
  return [...doc.querySelectorAll(selector)].map((e) => e.textContent ?? '');
}

function lines(name: string, ys: (number | null)[]): LineSeries {
  return { name, points: ys.map((y, x) => ({ x, y })) };
}

function simple(overrides: Partial<FigureSpec> = {}, series: LineSeries[] = [lines('A', [1, 2, 3])]): FigureSpec {
  return { title: 'T', preset: 'screen', panels: [{ kind: 'lines', xLabel: 'Epoch', yLabel: 'Loss', series }], ...overrides };
}

beforeAll(() => {
  fs.mkdirSync(OUT, { recursive: true });
  for (const [name, make] of Object.entries(ALL_SPECS)) fs.writeFileSync(path.join(OUT, `${name}.svg`), renderFigureSvg(make()));
});

describe('renderFigureSvg: document', () => {
  it('is a well-formed standalone SVG with physical size for paper presets', () => {
    const svg = renderFigureSvg(linesSpec());
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const doc = parse(svg);
    const root = doc.documentElement;
    expect(root.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('width')).toBe('3.5in');
    expect(root.getAttribute('height')).toBe('4.6in'); // 2.6 in + one more row of 2.0 in
    expect(root.getAttribute('viewBox')).toBe('0 0 252 331.2'); // points
    expect(root.getAttribute('font-family')).toBe(FONT_STACKS.sans);
    expect(svgPhysicalSize(svg)).toEqual({ widthIn: 3.5, heightIn: expect.closeTo(4.6, 9) as unknown as number });
  });

  it('every spec renders to well-formed XML without NaN, Infinity or undefined', () => {
    for (const make of Object.values(ALL_SPECS)) {
      const svg = renderFigureSvg(make());
      parse(svg);
      expect(svg).not.toMatch(/NaN|Infinity|undefined|\[object/);
    }
  });

  it('screen preset is sized in pixels, double-column is 7 in wide', () => {
    const screen = parse(renderFigureSvg(logSpec())).documentElement;
    expect(screen.getAttribute('width')).toBe('800');
    expect(screen.getAttribute('height')).toBe('480');
    expect(screen.getAttribute('viewBox')).toBe('0 0 600 360');
    expect(parse(renderFigureSvg(barsSpec())).documentElement.getAttribute('width')).toBe('7in');
    expect(FIGURE_PRESETS['single-column'].width).toBe(3.5);
    expect(FIGURE_PRESETS['double-column'].width).toBe(7);
  });

  it('is deterministic: same spec, same bytes', () => {
    for (const make of Object.values(ALL_SPECS)) {
      const a = renderFigureSvg(make());
      const b = renderFigureSvg(JSON.parse(JSON.stringify(make())) as FigureSpec);
      expect(b).toBe(a); // JSON turns NaN into null: both are gaps
      expect(renderFigureSvg(make())).toBe(a);
    }
  });

  it('has the title, subtitle, axis labels and tick labels as real <text>', () => {
    const doc = parse(renderFigureSvg(linesSpec()));
    expect(texts(doc, 'text.title')).toEqual(['Dead ReLU units during training']);
    expect(texts(doc, 'text.subtitle')).toEqual(['Mean ± 1 s.d. over 4 seeds; thin lines: individual runs']);
    expect(doc.querySelector('title')?.textContent).toBe('Dead ReLU units during training');
    expect(texts(doc, 'text.x-label')).toEqual(['Epoch', 'Epoch']);
    expect(texts(doc, 'text.y-label')).toEqual(['Dead units (fraction)', 'Dead units (fraction)']);
    expect(texts(doc, 'text.panel-title')).toEqual(['Hidden layer 1', 'Hidden layer 2']);
    const ticks = texts(doc, '.panel text.tick-label');
    expect(ticks).toEqual(expect.arrayContaining(['0', '10', '20', '30', '40', '0.2', '0.4', '1.0']));
    expect(texts(doc, 'text.note')).toEqual(['MLP 784-256-256-10 on MNIST, SGD, batch 64.']);
  });

  it('linear ticks step by 1, 2 or 5 × 10^k', () => {
    const doc = parse(renderFigureSvg(simple({}, [lines('A', [0.013, 0.5, 0.87])])));
    const ys = texts(doc, '.panel text.tick-label[text-anchor="end"]').map((t) => Number(t.replace('\u2212', '-')));
    expect(ys.length).toBeGreaterThanOrEqual(3);
    const steps = new Set(ys.slice(1).map((v, i) => Math.round((v - ys[i]) * 1e9) / 1e9));
    expect(steps.size).toBe(1);
    const step = [...steps][0];
    const mant = step / 10 ** Math.floor(Math.log10(step));
    expect([1, 2, 5]).toContain(Math.round(mant * 1e6) / 1e6);
  });

  it('escapes XML in titles, labels and legend names and drops characters XML cannot hold', () => {
    const spec = simple({ title: 'a < b & c > "d" \'e\'\u0001', subtitle: '<script>x</script>' }, [lines('<g> & "h"', [1, 2])]);
    spec.panels[0].xLabel = 'x & y';
    const svg = renderFigureSvg(spec);
    const doc = parse(svg);
    expect(texts(doc, 'text.title')).toEqual(['a < b & c > "d" \'e\'']);
    expect(texts(doc, 'text.subtitle')).toEqual(['<script>x</script>']);
    expect(doc.querySelector('script')).toBeNull();
    expect(texts(doc, 'text.x-label')).toEqual(['x & y']);
    expect(texts(doc, '.legend-entry text')).toEqual(['<g> & "h"']);
    expect(svg).not.toContain('\u0001');
  });

  it('uses offline font stacks (with a generic family last) or the given CSS list', () => {
    expect(parse(renderFigureSvg(barsSpec())).documentElement.getAttribute('font-family')).toBe(FONT_STACKS.serif);
    expect(parse(renderFigureSvg(logSpec())).documentElement.getAttribute('font-family')).toBe(FONT_STACKS.dejavu);
    expect(parse(renderFigureSvg(simple({ fontFamily: "'Liberation Mono', monospace" }))).documentElement.getAttribute('font-family')).toBe("'Liberation Mono', monospace");
    for (const stack of Object.values(FONT_STACKS)) expect(stack).toMatch(/(sans-serif|serif)$/);
    // Font size in points: the viewBox is in points, so 9 pt text has font-size 9.
    const doc = parse(renderFigureSvg(simple({ preset: 'single-column', fontSize: 9 })));
    expect(doc.querySelector('text.x-label')?.getAttribute('font-size')).toBe('9');
  });
});

describe('renderFigureSvg: legend and styling', () => {
  it('has one legend entry per group (not per run), each with a swatch in the group colour and dash', () => {
    const doc = parse(renderFigureSvg(linesSpec()));
    const entries = [...doc.querySelectorAll('g.legend-entry')];
    expect(entries.map((e) => e.querySelector('text')?.textContent)).toEqual(['ReLU (lr 0.1)', 'Leaky ReLU', 'ReLU + BatchNorm']);
    const dashes = entries.map((e) => e.querySelector('path[stroke]')?.getAttribute('stroke-dasharray') ?? '');
    expect(new Set(dashes).size).toBe(3); // distinct in grayscale
    expect(dashes[0]).toBe('');
    expect(entries[1].querySelector('path')?.getAttribute('stroke')).toBe('#D55E00');
    // Band swatch: a translucent rectangle behind the line.
    expect(entries[0].querySelector('rect')?.getAttribute('fill-opacity')).toBe('0.2');
    // Thin runs are drawn, lighter and thinner, but are not in the legend.
    const runs = [...doc.querySelectorAll('path.run')];
    expect(runs.length).toBe(24);
    expect(runs[0].getAttribute('stroke-opacity')).toBe('0.45');
    expect(Number(runs[0].getAttribute('stroke-width'))).toBeLessThan(Number(doc.querySelector('path.series')?.getAttribute('stroke-width')));
  });

  it('grayscale-safe: default dashes and markers per group, hatched bars', () => {
    const series = [lines('a', [1, 2, 3]), lines('b', [2, 3, 4]), lines('c', [3, 4, 5])];
    const plain = parse(renderFigureSvg(simple({}, series)));
    expect([...plain.querySelectorAll('path.series')].map((p) => p.getAttribute('stroke-dasharray'))).toEqual([null, null, null]);
    const gray = parse(renderFigureSvg(simple({ grayscaleSafe: true }, series)));
    const dashes = [...gray.querySelectorAll('path.series')].map((p) => p.getAttribute('stroke-dasharray'));
    expect(dashes[0]).toBeNull();
    expect(GROUP_DASHES[1]).toBe('6 3');
    expect(dashes[1]).toBe('7.2 3.6'); // in units of the line width (1.2 pt on screen)
    expect(new Set(dashes).size).toBe(3);
    const bars = parse(renderFigureSvg(barsSpec()));
    expect(bars.querySelectorAll('pattern').length).toBe(2); // groups 2 and 3 hatched, group 1 solid
    expect(bars.querySelectorAll('rect[fill^="url(#fig-hatch-"]').length).toBe(8 + 2);
  });

  it('bands are translucent filled polygons under the line', () => {
    const doc = parse(renderFigureSvg(linesSpec()));
    const data = doc.querySelector('.panel g.data');
    const first = data?.firstElementChild;
    expect(first?.tagName).toBe('path');
    expect(first?.getAttribute('fill-opacity')).toBe('0.2');
    expect(first?.getAttribute('d')).toMatch(/Z$/);
    expect(data?.getAttribute('clip-path')).toMatch(/^url\(#fig-clip-\d+\)$/);
  });

  it('legend positions: top, right, bottom, none', () => {
    for (const legend of ['top', 'right', 'bottom'] as const) {
      const doc = parse(renderFigureSvg({ ...combinedSpec(), legend }));
      expect(doc.querySelectorAll('g.legend-entry').length).toBe(3);
    }
    expect(parse(renderFigureSvg({ ...combinedSpec(), legend: 'none' })).querySelectorAll('g.legend-entry').length).toBe(0);
  });
});

describe('renderFigureSvg: gaps and log axes', () => {
  it('does not connect across NaN / null: the line restarts with a new subpath', () => {
    const doc = parse(renderFigureSvg(simple({}, [lines('A', [1, 2, NaN, 4, 5, null, 7, 8])])));
    const d = doc.querySelector('path.series')?.getAttribute('d') ?? '';
    expect(d.match(/M/g)?.length).toBe(3);
    expect(d.match(/L/g)?.length).toBe(3); // [1,2] [4,5] [7,8]: one L each
  });

  it('draws an isolated point between gaps as a dot', () => {
    const doc = parse(renderFigureSvg(simple({}, [lines('A', [1, NaN, 3, NaN, 5, 6])])));
    expect(doc.querySelector('path.series')?.getAttribute('d')?.match(/M/g)?.length).toBe(1);
    expect(doc.querySelectorAll('g.data circle').length).toBe(2);
  });

  it('the mean line of the fixture has its NaN gap (epochs 20–22)', () => {
    const doc = parse(renderFigureSvg(linesSpec()));
    const firstPanelSeries = doc.querySelectorAll('.panel')[0].querySelectorAll('path.series');
    expect(firstPanelSeries[0].getAttribute('d')?.match(/M/g)?.length).toBe(2);
    const secondPanelSeries = doc.querySelectorAll('.panel')[1].querySelectorAll('path.series');
    expect(secondPanelSeries[0].getAttribute('d')?.match(/M/g)?.length).toBe(1);
  });

  it('log axes: decades with minor ticks, non-positive values dropped and noted', () => {
    const svg = renderFigureSvg(logSpec());
    const doc = parse(svg);
    const labels = [...doc.querySelectorAll('text.tick-label')].map((t) => t.textContent);
    // x: 1 … 100 as plain numbers; y: 10^−3 … 10^1 with the exponent as a superscript tspan.
    expect(labels).toEqual(expect.arrayContaining(['1', '10', '100', '10\u22123', '10\u22122', '10\u22121', '100', '101']));
    const sup = doc.querySelector('text.tick-label tspan');
    expect(sup?.textContent).toMatch(/^\u2212?\d$/);
    expect(Number(sup?.getAttribute('dy'))).toBeLessThan(0);
    // Minor ticks: 8 per decade (2…9) on each axis: the tick path has many more segments than labels.
    const tickPath = doc.querySelector('path.ticks')?.getAttribute('d') ?? '';
    expect(tickPath.match(/M/g)?.length).toBeGreaterThanOrEqual(3 + 2 * 8 + 5 + 4 * 8);
    expect(texts(doc, 'text.note')).toEqual(['log x axis: 3 non-positive values omitted.', 'log y axis: 2 non-positive values omitted.']);
    // Epoch 0, loss 0 and loss −1 leave gaps instead of bogus coordinates.
    const d = doc.querySelector('path.series')?.getAttribute('d') ?? '';
    expect(d.match(/M/g)?.length).toBe(2);
  });

  it('log axis notes name the panel in small multiples; linear axes keep all values', () => {
    const spec: FigureSpec = {
      title: 'x',
      preset: 'double-column',
      panels: [
        { kind: 'lines', title: 'Loss', xLabel: 'Epoch', yLabel: 'Loss', yScale: 'log', series: [lines('a', [0, 1, 2])] },
        { kind: 'lines', title: 'Linear', xLabel: 'Epoch', yLabel: 'Loss', series: [lines('a', [0, -1, 2])] },
      ],
    };
    const doc = parse(renderFigureSvg(spec));
    expect(texts(doc, 'text.note')).toEqual(['Loss: log y axis: 1 non-positive value omitted.']);
  });

  it('a log axis over less than a decade still gets at least two labels', () => {
    const spec = simple({}, [lines('A', [2, 3, 4, 6])]);
    spec.panels[0].yScale = 'log';
    spec.panels[0].yDomain = [1.5, 7];
    const labels = texts(parse(renderFigureSvg(spec)), 'text.tick-label[text-anchor="end"]');
    expect(labels.length).toBeGreaterThanOrEqual(2);
    expect(labels).toEqual(expect.arrayContaining(['2', '5']));
  });
});

describe('renderFigureSvg: bars, heatmap, ridges', () => {
  it('grouped bars with error bars and category labels', () => {
    const doc = parse(renderFigureSvg(barsSpec()));
    expect(doc.querySelectorAll('rect.bar').length).toBe(12);
    const err = [...doc.querySelectorAll('path.error-bar')];
    expect(err.length).toBe(12);
    expect(err[0].getAttribute('d')?.match(/M/g)?.length).toBe(3); // whisker + two caps
    expect(texts(doc, 'text.tick-label')).toEqual(expect.arrayContaining(['Layer 1', 'Layer 2', 'Layer 3', 'Layer 4']));
    expect(texts(doc, 'text.y-label')).toEqual(['Dead units at epoch 40 (fraction)']);
    expect(texts(doc, '.legend-entry text')).toEqual(['ReLU (lr 0.1)', 'Leaky ReLU', 'ReLU + BatchNorm']);
    // Bars of the first group share its colour; the y axis starts at 0.
    expect(doc.querySelector('rect.bar')?.getAttribute('fill')).toBe('#0072B2');
    expect(texts(doc, 'text.tick-label[text-anchor="end"]')[0]).toBe('0');
  });

  it('bars: error bar ends are absolute; a missing value draws no bar', () => {
    const spec: FigureSpec = {
      title: 'b',
      preset: 'screen',
      panels: [{ kind: 'bars', xLabel: 'c', yLabel: 'v', yDomain: [0, 10], bars: [{ category: 'A', groups: [{ name: 'g', value: 4, lo: 3, hi: 6 }, { name: 'h', value: null }] }] }],
    };
    const doc = parse(renderFigureSvg(spec));
    expect(doc.querySelectorAll('rect.bar').length).toBe(1);
    const bar = doc.querySelector('rect.bar');
    const d = doc.querySelector('path.error-bar')?.getAttribute('d') ?? '';
    const ys = [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));
    const top = Number(bar?.getAttribute('y'));
    const h = Number(bar?.getAttribute('height'));
    const perUnit = h / 4;
    expect(Math.min(...ys)).toBeCloseTo(top - 2 * perUnit, 1); // hi = 6
    expect(Math.max(...ys)).toBeCloseTo(top + perUnit, 1); // lo = 3
  });

  it('heatmap: viridis cells, empty NaN cells, colour bar with label', () => {
    const spec = heatmapSpec();
    const doc = parse(renderFigureSvg(spec));
    const cells = [...doc.querySelectorAll('.panel g.data rect')];
    expect(cells.length).toBeGreaterThan(4 * 10);
    expect(cells.length).toBeLessThanOrEqual(4 * 41);
    const fills = new Set(cells.map((c) => c.getAttribute('fill')));
    expect(fills.has(colorScale('viridis', 0))).toBe(true); // epoch 0 is 0 dead
    // Row 3 (index 2) has a missing cell at epoch 10: left blank, and the figure says so.
    expect(texts(doc, 'text.note')).toEqual(['1 cell without data left blank.']);
    expect(texts(doc, 'text.colorbar-label')).toEqual(['Dead fraction']);
    const cb = doc.querySelectorAll('g.colorbar rect');
    expect(cb.length).toBe(64 + 1);
    expect(cb[0].getAttribute('fill')).toBe(colorScale('viridis', 0.5 / 64));
    expect(texts(doc, 'g.colorbar text.tick-label')).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(texts(doc, 'text.tick-label')).toEqual(expect.arrayContaining(['1', '2', '3', '4']));
  });

  it('heatmap: NaN cell leaves a hole, colour runs merge', () => {
    const spec: FigureSpec = {
      title: 'h',
      preset: 'screen',
      panels: [{ kind: 'heatmap', xLabel: 'x', yLabel: 'y', heatmap: { xs: [0, 1, 2, 3], ys: ['a'], values: [[0.5, 0.5, NaN, 1]], colorScale: { label: 'v', domain: [0, 1] } } }],
    };
    const cells = [...parse(renderFigureSvg(spec)).querySelectorAll('.panel g.data rect')];
    expect(cells.map((c) => c.getAttribute('fill'))).toEqual([colorScale('viridis', 0.5), colorScale('viridis', 1)]);
  });

  it('ridges: one filled histogram per row, labelled, with a reference line', () => {
    const doc = parse(renderFigureSvg(combinedSpec()));
    expect(doc.querySelectorAll('path.ridge').length).toBe(5);
    expect(texts(doc, 'text.tick-label')).toEqual(expect.arrayContaining(['epoch 0', 'epoch 40']));
    expect(doc.querySelectorAll('path.ref-line').length).toBe(1);
    expect([...doc.querySelectorAll('.panel')].map((p) => p.getAttribute('data-kind'))).toEqual(['lines', 'bars', 'heatmap', 'ridges']);
  });

  it('copes with empty and degenerate input', () => {
    for (const spec of [
      simple({}, []),
      simple({}, [lines('A', [])]),
      simple({}, [lines('A', [NaN, null])]),
      simple({}, [lines('A', [5, 5, 5])]),
      { title: '', preset: 'single-column', panels: [] } as FigureSpec,
      { title: 'h', preset: 'screen', panels: [{ kind: 'heatmap', xLabel: '', yLabel: '', heatmap: { xs: [], ys: [], values: [], colorScale: { label: '' } } }] } as FigureSpec,
      { title: 'r', preset: 'screen', panels: [{ kind: 'ridges', xLabel: '', yLabel: '', ridges: [] }] } as FigureSpec,
      { title: 'b', preset: 'screen', panels: [{ kind: 'bars', xLabel: '', yLabel: '', bars: [] }] } as FigureSpec,
    ]) {
      const svg = renderFigureSvg(spec);
      parse(svg);
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
    expect(texts(parse(renderFigureSvg(simple({}, []))), 'text.no-data')).toEqual(['No data']);
  });
});

describe('figure size', () => {
  it('figurePixelSize is inches × dpi', () => {
    const single = linesSpec();
    expect(figurePixelSize(single, 300)).toEqual({ width: 1050, height: 1380 });
    expect(figurePixelSize(barsSpec(), 300)).toEqual({ width: 2100, height: 780 });
    expect(figurePixelSize(barsSpec(), 600)).toEqual({ width: 4200, height: 1560 });
    // Screen figures are in CSS pixels (96 per inch).
    expect(figurePixelSize(logSpec(), 96)).toEqual({ width: 800, height: 480 });
    expect(figurePixelSize(logSpec(), 192)).toEqual({ width: 1600, height: 960 });
    expect(() => figurePixelSize(logSpec(), 0)).toThrow(RangeError);
  });

  it('explicit sizes and units override the preset', () => {
    const s = figureSize({ preset: 'single-column', panels: [], width: 89, height: 60, unit: 'px' });
    expect(s.widthIn).toBeCloseTo(89 / 96, 9);
    const t = figureSize({ preset: 'screen', panels: [], unit: 'in' });
    expect(t.width).toBeCloseTo(800 / 96, 9);
    expect(figureSize({ preset: 'double-column', panels: [], height: 4 }).heightPt).toBe(288);
  });
});

describe('renderFigureSvg: panel titles', () => {
  it('a panel title stays inside its own cell: never past the figure edge nor over the next panel', () => {
    const titles = ['units that died (at init or later)', 'units that came back later', 'share of the dead that stayed dead'];
    const spec: FigureSpec = {
      title: 'Revival',
      preset: 'double-column',
      fontFamily: 'sans',
      panels: titles.map((title) => ({ kind: 'bars', title, xLabel: 'Hidden layer', yLabel: 'Units per run', bars: [{ category: 'Layer 1', groups: [{ name: 'ReLU', value: 3 }] }] })),
    };
    const svg = renderFigureSvg(spec);
    const width = figureSize(spec).widthPt;
    const family = FONT_STACKS.sans;
    const drawn = [...svg.matchAll(/<text class="panel-title" x="([^"]+)" y="[^"]+" font-size="([^"]+)"[^>]*>([^<]*)</g)].map((m) => {
      const half = (measureText(m[3], Number(m[2]), family, true) * fallbackWidthFactor(family)) / 2;
      return { text: m[3], left: Number(m[1]) - half, right: Number(m[1]) + half };
    });
    expect(drawn.map((d) => d.text)).toEqual(titles);
    const cellW = (width - 2 * 8 * 0.6) / 3;
    drawn.forEach((d, i) => {
      expect(d.left).toBeGreaterThanOrEqual(8 * 0.6 + i * cellW - 1e-6);
      expect(d.right).toBeLessThanOrEqual(8 * 0.6 + (i + 1) * cellW + 1e-6);
    });
    expect(drawn[2].right).toBeLessThanOrEqual(width);
  });
});

