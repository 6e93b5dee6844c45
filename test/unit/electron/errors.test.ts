/**
 * Expected failures are told apart by their type, never by their text: the API answers each kind
 * with its code, the CLI with its exit code; anything else is a fault.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LabStore } from '../../../db/store.js';
import { BundleError } from '../../../db/bundle.js';
import { ApiError } from '../../../shared/api.js';
import { ConflictError, InvalidConfigError, NotFoundError, ValidationError } from '../../../shared/errors.js';
import { apiErrorOf } from '../../../electron/lab/api-errors.js';
import { main } from '../../../electron/cli/main.js';
import { validateExperiment } from '../../../shared/config.js';
import { openService, tempDir, tinyConfig } from './helpers.js';

class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += String(chunk);
    done();
  }
}

async function cli(args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('API error codes by type', () => {
  it('maps each kind of failure to its code, and nothing by its text', () => {
    expect(apiErrorOf(new NotFoundError('run', 4))).toEqual({ code: 'not_found', message: 'run 4 does not exist' });
    expect(apiErrorOf(new NotFoundError('comparison', 2))).toEqual({ code: 'not_found', message: 'comparison 2 does not exist' });
    expect(apiErrorOf(new ConflictError('busy'))).toEqual({ code: 'conflict', message: 'busy' });
    expect(apiErrorOf(new ValidationError('bad'))).toEqual({ code: 'invalid_argument', message: 'bad' });
    expect(apiErrorOf(new BundleError('damaged', 'the bundle is damaged: x'))).toEqual({ code: 'invalid_argument', message: 'the bundle is damaged: x' });
    const issues = [{ path: 'training.learningRate', message: 'must be > 0, got -1' }];
    expect(apiErrorOf(new InvalidConfigError(issues))).toEqual({
      code: 'invalid_config',
      message: 'the experiment config is invalid: training.learningRate: must be > 0, got -1',
      issues,
    });
    expect(apiErrorOf(new ApiError('internal', 'x'))).toEqual({ code: 'internal', message: 'x' });
    // A fault that happens to read like an expected failure is still a fault.
    expect(apiErrorOf(new Error('experiment 3 does not exist'))).toBeNull();
    expect(apiErrorOf(new Error('run 7 does not exist'))).toBeNull();
    expect(apiErrorOf('comparison 1 does not exist')).toBeNull();
  });

  it('a comparison that does not exist, or holds no runs, through the service', async () => {
    const { service } = openService();
    expect(await service.handle('deleteComparison', [99])).toEqual({ ok: false, error: { code: 'not_found', message: 'comparison 99 does not exist' } });
    expect(await service.handle('renderChart', [{ experimentIds: [42] }, 'dead-fraction', 'svg', { preset: 'screen' }])).toEqual({
      ok: false,
      error: { code: 'invalid_argument', message: 'the comparison holds no runs' },
    });
  });
});

describe('CLI exit codes by type', () => {
  it('something that does not exist: exit 1, naming the database', async () => {
    const db = path.join(tempDir(), 'lab.sqlite');
    LabStore.open(db).close();
    for (const [args, message] of [
      [['show', '5'], 'run 5 does not exist'],
      [['export', '5', '--format', 'model', '--out', path.join(tempDir(), 'model')], 'run 5 does not exist'],
      [['export', '7', '--format', 'csv', '--out', '-'], 'experiment 7 does not exist'],
      [['export', '7', '--format', 'bundle', '--out', path.join(tempDir(), 'b.relulab')], 'experiment 7 does not exist'],
      [['compare', 'save', 'x', '--experiment', '3'], 'experiment 3 does not exist'],
      [['compare', 'save', 'x', '--run', '8'], 'run 8 does not exist'],
    ] as const) {
      const r = await cli([...args, '--db', db]);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toBe(`relu-lab: ${message} in ${db}\n`);
    }
  });

  it('an invalid comparison given on the command line: exit 2, worded as everywhere', async () => {
    const db = path.join(tempDir(), 'lab.sqlite');
    const store = LabStore.open(db);
    const design = validateExperiment(tinyConfig());
    if (!design.ok) throw new Error('tiny config invalid');
    store.createExperiment({ name: 'x', config: tinyConfig(), runs: design.runs });
    store.close();
    const r = await cli(['compare', 'save', 'x', '--experiment', '1', '--group-by', '', '--db', db]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: 'relu-lab: invalid comparison spec: groupBy[0]: must not be empty\n' });
  });

  it('a saved comparison whose runs are gone is not a usage error: exit 1', async () => {
    const db = path.join(tempDir(), 'lab.sqlite');
    const store = LabStore.open(db);
    store.saveComparison('gone', { experimentIds: [42] });
    store.close();
    const r = await cli(['figure', 'gone', '--out', path.join(tempDir(), 'f.svg'), '--db', db]);
    expect(r).toEqual({ code: 1, stdout: '', stderr: 'relu-lab: the comparison holds no runs\n' });
  });
});
