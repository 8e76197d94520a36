/**
 * `SGD`: stochastic gradient descent with momentum, dampening, Nesterov
 * momentum and weight decay, step for step as PyTorch's `torch.optim.SGD`.
 *
 * @module
 */

import { noGrad } from "../tensor/autograd.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { checkOptionNames, numberOption, Optimizer } from "./optimizer.ts";

/**
 * Options of {@linkcode SGD}.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD).
 */
export interface SGDOptions {
  /** The learning rate (required, as in PyTorch 1.x). */
  lr: number;
  /** The momentum factor (default 0: plain gradient descent). */
  momentum?: number;
  /** How much of each new gradient the momentum buffer takes in is scaled down (default 0). */
  dampening?: number;
  /** Whether to use Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov?: boolean;
  /** The L2 weight decay factor added to the gradient as `weightDecay · p` (default 0). */
  weightDecay?: number;
}

/**
 * Gradient descent, as PyTorch's `SGD`. Each `step()`, for each parameter
 * `p` with a gradient `g`:
 *
 * ```
 * g = g + weightDecay · p
 * b = g on the first step, else momentum · b + (1 - dampening) · g
 * g = nesterov ? g + momentum · b : b       (when momentum ≠ 0)
 * p = p - lr · g
 * ```
 *
 * With `momentum: 0` it is the book's update `W -= lr · dW`.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optim, tensor } from "@handson/nn";
 * const w = tensor([1, 2], { dtype: "float64", requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1 });
 * w.mul(w).sum().backward(); // dw = 2w
 * opt.step();
 * assert.deepEqual(w.toArray(), [0.8, 1.6]);
 * ```
 */
export class SGD extends Optimizer {
  /** The learning rate; may be changed between steps (a schedule). */
  lr: number;
  /** The momentum factor (`OneCycleLR` cycles it). */
  momentum: number;
  /** The dampening of the momentum. */
  readonly dampening: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;
  /** The weight decay factor. */
  readonly weightDecay: number;
  /** Each parameter's momentum buffer, null until its first step. */
  #buffers: (Tensor | null)[];

  /**
   * Makes the optimiser; it keeps no state until the first step.
   *
   * @param params The tensors to train (usually `model.parameters()`).
   * @param options The learning rate and the momentum settings.
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    super(params);
    checkOptionNames("SGD", options, ["lr", "momentum", "dampening", "nesterov", "weightDecay"]);
    if (options?.lr === undefined) {
      throw new TypeError("SGD: expected options with a learning rate lr, found none");
    }
    const positive = (x: number) => x >= 0;
    this.lr = numberOption("SGD", "lr", options.lr, 0, positive, ">= 0");
    this.momentum = numberOption("SGD", "momentum", options.momentum, 0, positive, ">= 0");
    this.dampening = numberOption("SGD", "dampening", options.dampening, 0, () => true, "finite");
    this.weightDecay = numberOption("SGD", "weightDecay", options.weightDecay, 0, positive, ">= 0");
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(
        `SGD: Nesterov momentum needs momentum > 0 and dampening 0, found momentum ` +
          `${this.momentum} and dampening ${this.dampening}`,
      );
    }
    this.#buffers = this.params.map(() => null);
  }

  /** One step of gradient descent for every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      this.params.forEach((p, i) => {
        if (p.grad === null) return;
        let g = p.grad;
        if (this.weightDecay !== 0) g = g.add(p.mul(this.weightDecay));
        if (this.momentum !== 0) {
          const before = this.#buffers[i];
          const b = before === null ? g : before.mul(this.momentum).add(g.mul(1 - this.dampening));
          this.#buffers[i] = this.renew(before, b);
          g = this.nesterov ? g.add(b.mul(this.momentum)) : b;
        }
        this.update(p, p.add(g.mul(-this.lr)));
      });
    });
  }
}
