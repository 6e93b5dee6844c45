/**
 * The divergence quick check: does a design's learning rate blow up with its initialization? A few
 * short trials (a few hundred optimizer steps on a subsample of the training split, no
 * measurements) per distinct setup, bounded in time. The answer is an estimate from real training
 * with the design's own model, optimizer and data, not a rule of thumb; it warns, it never refuses
 * (diverging runs may be what the researcher wants to study).
 */
import type { RunConfig } from '../../shared/config.js';
import type { DivergenceCheck, DivergenceSetupResult } from '../../shared/api.js';
import { loadDataset, type LoadDatasetOptions } from './datasets/index.js';
import { createTrainer } from './autodiff-train.js';
import type { Dataset } from './types.js';

export interface QuickCheckSetup {
  /** How the setup is named in messages: the variant and sweep values that make it, or '' for the only one. */
  label: string;
  config: RunConfig;
}

export interface QuickCheckOptions extends LoadDatasetOptions {
  /** Trials (seeds 1..trials) per setup. */
  trials: number;
  /** Optimizer steps per trial. */
  steps: number;
  /** Training rows the trials draw their batches from. */
  samples: number;
  /** Wall-clock budget for the whole check; setups not reached are reported as unchecked. */
  budgetMs: number;
}

export const QUICK_CHECK_DEFAULTS: Omit<QuickCheckOptions, keyof LoadDatasetOptions> = { trials: 3, steps: 200, samples: 512, budgetMs: 10_000 };

/** The first `rows` rows of the training split (already shuffled by the seeded split), no validation split. */
export function subsample(data: Dataset, rows: number): Dataset {
  const n = Math.min(rows, data.nTrain);
  const yWidth = data.task === 'classification' ? 1 : data.outputSize;
  return {
    ...data,
    xTrain: data.xTrain.slice(0, n * data.inputSize),
    yTrain: data.yTrain.slice(0, n * yWidth),
    xVal: new Float32Array(0),
    yVal: new Float32Array(0),
    nTrain: n,
    nVal: 0,
    description: `${data.description} (first ${n} training rows)`,
  };
}

function describeSetup(config: RunConfig): string {
  const opt = config.training.optimizer === 'sgd' ? '' : ` (${config.training.optimizer})`;
  return `at lr ${config.training.learningRate}${opt} with ${config.model.init}`;
}

/** Runs the trials of every setup, in order, until the budget is spent. */
export function quickDivergenceCheck(setups: QuickCheckSetup[], options: QuickCheckOptions): DivergenceCheck {
  const started = performance.now();
  const results: DivergenceSetupResult[] = [];
  const dataCache = new Map<string, Dataset>();
  let unchecked = 0;
  let samplesUsed = 0;
  for (const setup of setups) {
    if (performance.now() - started > options.budgetMs || options.shouldStop?.()) {
      unchecked++;
      continue;
    }
    const { config } = setup;
    const divergedAt: number[] = [];
    let trials = 0;
    for (let trial = 1; trial <= options.trials; trial++) {
      if (options.shouldStop?.() || (trials > 0 && performance.now() - started > options.budgetMs)) break;
      // The data of trial seed 1 serves every trial: the trials differ by initialization and batch order.
      const key = JSON.stringify(config.dataset);
      let data = dataCache.get(key);
      if (!data) {
        data = subsample(loadDataset(config.dataset, 1, options), options.samples);
        dataCache.set(key, data);
      }
      samplesUsed = Math.max(samplesUsed, data.nTrain);
      const trainer = createTrainer(config, trial, data);
      try {
        const outcome = trainer.trainSteps(options.steps, options.shouldStop);
        trials++;
        if (outcome.divergedAtStep !== null) divergedAt.push(outcome.divergedAtStep);
      } finally {
        trainer.dispose();
      }
    }
    if (trials === 0) {
      unchecked++;
      continue;
    }
    const what = `${divergedAt.length} of ${trials} quick trial${trials === 1 ? '' : 's'} ${describeSetup(config)} diverged within ${options.steps} steps`;
    const first = divergedAt.length > 0 ? ` (the first at step ${Math.min(...divergedAt)})` : '';
    results.push({
      label: setup.label,
      learningRate: config.training.learningRate,
      init: config.model.init,
      optimizer: config.training.optimizer,
      trials,
      diverged: divergedAt.length,
      steps: options.steps,
      firstDivergedStep: divergedAt.length > 0 ? Math.min(...divergedAt) : null,
      message: `${setup.label ? `${setup.label}: ` : ''}${what}${first}`,
    });
  }
  return {
    setups: results,
    unchecked,
    trialsPerSetup: options.trials,
    steps: options.steps,
    samples: samplesUsed,
    seconds: (performance.now() - started) / 1000,
  };
}
