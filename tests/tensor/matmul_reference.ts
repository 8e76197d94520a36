/**
 * The matrix product by its definition, for the kernels' tests to compare with.
 */

/**
 * op(a)·op(b) by the triple loop in float64 (`a` is [m, k], or [k, m] with
 * `transA`; `b` is [k, n], or [n, k] with `transB`), with Σ|a||b| beside each
 * element: the scale a rounding error is measured against (an element may
 * cancel to nearly 0 while its terms do not).
 */
export function referenceMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const x = transA ? a[p * m + i] : a[i * k + p];
        const y = transB ? b[j * k + p] : b[p * n + j];
        sum += x * y;
        abs += Math.abs(x * y);
      }
      value[i * n + j] = sum;
      scale[i * n + j] = abs;
    }
  }
  return { value, scale };
}
