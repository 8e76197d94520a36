/**
 * Adam's fused step, a kernel extension owned by `optim` rather than a backend
 * primitive: a backend listed here runs each plain Adam step as one pass over
 * the parameter (the WebAssembly kernel, else a TypeScript loop, on the CPU);
 * any other backend runs the dozen element-wise ops of `Adam.step`, which give
 * the same bits. The `Backend` interface stays the short list every backend
 * must implement.
 *
 * @module
 */

import type { Backend } from "../tensor/backend.ts";
import type { FloatArray } from "../tensor/dtype.ts";
import { takeArray } from "../tensor/cpu/reuse.ts";
import { Tensor } from "../tensor/tensor.ts";
import { adamLoop } from "./adam_loop.ts";
import { wasmAdam } from "./adam_wasm.ts";

/**
 * The numbers of one Adam step for one parameter (see `optim.Adam`):
 * `g += weightDecay·p; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g·g;
 * p += m·(-stepSize) / (√v / rootCorrection2 + eps)`.
 *
 * Chapter: Part4-3, the recipe that works (Adam).
 */
export interface AdamConstants {
  /** β1, the decay of the gradient's running mean. */
  beta1: number;
  /** β2, the decay of the squared gradient's running mean. */
  beta2: number;
  /** lr / (1 - β1^t). */
  stepSize: number;
  /** √(1 - β2^t). */
  rootCorrection2: number;
  /** Added to the denominator. */
  eps: number;
  /** The L2 factor added to the gradient (0 for none). */
  weightDecay: number;
}

/**
 * One Adam step for a float parameter: updates the running means `m` and `v`
 * in place (the optimiser owns them) and returns the new parameter. All four
 * tensors share one backend, dtype and size.
 */
export type AdamKernel = (
  param: Tensor,
  grad: Tensor,
  m: Tensor,
  v: Tensor,
  c: AdamConstants,
) => Tensor;

/** The CPU's: the operands are typed arrays; the result reuses freed memory (`cpu/reuse.ts`). */
function cpuAdam(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, c: AdamConstants): Tensor {
  const out = takeArray(param.dtype, param.size, false) as FloatArray;
  const [p, g, mm, vv] = [param, grad, m, v].map((t) => t.storage as FloatArray);
  if (!wasmAdam(p, g, mm, vv, out, c)) adamLoop(p, g, mm, vv, out, c);
  return new Tensor(param.backend.fromArray(out), param.shape, param.dtype, param.backend);
}

const KERNELS: Partial<Record<Backend["name"], AdamKernel>> = { cpu: cpuAdam };

/**
 * The fused Adam step for `backend`, or undefined where it has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adamKernel } from "./fused_adam.ts";
 * import { CpuBackend } from "../tensor/cpu/backend.ts";
 * assert.equal(typeof adamKernel(new CpuBackend()), "function");
 * ```
 */
export function adamKernel(backend: Backend): AdamKernel | undefined {
  return KERNELS[backend.name];
}
