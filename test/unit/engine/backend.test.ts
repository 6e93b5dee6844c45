import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { getTf, initBackend, tf } from '../../../electron/engine/backend.js';

const require = createRequire(import.meta.url);

/** Whether @tensorflow/tfjs-node loads on this machine (it is an optional dependency). */
function tfjsNodeLoadable(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}
const HAS_TFJS_NODE = tfjsNodeLoadable();

/** A small dense layer + ReLU + reduction, returned as plain numbers. */
async function tinyComputation(): Promise<number[]> {
  const result = tf.tidy(() => {
    const x = tf.tensor2d([0.5, -1, 2, 1.5, 0, -0.25, 3, -2, 1], [3, 3]);
    const w = tf.tensor2d([0.1, -0.2, 0.3, 0.4, 0.5, -0.6, -0.7, 0.8, 0.9, 1, -1, 0.5], [3, 4]);
    const b = tf.tensor1d([0.01, -0.02, 0.03, -0.04]);
    const h = tf.relu(tf.add(tf.matMul(x, w), b));
    return tf.concat([h.flatten(), tf.sum(h).reshape([1]), tf.mean(tf.square(h)).reshape([1])]);
  });
  const values = Array.from(await result.data());
  result.dispose();
  return values;
}

describe('initBackend', () => {
  it('auto picks tensorflow when @tensorflow/tfjs-node loads, else wasm', async () => {
    const info = await initBackend('auto');
    expect(info.backend).toBe(HAS_TFJS_NODE ? 'tensorflow' : 'wasm');
    expect(tf.getBackend()).toBe(info.backend);
    expect(info.versions.tfjs).toBe(tf.version.tfjs);
    expect(info.versions.backend).toBe(info.backend);
    expect(info.versions.node).toBe(process.versions.node);
    if (info.backend === 'wasm') {
      expect(info.versions['tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+/);
      expect(['true', 'false']).toContain(info.versions.wasmSimd);
      expect(info.notes.join('\n')).toMatch(/tensorflow unavailable: @tensorflow\/tfjs-node could not be loaded \(/);
      expect(info.notes).toContain('using wasm');
    }
  });

  it('calling it again with the same choice is harmless', async () => {
    const first = await initBackend('auto');
    const [a, b] = await Promise.all([initBackend('auto'), initBackend('auto')]);
    expect(a).toBe(first);
    expect(b).toBe(first);
    expect(tf.getBackend()).toBe(first.backend);
  });

  it('exports the same tf instance the engine imports', async () => {
    const direct = await import('@tensorflow/tfjs');
    expect(getTf()).toBe(tf);
    expect(direct.getBackend()).toBe(tf.getBackend());
    expect(direct.engine()).toBe(tf.engine());
  });

  it('forced wasm computes the same numbers as forced cpu', async () => {
    const wasm = await initBackend('wasm');
    expect(wasm.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const onWasm = await tinyComputation();

    const cpu = await initBackend('cpu');
    expect(cpu.backend).toBe('cpu');
    expect(cpu.notes).toEqual([]);
    expect(tf.getBackend()).toBe('cpu');
    const onCpu = await tinyComputation();

    expect(onWasm).toHaveLength(14);
    onCpu.forEach((v, i) => expect(onWasm[i]).toBeCloseTo(v, 5));
    // By hand, row 0 of relu(x·w + b): unit 0 = 0.05 - 0.5 + 1.8 + 0.01 = 1.36,
    // unit 2 = 0.15 + 0.7 - 2 + 0.03 < 0 → 0.
    expect(onCpu[0]).toBeCloseTo(1.36, 5);
    expect(onCpu[2]).toBe(0);
    await initBackend('auto');
  });

  it.skipIf(HAS_TFJS_NODE)(
    'forcing tensorflow without @tensorflow/tfjs-node throws a one-line reason (skipped when tfjs-node is installed and loads)',
    async () => {
      const before = tf.getBackend();
      await expect(initBackend('tensorflow')).rejects.toThrow(
        /^backend tensorflow is not available: @tensorflow\/tfjs-node could not be loaded \(.+\)$/,
      );
      // The active backend is untouched and later calls still work.
      expect(tf.getBackend()).toBe(before);
      const again = await initBackend('cpu');
      expect(again.backend).toBe('cpu');
    },
  );
});
