/** Files from the page: base64 payloads, the import summary, exported figure names and the remembered export options. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_OPTIONS, exportFileName, figureOptions, readExportOptions } from '../../../renderer/src/compare/export-options.js';
import { importSummaryText } from '../../../renderer/src/experiments/bundle.js';
import { base64ToBytes, dataUrlBase64 } from '../../../renderer/src/ui/files.js';

describe('files and export options', () => {
  it('decodes base64 to bytes and reads a data URL', () => {
    expect([...base64ToBytes('iVBORw0KGgo=')]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(base64ToBytes('')).toHaveLength(0);
    expect(dataUrlBase64('data:application/gzip;base64,H4sI')).toBe('H4sI');
    expect(dataUrlBase64('garbage')).toBe('');
  });

  it('words the import summary', () => {
    expect(importSummaryText({ experiments: 1, runs: 18, skipped: 0 })).toBe('Imported 1 experiment, 18 runs; 0 skipped');
    expect(importSummaryText({ experiments: 0, runs: 1, skipped: 13 })).toBe('Imported 0 experiments, 1 run; 13 skipped');
  });

  it('names exported files after the saved comparison', () => {
    expect(exportFileName('dead-fraction.svg', null)).toBe('dead-fraction.svg');
    expect(exportFileName('dead-fraction.svg', 'Mitigations, 3 seeds!')).toBe('mitigations-3-seeds-dead-fraction.svg');
    expect(exportFileName('loss.csv', '***')).toBe('loss.csv');
  });

  it('reads stored export options defensively', () => {
    expect(readExportOptions(null)).toEqual(DEFAULT_EXPORT_OPTIONS);
    expect(DEFAULT_EXPORT_OPTIONS).toMatchObject({ preset: 'single-column', dpi: 300 });
    expect(readExportOptions({ preset: 'double-column', fontFamily: 'serif', fontSize: 9, grayscaleSafe: true, dpi: 600 })).toEqual({
      preset: 'double-column',
      fontFamily: 'serif',
      fontSize: 9,
      grayscaleSafe: true,
      dpi: 600,
    });
    expect(readExportOptions({ preset: 'poster', dpi: 5, fontSize: 100 })).toEqual(DEFAULT_EXPORT_OPTIONS);
  });

  it('passes a font size to the figure only when one is set (else the preset’s applies)', () => {
    expect(figureOptions(DEFAULT_EXPORT_OPTIONS)).toEqual({ preset: 'single-column', fontFamily: 'sans', grayscaleSafe: false });
    expect(figureOptions({ ...DEFAULT_EXPORT_OPTIONS, fontSize: 9, grayscaleSafe: true })).toEqual({ preset: 'single-column', fontFamily: 'sans', fontSize: 9, grayscaleSafe: true });
  });
});
