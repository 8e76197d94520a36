/**
 * `Optimizer`: what every optimiser shares: the parameters it updates and
 * `zeroGrad()`.
 *
 * @module
 */

import { Tensor } from "../tensor/tensor.ts";

/**
 * The base class of the optimisers. It keeps the parameters (leaf tensors,
 * usually `model.parameters()`); a subclass writes `step()`, which updates
 * each parameter that has a `.grad`, in place, under `noGrad`. A frozen
 * parameter (`requiresGrad` false) never gets a gradient, so it stays.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD), Part4-3 (Adam, the recipe that works).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noGrad, optim, type Tensor, tensor } from "@handson/nn";
 * class SignSGD extends optim.Optimizer {
 *   step(): void {
 *     noGrad(() => this.params.forEach((p) => p.grad && this.update(p, p.sub(p.grad.gt(0).sub(0.5)))));
 *   }
 * }
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new SignSGD([w]);
 * w.mul(w).sum().backward();
 * opt.step();
 * assert.deepEqual(w.toArray(), [0.5, -0.5]);
 * ```
 */
export abstract class Optimizer {
  /** The tensors this optimiser updates. */
  readonly params: readonly Tensor[];

  /**
   * Keeps the parameters.
   *
   * @param params Leaf tensors (usually `model.parameters()`).
   */
  constructor(params: Iterable<Tensor>) {
    const name = this.constructor.name;
    this.params = [...params];
    if (this.params.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    this.params.forEach((p, i) => {
      if (!(p instanceof Tensor)) {
        throw new TypeError(`${name}: expected a Tensor at parameter ${i}, found ${p}`);
      }
      if (p.node !== null) {
        throw new TypeError(
          `${name}: parameter ${i} must be a leaf tensor, found a tensor made by the op ` +
            `"${p.node.op}" (optimise the tensors it was made from)`,
        );
      }
    });
    if (new Set(this.params).size !== this.params.length) {
      throw new RangeError(`${name}: some parameters appear more than once in the list`);
    }
  }

  /** Updates every parameter that has a gradient by one step. */
  abstract step(): void;

  /** Clears the `.grad` of every parameter, so the next `backward()` starts from zero. */
  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  /** Gives parameter `p` the values `value`, in place (the object stays the same). */
  protected update(p: Tensor, value: Tensor): void {
    p.assign(value);
  }
}

/**
 * Returns `value` (or `fallback` when it is undefined) after checking that it
 * is a finite number that passes `ok`; `expected` says what `ok` wants.
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD), Part4-3 (Adam, the recipe that works).
 */
export function numberOption(
  where: string,
  name: string,
  value: unknown,
  fallback: number,
  ok: (x: number) => boolean,
  expected: string,
): number {
  const x = value ?? fallback;
  if (typeof x !== "number") {
    throw new TypeError(`${where}: expected ${name} to be a number, found ${typeof x}`);
  }
  if (!Number.isFinite(x) || !ok(x)) {
    throw new RangeError(`${where}: expected ${name} ${expected}, found ${x}`);
  }
  return x;
}
