/**
 * L2 regularisation as the book writes it: `λ / (2m) · Σ‖W‖²`.
 *
 * @module
 */

import { zeros } from "../tensor/create.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { Module } from "./module.ts";

/**
 * The book's L2 penalty `lambda / (2m) · Σ‖W‖²`: the squares of every weight
 * summed, over the parameters whose name ends in `weight` (biases are not
 * penalised), times `lambda / (2m)` where `m` is the number of samples. Add
 * it to the loss before `backward()`; its gradient is `lambda / m · W`.
 *
 * Chapter: Part4-2, the PyTorch way (the L2 term).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { l2Penalty, Linear, tensor } from "@handson/nn";
 * const layer = new Linear(2, 1, { dtype: "float64" });
 * layer.loadStateDict({ weight: tensor([[3, 4]]), bias: tensor([100]) });
 * assert.equal(l2Penalty(layer, 0.1, 5).item(), (0.1 / 10) * 25); // bias left out
 * ```
 */
export function l2Penalty(model: Module, lambda: number, m: number): Tensor {
  if (typeof lambda !== "number" || !(lambda >= 0) || !Number.isFinite(lambda)) {
    throw new RangeError(`l2Penalty: expected lambda to be a finite number >= 0, found ${lambda}`);
  }
  if (typeof m !== "number" || !(m > 0) || !Number.isFinite(m)) {
    throw new RangeError(`l2Penalty: expected m (the number of samples) > 0, found ${m}`);
  }
  const weights = model.namedParameters()
    .filter(([name]) => name.split(".").at(-1) === "weight")
    .map(([, w]) => w.mul(w).sum());
  if (weights.length === 0) return zeros([], { dtype: "float32" });
  return weights.reduce((a, b) => a.add(b)).mul(lambda / (2 * m));
}
