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
 *
 * The probe can hand over the Gram matrix already computed by the backend (float32, one matrix product):
 * `effectiveRankOfFloat32Gram` uses it when float32 round-off cannot move the result noticeably (see
 * there), and otherwise says so, so the caller computes it here in float64.
 * Units that are zero on every row (dead ReLU units) have a zero row and column in the Gram matrix: they
 * are left out of the eigenvalue computation (they only add exact zeros), which makes it cheaper exactly
 * when many units are dead.
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
  return effectiveRankOfEigenvalues(gramEigenvalues(gram, m));
}

/**
 * The largest estimated entropy change (see effectiveRankOfFloat32Gram) for which the float32 Gram
 * matrix is used. Measured on ReLU, tanh, leaky ReLU and ELU layers (64 and 256 units, 1024 probe
 * inputs, 2 to 784 input dimensions, the benchmark's wide network, dead and proportional units): every
 * layer with an estimate under 10⁻³ was within 4 · 10⁻⁶ (relative) of the float64 value (the
 * benchmark's wide layers: estimates 4 to 8 · 10⁻⁴, within 1.2 · 10⁻⁶); every layer whose float32 value
 * was off by more than 10⁻⁵ had an estimate of 5 · 10⁻³ or more (2- to 4-dimensional inputs, off by
 * 6 · 10⁻⁵ to 7 %; proportional units, 19 %).
 */
export const FLOAT32_LIMIT = 2e-3;
/** Unit round-off of float32. */
const FLOAT32_EPSILON = 2 ** -24;

/**
 * The effective rank from a float32 Gram matrix (m × m, both triangles) that the backend computed as a
 * sum of `inner` products per entry, or null when float32 round-off could change it (the estimate below
 * is over `FLOAT32_LIMIT`) or the matrix is not finite: the caller then computes `effectiveRank` from
 * the activations in float64.
 *
 * Estimate: the product's rounding errors form a symmetric matrix E whose entries are about
 * u · √inner times the Gram entries (u = 2⁻²⁴, random-walk accumulation), so each eigenvalue moves by
 * about vᵀEv ≈ δ = u · √inner · trace / k (k the units that are not silent); each singular value then by
 * √(λ + δ) − √(max(λ − δ, 0)), and the entropy by the first-order sum of those changes, all taken with
 * the same sign. Well-spread spectra (ReLU layers on inputs of 5 or more dimensions) pass; nearly
 * rank-deficient ones (2- to 4-dimensional inputs, proportional units) do not.
 */
export function effectiveRankOfFloat32Gram(gram: Float32Array, m: number, inner: number): number | null {
  if (gram.length !== m * m) throw new Error(`effectiveRankOfFloat32Gram: expected ${m}×${m} values, got ${gram.length}`);
  const g = Float64Array.from(gram);
  let trace = 0;
  for (let i = 0; i < m; i++) trace += g[i * m + i];
  if (!Number.isFinite(trace)) return null;
  if (trace === 0) return 0;
  const eigenvalues = gramEigenvalues(g, m);
  const delta = (FLOAT32_EPSILON * Math.sqrt(inner) * trace) / eigenvalues.length;
  if (entropyChange(eigenvalues, delta) > FLOAT32_LIMIT) return null;
  return effectiveRankOfEigenvalues(eigenvalues);
}

/** First-order bound on the change of the singular values' entropy when every eigenvalue may move by `delta`. */
function entropyChange(eigenvalues: Float64Array, delta: number): number {
  let total = 0;
  for (const l of eigenvalues) total += Math.sqrt(Math.max(l, 0));
  if (!(total > 0)) return Infinity;
  let entropy = 0;
  for (const l of eigenvalues) {
    const p = Math.sqrt(Math.max(l, 0)) / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  let change = 0;
  for (const l of eigenvalues) {
    const lambda = Math.max(l, 0);
    const shift = Math.sqrt(lambda + delta) - Math.sqrt(Math.max(lambda - delta, 0));
    const p = Math.max(Math.sqrt(lambda), shift) / total;
    // ∂H/∂σ_k = −(log p_k + H) / Σσ; the 1 covers the change of Σσ itself.
    change += (shift / total) * (Math.abs(Math.log(p) + entropy) + 1);
  }
  return change;
}

/**
 * The eigenvalues of a Gram matrix (m × m, both triangles; overwritten), leaving out the units whose
 * diagonal entry is 0 (a zero column of Φ: its row and column of the Gram matrix are 0, its eigenvalue is 0).
 */
function gramEigenvalues(gram: Float64Array, m: number): Float64Array {
  const kept: number[] = [];
  for (let i = 0; i < m; i++) if (gram[i * m + i] !== 0) kept.push(i);
  if (kept.length === m) return symmetricEigenvalues(gram, m);
  const k = kept.length;
  const block = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) block[i * k + j] = gram[kept[i] * m + kept[j]];
  return symmetricEigenvalues(block, k);
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
