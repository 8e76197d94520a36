/**
 * The weights of the book's two-layer networks: drawn as NumPy draws them, and
 * moved by one step of gradient descent.
 *
 * @module
 */

import { type Generator, type Tensor, tensor } from "../tensor/mod.ts";
import type { NeuralNetworkWeights } from "./two_layer.ts";

/** Each weight moved by `-lr` times its gradient (the book's `W -= lr * dW`). */
export function descend(
  weights: NeuralNetworkWeights,
  gradients: NeuralNetworkWeights,
  lr: number,
): NeuralNetworkWeights {
  const step = (key: keyof NeuralNetworkWeights) => weights[key].sub(gradients[key].mul(lr));
  return {
    weights1: step("weights1"),
    bias1: step("bias1"),
    weights2: step("weights2"),
    bias2: step("bias2"),
  };
}

/**
 * Initial weights as NumPy draws them: `np.random.randn(rows, cols) * scale`,
 * computed in float64 on the CPU (so a seed gives NumPy's numbers to the last
 * bit) and only then stored in the network's dtype on the current backend.
 */
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
