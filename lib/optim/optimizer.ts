/**
 * `Optimizer`: what every optimiser shares: the parameters it updates and
 * `zeroGrad()`.
 *
 * @module
 */

import { keep, Tensor } from "../tensor/tensor.ts";

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
 *   lr = 1;
 *   step(): void {
 *     const { lr } = this;
 *     noGrad(() => this.params.forEach((p) => p.grad && this.update(p, p.sub(p.grad.gt(0).sub(0.5).mul(lr)))));
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

  /** The learning rate; a scheduler (`StepLR`, …) changes it between epochs. */
  abstract lr: number;

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

  /**
   * `next` as the new value of a piece of state (a running mean, a momentum
   * buffer), and `old` disposed. The state is kept out of every `tidy`: a
   * training step in `tidy` frees what it made, and the state must outlive it;
   * the old value's memory goes back for reuse.
   */
  protected renew(old: Tensor | null, next: Tensor): Tensor {
    if (old !== null && old !== next) old.dispose();
    return keep(next);
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

/**
 * Checks that `options` holds only the option names in `known`: a misspelt or
 * PyTorch-spelt option (`weight_decay`, `learning_rate`) is a `TypeError`
 * naming it and the options there are, not a setting silently ignored (in
 * JavaScript, or behind a cast, the type checker does not see it).
 *
 * Chapter: 4.5 gradient descent; Part4-2 (SGD), Part4-3 (Adam, the recipe that works).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOptionNames } from "./optimizer.ts";
 * checkOptionNames("SGD", { lr: 0.1 }, ["lr", "momentum"]);
 * assert.throws(
 *   () => checkOptionNames("SGD", { lr: 0.1, weight_decay: 0.01 }, ["lr", "weightDecay"]),
 *   /SGD: unknown option "weight_decay" \(did you mean "weightDecay"\?\); the options are lr, weightDecay/,
 * );
 * ```
 */
export function checkOptionNames(
  where: string,
  options: object | undefined,
  known: readonly string[],
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== "object") {
    throw new TypeError(`${where}: expected the options as an object, found ${typeof options}`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const plain = (s: string) => s.replaceAll("_", "").toLowerCase();
    const near = known.find((k) => plain(k) === plain(name));
    throw new TypeError(
      `${where}: unknown option "${name}"${near ? ` (did you mean "${near}"?)` : ""}; ` +
        `the options are ${known.join(", ")}`,
    );
  }
}
