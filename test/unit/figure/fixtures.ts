/** Deterministic figure specs that look like dying-ReLU results, shared by the figure tests. */
import { slotStyle as groupStyle } from '../../../shared/figure/palette.js';
import type { BarCategory, FigureSpec, LineSeries, LinesPanel, Ridge } from '../../../shared/figure/index.js';

/** mulberry32: a tiny deterministic PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUPS = [
  { name: 'ReLU (lr 0.1)', plateau: 0.55, rate: 0.25 },
  { name: 'Leaky ReLU', plateau: 0.04, rate: 0.3 },
  { name: 'ReLU + BatchNorm', plateau: 0.12, rate: 0.15 },
];

/** Dead fraction over epochs: mean ± std band and thin per-seed runs; `gapAt` epochs are NaN. */
export function deadFractionSeries(layer: number, opts: { runs?: boolean; gapAt?: number[] } = {}): LineSeries[] {
  const out: LineSeries[] = [];
  const epochs = Array.from({ length: 41 }, (_, i) => i);
  GROUPS.forEach((g, gi) => {
    const style = groupStyle(gi);
    const r = rng(100 * gi + layer);
    const runs = [0, 1, 2, 3].map(() => {
      const plateau = g.plateau * (0.8 + 0.4 * r()) * (1 + 0.3 * layer);
      return epochs.map((e) => Math.min(1, plateau * (1 - Math.exp(-g.rate * e)) + 0.015 * (r() - 0.5)));
    });
    const mean = epochs.map((_, i) => runs.reduce((s, run) => s + run[i], 0) / runs.length);
    const std = epochs.map((_, i) => Math.sqrt(runs.reduce((s, run) => s + (run[i] - mean[i]) ** 2, 0) / (runs.length - 1)));
    if (opts.runs === true) {
      runs.forEach((run, k) => out.push({ name: `${g.name} seed ${k}`, color: style.color, thin: true, points: epochs.map((e, i) => ({ x: e, y: run[i] })) }));
    }
    const gap = new Set(opts.gapAt ?? []);
    out.push({
      name: g.name,
      color: style.color,
      dash: style.dash,
      points: epochs.map((e, i) => ({ x: e, y: gap.has(e) ? NaN : mean[i] })),
      band: epochs.map((e, i) => ({ x: e, lo: mean[i] - std[i], hi: mean[i] + std[i] })),
    });
  });
  return out;
}

export function linesSpec(): FigureSpec {
  const panel = (layer: number): LinesPanel => ({
    kind: 'lines',
    title: `Hidden layer ${layer + 1}`,
    xLabel: 'Epoch',
    yLabel: 'Dead units (fraction)',
    yDomain: [0, 1],
    series: deadFractionSeries(layer, { runs: true, gapAt: layer === 0 ? [20, 21, 22] : [] }),
  });
  return {
    title: 'Dead ReLU units during training',
    subtitle: 'Mean ± 1 s.d. over 4 seeds; thin lines: individual runs',
    preset: 'single-column',
    fontFamily: 'sans',
    fontSize: 8,
    grayscaleSafe: true,
    panels: [panel(0), panel(1)],
    columns: 1,
    notes: ['MLP 784-256-256-10 on MNIST, SGD, batch 64.'],
  };
}

export function logSpec(): FigureSpec {
  const series: LineSeries[] = GROUPS.map((g, gi) => {
    const style = groupStyle(gi);
    return {
      name: g.name,
      color: style.color,
      dash: style.dash,
      // Epoch 0 cannot sit on a log x axis; loss 0 / negative values cannot sit on a log y axis.
      points: Array.from({ length: 101 }, (_, e) => ({ x: e, y: e === 50 && gi === 0 ? 0 : e === 60 && gi === 1 ? -1 : 2.3 * Math.exp(-(0.02 + 0.02 * gi) * e) + 0.001 })),
    };
  });
  return {
    title: 'Training loss & <escaping> "test"',
    preset: 'screen',
    fontFamily: 'dejavu',
    panels: [{ kind: 'lines', xLabel: 'Epoch', yLabel: 'Cross-entropy loss (nats)', xScale: 'log', yScale: 'log', series }],
    legend: 'right',
  };
}

