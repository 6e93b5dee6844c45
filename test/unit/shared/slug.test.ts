/** One rule for file names made from names people give, in the page and in the lab. */
import { describe, expect, it } from 'vitest';
import type { ApiResult, FileData } from '../../../shared/api.js';
import { slug } from '../../../shared/slug.js';
import { exportFileName } from '../../../renderer/src/compare/export-options.js';
import { openService, tinyConfig, waitForRuns } from '../electron/helpers.js';

function value<T>(result: ApiResult<unknown>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

describe('slug', () => {
  it('drops accents and case, joins everything else with one "-", keeps 60 characters', () => {
    expect(slug('Large LR (copy) — é')).toBe('large-lr-copy-e');
    expect(slug('Mitigations at a high learning rate (v2.1)')).toBe('mitigations-at-a-high-learning-rate-v2-1');
    expect(slug(`${'a'.repeat(70)}`)).toHaveLength(60);
  });

  it('falls back when nothing of the name is left', () => {
    expect(slug('***')).toBe('experiment');
    expect(slug('***', '')).toBe('');
  });

  it('names the page’s figure files and the lab’s bundles the same way', async () => {
    expect(exportFileName('loss.svg', 'Élan, 3 seeds')).toBe(`${slug('Élan, 3 seeds')}-loss.svg`);
    const { service } = openService();
    const name = 'Mitigations — é (high LR)';
    const { experimentId, runIds } = value<{ experimentId: number; runIds: number[] }>(await service.handle('createExperiment', [tinyConfig({ name })]));
    await waitForRuns(service, runIds);
    const bundle = value<FileData>(await service.handle('exportBundle', [[experimentId]]));
    expect(bundle.suggestedName).toBe(`${slug(name)}.relulab`);
    expect(bundle.suggestedName).toBe('mitigations-e-high-lr.relulab');
  });
});
