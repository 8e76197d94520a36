/**
 * Loss functions as modules, as PyTorch's: `BCELoss`, `BCEWithLogitsLoss`,
 * `MSELoss`, `L1Loss`, `SmoothL1Loss`, `HuberLoss`, `CrossEntropyLoss`,
 * `NLLLoss`. Each takes `forward(input, target)` and
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
import { checkOptionNames } from "../optim/optimizer.ts";
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

  /**
   * Checks and keeps the options; `known` names every option the subclass
   * takes (an unknown name is a TypeError, as a misspelt option would
   * otherwise be ignored silently).
   */
  constructor(options: LossOptions = {}, known: readonly string[] = ["reduction"]) {
    super();
    checkOptionNames(new.target.name, options, known);
    options ??= {};
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

  /**
   * Like `reduce`, but `"mean"` divides the sum by `count` (a 0-d tensor): the
   * number of rows that count, where some are ignored (`NLLLoss`'s `ignoreIndex`).
   */
  protected reduceCounted(losses: Tensor, count: Tensor): Tensor {
    if (this.reduction === "mean") return losses.sum().div(count);
    return this.reduce(losses);
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
 * The absolute error `|x - y|` per element (PyTorch's `L1Loss`). Its gradient
 * is `sign(x - y)`: 0 where the input equals the target. A target of another
 * shape is an error, as for `MSELoss`.
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { L1Loss, tensor } from "@handson/nn";
 * assert.equal(new L1Loss().forward(tensor([1, 2]), tensor([0, 4])).item(), 1.5);
 * ```
 */
export class L1Loss extends Loss {
  /** The absolute error of `input` against `target`, of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return this.reduce(input.sub(sameShapeTarget("L1Loss", input, target)).abs());
  }
}

/**
 * Options of `SmoothL1Loss`.
 *
 * Chapter: 4.5 backpropagation (losses).
 */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from squared to absolute: a number ≥ 0, default 1. */
  beta?: number;
}

/**
 * PyTorch's `SmoothL1Loss`: per element, with `r = x - y`, `0.5·r²/β` where
 * `|r| < β` and `|r| - 0.5·β` elsewhere, so the gradient is `r/β` near the
 * target and `sign(r)` far from it. `beta` 0 is the `L1Loss`, with its
 * gradient 0 at a zero residual (PyTorch 1.13's kernel gives -1 there).
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SmoothL1Loss, tensor } from "@handson/nn";
 * const loss = new SmoothL1Loss({ reduction: "none" }).forward(tensor([0.5, 3]), tensor([0, 0]));
 * assert.deepEqual(loss.toArray(), [0.125, 2.5]);
 * ```
 */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from squared to absolute. */
  readonly beta: number;

  /** Checks and keeps the options. */
  constructor(options: SmoothL1LossOptions = {}) {
    super(options, ["reduction", "beta"]);
    this.beta = nonNegative("SmoothL1Loss", "beta", options?.beta ?? 1);
  }

  /** The smooth L1 loss of `input` against `target`, of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    const r = input.sub(sameShapeTarget("SmoothL1Loss", input, target));
    if (this.beta === 0) return this.reduce(r.abs());
    // Huber's loss divided by β; see huber for why it is written with a clip.
    return this.reduce(huber(r, this.beta).div(this.beta));
  }

  /** The options that are not the default. */
  override extraRepr(): string {
    return [super.extraRepr(), this.beta === 1 ? "" : `beta=${this.beta}`]
      .filter((s) => s !== "").join(", ");
  }
}

/**
 * Options of `HuberLoss`.
 *
 * Chapter: 4.5 backpropagation (losses).
 */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from squared to absolute: a number > 0, default 1. */
  delta?: number;
}

/**
 * PyTorch's `HuberLoss`: per element, with `r = x - y`, `0.5·r²` where
 * `|r| < δ` and `δ·(|r| - 0.5·δ)` elsewhere: squared near the target, linear
 * (a gradient of `δ·sign(r)`) far from it, so outliers pull less than in
 * `MSELoss`. It is `δ` times `SmoothL1Loss` with `beta = δ`.
 *
 * Chapter: 4.5 backpropagation (losses).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HuberLoss, tensor } from "@handson/nn";
 * const loss = new HuberLoss({ delta: 2, reduction: "none" }).forward(tensor([1, -5]), tensor([0, 0]));
 * assert.deepEqual(loss.toArray(), [0.5, 8]);
 * ```
 */
export class HuberLoss extends Loss {
  /** Where the loss turns from squared to absolute. */
  readonly delta: number;

  /** Checks and keeps the options. */
  constructor(options: HuberLossOptions = {}) {
    super(options, ["reduction", "delta"]);
    this.delta = nonNegative("HuberLoss", "delta", options?.delta ?? 1);
    if (this.delta === 0) {
      throw new RangeError(
        "HuberLoss: expected delta > 0, found 0 (for the absolute error use L1Loss)",
      );
    }
  }

  /** The Huber loss of `input` against `target`, of the same shape. */
  forward(input: Tensor, target: Tensor): Tensor {
    return this.reduce(huber(input.sub(sameShapeTarget("HuberLoss", input, target)), this.delta));
  }

  /** The options that are not the default. */
  override extraRepr(): string {
    return [super.extraRepr(), this.delta === 1 ? "" : `delta=${this.delta}`]
      .filter((s) => s !== "").join(", ");
  }
}

/**
 * Huber's loss of the residuals `r`, written `0.5·q² + δ·(|r| - q)` with
 * `q = clip(|r|, 0, δ)`: both branches in one formula, so autograd gives `r`
 * inside and `δ·sign(r)` outside (the clip passes no gradient there), and an
 * infinite residual gives an infinite loss, where a mask would multiply it by 0.
 */
function huber(r: Tensor, delta: number): Tensor {
  const a = r.abs();
  const q = a.clip(0, delta);
  return q.mul(q).mul(0.5).add(a.sub(q).mul(delta));
}

/** `value` when it is a finite number ≥ 0; a RangeError naming `name` otherwise. */
function nonNegative(where: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !(value >= 0) || value === Infinity) {
    throw new RangeError(
      `${where}: expected ${name} to be a finite number >= 0, found ${
        typeof value === "number" ? value : JSON.stringify(value) ?? String(value)
      }`,
    );
  }
  return value;
}