export function barsSpec(): FigureSpec {
  const r = rng(7);
  const bars: BarCategory[] = ['Layer 1', 'Layer 2', 'Layer 3', 'Layer 4'].map((category, li) => ({
    category,
    groups: GROUPS.map((g, gi) => {
      const v = Math.min(1, g.plateau * (1 + 0.35 * li) * (0.9 + 0.2 * r()));
      const ci = 0.03 + 0.05 * r();
      return { name: g.name, color: groupStyle(gi).color, value: v, lo: Math.max(0, v - ci), hi: Math.min(1, v + ci) };
    }),
  }));
  return {
    title: 'Final dead fraction per layer',
    subtitle: 'Bars: mean over 8 seeds; error bars: 95% CI',
    preset: 'double-column',
    height: 2.6,
    fontFamily: 'serif',
    grayscaleSafe: true,
    panels: [{ kind: 'bars', xLabel: 'Hidden layer', yLabel: 'Dead units at epoch 40 (fraction)', bars }],
    legend: 'right',
  };
}

export function heatmapValues(layers: number, epochs: number): number[][] {
  return Array.from({ length: layers }, (_, l) => Array.from({ length: epochs }, (_, e) => Math.min(1, (0.15 + 0.15 * l) * (1 - Math.exp(-0.12 * e)) + 0.02 * Math.sin(e + l))));
}

export function heatmapSpec(): FigureSpec {
  const epochs = 41;
  const values: (number | null)[][] = heatmapValues(4, epochs);
  values[2][10] = null;
  return {
    title: 'Dead fraction by layer and epoch',
    preset: 'single-column',
    height: 2.2,
    panels: [
      {
        kind: 'heatmap',
        xLabel: 'Epoch',
        yLabel: 'Hidden layer',
        heatmap: {
          xs: Array.from({ length: epochs }, (_, i) => i),
          ys: ['1', '2', '3', '4'],
          values,
          colorScale: { scheme: 'viridis', domain: [0, 1], label: 'Dead fraction' },
        },
      },
    ],
  };
}

export function ridges(n: number): Ridge[] {
  return Array.from({ length: n }, (_, i) => {
    const mean = 0.6 - 0.35 * i;
    const sd = 0.6 + 0.1 * i;
    const bins = 40;
    const lo = -3;
    const hi = 3;
    const counts = Array.from({ length: bins }, (_, k) => {
      const x = lo + ((k + 0.5) * (hi - lo)) / bins;
      return Math.round(1000 * Math.exp(-0.5 * ((x - mean) / sd) ** 2));
    });
    return { label: `epoch ${i * 10}`, lo, hi, counts };
  });
}

/** Small multiples of every kind: double-column, 2 × 2. */
export function combinedSpec(): FigureSpec {
  const hm = heatmapSpec().panels[0];
  const bars = barsSpec().panels[0];
  return {
    title: 'Dying ReLU: mitigation comparison',
    preset: 'double-column',
    height: 5,
    fontFamily: 'sans',
    grayscaleSafe: true,
    columns: 2,
    panels: [
      { kind: 'lines', title: '(a) Dead fraction, layer 1', xLabel: 'Epoch', yLabel: 'Dead units (fraction)', series: deadFractionSeries(0, { runs: true }) },
      { ...bars, title: '(b) Final dead fraction' },
      { ...hm, title: '(c) ReLU (lr 0.1), per layer' },
      { kind: 'ridges', title: '(d) Pre-activations, layer 2', xLabel: 'Pre-activation z', yLabel: '', ridges: ridges(5), refLines: [{ axis: 'x', value: 0, label: 'z = 0' }] },
    ],
  };
}

export const ALL_SPECS: Record<string, () => FigureSpec> = {
  lines: linesSpec,
  log: logSpec,
  bars: barsSpec,
  heatmap: heatmapSpec,
  combined: combinedSpec,
};
