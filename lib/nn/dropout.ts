/**
 * `Dropout`: during training, each input is zeroed with probability `p` and
 * the rest are scaled by `1 / (1 - p)`, so that the expected output is the
 * input; in evaluation mode (`eval()`) it passes the input through. The mask
 * is drawn from a seeded generator, so a seed gives the same masks again.
 *
 * @module
 */

import { rand } from "../tensor/create.ts";
import type { Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * Zeroes each input with probability `p` while training (inverted dropout, as
 * PyTorch's `nn.Dropout`). The gradient flows through the kept inputs, scaled
 * the same way.
 *
 * Chapter: 4.3 several hidden layers (regularisation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dropout, Generator, ones } from "@handson/nn";
 * const dropout = new Dropout(0.5, { generator: new Generator(0) });
 * const out = dropout.forward(ones([1000], { dtype: "float64" })).dataSync();
 * assert.ok(out.every((v) => v === 0 || v === 2)); // dropped, or kept and doubled
 * const kept = out.filter((v) => v === 2).length;
 * assert.ok(kept > 450 && kept < 550);
 * assert.deepEqual(dropout.eval().forward(ones([3])).toArray(), [1, 1, 1]);
 * ```
 */
export class Dropout extends Module {
  /** The probability of zeroing an input. */
  readonly p: number;
  /** The generator the masks are drawn from (default: the global one, `manualSeed`). */
  readonly generator: Generator | undefined;

  /**
   * Makes the layer.
   *
   * @param p The probability of zeroing each input (default 0.5, as PyTorch), in [0, 1].
   * @param options The generator to draw the masks from.
   */
  constructor(p = 0.5, options: { generator?: Generator } = {}) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: expected a probability p in [0, 1], found ${p}`);
    }
    this.p = p;
    this.generator = options.generator;
  }

  /** The input with each element zeroed with probability `p`, the rest scaled by 1/(1-p). */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  /** `p=…`. */
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * The function behind {@linkcode Dropout}: `x` with each element zeroed with
 * probability `p` and the rest scaled by `1 / (1 - p)` when `training`; `x`
 * itself otherwise.
 *
 * Chapter: 4.3 several hidden layers (regularisation).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { functional, ones } from "@handson/nn";
 * const x = ones([4]);
 * assert.equal(functional.dropout(x, 0.5, false), x);
 * assert.deepEqual(functional.dropout(x, 1).toArray(), [0, 0, 0, 0]);
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new RangeError(`dropout: expected a probability p in [0, 1], found ${p}`);
  }
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const floating = x.dtype === "int32" ? "float32" : x.dtype;
  const keep = rand([...x.shape], { dtype: floating, generator }).ge(p);
  return x.mul(keep.astype(floating).mul(1 / (1 - p)));
}
