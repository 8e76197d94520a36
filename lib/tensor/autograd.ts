/**
 * Reverse-mode automatic differentiation: the grad mode switch, the record each
 * op leaves on its output, and the walk that sends gradients back.
 *
 * An op's backward is written beside its forward, in `ops/`; this file only
 * knows how to order the nodes and add up gradients.
 *
 * @module
 */

import type { Tensor } from "./tensor.ts";

/**
 * How an op's output was made: its inputs, and how to send its gradient back to them.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 */
export interface GradNode {
  /** The op's name, for printing and error messages. */
  readonly op: string;
  /** The tensors the op read. */
  readonly inputs: readonly Tensor[];
  /**
   * Given the gradient of the loss with respect to the output, returns the
   * gradient with respect to each input (null for an input that needs none).
   */
  readonly backward: (grad: Tensor) => readonly (Tensor | null)[];
}

let gradEnabled = true;

/**
 * Whether ops record how to differentiate their outputs (false inside `noGrad`).
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGradEnabled, noGrad } from "@handson/nn";
 * assert(isGradEnabled() && !noGrad(isGradEnabled));
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` with gradient recording turned off, like PyTorch's `torch.no_grad()`,
 * and returns its result. Use it for evaluation and for hand-written updates of
 * weights. `fn` must be synchronous: the switch is turned back on when it returns.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noGrad, tensor } from "@handson/nn";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2));
 * assert(!y.requiresGrad);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/**
 * Whether `record` would record an op of input `a` (and `b`): recording is
 * on, and one of them requires a gradient (then their values may be needed
 * later). Ops ask first, so that one that is not recorded makes no closure.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noGrad, tensor } from "../../mod.ts";
 * import { willRecord } from "./autograd.ts";
 * const w = tensor([1, 2], { requiresGrad: true }), x = tensor([3, 4]);
 * assert.equal(willRecord(x), false);
 * assert.equal(willRecord(x, w), true);
 * assert.equal(noGrad(() => willRecord(x, w)), false);
 * ```
 */
export function willRecord(a: Tensor, b?: Tensor): boolean {
  return gradEnabled && (a.requiresGrad || (b !== undefined && b.requiresGrad));
}

/**
 * Marks `out` as made by `op` from `inputs` when any input requires a gradient
 * and recording is on, and returns `out`. Every differentiable op ends with it.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.node = { op, inputs, backward };
    out.requiresGrad = true;
  }
  return out;
}

/** The tensors that `root` depends on through recorded ops, each after all that use it. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // An explicit stack instead of recursion: long chains of ops must not overflow the call stack.
  const stack: [Tensor, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [t, expanded] = stack.pop()!;
    if (expanded) {
      order.push(t);
      continue;
    }
    if (visited.has(t)) continue;
    visited.add(t);
    stack.push([t, true]);
    for (const input of t.node?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order.reverse();
}

/**
 * Nodes whose backward has run without `retainGraph`: that graph is spent, as
 * PyTorch frees its saved values, and a second backward through it is an error
 * instead of adding the same gradients again.
 */
const spent = new WeakSet<GradNode>();

/**
 * Sends `seed` (the gradient of the loss with respect to `root`) back through
 * the recorded ops and adds the result into `.grad` of every leaf tensor that
 * requires a gradient. Gradients accumulate until `zeroGrad()`, as in PyTorch.
 * Afterwards the graph is spent unless `retainGraph`: a second backward through
 * any of its ops throws before any `.grad` changes.
 *
 * Chapter: 4.5 backpropagation (反向传播), done automatically.
 */
export function runBackward(root: Tensor, seed: Tensor, retainGraph = false): void {
  const order = topologicalOrder(root);
  for (const t of order) {
    if (t.node !== null && spent.has(t.node)) {
      throw new Error(
        `backward: trying to backward through the graph a second time (through the op ` +
          `"${t.node.op}", whose graph an earlier backward() used up); pass ` +
          "backward({ retainGraph: true }) to the earlier call to run it again",
      );
    }
  }
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const t of order) {
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t); // free intermediate gradients as soon as they are used
      if (t.node === null) {
        t.grad = t.grad === null ? g : t.grad.add(g);
        continue;
      }
      const inputGrads = t.node.backward(g);
      t.node.inputs.forEach((input, i) => {
        const gi = inputGrads[i];
        if (!input.requiresGrad || gi === null || gi === undefined) return;
        const before = grads.get(input);
        grads.set(input, before === undefined ? gi : before.add(gi));
      });
    }
  });
  if (!retainGraph) { for (const t of order) if (t.node !== null) spent.add(t.node); }
}
