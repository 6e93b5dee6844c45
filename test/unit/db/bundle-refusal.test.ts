/** Experiment bundles that are refused (damaged, foreign, too new, too large, conflicting) leave the database untouched. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BundleError, exportBundle, importBundle } from '../../../db/bundle.js';
import { openStore } from './helpers.js';
import { artifacts, blockOffsets, counts, deflateStart, epoch, experiment, expectRefused, mutator, populate, refusal, repack, run, unpack } from './bundle-fixtures.js';

describe('experiment bundles', () => {
  describe('refuses, leaving the database untouched', () => {
    function setup() {
      const source = openStore();
      const { experimentIds, runIds } = populate(source);
      // Big enough to span several blocks.
      source.saveArtifacts(runIds[2], artifacts(1_500_000, 3));
      const bundle = exportBundle(source, experimentIds);
      const target = openStore();
      populate(target); // data of its own, which must stay as it is
      target.saveComparison('mine', { runIds: [1] } as never);
      return { bundle, target };
    }

    it('a truncated bundle', () => {
      const { bundle, target } = setup();
      const offsets = blockOffsets(bundle);
      expect(offsets.length).toBeGreaterThanOrEqual(3);
      expectRefused(target, bundle.subarray(0, bundle.length - 1), 'damaged', /^the bundle is damaged: it is truncated/);
      expectRefused(target, bundle.subarray(0, Math.floor(bundle.length / 2)), 'damaged', /^the bundle is damaged: it is truncated/);
      // Cut exactly between blocks: every block is whole, the end record is missing.
      expectRefused(target, bundle.subarray(0, offsets.at(-1)), 'damaged', /^the bundle is damaged: it is truncated/);
      expectRefused(target, bundle.subarray(0, offsets[1]), 'damaged', 'the bundle is damaged: it is truncated (its end record is missing)');
      expectRefused(target, bundle.subarray(0, 15), 'damaged', /^the bundle is damaged/);
      // Truncated plain gzip.
      const plain = zlib.gzipSync(zlib.gunzipSync(bundle));
      expectRefused(target, plain.subarray(0, plain.length - 100), 'damaged', /^the bundle is damaged/);
    });

    it('a corrupted bundle (bad compressed data, CRC, checksum)', () => {
      const { bundle, target } = setup();
      const offsets = blockOffsets(bundle);
      // The second block's compressed data made invalid: its first deflate block header gets the
      // reserved block type (bits 1-2 set), which no inflater accepts, whatever the bundle holds (its
      // bytes vary with the run's timings, so garbage at a fixed place could instead decompress to
      // data that fails the CRC or to more than a block may hold).
      const garbled = Buffer.from(bundle);
      garbled[deflateStart(garbled, offsets[1])] |= 0x06;
      expectRefused(target, garbled, 'damaged', /^the bundle is damaged: block 2 cannot be decompressed \(invalid block type\)$/);
      // A wrong CRC-32 in the last block's trailer.
      const badCrc = Buffer.from(bundle);
      badCrc[bundle.length - 8] ^= 1;
      expectRefused(target, badCrc, 'damaged', `the bundle is damaged: block ${offsets.length} fails its CRC-32 check`);
      // Bytes that are not gzip after the blocks.
      expectRefused(target, Buffer.concat([bundle, Buffer.from('junk')]), 'damaged', /unexpected data after block/);

      // A payload changed without updating the checksum: found at the end, after rows were inserted.
      const lines = unpack(bundle);
      const i = lines.findIndex((l) => l.includes('"type":"run"'));
      lines[i] = lines[i].replace('"seed":1', '"seed":2');
      expect(lines[i]).toContain('"seed":2');
      expectRefused(target, repack(lines, false), 'damaged', 'the bundle is damaged: checksum mismatch');
      // The same with a record missing.
      const fewer = unpack(bundle);
      fewer.splice(3, 1);
      expectRefused(target, repack(fewer, false), 'damaged', /^the bundle is damaged: its end record counts \d+ records, but it holds/);
      // Data after the end record.
      expectRefused(target, repack([...unpack(bundle), '{}'], false), 'damaged', 'the bundle is damaged: there is data after its end record');
    });

    it('invalid records, even with a valid checksum', () => {
      const { bundle, target } = setup();
      const mutate = mutator(bundle);
      expectRefused(
        target,
        mutate((r) => (run(r).status = 'paused')),
        'damaged',
        'the bundle is damaged: record 2 (run): status: must be one of queued, running, completed, diverged, failed, cancelled, interrupted, got "paused"',
      );
      expectRefused(target, mutate((r) => (run(r).seed = 'one')), 'damaged', 'the bundle is damaged: record 2 (run): seed should be an integer, got "one"');
      expectRefused(target, mutate((r) => delete run(r).config_json), 'damaged', 'the bundle is damaged: record 2 (run): config_json: must be JSON text, got null');
      expectRefused(target, mutate((r) => (run(r).sweep_json = '{oops')), 'damaged', /sweep_json should be valid JSON text/);
      expectRefused(target, mutate((r) => (run(r).experiment_uid = 'elsewhere')), 'damaged', /its experiment elsewhere is not in the bundle before it/);
      expectRefused(target, mutate((r) => (epoch(r).train_loss = 'lots')), 'damaged', /train_loss should be a number, got "lots"/);
      expectRefused(target, mutate((r) => (epoch(r).run_uid = 'nobody')), 'damaged', /its run nobody is not in the bundle before it/);
      expectRefused(
        target,
        mutate((r) => ((epoch(r).layers as Record<string, unknown>[])[0].dead_mask = 'not base64!')),
        'damaged',
        /layer 0: dead_mask should be base64 data/,
      );
      expectRefused(target, mutate((r) => r.push({ type: 'comment' })), 'damaged', /has an unknown type "comment"/);
      expectRefused(target, mutate((r) => r.push(r[0])), 'damaged', /appears twice/);
      expectRefused(target, mutate((r) => r.splice(1, 1)), 'damaged', /its header announces 2 experiments and 8 runs, but it holds 2 and 7|is not in the bundle/);
    });

    it('rows whose meaning is broken, even with a valid checksum (they would break reading the database)', () => {
      const { bundle, target } = setup();
      const mutate = mutator(bundle);
      const layer = (records: Record<string, unknown>[]) => (epoch(records).layers as Record<string, unknown>[])[0];
      const artifactsOf = (records: Record<string, unknown>[]) => records.find((r) => r.type === 'artifacts')!;
      const base64 = (bytes: number) => Buffer.alloc(bytes).toString('base64');
      const cases: [string, (records: Record<string, unknown>[]) => void, string][] = [
        ['an empty run config', (r) => (run(r).config_json = '{}'), 'record 2 (run): config_json: is not a valid run config (name: is required)'],
        ['a run config that is not an object', (r) => (run(r).config_json = '[1]'), 'record 2 (run): config_json: must hold a JSON object, got "[1]"'],
        ['epochs_total not the config', (r) => (run(r).epochs_total = 7), 'record 2 (run): epochs_total: must be 3 (training.epochs of its config), got 7'],
        ['epochs_done past the total', (r) => (run(r).epochs_done = 4), 'record 2 (run): epochs_done: must be a whole number from 0 to 3, got 4'],
        ['a negative seed', (r) => (run(r).seed = -1), 'record 2 (run): seed: must be a valid seed (a whole number from 0 to 2^31 - 1), got -1'],
        ['sweep values that are not an object', (r) => (run(r).sweep_json = '"x"'), 'record 2 (run): sweep_json: must hold a JSON object, got "\\"x\\""'],
        ['an epoch past the run', (r) => (epoch(r).epoch = 99), `record 3 (epoch): epoch: must be a whole number from 0 to 3 (the run's epochs), got 99`],
        ['a missing layer', (r) => (epoch(r).layers as unknown[]).pop(), 'record 3 (epoch): layers: must hold one record per hidden layer (3), got 2'],
        ['a 3-byte histogram', (r) => (layer(r).hist_counts = base64(3)), 'record 3 (epoch), layer 0: hist_counts: must have 64 bytes (one float64 per bin, 8 bins), got 3 bytes'],
        ['2e9 units', (r) => (layer(r).units = 2e9), `record 3 (epoch), layer 0: units: must be 11 (the width of hidden layer 1 in the run's config), got 2000000000`],
        ['a dead mask of the wrong size', (r) => (layer(r).dead_mask = base64(1)), 'record 3 (epoch), layer 0: dead_mask: must have 2 bytes (one bit per unit, 11 units), got 1 bytes'],
        ['layers out of order', (r) => (layer(r).layer = 2), 'record 3 (epoch), layer 0: layer: must be 0 (layers come in order), got 2'],
        ['a dead fraction above 1', (r) => (layer(r).dead_fraction = 1.5), 'record 3 (epoch), layer 0: dead_fraction: must be from 0 to 1, got 1.5'],
        ['a NaN bit over a value', (r) => (layer(r).nan_mask = 1), 'record 3 (epoch), layer 0: dead_fraction: is marked NaN in nan_mask but holds a number, got 0.36363636363636365'],
        ['a negative histogram count', (r) => (layer(r).hist_counts = Buffer.from(new Float64Array([1, 2, -3, 0, 0, 0, 0, 0]).buffer).toString('base64')), 'record 3 (epoch), layer 0: hist_counts[2]: must be a count (finite, >= 0), got -3'],
        ['PReLU slopes of the wrong size', (r) => (layer(r).prelu_alphas = base64(8)), 'record 3 (epoch), layer 0: prelu_alphas: must have 44 bytes (one float32 per unit, 11 units), got 8 bytes'],
        ['weights that are not what their specs say', (r) => (artifactsOf(r).weight_data = base64(12)), 'record 6 (artifacts): weight_data: must have 3000 bytes (what the weight specs describe), got 12 bytes'],
        ['probe inputs of the wrong size', (r) => (artifactsOf(r).probe_inputs = base64(4)), 'record 6 (artifacts): probe_inputs: must have 32 bytes (one float32 per input feature of each probe sample, 4 × 2), got 4 bytes'],
        ['bad weight specs', (r) => (artifactsOf(r).weight_specs_json = '[{"name":"k","shape":[-1],"dtype":"float32"}]'), 'record 6 (artifacts): weight_specs_json[0]: must be { name, shape: [whole numbers], dtype: float32 | int32 | bool }, got a text of 43 characters'],
        ['an empty experiment name', (r) => (experiment(r).name = ''), 'record 1 (experiment): name: must have 1 to 200 characters, got ""'],
        ['tags that are not a list', (r) => (experiment(r).tags_json = '{"a":1}'), 'record 1 (experiment): tags_json: must hold a list of at most 50 tags of 1 to 50 characters, got "{\\"a\\":1}"'],
        ['an experiment config that is not an object', (r) => (experiment(r).config_json = 'null'), 'record 1 (experiment): config_json: must hold a JSON object, got "null"'],
        ['a time that is not one', (r) => (experiment(r).created_at = 'yesterday'), 'record 1 (experiment): created_at: must be an ISO-8601 time, got "yesterday"'],
      ];
      for (const [label, edit, message] of cases) {
        const error = refusal(target, mutate(edit));
        expect([label, error.reason, error.message]).toEqual([label, 'damaged', `the bundle is damaged: ${message}`]);
      }
      // The database still lists and reads back whole.
      expect(target.listExperiments()).toHaveLength(2);
      for (const r of target.listRuns()) target.getRunMetrics(r.id);
    });

    it('a zip bomb: refused once it inflates past the limit, not after inflating all of it', () => {
      const { bundle, target } = setup();
      const header = unpack(bundle)[0];
      // A plain gzip file: the header, then 64 MiB of zeros (64 KiB compressed).
      const bomb = zlib.gzipSync(Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(64 << 20)]));
      expect(bomb.length).toBeLessThan(1 << 20);
      const limit = 8 << 20;
      const plain = (() => {
        try {
          importBundle(target, bomb, { maxContentBytes: limit });
        } catch (e) {
          return e as BundleError;
        }
        throw new Error('the bomb was imported');
      })();
      expect([plain.reason, plain.message]).toEqual([
        'too-large',
        'the bundle inflates to more than 8 MiB, the most one import takes; it was not imported (a damaged or hostile file?)',
      ]);

      // In the block format: one block whose data inflates far beyond the 1 MiB a block may hold.
      const zeros = zlib.deflateRawSync(Buffer.alloc(32 << 20));
      const head = Buffer.from(bundle.subarray(0, 20));
      head.writeUInt32LE(20 + zeros.length + 8, 16);
      const tail = Buffer.alloc(8);
      tail.writeUInt32LE(0, 0);
      tail.writeUInt32LE(1 << 20, 4);
      const offsets = blockOffsets(bundle);
      const blockBomb = Buffer.concat([bundle.subarray(0, offsets[1]), head, zeros, tail]);
      expectRefused(target, blockBomb, 'damaged', 'the bundle is damaged: block 2 inflates to more than the 1 MiB a block may hold');
      // A block claiming to hold more than a block may.
      tail.writeUInt32LE((1 << 20) + 1, 4);
      expectRefused(target, Buffer.concat([bundle.subarray(0, offsets[1]), head, zeros, tail]), 'damaged', /^the bundle is damaged: block 2 says it holds 1048577 bytes, more than the 1 MiB a block may hold$/);
      // And the whole content of the blocks is bounded too.
      const before = counts(target);
      expect(() => importBundle(target, bundle, { maxContentBytes: 1 << 20 })).toThrow(
        'the bundle inflates to more than 1 MiB, the most one import takes; it was not imported (a damaged or hostile file?)',
      );
      expect(counts(target)).toEqual(before);
    });

    it('a file that is not a bundle', () => {
      const { target } = setup();
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      expectRefused(target, png, 'not-a-bundle', 'not a ReLU Lab bundle: it is a PNG image');
      expectRefused(target, Buffer.from('{"hello": "world"}\n'), 'not-a-bundle', /^not a ReLU Lab bundle: it is a plain JSON file/);
      expectRefused(target, new Uint8Array(0), 'not-a-bundle', 'not a ReLU Lab bundle: the file is empty');
      expectRefused(target, randomBytes(1000).fill(0, 0, 1), 'not-a-bundle', 'not a ReLU Lab bundle: it is not gzip-compressed');
      expectRefused(target, fs.readFileSync(target.file), 'not-a-bundle', /^not a ReLU Lab bundle: it is a SQLite database/);
      const notOurs = 'not a ReLU Lab bundle: it does not start with a ReLU Lab bundle header';
      expectRefused(target, zlib.gzipSync('{"format":"something-else","version":1}\n{}\n'), 'not-a-bundle', notOurs);
      expectRefused(target, zlib.gzipSync(JSON.stringify({ runs: [1, 2, 3] })), 'not-a-bundle', notOurs);
      expectRefused(target, zlib.gzipSync(randomBytes(200_000)), 'not-a-bundle', notOurs);
      expectRefused(target, zlib.gzipSync(''), 'not-a-bundle', /^not a ReLU Lab bundle/);
    });

    it('a bundle from a newer format version', () => {
      const { bundle, target } = setup();
      const lines = unpack(bundle);
      const header = JSON.parse(lines[0]);
      const future = repack([JSON.stringify({ ...header, version: 3 }), 'whatever version 3 holds', '\u0000']);
      expectRefused(
        target,
        future,
        'too-new',
        'bundle format version 3 is newer than this ReLU Lab supports (1): update ReLU Lab to import it',
      );
      expectRefused(target, repack([JSON.stringify({ ...header, version: 0 }), ...lines.slice(1)]), 'damaged', /invalid format version/);
    });

    it('a run whose index is taken by another run of the same experiment', () => {
      const { bundle, target } = setup();
      const lines = unpack(bundle);
      const records = lines.slice(1, -1).map((l) => JSON.parse(l));
      // Import the experiment alone first (runs and their records removed), then the full bundle
      // with one run's uid changed so that it collides with nothing but its index.
      const experimentOnly = repack([
        lines[0].replace('"experiments":2,"runs":8', '"experiments":1,"runs":0'),
        JSON.stringify(records[0]),
        lines.at(-1)!,
      ]);
      importBundle(target, experimentOnly);
      const runs = records.filter((r) => r.type === 'run' && r.experiment_uid === records[0].uid);
      const full = repack([lines[0], ...records.map((r) => JSON.stringify(r)), lines.at(-1)!]);
      expect(importBundle(target, full)).toMatchObject({ experiments: 1, runs: 8, skipped: 1 });
      expect(runs).toHaveLength(4);
      records[1].uid = 'a-different-run';
      const clash = repack([lines[0], ...records.map((r) => JSON.stringify(r)), lines.at(-1)!]);
      const error = refusal(target, clash);
      expect(error.reason).toBe('conflict');
      expect(error.message).toMatch(/^cannot import run a-different-run: experiment \d+ already has a different run .* at index 0$/);
    });
  });
});