/**
 * Options of `NLLLoss`.
 *
 * Chapter: softmax regression; Part4-3 (cross-entropy).
 */
export interface NLLLossOptions extends LossOptions {
  /** A target class that contributes nothing (and is not counted by `"mean"`); default -100. */
  ignoreIndex?: number;
}

/**
 * The negative log-likelihood of log-probabilities `[N, C]` (the output of a
 * `logSoftmax`) against int32 class indices `[N]`: `-input[i, target[i]]`
 * per row, as PyTorch's `NLLLoss`. A row whose target is `ignoreIndex`
 * (default -100) gives 0 and `"mean"` divides by the number of the other
 * rows (NaN when every row is ignored, as in PyTorch). Only the picked entry
 * of a row is read, so a `-Infinity` elsewhere (the log of 0) does no harm;
 * but an ignored row is masked by multiplying its class-0 entry by 0, so a
 * `-Infinity` or NaN there gives NaN where PyTorch gives 0.
 *
 * Chapter: softmax regression; Part4-3 (cross-entropy).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NLLLoss, tensor } from "@handson/nn";
 * const logp = tensor([[-1, -2], [-3, -4], [-5, -6]], { dtype: "float64" });
 * const loss = new NLLLoss().forward(logp, tensor([1, -100, 0], { dtype: "int32" }));
 * assert.equal(loss.item(), (2 + 5) / 2);
 * ```
 */
export class NLLLoss extends Loss {
  /** The target class that is skipped. */
  readonly ignoreIndex: number;

  /** Checks and keeps the options. */
  constructor(options: NLLLossOptions = {}) {
    super(options, ["reduction", "ignoreIndex"]);
    this.ignoreIndex = checkIgnoreIndex("NLLLoss", options?.ignoreIndex ?? -100);
  }

