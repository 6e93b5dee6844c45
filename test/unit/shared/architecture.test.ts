import { describe, expect, it } from 'vitest';
import { formatIssue, validateExperiment, type RunConfig } from '../../../shared/config.js';
import { commonLayerModel, convPlan, hiddenLayerSizes, layerLabel, MNIST_IMAGE_SHAPE } from '../../../shared/architecture.js';
import { parameterCount } from '../../../shared/resources.js';

const base = {
  name: 'architecture',
  dataset: { kind: 'mnist', samples: 100 },
  training: { learningRate: 0.01, epochs: 1 },
};

function issues(input: Record<string, unknown>): string[] {
  const result = validateExperiment({ ...base, ...input });
  return result.ok ? [] : result.issues.map(formatIssue);
}

function run(input: Record<string, unknown>): RunConfig {
  const result = validateExperiment({ ...base, ...input });
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join('\n'));
  return result.runs[0].config;
}

describe('model kinds and blocks in the config', () => {
  it('accepts a CNN on the digits and on a csv file declared as images; an MLP config stays as it was', () => {
    expect(issues({ model: { kind: 'cnn', convFilters: [8, 16], hiddenLayers: 1, width: 32 } })).toEqual([]);
    expect(issues({ dataset: { kind: 'csv', path: 'x.csv', labelColumn: 0, task: 'classification', imageShape: [8, 8, 3] }, model: { kind: 'cnn', convFilters: [4], hiddenLayers: 1, width: 8 } })).toEqual([]);
    const mlp = run({ model: { hiddenLayers: 2, width: 8 } });
    expect(Object.keys(mlp.model)).not.toContain('kind');
    expect(Object.keys(mlp.model)).not.toContain('residual');
  });

  it('names the field and the rule of every mistake', () => {
    expect(issues({ dataset: { kind: 'blobs' }, model: { kind: 'cnn', convFilters: [8], hiddenLayers: 1, width: 8 } })).toEqual([
      'model.kind: "cnn" needs image data: dataset.kind "mnist", or "csv" with dataset.imageShape; got dataset.kind "blobs"',
    ]);
    expect(issues({ dataset: { kind: 'csv', path: 'x.csv', labelColumn: 0, task: 'classification' }, model: { kind: 'cnn', convFilters: [8], hiddenLayers: 1, width: 8 } })).toEqual([
      'model.kind: "cnn" needs image data: dataset.kind "mnist", or "csv" with dataset.imageShape; got dataset.kind "csv" without dataset.imageShape',
    ]);
    expect(issues({ model: { kind: 'cnn', hiddenLayers: 1, width: 8 } })).toEqual(['model.convFilters: is required when model.kind is "cnn" (one entry per convolutional layer)']);
    expect(issues({ model: { hiddenLayers: 1, width: 8, convFilters: [8], pooling: 'avg' } })).toEqual([
      'model.convFilters: only applies when model.kind is "cnn", got model.kind "mlp"',
      'model.pooling: only applies when model.kind is "cnn", got model.kind "mlp"',
    ]);
    expect(issues({ model: { widths: [16, 8, 8], residual: true } })).toEqual(['model.residual: needs every hidden layer the same width (same-width residual blocks), got widths [16,8,8]']);
    expect(issues({ model: { hiddenLayers: 2, width: 8, layerNorm: true, batchNorm: true } })).toEqual(['model.layerNorm: must be false when model.batchNorm is true (choose one normalization), got true']);
    expect(issues({ model: { hiddenLayers: 2, width: 8, batchNorm: true, batchNormMomentum: 1 } })).toEqual(['model.batchNormMomentum: must be < 1, got 1']);
    expect(issues({ model: { hiddenLayers: 2, width: 8, batchNorm: true, batchNormMomentum: -0.1 } })).toEqual(['model.batchNormMomentum: must be >= 0, got -0.1']);
    expect(issues({ model: { kind: 'cnn', convFilters: [8], hiddenLayers: 1, width: 8, residual: true } })).toEqual(['model.residual: applies to MLPs only (model.kind "mlp"), got true']);
    expect(issues({ model: { kind: 'cnn', convFilters: [8, 8, 8, 8, 8], hiddenLayers: 1, width: 8 } })).toEqual([
      'model.convFilters: conv layer 5 gets a 1×1 image; its 1×1 output is smaller than the 2×2 pooling window (input 28×28×1), got [8,8,8,8,8]',
    ]);
    expect(issues({ model: { kind: 'cnn', convFilters: [8], convKernel: 5, convPadding: 'valid', pooling: 'none', hiddenLayers: 1, width: 8 }, dataset: { kind: 'csv', path: 'x.csv', labelColumn: 0, task: 'classification', imageShape: [4, 4, 1] } })).toEqual([
      'model.convFilters: conv layer 1 gets a 4×4 image, smaller than its 5×5 kernel (valid padding) (input 4×4×1), got [8]',
    ]);
    expect(issues({ model: { kind: 'cnn', convFilters: [0], convStride: 9, hiddenLayers: 1, width: 8 } })).toEqual([
      'model.convFilters[0]: must be >= 1, got 0',
      'model.convStride: must be <= 8, got 9',
    ]);
    expect(issues({ dataset: { kind: 'csv', path: 'x.csv', labelColumn: 0, task: 'classification', imageShape: [8, 0] }, model: { hiddenLayers: 1, width: 8 } })[0]).toMatch(/^dataset\.imageShape/);
  });

  it('a variant may set fields that depend on each other; what does not fit is reported at its field', () => {
    const mlpBase = { dataset: { kind: 'mnist', samples: 100 }, model: { hiddenLayers: 1, width: 8 } };
    expect(issues({ ...mlpBase, variants: [{ name: 'cnn', set: { 'model.kind': 'cnn', 'model.convFilters': [4] } }] })).toEqual([]);
    expect(issues({ ...mlpBase, dataset: { kind: 'blobs' }, variants: [{ name: 'cnn', set: { 'model.kind': 'cnn', 'model.convFilters': [4] } }] })).toEqual([
      'variants[0].set["model.kind"]: "cnn" needs image data: dataset.kind "mnist", or "csv" with dataset.imageShape; got dataset.kind "blobs"',
    ]);
    expect(issues({ ...mlpBase, variants: [{ name: 'cnn', set: { 'model.kind': 'cnn', 'model.convFilters': [4, 0] } }] })).toEqual(['variants[0].set["model.convFilters"][1]: must be >= 1, got 0']);
    expect(issues({ ...mlpBase, sweep: { 'model.kind': ['mlp', 'cnn'] } })).toEqual(['sweep["model.kind"][1] → model.convFilters: is required when model.kind is "cnn" (one entry per convolutional layer)']);
  });
});

