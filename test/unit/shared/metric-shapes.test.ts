/**
 * The shapes built from the metric field table: the API's DTO, the CLI's JSON epoch, the long format
 * and the live view each carry exactly the fields the table gives them, written out here in full so
 * a change of shape shows.
 */
import { describe, expect, it } from 'vitest';
import { epochToDto } from '../../../electron/lab/dto.js';
import { slimEpoch } from '../../../renderer/src/app/live.js';
import { longRows } from '../../../shared/long-format.js';
import { epochSummary } from '../../../shared/metric-fields.js';
import type { EpochMetrics, LayerMetrics } from '../../../shared/metrics.js';

/** The epoch's own fields, the same in every shape that carries them all. */
const EPOCH_SCALARS = { epoch: 4, trainLoss: NaN, trainAccuracy: null, valLoss: 0.75, valAccuracy: 0.5, seconds: 0.125, elapsedSeconds: 3.5, probeMs: 12, task: 1 };
/** A layer's series fields. */
const LAYER_SCALARS = { units: 3, deadFraction: 1 / 3, activeProbability: 0.5, dormantFraction: NaN, preActMean: -0.25, preActStd: Infinity, effectiveRank: 1.5, weightMagnitude: 0.125 };

function layer(index: number, preluAlphas: Float32Array | null): LayerMetrics {
  const histogram = { lo: -1, hi: 2, counts: [1, 0, 2] };
  return { layer: index, ...LAYER_SCALARS, gradNorm: index === 0 ? null : 2.5, histogram, deadMask: new Uint8Array([1, 0, 0]), preluAlphas, unitsReset: index === 0 ? null : 3 };
}

const EPOCH: EpochMetrics = { ...EPOCH_SCALARS, layers: [layer(0, null), layer(1, new Float32Array([0.25, 0.5, 0.75]))] };

describe('shapes built from the metric field table', () => {
  it('the API carries every stored field, per-unit and per-bin data as number lists', () => {
    const dto = epochToDto(EPOCH);
    expect(dto).toEqual({
      ...EPOCH_SCALARS,
      layers: [
        {
          layer: 0, ...LAYER_SCALARS, gradNorm: null,
          histogram: { lo: -1, hi: 2, counts: [1, 0, 2] }, deadMask: [1, 0, 0], preluAlphas: null, unitsReset: null,
        },
        {
          layer: 1, ...LAYER_SCALARS, gradNorm: 2.5,
          histogram: { lo: -1, hi: 2, counts: [1, 0, 2] }, deadMask: [1, 0, 0], preluAlphas: [0.25, 0.5, 0.75], unitsReset: 3,
        },
      ],
    });
    expect(Array.isArray(dto.layers[0].deadMask) && Array.isArray(dto.layers[1].preluAlphas)).toBe(true);
    // A copy: the DTO shares nothing with the stored metrics.
    expect(dto.layers[0].histogram.counts).not.toBe(EPOCH.layers[0].histogram.counts);
  });

  it('the CLI prints the series fields of an epoch and its layers; the PReLU slope mean only where there are slopes', () => {
    expect(epochSummary(EPOCH)).toEqual({
      ...EPOCH_SCALARS,
      layers: [
        { layer: 0, ...LAYER_SCALARS, gradNorm: null, unitsReset: null },
        { layer: 1, ...LAYER_SCALARS, gradNorm: 2.5, preluAlphaMean: 0.5, unitsReset: 3 },
      ],
    });
    expect(Object.keys(epochSummary(EPOCH).layers[0])).not.toContain('preluAlphaMean');
  });

  it('the long format writes one row per series field, with null where a field has no value', () => {
    const run = { id: 7, experimentId: 2, seed: 1, status: 'completed' as const, sweep: {} };
    const rows = longRows([{ run, epochs: [EPOCH] }]).map((r) => [r.layer, r.metric, r.value]);
    expect(rows).toEqual([
      [null, 'trainLoss', NaN], [null, 'trainAccuracy', null], [null, 'valLoss', 0.75], [null, 'valAccuracy', 0.5],
      [null, 'seconds', 0.125], [null, 'elapsedSeconds', 3.5], [null, 'probeMs', 12], [null, 'task', 1],
      ...[0, 1].flatMap((l) => [
        [l, 'deadFraction', 1 / 3], [l, 'activeProbability', 0.5], [l, 'dormantFraction', NaN], [l, 'gradNorm', l === 0 ? null : 2.5],
        [l, 'preActMean', -0.25], [l, 'preActStd', Infinity], [l, 'preluAlphaMean', l === 0 ? null : 0.5],
        [l, 'effectiveRank', 1.5], [l, 'weightMagnitude', 0.125],
        [l, 'unitsReset', l === 0 ? null : 3],
      ]),
    ]);
  });

  it('the live view keeps the losses, accuracies, elapsed time, the task and the dead and dormant fraction of each layer', () => {
    expect(slimEpoch(epochToDto(EPOCH))).toEqual({
      epoch: 4,
      trainLoss: NaN,
      trainAccuracy: null,
      valLoss: 0.75,
      valAccuracy: 0.5,
      elapsedSeconds: 3.5,
      task: 1,
      dead: [1 / 3, 1 / 3],
      dormant: [NaN, NaN],
    });
  });
});
