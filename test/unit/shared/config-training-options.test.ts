/** The optional training options and interventions of `training`: defaults, rules and their messages. */
import { describe, expect, it } from 'vitest';
import { formatIssues, resetsUnits, usesTrainingOptions, validateExperiment, type RunConfig } from '../../../shared/config.js';
import { batchKey } from '../../../electron/engine/batching.js';

function config(training: Record<string, unknown>, model: Record<string, unknown> = { hiddenLayers: 2, width: 4 }, dataset: Record<string, unknown> = { kind: 'moons', samples: 64 }) {
  return { name: 'tiny', dataset, model, training: { learningRate: 0.1, epochs: 2, ...training } };
}

function messages(input: unknown): string[] {
  const result = validateExperiment(input);
  if (result.ok) throw new Error('expected the config to be rejected');
  return formatIssues(result.issues).split('\n');
}

function runConfig(input: unknown): RunConfig {
  const result = validateExperiment(input);
  if (!result.ok) throw new Error(formatIssues(result.issues));
  return result.runs[0].config;
}

describe('training options and interventions', () => {
  it('are left out of a resolved config when not given, and such runs still batch', () => {
    const run = runConfig(config({}));
    expect(Object.keys(run.training).sort()).toEqual(['batchSize', 'epochs', 'learningRate', 'momentum', 'optimizer']);
    expect(usesTrainingOptions(run.training)).toBe(false);
    expect(batchKey(run)).not.toBeNull();
  });

  it('fill the defaults of the fields they leave out, and train alone', () => {
    const run = runConfig(
      config({
        weightDecay: 0.01,
        schedule: { decay: 'cosine' },
        interventions: { redo: { everySteps: 10 }, continualBackprop: {}, shrinkPerturb: { everyEpochs: 2 } },
      }),
    );
    expect(run.training.schedule).toEqual({ warmupSteps: 0, decay: 'cosine', finalFraction: 0 });
    expect(run.training.interventions).toEqual({
      redo: { everySteps: 10 },
      continualBackprop: { replacementRate: 1e-4, maturityThreshold: 100, decay: 0.99 },
      shrinkPerturb: { everyEpochs: 2, shrink: 0.4, noise: 0.01 },
    });
    expect(resetsUnits(run.training)).toBe(true);
    expect(resetsUnits(runConfig(config({ interventions: { shrinkPerturb: { everyEpochs: 1 } } })).training)).toBe(false);
    expect(batchKey(run)).toBeNull();
    expect(batchKey(runConfig(config({ clipNorm: 1 })))).toBeNull();
  });

  it('name the field, the rule and the value when a value is out of range', () => {
    expect(
      messages(
        config({
          weightDecay: -1,
          l2Init: -0.5,
          clipNorm: 0,
          schedule: { warmupSteps: 1.5, decay: 'step', finalFraction: 2 },
        }),
      ),
    ).toEqual([
      'training.weightDecay: must be >= 0, got -1',
      'training.l2Init: must be >= 0, got -0.5',
      'training.clipNorm: must be > 0, got 0',
      'training.schedule.warmupSteps: must be a whole number, got 1.5',
      'training.schedule.decay: must be one of none, linear, cosine, got "step"',
      'training.schedule.finalFraction: must be <= 1, got 2',
    ]);
    expect(
      messages(
        config({
          interventions: {
            redo: { everySteps: 0, threshold: -0.1 },
            continualBackprop: { replacementRate: 2, maturityThreshold: -1, decay: 1 },
            shrinkPerturb: { everyEpochs: 0, shrink: 1.5, noise: -1 },
          },
        }),
      ),
    ).toEqual([
      'training.interventions.redo.everySteps: must be >= 1, got 0',
      'training.interventions.redo.threshold: must be >= 0, got -0.1',
      'training.interventions.continualBackprop.replacementRate: must be <= 1, got 2',
      'training.interventions.continualBackprop.maturityThreshold: must be >= 0, got -1',
      'training.interventions.continualBackprop.decay: must be < 1, got 1',
      'training.interventions.shrinkPerturb.everyEpochs: must be >= 1, got 0',
      'training.interventions.shrinkPerturb.shrink: must be <= 1, got 1.5',
      'training.interventions.shrinkPerturb.noise: must be >= 0, got -1',
    ]);
    expect(messages(config({ interventions: { redo: {} } }))).toEqual(['training.interventions.redo.everySteps: is required']);
    expect(messages(config({ interventions: { dropout: {} } }))).toEqual(['training.interventions.dropout: is not a known field']);
  });

  it('refuse unit re-initialization for networks other than plain MLPs, naming the field and the rule', () => {
    const rule = 'applies to plain MLPs only (dense hidden units; not model.kind "cnn", model.residual or model.layerNorm)';
    const cnn = config({ interventions: { redo: { everySteps: 5 } } }, { kind: 'cnn', convFilters: [2], hiddenLayers: 1, width: 4 }, { kind: 'mnist', samples: 20 });
    expect(messages(cnn)).toEqual([`training.interventions.redo: ${rule}, got model.kind "cnn"`]);
    const residual = config({ interventions: { continualBackprop: {} } }, { hiddenLayers: 2, width: 4, residual: true });
    expect(messages(residual)).toEqual([`training.interventions.continualBackprop: ${rule}, got model.residual true`]);
    const layerNorm = config({ interventions: { redo: { everySteps: 1 } } }, { hiddenLayers: 2, width: 4, layerNorm: true });
    expect(messages(layerNorm)).toEqual([`training.interventions.redo: ${rule}, got model.layerNorm true`]);
    // Shrink and perturb and the gradient options apply to every network.
    expect(validateExperiment(config({ clipNorm: 1, interventions: { shrinkPerturb: { everyEpochs: 1 } } }, { hiddenLayers: 2, width: 4, residual: true })).ok).toBe(true);
  });
});
