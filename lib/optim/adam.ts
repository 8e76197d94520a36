/**
 * `Adam`: adaptive moment estimation, step for step as PyTorch's
 * `torch.optim.Adam` (Kingma and Ba, 2015), with its `amsgrad` variant; and
 * `AdamW`, Adam with the weight decay taken out of the gradient
 * (Loshchilov and Hutter, 2019), as `torch.optim.AdamW`.
 *
 * @module
 */

import { zerosLike } from "../tensor/create.ts";
import { noGrad } from "../tensor/autograd.ts";
import { keep, Tensor } from "../tensor/tensor.ts";
import { adamKernel } from "./fused_adam.ts";
import { checkOptionNames, numberOption, Optimizer } from "./optimizer.ts";

/**
 * Options of {@linkcode Adam}.
 *
 * Chapter: Part4-3, the recipe that works (Adam).
 */
export interface AdamOptions {
  /** The learning rate (default 0.001). */
  lr?: number;
  /** The decay rates of the running mean of the gradient and of its square (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator so it is never 0 (default 1e-8). */
  eps?: number;
  /**
   * The weight decay factor (default 0; `AdamW`'s 0.01): Adam adds
   * `weightDecay · p` to the gradient (L2), `AdamW` shrinks `p` by
   * `lr · weightDecay · p` apart from the gradient.
   */
  weightDecay?: number;
  /** Divide by the largest running mean of the squared gradient so far (AMSGrad; default false). */
  amsgrad?: boolean;
}

const OPTION_NAMES = ["lr", "betas", "eps", "weightDecay", "amsgrad"] as const;

/**
 * Adam, as PyTorch's. Each `step()`, for each parameter `p` with a gradient
 * `g`, counting its steps `t = 1, 2, …`:
 *
 * ```
 * g = g + weightDecay · p
 * m = β1 · m + (1 - β1) · g
 * v = β2 · v + (1 - β2) · g²
 * p = p - lr / (1 - β1^t) · m / (√v / √(1 - β2^t) + eps)
 * ```
 *
 * Chapter: Part4-3, the recipe that works (Adam).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const w = tensor([1, -2], { dtype: "float64", requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.1 });
 * w.mul(w).sum().backward();
 * opt.step(); // the first step moves each weight by about lr, against its gradient's sign
 * assert.deepEqual([...w.dataSync()].map((x) => Math.round(x * 1e6) / 1e6), [0.9, -1.9]);
 * ```
 */
export class Adam extends Optimizer {
  /** The learning rate; may be changed between steps (a schedule). */
  lr: number;
  /** The decay rates of the two running means (`OneCycleLR` cycles the first). */
  betas: readonly [number, number];
  /** The term that keeps the denominator away from 0. */
  readonly eps: number;
  /** The weight decay factor. */
  readonly weightDecay: number;
  /** Whether AMSGrad's maximum of the second moment is used. */
  readonly amsgrad: boolean;
  /** Whether the weight decay is decoupled from the gradient (`AdamW`). */
  protected readonly decoupled: boolean = false;
  /**
   * Per parameter: its step count, the running means of the gradient and its
   * square, and (AMSGrad) the largest second moment so far.
   */
  #state: { t: number; m: Tensor; v: Tensor; vMax: Tensor | null }[];

  /**
   * Makes the optimiser with zero running means.
   *
   * @param params The tensors to train (usually `model.parameters()`).
   * @param options The learning rate and Adam's constants.
   */
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params);
    const name = new.target.name;
    checkOptionNames(name, options, OPTION_NAMES);
    const positive = (x: number) => x >= 0;
    this.lr = numberOption(name, "lr", options.lr, 1e-3, positive, ">= 0");
    this.eps = numberOption(name, "eps", options.eps, 1e-8, positive, ">= 0");
    const decay = new.target === AdamW ? 0.01 : 0;
    this.weightDecay = numberOption(
      name,
      "weightDecay",
      options.weightDecay,
      decay,
      positive,
      ">= 0",
    );
    if (options.amsgrad !== undefined && typeof options.amsgrad !== "boolean") {
      throw new TypeError(
        `${name}: expected amsgrad to be true or false, found ${options.amsgrad}`,
      );
    }
    this.amsgrad = options.amsgrad ?? false;
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) {
      throw new TypeError(`Adam: expected betas to be two numbers, found ${betas}`);
    }
    const unit = (x: number) => x >= 0 && x < 1;
    this.betas = [
      numberOption("Adam", "betas[0]", betas[0], 0, unit, "in [0, 1)"),
      numberOption("Adam", "betas[1]", betas[1], 0, unit, "in [0, 1)"),
    ];
    this.#state = this.params.map((p) => ({
      t: 0,
      m: keep(zerosLike(p)),
      v: keep(zerosLike(p)),
      vMax: this.amsgrad ? keep(zerosLike(p)) : null,
    }));
  }

  /** One Adam step for every parameter that has a gradient. */
  step(): void {
    const [beta1, beta2] = this.betas;
    noGrad(() => {
      this.params.forEach((p, i) => {
        if (p.grad === null) return;
        const s = this.#state[i];
        s.t += 1;
        // The running means start at 0; dividing by 1 - β^t undoes that bias.
        const stepSize = this.lr / (1 - beta1 ** s.t);
        const rootCorrection2 = Math.sqrt(1 - beta2 ** s.t);
        const plain = !this.amsgrad && !this.decoupled;
        const fused = plain && p.grad.dtype === p.dtype && p.grad.backend === p.backend
          ? adamKernel(p.backend)
          : undefined;
        if (fused !== undefined) {
          // One pass over the parameter instead of a dozen ops (./fused_adam.ts).
          const { eps, weightDecay } = this;
          const c = { beta1, beta2, stepSize, rootCorrection2, eps, weightDecay };
          this.update(p, fused(p, p.grad, s.m, s.v, c));
          return;
        }
        let g = p.grad;
        let w = p;
        if (this.weightDecay !== 0) {
          // AdamW shrinks the weight itself; Adam adds the L2 term's gradient.
          if (this.decoupled) w = p.mul(1 - this.lr * this.weightDecay);
          else g = g.add(p.mul(this.weightDecay));
        }
        s.m = this.renew(s.m, s.m.mul(beta1).add(g.mul(1 - beta1)));
        s.v = this.renew(s.v, s.v.mul(beta2).add(g.mul(1 - beta2).mul(g)));
        if (s.vMax !== null) s.vMax = this.renew(s.vMax, s.vMax.maximum(s.v));
        const denom = (s.vMax ?? s.v).sqrt().div(rootCorrection2).add(this.eps);
        this.update(p, w.add(s.m.mul(-stepSize).div(denom)));
      });
    });
  }
}

/**
 * AdamW, as PyTorch's `torch.optim.AdamW`: Adam whose weight decay (default
 * 0.01) shrinks each weight by `lr · weightDecay` of itself before the step,
 * instead of entering the running means through the gradient.
 *
 * Chapter: Part4-3, the recipe that works (Adam).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const w = tensor([1], { dtype: "float64", requiresGrad: true });
 * const adamw = new optim.AdamW([w], { lr: 0.1 });
 * w.grad = tensor([0], { dtype: "float64" }); // no gradient: only the decay moves it
 * adamw.step();
 * assert.equal(w.item(), 1 - 0.1 * 0.01);
 * ```
 */
export class AdamW extends Adam {
  protected override readonly decoupled = true;
}
