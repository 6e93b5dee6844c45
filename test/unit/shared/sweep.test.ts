import { describe, expect, it } from 'vitest';
import { renderFigureSvg, svgPhysicalSize } from '../../../shared/figure/index.js';
import { sweepChart, sweepCsv, sweepFigure, sweepRequestSchema, type SweepInput, type SweepRun } from '../../../shared/sweep.js';

/** Runs of 2 activations × 3 learning rates × 3 seeds; relu at lr 1 diverges once, one run has no value. */
function runs(): SweepRun[] {
  // Run 4 (relu, lr 0.1, seed 1) has no value.
  const out: SweepRun[] = [];
  let id = 1;
  for (const activation of ['relu', 'elu'])
    for (const lr of [0.01, 0.1, 1])
      for (let seed = 1; seed <= 3; seed++) {
        const y = (activation === 'relu' ? 0.5 : 0.1) * Math.log10(lr * 100) + seed / 100;
        out.push({ runId: id, diverged: activation === 'relu' && lr === 1 && seed === 3, values: [lr, activation], y: id === 4 ? null : y });
        id++;
      }
  return out;
}

function input(view: 'scatter' | 'parallel'): SweepInput {
  const request = sweepRequestSchema.parse({ view, x: 'training.learningRate', colorBy: 'model.activation', logX: true, band: 'std', filter: 'seed <= 3' });
  return { request, fields: ['training.learningRate', 'model.activation'], runs: runs(), filteredOut: 2, metricLabel: 'final dead', yFraction: true };
}

describe('sweep views', () => {
  it('scatter: a mean ± band per value and colour with the n it rests on; runs without a value counted in the notes', () => {
    const chart = sweepChart(input('scatter'));
    if (chart.view !== 'scatter') throw new Error('scatter expected');
    expect(chart.groups.map((g) => g.name)).toEqual(['activation elu', 'activation relu']);
    const relu = chart.groups[1];
    expect(relu.means.map((m) => [m.x, m.n, m.diverged])).toEqual([
      [0.01, 3, 0],
      [0.1, 2, 0],
      [1, 3, 1],
    ]);
    expect(relu.means[0].mean).toBeCloseTo(0.02, 12);
    expect(relu.means[0].hi - relu.means[0].mean).toBeCloseTo(0.01, 12);
    expect(chart.notes).toEqual([
      '18 runs match the filter “seed <= 3” (2 left out).',
      '17 runs plotted; n per point (runs at one learningRate and colour) from 2 to 3.',
      'Band: ± one standard deviation, drawn where n ≥ 2.',
      '1 run diverged (loss NaN or ∞): drawn as open circles, with the value measured before; counted in n.',
      '1 run without a finite final dead (not measured, or NaN) not plotted.',
    ]);
    const csv = sweepCsv(chart).trim().split('\n');
    expect(csv[0]).toBe('group,series,run_id,training.learningRate,final dead,mean,lo,hi,n,diverged');
    expect(csv.filter((l) => l.split(',')[1] === 'mean')).toHaveLength(6);
    expect(csv.filter((l) => l.split(',')[1] === 'run')).toHaveLength(17);
  });

  it('scatter and parallel figures render, with their notes under the plots', () => {
    for (const view of ['scatter', 'parallel'] as const) {
      const chart = sweepChart(input(view));
      const figure = sweepFigure(chart, { preset: 'single-column' });
      const svg = renderFigureSvg(figure);
      expect(svg).toContain(`data-kind="${view}"`);
      for (const note of chart.notes) expect(svg.replace(/&apos;/g, "'")).toContain(note.slice(0, 20));
      expect(svgPhysicalSize(svg)?.widthIn).toBe(3.5);
      // The notes add to the preset's height instead of squeezing the plot.
      expect(svgPhysicalSize(svg)?.heightIn).toBeGreaterThan(2.6);
    }
    const scatter = renderFigureSvg(sweepFigure(sweepChart(input('scatter')), { preset: 'screen' }));
    expect(scatter.match(/class="dot open"/g)).toHaveLength(1);
    expect(scatter.match(/class="mean"/g)).toHaveLength(6);
    // n differs between means (2 and 3), so each mean says its n.
    expect(scatter.match(/class="n-label"/g)).toHaveLength(6);
  });

  it('parallel coordinates: an axis per field (categorical for text), the metric last, one line per run', () => {
    const chart = sweepChart(input('parallel'));
    if (chart.view !== 'parallel') throw new Error('parallel expected');
    expect(chart.axes).toEqual([
      { label: 'training.learningRate', categories: null, log: true },
      { label: 'final dead', categories: null, log: false },
    ]);
    expect(chart.lines).toHaveLength(18);
    expect(chart.lines[3].values).toEqual([0.1, null]);
    const svg = renderFigureSvg(sweepFigure(chart, { preset: 'screen' }));
    // One path per colour and dash style: elu, relu, relu diverged.
    expect(svg.match(/class="run-line"/g)).toHaveLength(3);
    expect(sweepCsv(chart).split('\n')[0]).toBe('run_id,group,training.learningRate,final dead,diverged');
  });
});
