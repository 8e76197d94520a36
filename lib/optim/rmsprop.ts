/**
 * `RMSprop`: gradient descent divided by a running root mean square of the
 * gradient (Hinton's lecture 6e), step for step as PyTorch's
 * `torch.optim.RMSprop`, with its `momentum` and `centered` variants.
 *
 * @module
 */

import { zerosLike } from "../tensor/create.ts";
import { noGrad } from "../tensor/autograd.ts";
import { keep, type Tensor } from "../tensor/tensor.ts";
import { checkOptionNames, numberOption, Optimizer } from "./optimizer.ts";

/**
 * Options of {@linkcode RMSprop}.
 *
 * Chapter: Part4-3, the recipe that works (adaptive optimisers).
 */
export interface RMSpropOptions {
  /** The learning rate (default 0.01). */
  lr?: number;
  /** The decay of the running mean of the squared gradient (default 0.99). */
  alpha?: number;
  /** Added to the denominator so it is never 0 (default 1e-8). */
  eps?: number;
  /** The L2 weight decay factor added to the gradient as `weightDecay · p` (default 0). */
  weightDecay?: number;
  /** The momentum factor (default 0). */
  momentum?: number;
  /** Divide by the gradient's running variance instead of its running mean square (default false). */
  centered?: boolean;
}

/**
 * RMSprop, as PyTorch's. Each `step()`, for each parameter `p` with gradient
 * `g`: `s ← α·s + (1-α)·g²` and `p ← p - lr · g / (√s + eps)` (with
 * `centered`, `√(s - ḡ²)` where `ḡ` is the running mean of `g`; with momentum,
 * the quotient goes through a momentum buffer first).
 *
 * Chapter: Part4-3, the recipe that works (adaptive optimisers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const w = tensor([1], { dtype: "float64", requiresGrad: true });
 * const rmsprop = new optim.RMSprop([w], { lr: 0.01, alpha: 0.99 });
 * w.grad = tensor([2], { dtype: "float64" });
 * rmsprop.step(); // s = 0.01 · 4 = 0.04, so the step is 0.01 · 2 / (0.2 + 1e-8)
 * assert.ok(Math.abs(w.item() - (1 - 0.01 * 2 / (Math.sqrt(0.04) + 1e-8))) < 1e-15);
 * ```
 */
export class RMSprop extends Optimizer {
  /** The learning rate; may be changed between steps (a schedule). */
  lr: number;
  /** The decay of the running mean square. */
  readonly alpha: number;
  /** The term that keeps the denominator away from 0. */
  readonly eps: number;
  /** The weight decay factor. */
  readonly weightDecay: number;
  /** The momentum factor (`OneCycleLR` cycles it). */
  momentum: number;
  /** Whether the running variance is used instead of the mean square. */
  readonly centered: boolean;
  /** Per parameter: the running mean square, the running mean (centered) and the momentum buffer. */
  #state: { square: Tensor; mean: Tensor | null; buffer: Tensor | null }[];

  /**
   * Makes the optimiser with zero running means.
   *
   * @param params The tensors to train (usually `model.parameters()`).
   * @param options The learning rate and RMSprop's constants.
   */
  constructor(params: Iterable<Tensor>, options: RMSpropOptions = {}) {
    super(params);
    checkOptionNames("RMSprop", options, [
      "lr",
      "alpha",
      "eps",
      "weightDecay",
      "momentum",
      "centered",
    ]);
    const positive = (x: number) => x >= 0;
    this.lr = numberOption("RMSprop", "lr", options.lr, 1e-2, positive, ">= 0");
    this.alpha = numberOption("RMSprop", "alpha", options.alpha, 0.99, positive, ">= 0");
    this.eps = numberOption("RMSprop", "eps", options.eps, 1e-8, positive, ">= 0");
    this.weightDecay = numberOption(
      "RMSprop",
      "weightDecay",
      options.weightDecay,
      0,
      positive,
      ">= 0",
    );
    this.momentum = numberOption("RMSprop", "momentum", options.momentum, 0, positive, ">= 0");
    this.centered = options.centered ?? false;
    this.#state = this.params.map((p) => ({
      square: keep(zerosLike(p)),
      mean: this.centered ? keep(zerosLike(p)) : null,
      buffer: null,
    }));
  }

  /** One RMSprop step for every parameter that has a gradient. */
  step(): void {
    const { alpha, eps, lr, momentum } = this;
    noGrad(() => {
      this.params.forEach((p, i) => {
        if (p.grad === null) return;
        const s = this.#state[i];
        let g = p.grad;
        if (this.weightDecay !== 0) g = g.add(p.mul(this.weightDecay));
        s.square = this.renew(s.square, s.square.mul(alpha).add(g.mul(g).mul(1 - alpha)));
        let avg: Tensor;
        if (s.mean !== null) {
          s.mean = this.renew(s.mean, s.mean.mul(alpha).add(g.mul(1 - alpha)));
          avg = s.square.sub(s.mean.mul(s.mean)).sqrt();
        } else avg = s.square.sqrt();
        avg = avg.add(eps);
        if (momentum > 0) {
          const quotient = g.div(avg);
          s.buffer = this.renew(
            s.buffer,
            s.buffer === null ? quotient : s.buffer.mul(momentum).add(quotient),
          );
          this.update(p, p.sub(s.buffer.mul(lr)));
        } else this.update(p, p.sub(g.div(avg).mul(lr)));
      });
    });
  }
}