  /** The loss of log-probabilities `input` `[N, C]` against class indices `[N]`. */
  forward(input: Tensor, target: Tensor): Tensor {
    checkClassInputs("NLLLoss", input, target, false);
    const { losses, count } = pickedLosses("NLLLoss", input, target, this.ignoreIndex);
    return this.reduceCounted(losses, count);
  }

  /** The options that are not the default. */
  override extraRepr(): string {
    return [super.extraRepr(), this.ignoreIndex === -100 ? "" : `ignoreIndex=${this.ignoreIndex}`]
      .filter((s) => s !== "").join(", ");
  }
}

/**
 * Options of `CrossEntropyLoss`.
 *
 * Chapter: softmax regression; Part4-3 (cross-entropy).
 */
export interface CrossEntropyLossOptions extends LossOptions {
  /** A target class skipped as in `NLLLoss` (class-index targets only); default -100. */
  ignoreIndex?: number;
  /** ε in [0, 1]: the target becomes `(1 - ε)·target + ε/C` per class; default 0. */
  labelSmoothing?: number;
}

/**
 * The cross-entropy of raw class scores (logits) `[N, C]`: per row,
 * `-Σ_c p_c · log softmax(x)_c`, where the target is either int32 class
 * indices `[N]` (p is one-hot) or class probabilities `[N, C]` (one-hot rows
 * or soft labels). `"mean"` divides by N, or for class indices by the number
 * of rows whose target is not `ignoreIndex` (default -100; those rows give
 * 0). `labelSmoothing` ε mixes the target with the uniform distribution, as
 * PyTorch 1.13: `(1 - ε)·nll + ε·mean_c(-log softmax(x)_c)`, ignored rows
 * skipped in both terms. It takes logits, not probabilities: do not put a
 * `Softmax` before it.
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
 * const smoothed = new CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 1 })
 *   .forward(tensor([[0, Math.log(3)]], { dtype: "float64" }), tensor([0], { dtype: "int32" }));
 * assert.ok(Math.abs(smoothed.item() - (0.9 * Math.log(4) + 0.05 * (Math.log(4) + Math.log(4 / 3)))) < 1e-15);
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** The target class that is skipped (class-index targets only). */
  readonly ignoreIndex: number;
  /** ε: how much of the target is spread evenly over the classes. */
  readonly labelSmoothing: number;

  /** Checks and keeps the options. */
  constructor(options: CrossEntropyLossOptions = {}) {
    super(options, ["reduction", "ignoreIndex", "labelSmoothing"]);
    this.ignoreIndex = checkIgnoreIndex("CrossEntropyLoss", options?.ignoreIndex ?? -100);
    const eps = options?.labelSmoothing ?? 0;
    if (typeof eps !== "number" || !(eps >= 0 && eps <= 1)) {
      throw new RangeError(
        `CrossEntropyLoss: expected labelSmoothing between 0 and 1, found ${
          typeof eps === "number" ? eps : JSON.stringify(eps) ?? String(eps)
        }`,
      );
    }
    this.labelSmoothing = eps;
  }

  /** The loss of logits `input` `[N, C]` against class indices `[N]` or probabilities `[N, C]`. */
  forward(input: Tensor, target: Tensor): Tensor {
    const indices = checkClassInputs("CrossEntropyLoss", input, target, true);
    const c = input.shape[1];
    const eps = this.labelSmoothing;
    const logp = input.logSoftmax(1);
    if (!indices) {
      // Probabilities: PyTorch smooths the target itself, and has no ignoreIndex.
      let p = target.astype(input.dtype);
      if (eps > 0) p = p.mul(1 - eps).add(eps / c);
      return this.reduce(logp.mul(p).sum(1).neg());
    }
    const { losses, count, keep } = pickedLosses(
      "CrossEntropyLoss",
      logp,
      target,
      this.ignoreIndex,
    );
    const nll = this.reduceCounted(losses, count);
    if (eps === 0) return nll;
    // PyTorch 1.13's order: (1 - ε)·nll + (ε/C)·Σ_c(-log p_c), each reduced alike.
    const smooth = this.reduceCounted(logp.sum(1).neg().mul(keep), count);
    return nll.mul(1 - eps).add(smooth.mul(eps / c));
  }

  /** The options that are not the default. */
  override extraRepr(): string {
    return [
      super.extraRepr(),
      this.ignoreIndex === -100 ? "" : `ignoreIndex=${this.ignoreIndex}`,
      this.labelSmoothing === 0 ? "" : `labelSmoothing=${this.labelSmoothing}`,
    ].filter((s) => s !== "").join(", ");
  }
}

