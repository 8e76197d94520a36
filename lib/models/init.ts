/**
 * Initial weights as NumPy draws them: `np.random.randn(rows, cols) * scale`,
 * computed in float64 on the CPU (so a seed gives NumPy's numbers to the last
 * bit) and only then stored in the network's dtype on the current backend.
 *
 * @module
 */

import { type Generator, type Tensor, tensor } from "../tensor/mod.ts";

/** `randn(rows, cols) · scale` in float64, stored as `dtype`. */
export function normalWeights(
  rows: number,
  cols: number,
  scale: number,
  dtype: "float32" | "float64",
  generator: Generator,
): Tensor {
  const values = new Float64Array(rows * cols);
  generator.fillNormal(values);
  if (scale !== 1) { for (let i = 0; i < values.length; i++) values[i] *= scale; }
  return tensor(values, { shape: [rows, cols], dtype });
}
