/**
 * Loss functions as modules, as PyTorch's: `BCELoss`, `BCEWithLogitsLoss`,
 * `MSELoss`, `CrossEntropyLoss`. Each takes `forward(input, target)` and
 * reduces the per-element losses by `reduction`: their `"mean"` (the default),
 * `"sum"`, or `"none"` (the per-element losses themselves).
 *
 * The two binary cross-entropies are ops of their own, with PyTorch's
 * backward written beside the forward: composing them from `log`, `maximum`
 * and `abs` would give NaN where the clamped log saturates and a wrong
 * gradient at a logit of exactly 0.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { noGrad, record } from "../tensor/autograd.ts";
import { oneHot } from "../tensor/create.ts";
import { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * How a loss combines its per-element values: their mean, their sum, or none (keep them).
 *
 * Chapter: 4.5 backpropagation (losses).
 */
export type Reduction = "mean" | "sum" | "none";

/**
 * Options of every loss.
 *
 * Chapter: 4.5 backpropagation (losses).
 */
export interface LossOptions {
  /** `"mean"` (default), `"sum"` or `"none"`. */
  reduction?: Reduction;
}

/**
 * The base class of the losses: it holds `reduction` and applies it.
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Loss, type Tensor, tensor } from "@handson/nn";
 * class L1Loss extends Loss {
 *   forward(input: Tensor, target: Tensor): Tensor {
 *     return this.reduce(input.sub(target).abs());
 *   }
 * }
 * assert.equal(new L1Loss({ reduction: "sum" }).forward(tensor([1, 2]), tensor([0, 4])).item(), 3);
 * ```
 */
export abstract class Loss extends Module {
  /** How the per-element losses are combined. */
  readonly reduction: Reduction;

  /** Checks and keeps the options. */
  constructor(options: LossOptions = {}) {
    super();
    const reduction = options.reduction ?? "mean";
    if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
      throw new TypeError(
        `${this.constructor.name}: expected reduction "mean", "sum" or "none", found ${
          JSON.stringify(reduction)
        }`,
      );
    }
    this.reduction = reduction;
  }

  /** The loss of `input` against `target`. */
  abstract override forward(input: Tensor, target: Tensor): Tensor;

  /** The per-element losses combined by `reduction`. */
  protected reduce(losses: Tensor): Tensor {
    if (this.reduction === "mean") return losses.mean();
    if (this.reduction === "sum") return losses.sum();
    return losses;
  }

  /** `reduction=…` when it is not the default. */
  override extraRepr(): string {
    return this.reduction === "mean" ? "" : `reduction=${JSON.stringify(this.reduction)}`;
  }
}

/** Throws unless `input` and `target` are tensors of the same shape; returns `target` in `input`'s dtype. */
function sameShapeTarget(where: string, input: Tensor, target: Tensor): Tensor {
  for (const [name, t] of [["input", input], ["target", target]] as const) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${where}: expected a Tensor ${name}, found ${t}`);
    }
  }
  if (input.ndim !== target.ndim || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new ShapeError(
      `${where}: expected a target of the input's shape [${input.shape.join(", ")}], found ` +
        `[${target.shape.join(", ")}]`,
    );
  }
  return target.astype(input.dtype);
}

/**
 * The binary cross-entropy of probabilities: `-(y·log x + (1-y)·log(1-x))`
 * per element, each log clamped at −100 as PyTorch does, so a probability of
 * exactly 0 or 1 gives a finite loss (the book's loss of 4.2). The input is
 * a probability (after a sigmoid); for raw scores use `BCEWithLogitsLoss`.
 *
 * Chapter: 4.5 backpropagation; Part4-2 (binary cross-entropy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BCELoss, tensor } from "@handson/nn";
 * const loss = new BCELoss().forward(tensor([0.5, 1], { dtype: "float64" }), tensor([1, 0]));
 * assert.equal(loss.item(), (Math.LN2 + 100) / 2);
 * ```
 */
export class BCELoss extends Loss {
  /**
   * The loss of probabilities `input` against targets `target` in [0, 1], of
   * the same shape. An input outside [0, 1] (or NaN) is a RangeError, as in
   * PyTorch, where the backend reads synchronously (the CPU); a GPU's values
   * are not read here, so there such an input gives NaN.
   */
  forward(input: Tensor, target: Tensor): Tensor {
    const y = sameShapeTarget("BCELoss", input, target);
    checkProbabilities(input);
    return this.reduce(binaryCrossEntropy(input, y));
  }
}

/** Throws a RangeError naming the first input outside [0, 1], where values can be read now. */
function checkProbabilities(input: Tensor): void {
  if (input.backend.readSync === undefined) return;
  const values = input.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v >= 0 && v <= 1)) {
      throw new RangeError(
        `BCELoss: expected every input between 0 and 1 (probabilities, after a sigmoid), ` +
          `found ${Number.isNaN(v) ? "NaN" : v} at flat index ${i}; for raw scores use ` +
          "BCEWithLogitsLoss",
      );
    }
  }
}

/** PyTorch's floor for `(1 - x)·x` in the backward: 1e-12 as a float32, as its C++ stores it. */
const EPSILON = Math.fround(1e-12);

/**
 * Per-element BCE, with PyTorch's backward: `g·(x - y) / max((1 - x)·x, ε)`
 * for the input, and `g·(log(1 - x) - log x)` (unclamped, = -logit x) for a
 * target that requires a gradient.
 */
