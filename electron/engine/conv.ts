/**
 * A 2-D convolution written as patches times a matrix, from operations whose gradients every backend
 * has. TF.js' own conv2d cannot train on the wasm backend (it has no Conv2DBackpropFilter kernel), and
 * the patches form runs its product through the same fast dense product as the MLP layers. Same
 * numbers as tf.conv2d (NHWC, kernel [k, k, in, out], TensorFlow's `same` and `valid` padding).
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from './model.js';

/** Output size of one spatial axis. */
export function convOutputSize(size: number, kernel: number, stride: number, padding: 'same' | 'valid'): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/** Every `stride`-th row and column of x (B × (out−1)·s+1 × … × C), with slices and reshapes only. */
function subsample(x: tf.Tensor4D, stride: number, outH: number, outW: number): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  // Pad to whole strides, then keep the first entry of each stride along each axis.
  const padded = tf.pad(x, [
    [0, 0],
    [0, outH * stride - h],
    [0, outW * stride - w],
    [0, 0],
  ]);
  const rows = tf.slice(tf.reshape(padded, [b * outH, stride, outW * stride * c]), [0, 0, 0], [-1, 1, -1]);
  const cols = tf.slice(tf.reshape(rows, [b * outH * outW, stride * c]), [0, 0], [-1, c]);
  return tf.reshape(cols, [b, outH, outW, c]);
}

/** conv2d(x, kernel) + bias. x: B × H × W × C; kernel: k × k × C × F; bias: F. */
export function conv2dWithBias(x: tf.Tensor4D, kernel: tf.Tensor, bias: tf.Tensor, stride: number, padding: 'same' | 'valid'): tf.Tensor4D {
  const [b, h, w, c] = x.shape;
  const k = kernel.shape[0];
  const filters = kernel.shape[3]!;
  const outH = convOutputSize(h, k, stride, padding);
  const outW = convOutputSize(w, k, stride, padding);
  let source = x;
  if (padding === 'same') {
    // TensorFlow's rule: the total padding is split with the extra row/column at the bottom/right.
    const padH = Math.max((outH - 1) * stride + k - h, 0);
    const padW = Math.max((outW - 1) * stride + k - w, 0);
    if (padH > 0 || padW > 0) {
      source = tf.pad(x, [
        [0, 0],
        [Math.floor(padH / 2), padH - Math.floor(padH / 2)],
        [Math.floor(padW / 2), padW - Math.floor(padW / 2)],
        [0, 0],
      ]);
    }
  }
  const spanH = (outH - 1) * stride + 1;
  const spanW = (outW - 1) * stride + 1;
  const positions = b * outH * outW;
  const columns: tf.Tensor[] = [];
  for (let dy = 0; dy < k; dy++) {
    for (let dx = 0; dx < k; dx++) {
      const window = tf.slice(source, [0, dy, dx, 0], [b, spanH, spanW, c]);
      columns.push(tf.reshape(stride > 1 ? subsample(window, stride, outH, outW) : window, [1, positions, c]));
    }
  }
  // Patch entries in the kernel's row-major order (dy, dx, channel). The windows are joined along a
  // leading axis and then transposed: joining them along the channel axis is far slower on wasm.
  const rows =
    columns.length === 1
      ? (tf.reshape(columns[0], [positions, c]) as tf.Tensor2D)
      : (tf.reshape(tf.transpose(tf.concat(columns, 0), [1, 0, 2]), [positions, k * k * c]) as tf.Tensor2D);
  const y = dense(rows, tf.reshape(kernel, [k * k * c, filters]) as tf.Tensor2D, bias as tf.Tensor1D);
  return tf.reshape(y, [b, outH, outW, filters]);
}
