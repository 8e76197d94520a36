/**
 * `Linear`: the fully connected layer `y = x·Wᵀ + b`, as PyTorch's `nn.Linear`.
 *
 * @module
 */

import { ShapeError } from "../errors.ts";
import { tensor } from "../tensor/create.ts";
import type { DType } from "../tensor/dtype.ts";
import { defaultGenerator, type Generator } from "../tensor/random.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { Module } from "./module.ts";
import { Parameter } from "./parameter.ts";

/**
 * Options of {@linkcode Linear}.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 */
export interface LinearOptions {
  /** Whether the layer adds a bias (default true). */
  bias?: boolean;
  /** The parameters' dtype: `float32` (default) or `float64`. */
  dtype?: DType;
  /** The generator the initial values are drawn from (default: the one `manualSeed` seeds). */
  generator?: Generator;
}

/**
 * A fully connected layer: `forward(x) = x·Wᵀ + b` for `x` of shape
 * `[..., inFeatures]`. The weight is stored `[outFeatures, inFeatures]` and
 * both weight and bias start uniform in ±1/√inFeatures, as PyTorch does (its
 * `kaiming_uniform_(a=√5)` comes to that bound). The weight is drawn first,
 * row by row, then the bias.
 *
 * Chapter: 4.2–4.3 fully connected layers; Part4-2, the PyTorch way.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Generator, Linear, tensor } from "@handson/nn";
 * const layer = new Linear(4, 2, { generator: new Generator(0) });
 * assert.deepEqual(layer.weight.shape, [2, 4]);
 * assert(layer.weight.abs().max().item() <= 0.5); // 1/√4
 * const y = layer.forward(tensor([[1, 0, 0, 0]]));
 * const expected = layer.weight.T.at(0).add(layer.bias!).toArray();
 * assert.deepEqual(y.at(0).toArray(), expected);
 * ```
 */
export class Linear extends Module {
  /** The size of each input row. */
  readonly inFeatures: number;
  /** The size of each output row. */
  readonly outFeatures: number;
  /** The weight, of shape `[outFeatures, inFeatures]`. */
  weight: Parameter;
  /** The bias, of shape `[outFeatures]`, or null for a layer made with `{ bias: false }`. */
  bias: Parameter | null;

  /**
   * Makes a layer with freshly drawn weights.
   *
   * @param inFeatures The size of each input row (a positive integer).
   * @param outFeatures The size of each output row (a positive integer).
   */
  constructor(inFeatures: number, outFeatures: number, options: LinearOptions = {}) {
    super();
    for (const [name, n] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(n) || n < 1) {
        throw new RangeError(`Linear: expected ${name} to be a positive integer, found ${n}`);
      }
    }
    const dtype = options.dtype ?? "float32";
    if (dtype !== "float32" && dtype !== "float64") {
      throw new TypeError(`Linear: expected dtype "float32" or "float64", found ${dtype}`);
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    const generator = options.generator ?? defaultGenerator();
    const bound = 1 / Math.sqrt(inFeatures);
    const uniform = (shape: number[]): Parameter => {
      const values = dtype === "float64"
        ? new Float64Array(shape[0] * (shape[1] ?? 1))
        : new Float32Array(shape[0] * (shape[1] ?? 1));
      generator.fillUniform(values, -bound, bound);
      return new Parameter(tensor(values, { shape }));
    };
    this.weight = uniform([outFeatures, inFeatures]);
    this.bias = (options.bias ?? true) ? uniform([outFeatures]) : null;
  }

  /** `x·Wᵀ + b` over the last axis of `x`. */
  forward(x: Tensor): Tensor {
    if (x.shape[x.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(${this.inFeatures}, ${this.outFeatures}): expected an input whose last axis ` +
          `has ${this.inFeatures} features, found shape [${x.shape.join(", ")}]`,
      );
    }
    const y = x.matmul(this.weight.T);
    return this.bias === null ? y : y.add(this.bias);
  }

  /** `inFeatures=…, outFeatures=…, bias=…`. */
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, ` +
      `bias=${this.bias !== null}`;
  }
}