function binaryCrossEntropy(x: Tensor, y: Tensor): Tensor {
  const out = noGrad(() => {
    const logX = x.log().maximum(-100);
    const log1mX = x.neg().add(1).log().maximum(-100);
    return y.mul(logX).add(y.neg().add(1).mul(log1mX)).neg();
  });
  return record(out, "binaryCrossEntropy", [x, y], (g) => [
    x.requiresGrad ? g.mul(x.sub(y)).div(x.neg().add(1).mul(x).maximum(EPSILON)) : null,
    y.requiresGrad ? g.mul(x.neg().add(1).log().sub(x.log())) : null,
  ]);
}

/**
 * The binary cross-entropy of raw scores (logits): the same as a `Sigmoid`
 * followed by `BCELoss`, computed as `max(x, 0) - x·y + log(1 + e^-|x|)`,
 * which never overflows, with the gradient `σ(x) - y`.
 *
 * Chapter: 4.5 backpropagation; Part4-2 (binary cross-entropy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BCEWithLogitsLoss, tensor } from "@handson/nn";
 * const loss = new BCEWithLogitsLoss().forward(tensor([0, 1000], { dtype: "float64" }), tensor([1, 1]));
 * assert.equal(loss.item(), Math.LN2 / 2); // log 2 for the 0, nothing for the sure 1000
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  /** The loss of logits `input` against targets `target` in [0, 1], of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    const y = sameShapeTarget("BCEWithLogitsLoss", input, target);
    const x = input;
    const out = noGrad(() => x.relu().sub(x.mul(y)).add(x.abs().neg().softplus()));
    // d/dx = σ(x) - y; d/dy = -x (PyTorch's, for a target that requires a gradient).
    const losses = record(out, "binaryCrossEntropyWithLogits", [x, y], (g) => [
      x.requiresGrad ? g.mul(x.sigmoid().sub(y)) : null,
      y.requiresGrad ? g.mul(x).neg() : null,
    ]);
    return this.reduce(losses);
  }
}

/**
 * The squared error `(x - y)²` per element. Unlike PyTorch, a target of
 * another shape is an error rather than broadcast: `[N, 1]` against `[N]`
 * silently makes an `[N, N]` loss.
 *
 * Chapter: mean squared error (均方误差).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MSELoss, tensor } from "@handson/nn";
 * assert.equal(new MSELoss().forward(tensor([1, 2]), tensor([1, 4])).item(), 2);
 * ```
 */
export class MSELoss extends Loss {
  /** The squared error of `input` against `target`, of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    const d = input.sub(sameShapeTarget("MSELoss", input, target));
    return this.reduce(d.mul(d));
  }
}

/**
 * The cross-entropy of raw class scores (logits) `[N, C]`: per row,
 * `-Σ_c p_c · log softmax(x)_c`, where the target is either int32 class
 * indices `[N]` (p is one-hot) or class probabilities `[N, C]` (one-hot rows
 * or soft labels). `"mean"` divides by N. It takes logits, not
 * probabilities: do not put a `Softmax` before it.
 *
 * Chapter: softmax regression; Part4-3 (cross-entropy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CrossEntropyLoss, tensor } from "@handson/nn";
 * const logits = tensor([[0, 0], [0, 0]], { dtype: "float64" });
 * const byIndex = new CrossEntropyLoss().forward(logits, tensor([0, 1], { dtype: "int32" }));
 * const byProbs = new CrossEntropyLoss().forward(logits, tensor([[1, 0], [0, 1]]));
 * assert.equal(byIndex.item(), Math.LN2);
 * assert.equal(byProbs.item(), Math.LN2);
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** The loss of logits `input` `[N, C]` against class indices `[N]` or probabilities `[N, C]`. */
  forward(input: Tensor, target: Tensor): Tensor {
    for (const [name, t] of [["input", input], ["target", target]] as const) {
      if (!(t instanceof Tensor)) {
        throw new TypeError(`CrossEntropyLoss: expected a Tensor ${name}, found ${t}`);
      }
    }
    if (input.ndim !== 2) {
      throw new ShapeError(
        `CrossEntropyLoss: expected logits of shape [N, C], found [${input.shape.join(", ")}]`,
      );
    }
    const [n, c] = input.shape;
    const indices = target.dtype === "int32" && target.ndim === 1 && target.shape[0] === n;
    const probabilities = target.dtype !== "int32" && target.ndim === 2 &&
      target.shape[0] === n && target.shape[1] === c;
    if (!indices && !probabilities) {
      throw new ShapeError(
        `CrossEntropyLoss: expected int32 class indices of shape [${n}] or probabilities of ` +
          `shape [${n}, ${c}], found ${target.dtype} of shape [${target.shape.join(", ")}]`,
      );
    }
    const p = indices ? classes(target, c, input) : target.astype(input.dtype);
    return this.reduce(input.logSoftmax(1).mul(p).sum(1).neg());
  }
}

/** One-hot rows of `c` classes for int32 `target`, in `like`'s dtype. */
function classes(target: Tensor, c: number, like: Tensor): Tensor {
  try {
    return oneHot(target, c, { dtype: like.dtype });
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`CrossEntropyLoss: ${e.message}`);
    throw e;
  }
}
