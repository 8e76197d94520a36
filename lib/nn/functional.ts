/**
 * The free functions behind the layers and losses, as PyTorch's
 * `torch.nn.functional` (exported as the namespace `functional`): the same
 * computation as the module of the same name, without making a module.
 *
 * Chapter: activation functions (激活函数); softmax regression; 4.5 backpropagation (losses).
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  type CrossEntropyLossOptions,
  HuberLoss,
  type HuberLossOptions,
  L1Loss,
  type LossOptions,
  MSELoss,
  NLLLoss,
  type NLLLossOptions,
  SmoothL1Loss,
  type SmoothL1LossOptions,
} from "./losses.ts";
export { dropout } from "./dropout.ts";

/**
 * `max(0, x)`, element by element (as `nn.ReLU`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.deepEqual(functional.relu(tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/**
 * `x` for positive `x`, `negativeSlope · x` otherwise (as `nn.LeakyReLU`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.deepEqual(functional.leakyRelu(tensor([-2, 2]), 0.5).toArray(), [-1, 2]);
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return x.leakyRelu(negativeSlope);
}

/**
 * `1 / (1 + e^-x)`, element by element (as `nn.Sigmoid`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.sigmoid(tensor(0)).item(), 0.5);
 * ```
 */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/**
 * The hyperbolic tangent, element by element (as `nn.Tanh`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.tanh(tensor(0)).item(), 0);
 * ```
 */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/**
 * SiLU (swish), `x · σ(x)`, element by element (as `nn.SiLU`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.silu(tensor(0)).item(), 0);
 * ```
 */
export function silu(x: Tensor): Tensor {
  return x.silu();
}

/**
 * GELU, `x · Φ(x)`, element by element (as `nn.GELU`; `"tanh"` for PyTorch's
 * `approximate="tanh"`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.gelu(tensor(0)).item(), 0);
 * ```
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  return x.gelu(approximate);
}

/**
 * ELU, `x` where positive, else `alpha · (e^x - 1)`, element by element (as `nn.ELU`).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.elu(tensor(3)).item(), 3);
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return x.elu(alpha);
}

/**
 * Softmax along `dim` (default the last): each slice exponentiated and
 * divided by its sum (as `nn.Softmax`).
 *
 * Chapter: softmax regression (softmax 回归).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.deepEqual(functional.softmax(tensor([[0, 0]]), 1).toArray(), [[0.5, 0.5]]);
 * ```
 */
export function softmax(x: Tensor, dim = -1): Tensor {
  return x.softmax(dim);
}

/**
 * The logarithm of softmax along `dim`, computed stably.
 *
 * Chapter: softmax regression (softmax 回归).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.ok(Math.abs(functional.logSoftmax(tensor([0, 0]), 0).at(0).item() + Math.LN2) < 1e-6);
 * ```
 */
export function logSoftmax(x: Tensor, dim = -1): Tensor {
  return x.logSoftmax(dim);
}

/**
 * `x · weightᵀ + bias`, with PyTorch's layout: `weight` is `[out, in]` (as `nn.Linear`).
 *
 * Chapter: 4.2 one hidden layer (a layer of neurons).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * const y = functional.linear(tensor([[1, 2]]), tensor([[1, 1], [0, 1]]), tensor([0, 10]));
 * assert.deepEqual(y.toArray(), [[3, 12]]);
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = x.matmul(weight.T);
  return bias === undefined ? y : y.add(bias);
}

/**
 * Cross-entropy of logits `[N, C]` against int32 class indices `[N]` or
 * probabilities `[N, C]` (as `nn.CrossEntropyLoss`, with its options
 * `reduction`, `ignoreIndex` and `labelSmoothing`).
 *
 * Chapter: softmax regression (softmax 回归); Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * const loss = functional.crossEntropy(tensor([[0, 0]]), tensor([1], { dtype: "int32" }));
 * assert.ok(Math.abs(loss.item() - Math.LN2) < 1e-6);
 * ```
 */
export function crossEntropy(
  input: Tensor,
  target: Tensor,
  options?: CrossEntropyLossOptions,
): Tensor {
  return new CrossEntropyLoss(options).forward(input, target);
}

/**
 * Binary cross-entropy of probabilities against targets in [0, 1] (as `nn.BCELoss`).
 *
 * Chapter: 4.5 backpropagation (the loss); Part4-2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.ok(Math.abs(functional.binaryCrossEntropy(tensor([0.5]), tensor([1])).item() - Math.LN2) < 1e-6);
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: LossOptions): Tensor {
  return new BCELoss(options).forward(input, target);
}

/**
 * Binary cross-entropy of logits (the sigmoid folded in, stably), as `nn.BCEWithLogitsLoss`.
 *
 * Chapter: 4.5 backpropagation (the loss); Part4-2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * const loss = functional.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]));
 * assert.ok(Math.abs(loss.item() - Math.LN2) < 1e-6);
 * ```
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor,
  target: Tensor,
  options?: LossOptions,
): Tensor {
  return new BCEWithLogitsLoss(options).forward(input, target);
}

/**
 * The mean squared error (as `nn.MSELoss`).
 *
 * Chapter: mean squared error (均方误差).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.mseLoss(tensor([1, 3]), tensor([0, 0])).item(), 5);
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options?: LossOptions): Tensor {
  return new MSELoss(options).forward(input, target);
}

/**
 * The negative log-likelihood of log-probabilities `[N, C]` against int32
 * class indices `[N]`, rows whose target is `ignoreIndex` skipped (as `nn.NLLLoss`).
 *
 * Chapter: softmax regression (softmax 回归); Part4-3.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * const loss = functional.nllLoss(tensor([[-1, -2]]), tensor([1], { dtype: "int32" }));
 * assert.equal(loss.item(), 2);
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, options?: NLLLossOptions): Tensor {
  return new NLLLoss(options).forward(input, target);
}

/**
 * The mean absolute error (as `nn.L1Loss`).
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.l1Loss(tensor([1, -3]), tensor([0, 0])).item(), 2);
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options?: LossOptions): Tensor {
  return new L1Loss(options).forward(input, target);
}

/**
 * The smooth L1 loss: `0.5·r²/β` for `|r| < β`, `|r| - 0.5·β` beyond (as `nn.SmoothL1Loss`).
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.smoothL1Loss(tensor([3]), tensor([0]), { beta: 2 }).item(), 2);
 * ```
 */
export function smoothL1Loss(
  input: Tensor,
  target: Tensor,
  options?: SmoothL1LossOptions,
): Tensor {
  return new SmoothL1Loss(options).forward(input, target);
}

/**
 * The Huber loss: `0.5·r²` for `|r| < δ`, `δ·(|r| - 0.5·δ)` beyond (as `nn.HuberLoss`).
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, tensor } from "@handson/nn";
 * assert.equal(functional.huberLoss(tensor([3]), tensor([0]), { delta: 2 }).item(), 4);
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options?: HuberLossOptions): Tensor {
  return new HuberLoss(options).forward(input, target);
}
