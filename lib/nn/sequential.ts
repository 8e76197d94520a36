/**
 * `Sequential`: modules applied one after another, as PyTorch's `nn.Sequential`.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * A chain of modules: `forward(x)` passes `x` through each in turn. The
 * modules are its children named `"0"`, `"1"`, …, so its parameters are
 * `0.weight`, `0.bias`, `2.weight`, … as in PyTorch, and `model[0]` is the
 * first module.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Linear, Sequential, Sigmoid } from "@handson/nn";
 * const model = new Sequential(new Linear(2, 10), new Sigmoid(), new Linear(10, 1), new Sigmoid());
 * assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "0.bias", "2.weight", "2.bias"]);
 * assert.equal(model.length, 4);
 * assert(model[1] instanceof Sigmoid);
 * ```
 */
export class Sequential extends Module {
  /** The modules by position, as PyTorch's `model[i]`. */
  readonly [index: number]: Module;

  /**
   * Chains the modules.
   *
   * @param modules The modules, in the order they are applied.
   */
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) {
        throw new TypeError(`Sequential: expected a Module at position ${i}, found ${m}`);
      }
      // Own properties named by position: integer keys enumerate in order, so the
      // Module base class finds them as children "0", "1", … without help.
      Object.defineProperty(this, i, { value: m, enumerable: true });
    });
  }

  /** The number of modules. */
  get length(): number {
    return this.namedChildren().length;
  }

  /** `x` passed through every module in order. */
  forward(x: Tensor): Tensor {
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}
