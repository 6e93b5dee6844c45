/**
 * Built-in experiment designs, each reproducing one point about the dying ReLU problem.
 * Every preset is a plain config (the same JSON the CLI accepts) plus what it shows.
 */
import type { ExperimentConfigInput } from './config.js';

export interface Preset {
  name: string;
  title: string;
  /** What the experiment shows and what to look at. */
  description: string;
  /** The metric and direction the preset's claim is about (used by its test and shown in the UI). */
  expectation: string;
  config: ExperimentConfigInput;
}

const SQRT3 = Math.sqrt(3);

export const PRESETS: readonly Preset[] = [
  {
    name: 'large-learning-rate',
    title: 'Large learning rates kill ReLU units',
    description:
      'The same ReLU network (4 × 64, He normal) trained with plain SGD at increasing learning rates. ' +
      'One large update can push a unit\'s weights and bias into the all-negative regime, where it gets no ' +
      'gradient and never recovers: the dead fraction at the end of training grows with the learning rate.',
    expectation: 'final dead fraction (mean over layers) increases with training.learningRate',
    config: {
      name: 'Large learning rates kill ReLU units',
      // Overlapping classes (noise 3) keep the gradients from vanishing, so large steps keep coming; above
      // about 0.25 most runs diverge instead of showing dead units.
      dataset: { kind: 'blobs', samples: 2048, features: 16, classes: 4, noise: 3, validationSplit: 0.2 },
      model: { hiddenLayers: 4, width: 64, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 64, epochs: 20 },
      probe: { samples: 512 },
      seeds: [1, 2, 3],
      sweep: { 'training.learningRate': [0.05, 0.12, 0.17, 0.22] },
    },
  },
  {
    name: 'bad-initialization',
    title: 'Bad initialization: negative biases and oversized weights',
    description:
      'ReLU networks whose biases start negative, or whose weights are drawn far too wide, have dead units ' +
      'before the first update (epoch 0) and many stay dead through training. Compare the He-normal, zero-bias ' +
      'baseline with negative bias initializations.',
    expectation: 'dead fraction at epoch 0 and at the end increases as model.biasInit becomes more negative',
    config: {
      name: 'Bad initialization: negative biases',
      dataset: { kind: 'blobs', samples: 2048, features: 16, classes: 4, noise: 1, validationSplit: 0.2 },
      model: { hiddenLayers: 4, width: 64, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 64, epochs: 10 },
      probe: { samples: 512 },
      seeds: [1, 2, 3],
      sweep: { 'model.biasInit': [0, -1, -1.5, -2] },
    },
  },
  {
    name: 'negative-inputs',
    title: 'Data characteristics: inputs shifted negative',
    description:
      'The same data with every input feature shifted by a constant. With a large shift, the sign of a ' +
      'first-layer unit\'s pre-activation is decided by the shift times the sum of its weights, not by the ' +
      'input: units whose weights sum to the wrong sign are dead on every input.',
    expectation: 'first-layer dead fraction increases with |dataset.inputShift|',
    config: {
      name: 'Inputs shifted negative',
      dataset: { kind: 'blobs', samples: 2048, features: 16, classes: 4, noise: 1, validationSplit: 0.2, inputShift: 0 },
      model: { hiddenLayers: 4, width: 64, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 10 },
      probe: { samples: 512 },
      seeds: [1, 2, 3],
      sweep: { 'dataset.inputShift': [0, -2, -5, -10] },
    },
  },
  {
    name: 'mitigations',
    title: 'Mitigations side by side',
    description:
      'A ReLU baseline at a dying-prone setting (Adam at a high learning rate, 0.01, ten times its usual ' +
      '0.001, on a network initialized far too narrow: normal with std 0.02, zero bias) against one change ' +
      'at a time: Leaky ReLU (α = 0.01), PReLU (α₀ = 0.25), He initialization, a lower learning rate (0.001), ' +
      'and batch normalization before the activation. 3 seeds each.',
    expectation: 'the ReLU baseline ends with more dead units than every mitigation',
    config: {
      name: 'Mitigations side by side',
      // With std 0.02 the pre-activations shrink about tenfold per hidden layer (std ≈ 0.26, 0.03, 0.003,
      // 0.0004 at initialization). Adam moves every weight and bias by about the learning rate per step,
      // whatever the gradient's size, so within the first epoch steps of 0.01 push many units of the deeper
      // layers below zero on every input, and under ReLU they get no gradient back. He initialization
      // (pre-activations that do not shrink with depth), a 10× smaller step and batch norm (re-centred,
      // rescaled pre-activations) avoid most of the kill; Leaky ReLU and PReLU units still get a gradient
      // and come back. Overlapping classes (noise 3) keep the gradients from vanishing. Plain SGD was tried
      // first (learning rates 0.05–0.2, wide or narrow normal init, negative bias inits): wherever the
      // learning rate killed ReLU units, the PReLU runs diverged; with Adam's bounded steps they do not.
      dataset: { kind: 'blobs', samples: 2048, features: 16, classes: 4, noise: 3, validationSplit: 0.2 },
      model: { hiddenLayers: 4, width: 64, activation: 'relu', init: 'normal', initStd: 0.02, biasInit: 0 },
      training: { optimizer: 'adam', learningRate: 0.01, batchSize: 64, epochs: 15 },
      probe: { samples: 512 },
      seeds: [1, 2, 3],
      variants: [
        { name: 'ReLU baseline', set: {} },
        { name: 'Leaky ReLU', set: { 'model.activation': 'leaky_relu' } },
        { name: 'PReLU', set: { 'model.activation': 'prelu' } },
        { name: 'He init', set: { 'model.init': 'he_normal' } },
        { name: 'Lower learning rate', set: { 'training.learningRate': 0.001 } },
        { name: 'Batch norm', set: { 'model.batchNorm': true } },
      ],
    },
  },
  {
    name: 'cnn-mitigations',
    title: 'Mitigations in a small CNN on the digits',
    description:
      'The mitigations preset on a convolutional network: two convolutional layers (8 and 16 filters, 3 × 3, ' +
      'max pooling) and a dense layer of 32 units on 1000 of the shipped MNIST digits. The ReLU baseline at a ' +
      'dying-prone setting (Adam at learning rate 0.01, weights initialized far too narrow: normal with std 0.02) ' +
      'against one change at a time: Leaky ReLU (α = 0.01), PReLU (α₀ = 0.25), He initialization, a lower ' +
      'learning rate (0.001) and batch normalization (per channel in the convolutional layers). Convolutional ' +
      'layers are measured per channel: a channel is dead when its pre-activation is ≤ 0 at every position of ' +
      'every probe digit. 3 seeds each. Batch norm keeps 0.9 of its moving statistics per step (PyTorch\'s default): at ' +
      'Keras\' 0.99 the 200 steps of 8 epochs leave them far from the batch statistics, and inference mode, in ' +
      'which validation and the probe measure, would then judge a different network than the one trained.',
    expectation: 'the ReLU baseline ends with more dead channels in its convolutional layers than every mitigation',
    config: {
      name: 'Mitigations in a small CNN',
      dataset: { kind: 'mnist', samples: 1000, validationSplit: 0.2 },
      model: { kind: 'cnn', convFilters: [8, 16], convKernel: 3, pooling: 'max', hiddenLayers: 1, width: 32, activation: 'relu', init: 'normal', initStd: 0.02, biasInit: 0 },
      training: { optimizer: 'adam', learningRate: 0.01, batchSize: 32, epochs: 8 },
      probe: { samples: 256 },
      seeds: [1, 2, 3],
      variants: [
        { name: 'ReLU baseline', set: {} },
        { name: 'Leaky ReLU', set: { 'model.activation': 'leaky_relu' } },
        { name: 'PReLU', set: { 'model.activation': 'prelu' } },
        { name: 'He init', set: { 'model.init': 'he_normal' } },
        { name: 'Lower learning rate', set: { 'training.learningRate': 0.001 } },
        { name: 'Batch norm', set: { 'model.batchNorm': true, 'model.batchNormMomentum': 0.9 } },
      ],
    },
  },
  {
    name: 'born-dead',
    title: 'Born dead: deep narrow ReLU networks (Lu et al. 2019)',
    description:
      'Lu, Shin, Su and Karniadakis ("Dying ReLU and Initialization", arXiv:1903.06733) show that deep, ' +
      'narrow ReLU networks are often dead at initialization: some layer has every unit dead, so the network ' +
      'computes a constant. One input on a grid over [−√3, √3], 9 hidden layers, He normal, zero bias, ' +
      'measured at initialization only (epochs 0) over many seeds: the share of born-dead networks falls as the width grows.',
    expectation: 'share of runs with a completely dead layer at epoch 0 decreases with model.width',
    config: {
      name: 'Born dead (Lu et al. 2019)',
      dataset: { kind: 'abs1d', samples: 2048, sampling: 'grid', range: [-SQRT3, SQRT3], validationSplit: 0 },
      model: { hiddenLayers: 9, width: 2, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 0 },
      probe: { samples: 2048 },
      seeds: { from: 1, count: 200 },
      sweep: { 'model.width': [2, 3, 4, 5, 10] },
    },
  },
  {
    name: 'born-dead-rai',
    title: 'Born dead: He initialization against randomized asymmetric initialization (Lu et al. 2019)',
    description:
      'Lu et al.\'s remedy for born-dead networks: randomized asymmetric initialization (RAI) draws every hidden ' +
      'unit\'s weights and bias symmetric and then makes one of them, chosen at random, positive (a Beta(2, 1) ' +
      'draw), so that a unit is far less likely to be negative on every input. The born-dead design (one input ' +
      'on a grid over [−√3, √3], 9 hidden layers, measured at initialization only) at widths 2 to 5, He normal ' +
      'against RAI, 200 seeds per bar: compare the share of runs with a completely dead layer (the "Born dead" ' +
      'chart gives it with its binomial interval).',
    expectation: 'at every model.width, fewer runs have a completely dead layer at epoch 0 with model.init "rai" than with "he_normal"',
    config: {
      name: 'Born dead: He against RAI (Lu et al. 2019)',
      dataset: { kind: 'abs1d', samples: 2048, sampling: 'grid', range: [-SQRT3, SQRT3], validationSplit: 0 },
      model: { hiddenLayers: 9, width: 2, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 64, epochs: 0 },
      probe: { samples: 2048 },
      seeds: { from: 1, count: 200 },
      sweep: { 'model.width': [2, 3, 4, 5] },
      variants: [
        { name: 'He normal', set: {} },
        { name: 'RAI', set: { 'model.init': 'rai' } },
      ],
    },
  },
  {
    name: 'plasticity',
    title: 'Loss of plasticity on online permuted digits: ReLU against ReDo and continual backprop',
    description:
      'Dohare et al. ("Loss of plasticity in deep continual learning", Nature 2024) train one network on a long ' +
      'sequence of tasks, each the digits with their pixels in a new random order, and watch it lose the ability ' +
      'to learn: units die and the representation\'s effective rank falls. Here 50 tasks of 1,600 training digits ' +
      '(one epoch each), a 3 × 100 ReLU network, SGD at learning rate 0.1 in batches of 16, against two ' +
      'interventions that re-initialize units while training: ReDo (Sokar et al. 2023) recycles dormant units ' +
      'every 100 steps, continual backprop (Dohare et al.) replaces the least useful mature units at a rate of 3 ' +
      'in 10,000 per step. 3 seeds each. Look at the dead fraction, the effective rank and the online accuracy ' +
      'per task; the units-reset chart shows when each intervention acted.',
    expectation: 'the ReLU baseline\'s dead fraction grows over the tasks, and ends above both ReDo\'s and continual backprop\'s',
    config: {
      name: 'Loss of plasticity: online permuted digits',
      dataset: { kind: 'mnist', samples: 2000, validationSplit: 0.2 },
      model: { hiddenLayers: 3, width: 100, activation: 'relu', init: 'he_normal', biasInit: 0 },
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 16, epochs: 50, tasks: { kind: 'permuted', count: 50, epochsPerTask: 1, seed: 0 } },
      probe: { samples: 512 },
      seeds: [1, 2, 3],
      variants: [
        { name: 'ReLU baseline', set: {} },
        { name: 'ReDo', set: { 'training.interventions': { redo: { everySteps: 100 } } } },
        { name: 'Continual backprop', set: { 'training.interventions': { continualBackprop: { replacementRate: 0.0003, maturityThreshold: 100 } } } },
      ],
    },
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
