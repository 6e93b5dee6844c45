import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.js';
import { canonicalJson, firstDifference, parseShard, shardFromEnvironment, shardRunIndices, shardSlice } from '../../../shared/shard.js';

const slurm = (id: number, count: number, min: number, max = min + count - 1) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_COUNT: String(count),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(max),
});

describe('shard slicing', () => {
  it('is round-robin, balanced within one run, and covers every run exactly once', () => {
    expect(shardRunIndices(7, { index: 1, count: 3 })).toEqual([0, 3, 6]);
    expect(shardRunIndices(7, { index: 2, count: 3 })).toEqual([1, 4]);
    expect(shardRunIndices(7, { index: 3, count: 3 })).toEqual([2, 5]);
    expect(shardRunIndices(2, { index: 3, count: 3 })).toEqual([]);
    for (const [total, count] of [[1, 1], [10, 3], [100, 7], [5, 8]]) {
      const slices = Array.from({ length: count }, (_, k) => shardRunIndices(total, { index: k + 1, count }));
      expect(slices.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i));
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(shardSlice(['a', 'b', 'c', 'd'], { index: 2, count: 2 })).toEqual(['b', 'd']);
  });
});

describe('--shard', () => {
  it('reads K/N, 1-based', () => {
    expect(parseShard('2/3', {})).toEqual({ index: 2, count: 3 });
    expect(parseShard('1/1', {})).toEqual({ index: 1, count: 1 });
  });

  it('refuses K outside 1..N and other text, naming the option and the rule', () => {
    expect(() => parseShard('4/3', {})).toThrow('--shard: K must be from 1 to N (shards are numbered from 1), got "4/3"');
    expect(() => parseShard('0/3', {})).toThrow('--shard: K must be from 1 to N (shards are numbered from 1), got "0/3"');
    expect(() => parseShard('1/0', {})).toThrow('--shard: the number of shards must be from 1 to 10000, got "1/0"');
    expect(() => parseShard('two', {})).toThrow('--shard: must be K/N (this process runs slice K of N, 1 <= K <= N) or auto, got "two"');
    expect(() => parseShard('4/3', {})).toThrow(ValidationError);
  });

  it('auto maps a Slurm array to shards 1..N whether it starts at 0 or 1', () => {
    expect(parseShard('auto', slurm(1, 3, 1))).toEqual({ index: 1, count: 3 });
    expect(parseShard('auto', slurm(3, 3, 1))).toEqual({ index: 3, count: 3 });
    expect(parseShard('auto', slurm(0, 3, 0))).toEqual({ index: 1, count: 3 });
    expect(parseShard('auto', slurm(12, 3, 10))).toEqual({ index: 3, count: 3 });
    // Without MAX (only ID, MIN, COUNT) it still works.
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 2, count: 2 });
  });

  it('auto refuses arrays that are not a contiguous range, and missing or broken variables', () => {
    expect(() => parseShard('auto', slurm(3, 3, 1, 5))).toThrow(
      '--shard: auto: the Slurm array must be a contiguous range such as --array=1-3 (SLURM_ARRAY_TASK_COUNT=3, but MIN..MAX is 1..5)',
    );
    expect(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '1' })).toThrow('--shard: auto needs SLURM_ARRAY_TASK_COUNT, which is not set');
    expect(() => parseShard('auto', { ...slurm(1, 3, 1), SLURM_ARRAY_TASK_ID: 'x' })).toThrow('--shard: auto: SLURM_ARRAY_TASK_ID must be a whole number >= 0, got "x"');
    expect(() => parseShard('auto', {})).toThrow(/^--shard: auto needs a Slurm array task \(SLURM_ARRAY_TASK_ID, .*none is set$/);
  });

  it('auto reads a Kubernetes Indexed Job (0-based index, count from RELU_LAB_SHARD_COUNT)', () => {
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '0', RELU_LAB_SHARD_COUNT: '4' })).toEqual({ index: 1, count: 4 });
    expect(parseShard('auto', { JOB_COMPLETION_INDEX: '3', RELU_LAB_SHARD_COUNT: '4' })).toEqual({ index: 4, count: 4 });
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '4', RELU_LAB_SHARD_COUNT: '4' })).toThrow('--shard: K must be from 1 to N');
    expect(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0' })).toThrow('--shard: auto needs RELU_LAB_SHARD_COUNT, which is not set');
  });
});

describe('config comparison', () => {
  it('names the first field that differs, and ignores key order', () => {
    expect(firstDifference({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toBeNull();
    expect(firstDifference({ training: { epochs: 5, lr: 1 } }, { training: { epochs: 10, lr: 1 } })).toBe('training.epochs: 5 vs 10');
    expect(firstDifference({ seeds: [1, 2] }, { seeds: [1, 2, 3] })).toBe('seeds[2]: nothing vs 3');
    expect(firstDifference({ sweep: { 'model.width': [4] } }, { sweep: {} })).toBe('sweep["model.width"]: [4] vs nothing');
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});