/** `value` when it is an int32; a RangeError otherwise (an int32 target can hold no other). */
function checkIgnoreIndex(where: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < -(2 ** 31) || (value as number) >= 2 ** 31) {
    throw new RangeError(
      `${where}: expected ignoreIndex to be a 32-bit integer, found ${
        typeof value === "number" ? value : JSON.stringify(value) ?? String(value)
      }`,
    );
  }
  return value as number;
}

/**
 * Throws unless `input` is `[N, C]` and `target` int32 class indices `[N]`
 * (or, where `probabilities` are allowed, `[N, C]` of a float dtype); returns
 * whether the target holds indices.
 */
function checkClassInputs(
  where: string,
  input: Tensor,
  target: Tensor,
  probabilities: boolean,
): boolean {
  for (const [name, t] of [["input", input], ["target", target]] as const) {
    if (!(t instanceof Tensor)) {
      throw new TypeError(`${where}: expected a Tensor ${name}, found ${t}`);
    }
  }
  if (input.ndim !== 2) {
    throw new ShapeError(
      `${where}: expected ${probabilities ? "logits" : "log-probabilities"} of shape [N, C], ` +
        `found [${input.shape.join(", ")}]`,
    );
  }
  const [n, c] = input.shape;
  const indices = target.dtype === "int32" && target.ndim === 1 && target.shape[0] === n;
  const probs = probabilities && target.dtype !== "int32" && target.ndim === 2 &&
    target.shape[0] === n && target.shape[1] === c;
  if (!indices && !probs) {
    throw new ShapeError(
      `${where}: expected int32 class indices of shape [${n}]` +
        (probabilities ? ` or probabilities of shape [${n}, ${c}]` : "") +
        `, found ${target.dtype} of shape [${target.shape.join(", ")}]`,
    );
  }
  return indices;
}

/**
 * Per row `-logp[i, target[i]]`, 0 where the target is `ignoreIndex`; `keep`
 * is 1 for the other rows (in `logp`'s dtype) and `count` their number. The
 * entry is picked with `take`, whose gradient goes to that entry alone.
 */
function pickedLosses(
  where: string,
  logp: Tensor,
  target: Tensor,
  ignoreIndex: number,
): { losses: Tensor; count: Tensor; keep: Tensor } {
  const [n, c] = logp.shape;
  const ignored = target.eq(ignoreIndex);
  const keep = ignored.astype(logp.dtype).neg().add(1);
  // Ignored rows point at class 0, so every index is checked and in range.
  const safe = target.sub(ignored.mul(ignoreIndex));
  checkTargets(where, target, safe, c, ignoreIndex);
  const rows = new Int32Array(n).map((_, i) => i * c);
  const flat = new Tensor(logp.backend.fromArray(rows), [n], "int32", logp.backend).add(safe);
  const losses = logp.take(flat).neg().mul(keep);
  return { losses, count: keep.sum(), keep };
}

/**
 * Throws unless every target is a class in [0, c) or `ignoreIndex`, with
 * `oneHot`'s words. The CPU reads `safe` (ignored rows at class 0) through
 * `oneHot`; a GPU checks the targets themselves (`Backend.checkLabels`), at once
 * where it still has the uploaded values, else out of the next read, as
 * `safe` is computed and so unknown to it.
 */
function checkTargets(where: string, target: Tensor, safe: Tensor, c: number, ignoreIndex: number) {
  try {
    const backend = target.backend;
    if (backend.readSync !== undefined || backend.checkLabels === undefined) {
      oneHot(safe, c).dispose();
    } else {
      backend.checkLabels(target.storage, target.size, c, ignoreIndex);
    }
  } catch (e) {
    if (e instanceof RangeError) throw new RangeError(`${where}: ${e.message}`);
    throw e;
  }
}
