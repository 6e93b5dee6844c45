/**
 * A run's stored model must not depend on what else its process trained before: shards of one
 * experiment train different runs per process and must store the same artifacts as one machine.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { validateExperiment } from '../../../shared/config.js';
import { initBackend, tf } from '../../../electron/engine/backend.js';
import { exportArtifacts } from '../../../electron/engine/artifacts.js';
import { buildNetwork, disposeNetwork } from '../../../electron/engine/model.js';

describe('run artifacts', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('are the same bytes for the same network, however many models the process built before', () => {
    const result = validateExperiment({ name: 'a', dataset: { kind: 'moons', samples: 32 }, model: { hiddenLayers: 2, width: 3 }, training: { learningRate: 0.1, epochs: 1 } });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const model = result.runs[0].config.model;
    const artifactsOnce = () => {
      const net = buildNetwork(model, 2, 2, 7);
      const probe = tf.tensor2d([[0.5, -1]]);
      try {
        const artifacts = exportArtifacts(net, 'classification', [0], probe);
        return { ...artifacts, modelTopology: JSON.stringify(artifacts.modelTopology) };
      } finally {
        probe.dispose();
        disposeNetwork(net);
      }
    };
    const first = artifactsOnce();
    // Another model built in between, as a worker does when it trains the next run.
    tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] }).dispose();
    expect(artifactsOnce()).toEqual(first);
  });
});
