/**
 * Effective rank of a layer's representation (Roy & Vetterli 2007, "The effective rank: a measure of
 * effective dimensionality"; the measure Dohare et al. 2024 track in continual learning): for the
 * probe inputs × units matrix Φ of a layer's activations with singular values σ_k,
 * p_k = σ_k / Σ σ and erank(Φ) = exp(−Σ_k p_k log p_k), with 0 · log 0 = 0; a zero matrix has
 * effective rank 0. It lies between 1 and the matrix's rank (k equal singular values give exactly k).
 *
 * The singular values are the square roots of the eigenvalues of the smaller Gram matrix (ΦᵀΦ, units ×
 * units, or ΦΦᵀ when there are fewer rows), found by Householder tridiagonalization and the implicit
 * QL method (eigenvalues only: about (4/3)·m³ operations for an m × m Gram matrix). Eigenvalues below
 * 10⁻¹² of the largest (singular values below 10⁻⁶ of the largest) are round-off of the Gram product
 * and count as 0. Pure arithmetic in float64.
 */

/** Relative size under which an eigenvalue of the Gram matrix counts as 0. */
const EIGEN_FLOOR = 1e-12;

/** The effective rank of a row-major rows × cols matrix; NaN when it holds a NaN or ±Infinity. */
export function effectiveRank(values: ArrayLike<number>, rows: number, cols: number): number {
  if (values.length !== rows * cols) throw new Error(`effectiveRank: expected ${rows}×${cols} values, got ${values.length}`);
  if (rows === 0 || cols === 0) return 0;
  const gram = rows < cols ? rowGram(values, rows, cols) : columnGram(values, rows, cols);
  const m = Math.min(rows, cols);
  let trace = 0;
  for (let i = 0; i < m; i++) trace += gram[i * m + i];
  if (!Number.isFinite(trace)) return NaN;
  if (trace === 0) return 0;
  return effectiveRankOfEigenvalues(symmetricEigenvalues(gram, m));
}

/** exp(entropy) of the singular values √λ of a Gram matrix's eigenvalues λ. */
export function effectiveRankOfEigenvalues(eigenvalues: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < eigenvalues.length; i++) largest = Math.max(largest, eigenvalues[i]);
  if (!(largest > 0)) return 0;
  const floor = largest * EIGEN_FLOOR;
  const sigma: number[] = [];
  let total = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    if (eigenvalues[i] <= floor) continue;
    const s = Math.sqrt(eigenvalues[i]);
    sigma.push(s);
    total += s;
  }
  let entropy = 0;
  for (const s of sigma) {
    const p = s / total;
    entropy -= p * Math.log(p);
  }
  return Math.exp(entropy);
}

/**
 * ΦᵀΦ (cols × cols, both triangles), one row at a time (no copy of Φ: a convolutional layer's
 * (input, position) rows can number in the hundreds of thousands). Each row adds the products of its
 * nonzero entries only: a ReLU layer's activations are mostly 0, so this costs rows × nonzeros² / 2
 * rather than rows × cols² / 2.
 */
function columnGram(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  const index = new Int32Array(cols);
  const value = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let nnz = 0;
    for (let j = 0; j < cols; j++) {
      const a = values[o + j];
      if (a !== 0) {
        index[nnz] = j;
        value[nnz++] = a;
      }
    }
    for (let p = 0; p < nnz; p++) {
      const a = value[p];
      const gj = index[p] * cols;
      for (let q = p; q < nnz; q++) g[gj + index[q]] += a * value[q];
    }
  }
  for (let j = 0; j < cols; j++) for (let k = j + 1; k < cols; k++) g[k * cols + j] = g[j * cols + k];
  return g;
}

/** ΦΦᵀ (rows × rows, both triangles). */
function rowGram(values: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const g = new Float64Array(rows * rows);
  for (let r = 0; r < rows; r++) {
    for (let s = r; s < rows; s++) {
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += values[r * cols + k] * values[s * cols + k];
      g[r * rows + s] = dot;
      g[s * rows + r] = dot;
    }
  }
  return g;
}

/**
 * The eigenvalues of a symmetric n × n matrix (row-major; overwritten), in no particular order:
 * Householder reduction to tridiagonal form, then the QL method with implicit shifts (the classic
 * tred2/tqli pair, eigenvalues only).
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder: row i's part left of the diagonal is reduced to one entry, e[i].
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]);
      if (scale === 0) {
        e[i] = a[i * n + l];
      } else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += a[i * n + k] * a[i * n + k];
        }
        let f = a[i * n + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[i * n + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[i * n + k];
          e[j] = g / h;
          f += e[j] * a[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = a[i * n + j];
          g = e[j] - hh * f;
          e[j] = g;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * a[i * n + k];
        }
      }
    } else {
      e[i] = a[i * n + l];
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  // QL with implicit shifts on the tridiagonal matrix (diagonal d, off-diagonal e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iterations++ === 100) throw new Error('symmetricEigenvalues: no convergence');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d;
}
