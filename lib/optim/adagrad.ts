/**
 * `Adagrad`: each weight's step divided by the root of the sum of its squared
 * gradients so far (Duchi, Hazan and Singer, 2011), step for step as
 * PyTorch's `torch.optim.Adagrad`.
 *
 * @module
 */

import { full } from "../tensor/create.ts";
import { noGrad } from "../tensor/autograd.ts";
import { keep, type Tensor } from "../tensor/tensor.ts";
import { checkOptionNames, numberOption, Optimizer } from "./optimizer.ts";

/**
 * Options of {@linkcode Adagrad}.
 *
 * Chapter: Part4-3, the recipe that works (adaptive optimisers).
 */
export interface AdagradOptions {
  /** The learning rate (default 0.01). */
  lr?: number;
  /** The rate falls as `lr / (1 + (t - 1) · lrDecay)` at step t (default 0). */
  lrDecay?: number;
  /** The L2 weight decay factor added to the gradient as `weightDecay · p` (default 0). */
  weightDecay?: number;
  /** The sum of squares each weight starts from (default 0). */
  initialAccumulatorValue?: number;
  /** Added to the denominator so it is never 0 (default 1e-10). */
  eps?: number;
}

/**
 * Adagrad, as PyTorch's. Each `step()`, for each parameter `p` with gradient
 * `g`: `sum ← sum + g²` and `p ← p - lr_t · g / (√sum + eps)`.
 *
 * Chapter: Part4-3, the recipe that works (adaptive optimisers).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const w = tensor([1], { dtype: "float64", requiresGrad: true });
 * const adagrad = new optim.Adagrad([w], { lr: 0.5 });
 * w.grad = tensor([3], { dtype: "float64" });
 * adagrad.step(); // sum = 9: the first step is lr · 3 / (3 + 1e-10), about lr
 * assert.ok(Math.abs(w.item() - (1 - 0.5 * 3 / (3 + 1e-10))) < 1e-15);
 * ```
 */
export class Adagrad extends Optimizer {
  /** The learning rate; may be changed between steps (a schedule). */
  lr: number;
  /** How fast the rate falls with the step count. */
  readonly lrDecay: number;
  /** The weight decay factor. */
  readonly weightDecay: number;
  /** The term that keeps the denominator away from 0. */
  readonly eps: number;
  /** Per parameter: its step count and the sum of its squared gradients. */
  #state: { t: number; sum: Tensor }[];

  /**
   * Makes the optimiser, each sum of squares at `initialAccumulatorValue`.
   *
   * @param params The tensors to train (usually `model.parameters()`).
   * @param options The learning rate and Adagrad's constants.
   */
  constructor(params: Iterable<Tensor>, options: AdagradOptions = {}) {
    super(params);
    checkOptionNames("Adagrad", options, [
      "lr",
      "lrDecay",
      "weightDecay",
      "initialAccumulatorValue",
      "eps",
    ]);
    const positive = (x: number) => x >= 0;
    this.lr = numberOption("Adagrad", "lr", options.lr, 1e-2, positive, ">= 0");
    this.lrDecay = numberOption("Adagrad", "lrDecay", options.lrDecay, 0, positive, ">= 0");
    this.weightDecay = numberOption(
      "Adagrad",
      "weightDecay",
      options.weightDecay,
      0,
      positive,
      ">= 0",
    );
    this.eps = numberOption("Adagrad", "eps", options.eps, 1e-10, positive, ">= 0");
    const initial = numberOption(
      "Adagrad",
      "initialAccumulatorValue",
      options.initialAccumulatorValue,
      0,
      positive,
      ">= 0",
    );
    this.#state = this.params.map((p) => ({
      t: 0,
      sum: keep(full(p.shape, initial, { dtype: p.dtype })),
    }));
  }

  /** One Adagrad step for every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      this.params.forEach((p, i) => {
        if (p.grad === null) return;
        const s = this.#state[i];
        s.t += 1;
        let g = p.grad;
        if (this.weightDecay !== 0) g = g.add(p.mul(this.weightDecay));
        const rate = this.lr / (1 + (s.t - 1) * this.lrDecay);
        s.sum = this.renew(s.sum, s.sum.add(g.mul(g)));
        this.update(p, p.sub(g.div(s.sum.sqrt().add(this.eps)).mul(rate)));
      });
    });
  }
}