describe('layers of a model', () => {
  const cnn = run({ model: { kind: 'cnn', convFilters: [16, 1], hiddenLayers: 2, width: 64 } }).model;

  it('labels conv layers by channels and dense layers by units, numbered through the network', () => {
    expect([0, 1, 2, 3].map((i) => layerLabel(i, cnn))).toEqual(['conv 1 (16 channels)', 'conv 2 (1 channel)', 'dense 3 (64 units)', 'dense 4 (64 units)']);
    expect(layerLabel(4, cnn)).toBe('layer 5');
    expect(layerLabel(0, null)).toBe('layer 1');
    expect(hiddenLayerSizes(cnn)).toEqual([16, 1, 64, 64]);
  });

  it('labels a comparison by the model only when every run shares its layers', () => {
    const mlp = run({ model: { hiddenLayers: 4, width: 64 } });
    const other = run({ model: { kind: 'cnn', convFilters: [16, 1], hiddenLayers: 2, width: 64 }, training: { learningRate: 0.5, epochs: 1 } });
    expect(commonLayerModel([{ model: cnn }, other])).toBe(cnn);
    expect(commonLayerModel([{ model: cnn }, mlp])).toBeNull();
  });

  it('plans the image sizes and counts the parameters of a CNN', () => {
    const model = run({ model: { kind: 'cnn', convFilters: [8, 16], convKernel: 3, hiddenLayers: 1, width: 32, batchNorm: true } }).model;
    const plan = convPlan(model, MNIST_IMAGE_SHAPE);
    if ('problem' in plan) throw new Error(plan.problem);
    expect(plan.layers.map((l) => [l.convHeight, l.output])).toEqual([
      [28, [14, 14, 8]],
      [14, [7, 7, 16]],
    ]);
    expect(plan.flatSize).toBe(7 * 7 * 16);
    // Kernels and biases, batch norm's scale and shift per channel or unit, the output layer.
    const expected = 3 * 3 * 1 * 8 + 3 * 8 + 3 * 3 * 8 * 16 + 3 * 16 + 784 * 32 + 3 * 32 + 32 * 10 + 10;
    expect(parameterCount(model, 784, 10, MNIST_IMAGE_SHAPE)).toBe(expected);
  });
});
