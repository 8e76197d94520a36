/**
 * `Parameter`: a tensor that a `Module` owns and an optimiser trains, as
 * PyTorch's `nn.Parameter`.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";

/**
 * A tensor that belongs to a module as one of its weights: a module finds its
 * parameters by looking for properties that hold a `Parameter`, so
 * `parameters()`, `stateDict()` and the optimisers see it. It requires a
 * gradient unless told otherwise. Ops on a parameter give plain tensors.
 *
 * An optimiser step or `loadStateDict` replaces a parameter's values in place
 * (the object stays the same), so every module and optimiser that holds it
 * sees the new values.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Module, Parameter, type Tensor, tensor } from "@handson/nn";
 * class Scale extends Module {
 *   w = new Parameter(tensor([2]));
 *   forward(x: Tensor): Tensor {
 *     return x.mul(this.w);
 *   }
 * }
 * const m = new Scale();
 * assert.deepEqual(m.namedParameters().map(([name]) => name), ["w"]);
 * assert.equal(m.w.requiresGrad, true);
 * assert.deepEqual(m.forward(tensor([1, 3])).toArray(), [2, 6]);
 * ```
 */
export class Parameter extends Tensor {
  /**
   * Makes a parameter holding the values of `data` (float32 or float64).
   *
   * @param data The initial values.
   * @param requiresGrad Whether the parameter is trained (default true).
   */
  constructor(data: Tensor, requiresGrad = true) {
    if (!(data instanceof Tensor)) {
      throw new TypeError(`Parameter: expected a Tensor, found ${typeof data}`);
    }
    super(data.storage, data.shape, data.dtype, data.backend);
    this.requiresGrad = requiresGrad;
  }

  /** The parameter printed as PyTorch does: `Parameter containing:` and the tensor. */
  override toString(): string {
    return `Parameter containing:\n${super.toString()}`;
  }
}
