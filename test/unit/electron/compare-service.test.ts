import { describe, expect, it } from 'vitest';
import { decodeJson, encodeJson, type ApiResult, type BundleImportSummary, type FileData } from '../../../shared/api.js';
import type { SavedComparison } from '../../../shared/compare.js';
import type { ComparedRun } from '../../../shared/charts.js';
import { LabStore } from '../../../db/store.js';
import { openService, tempDir, tinyConfig, waitForRuns } from './helpers.js';
import path from 'node:path';

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('comparisons, figures and bundles through the service', () => {
  it('saves a comparison, renders its charts in every format and exports the plotted CSV', async () => {
    const { service } = openService();
    const config = { ...tinyConfig({ seeds: [1, 2] }), sweep: { 'model.activation': ['relu', 'leaky_relu'] } };
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [config]));
    await waitForRuns(service, runIds);

    const saved = value<SavedComparison>(await service.handle('saveComparison', ['activations', { experimentIds: [experimentId], band: 'ci95' }]));
    expect(saved.spec.band).toBe('ci95');
    expect(value<SavedComparison[]>(await service.handle('listComparisons', [])).map((c) => c.name)).toEqual(['activations']);

    const runs = value<ComparedRun[]>(await service.handle('getComparedRuns', [saved.spec]));
    expect(runs.map((r) => r.id).sort()).toEqual([...runIds].sort());
    expect(runs[0].epochs).toHaveLength(3);

    const svg = value<FileData>(await service.handle('renderChart', [saved.spec, 'dead-fraction', 'svg', { preset: 'single-column' }]));
    const svgText = Buffer.from(svg.base64, 'base64').toString('utf8');
    expect(svgText).toContain('activation=relu');
    expect(svgText).toContain('activation=leaky_relu');
    expect(svgText).toContain('Epoch');
    expect(svg.size).toEqual(expect.objectContaining({ unit: 'in', width: 3.5 }));

    const png = value<FileData>(await service.handle('renderChart', [saved.spec, 'final-dead-bars', 'png', { preset: 'single-column', dpi: 300 }]));
    const bytes = Buffer.from(png.base64, 'base64');
    expect(bytes.readUInt32BE(16)).toBe(1050);
    expect(png.size).toEqual(expect.objectContaining({ width: 1050, unit: 'px' }));

    const pdf = value<FileData>(await service.handle('renderChart', [saved.spec, 'revival', 'pdf', { preset: 'double-column' }]));
    expect(Buffer.from(pdf.base64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');

    const csv = value<FileData>(await service.handle('renderChart', [saved.spec, 'dead-fraction', 'csv', { preset: 'screen' }]));
    const lines = Buffer.from(csv.base64, 'base64').toString('utf8').trim().split('\n');
    expect(lines[0]).toContain('mean,lo,hi,n');
    expect(lines.length).toBe(1 + 2 * 3);

    // Through the HTTP encoding too (what web mode sends).
    expect(decodeJson<FileData>(encodeJson(csv)).base64).toBe(csv.base64);

    const empty = await service.handle('renderChart', [{ runIds: [999] }, 'dead-fraction', 'svg', { preset: 'screen' }]);
    expect(empty.ok).toBe(false);
    value(await service.handle('deleteComparison', [saved.id]));
    expect(value<SavedComparison[]>(await service.handle('listComparisons', []))).toEqual([]);
  });

  it('exports a bundle another lab imports once, and refuses a foreign file', async () => {
    const { service } = openService();
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [tinyConfig()]));
    await waitForRuns(service, runIds);
    const bundle = value<FileData>(await service.handle('exportBundle', [[experimentId]]));
    expect(bundle.suggestedName).toMatch(/\.relulab$/);

    const other = openService({ dir: tempDir() });
    const first = value<BundleImportSummary>(await other.service.handle('importBundle', [bundle.base64]));
    expect(first).toEqual(expect.objectContaining({ experiments: 1, runs: 1 }));
    const second = value<BundleImportSummary>(await other.service.handle('importBundle', [bundle.base64]));
    expect(second).toEqual(expect.objectContaining({ experiments: 0, runs: 0, skipped: 2 }));
    const foreign = await other.service.handle('importBundle', [Buffer.from('not a bundle at all').toString('base64')]);
    expect(foreign.ok).toBe(false);
    if (!foreign.ok) expect(foreign.error.message).toMatch(/not a ReLU Lab bundle/);
    await other.service.close();
    const store = LabStore.open(path.join(other.dir, 'lab.sqlite'));
    expect(store.listExperiments()).toHaveLength(1);
    store.close();
  });
});
