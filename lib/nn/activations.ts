/**
 * Activation functions as modules (the book's 4.6), so they can sit in a
 * `Sequential`: `Sigmoid`, `ReLU`, `Tanh`, `LeakyReLU`, `Softmax`. Each one
 * calls the tensor op of the same name, where its derivative is written.
 *
 * @module
 */

import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";

/**
 * The logistic function `σ(x) = 1 / (1 + e^-x)`, element-wise.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Sigmoid, tensor } from "@handson/nn";
 * assert.deepEqual(new Sigmoid().forward(tensor([0])).toArray(), [0.5]);
 * ```
 */
export class Sigmoid extends Module {
  /** `σ(x)`. */
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * The rectifier `max(x, 0)`, element-wise.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReLU, tensor } from "@handson/nn";
 * assert.deepEqual(new ReLU().forward(tensor([-1, 2])).toArray(), [0, 2]);
 * ```
 */
export class ReLU extends Module {
  /** `max(x, 0)`. */
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * The hyperbolic tangent, element-wise.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Tanh, tensor } from "@handson/nn";
 * assert.deepEqual(new Tanh().forward(tensor([0])).toArray(), [0]);
 * ```
 */
export class Tanh extends Module {
  /** `tanh(x)`. */
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/**
 * SiLU (or swish): `x · σ(x)`, element-wise, as PyTorch's `nn.SiLU`.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SiLU, tensor } from "@handson/nn";
 * assert.deepEqual(new SiLU().forward(tensor([0, 100])).toArray(), [0, 100]);
 * ```
 */
export class SiLU extends Module {
  /** `x · σ(x)`. */
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

/**
 * GELU, `x · Φ(x)` (Φ the standard normal's distribution function),
 * element-wise, as PyTorch's `nn.GELU`; `approximate: "tanh"` is PyTorch's
 * `nn.GELU(approximate="tanh")`.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { GELU, tensor } from "@handson/nn";
 * assert.deepEqual(new GELU().forward(tensor([0, 10], { dtype: "float64" })).toArray(), [0, 10]);
 * assert.equal(String(new GELU("tanh")), "GELU(approximate='tanh')");
 * ```
 */
export class GELU extends Module {
  /** `"none"` (the exact form, PyTorch's default) or `"tanh"`. */
  readonly approximate: "none" | "tanh";

  /** A GELU, exact unless `approximate` is `"tanh"`. */
  constructor(approximate: "none" | "tanh" = "none") {
    super();
    if (approximate !== "none" && approximate !== "tanh") {
      throw new TypeError(
        `GELU: expected approximate "none" or "tanh", found ${JSON.stringify(approximate)}`,
      );
    }
    this.approximate = approximate;
  }

  /** `x · Φ(x)`. */
  forward(x: Tensor): Tensor {
    return x.gelu(this.approximate);
  }

  /** `approximate='tanh'`, as PyTorch prints it (nothing for the default). */
  override extraRepr(): string {
    return this.approximate === "none" ? "" : `approximate='${this.approximate}'`;
  }
}

/**
 * ELU: `x` where positive, else `alpha · (e^x - 1)`, element-wise, as
 * PyTorch's `nn.ELU`.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ELU, tensor } from "@handson/nn";
 * assert.deepEqual(new ELU().forward(tensor([2, 0], { dtype: "float64" })).toArray(), [2, 0]);
 * assert.equal(new ELU(2).alpha, 2);
 * ```
 */
export class ELU extends Module {
  /** The value approached as x → -∞ is `-alpha`. */
  readonly alpha: number;

  /** An ELU with `alpha` (default 1, as PyTorch's `nn.ELU(alpha=1.0)`). */
  constructor(alpha = 1) {
    super();
    if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
      throw new TypeError(`ELU: expected a finite number alpha, found ${alpha}`);
    }
    this.alpha = alpha;
  }

  /** `x` where positive, else `alpha · (e^x - 1)`. */
  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }

  /** `alpha=…`. */
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/**
 * `x` where positive, else `negativeSlope · x`, element-wise.
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LeakyReLU, tensor } from "@handson/nn";
 * const act = new LeakyReLU(0.5);
 * assert.deepEqual(act.forward(tensor([-2, 3])).toArray(), [-1, 3]);
 * ```
 */
export class LeakyReLU extends Module {
  /** The slope for negative inputs. */
  readonly negativeSlope: number;

  /**
   * Makes the activation.
   *
   * @param negativeSlope The slope for negative inputs (default 0.01, as PyTorch).
   */
  constructor(negativeSlope = 0.01) {
    super();
    if (typeof negativeSlope !== "number" || !Number.isFinite(negativeSlope)) {
      throw new TypeError(`LeakyReLU: expected a finite negativeSlope, found ${negativeSlope}`);
    }
    this.negativeSlope = negativeSlope;
  }

  /** `x` or `negativeSlope · x`. */
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }

  /** `negativeSlope=…`. */
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * Softmax along `dim`: `e^x / Σ e^x`, computed without overflow, so each slice
 * along `dim` is a probability distribution (the book's softmax regression).
 *
 * Chapter: activation functions (激活函数).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Softmax, tensor } from "@handson/nn";
 * const p = new Softmax(1).forward(tensor([[0, 0], [1000, 1000]]));
 * assert.deepEqual(p.toArray(), [[0.5, 0.5], [0.5, 0.5]]);
 * ```
 */
export class Softmax extends Module {
  /** The axis the probabilities sum to 1 along. */
  readonly dim: number;

  /**
   * Makes the activation.
   *
   * @param dim The axis the probabilities sum to 1 along (default -1, the last).
   */
  constructor(dim = -1) {
    super();
    if (!Number.isInteger(dim)) {
      throw new TypeError(`Softmax: expected an integer dim, found ${dim}`);
    }
    this.dim = dim;
  }

  /** The softmax of `x` along `dim`. */
  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }

  /** `dim=…`. */
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
