/** The metric field table is what README.md documents: a new metric cannot be left out of the docs. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EPOCH_SERIES_KEYS, LAYER_SERIES_KEYS, METRIC_FIELDS } from '../../../shared/metric-fields.js';

const README = fs.readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

/** The text of a README section, from its heading to the next heading of the same or a higher level. */
function section(heading: string): string {
  const start = README.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const level = heading.split(' ')[0];
  const rest = README.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Everything written in backticks. */
function codeSpans(text: string): Set<string> {
  return new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]));
}

describe('README.md', () => {
  it('documents every metric field in its Metrics section', () => {
    const documented = codeSpans(section('## Metrics'));
    const missing = METRIC_FIELDS.map((f) => f.key).filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('lists the long format’s metrics in the order they are written', () => {
    const row = section('### Metrics export (long format)')
      .split('\n')
      .find((line) => line.startsWith('| `metric`, `value` |'));
    expect(row).toBeDefined();
    const [epochPart, layerPart] = row!.split('per layer');
    expect([...codeSpans(epochPart)].filter((k) => k !== 'metric' && k !== 'value')).toEqual(EPOCH_SERIES_KEYS);
    expect([...codeSpans(layerPart)]).toEqual(LAYER_SERIES_KEYS);
  });
});
