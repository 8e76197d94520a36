/**
 * One Adam step with the WebAssembly kernel (`kernels_adam.ts`): the operands
 * are copied into the kernels' memory a block at a time, so a parameter of any
 * size needs only a few MiB there.
 *
 * @module
 */

import type { AdamConstants } from "./fused_adam.ts";
import type { FloatArray } from "../tensor/dtype.ts";
import { align, freeStart, reserve, view, wasmRuntime } from "../tensor/cpu/wasm/runtime.ts";

/** Elements per block: 4 operands and the result of 64 Ki float64 take 2.5 MiB. */
const BLOCK = 1 << 16;

/**
 * `out` = the parameter `p` after one Adam step, `m` and `v` updated in place;
 * false, touching nothing, when the kernels do not run here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmAdam } from "./adam_wasm.ts";
 * import { adamLoop } from "./adam_loop.ts";
 * const n = 1001, c = {
 *   beta1: 0.9, beta2: 0.999, stepSize: 0.01, rootCorrection2: 0.05, eps: 1e-8, weightDecay: 0.1,
 * };
 * const p = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
 * const g = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
 * const [m1, v1, out1] = [0, 1, 2].map(() => new Float32Array(n).fill(0.5));
 * const [m2, v2, out2] = [0, 1, 2].map(() => new Float32Array(n).fill(0.5));
 * assert.equal(wasmAdam(p, g, m1, v1, out1, c), true);
 * adamLoop(p, g, m2, v2, out2, c);
 * assert.deepEqual([out1, m1, v1], [out2, m2, v2]); // the same bits
 * ```
 */
export function wasmAdam(
  p: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  out: FloatArray,
  c: AdamConstants,
): boolean {
  const rt = wasmRuntime();
  if (rt === null) return false;
  const dtype = p instanceof Float32Array ? "f32" : "f64";
  const block = Math.min(BLOCK, p.length);
  const bytes = align(block * (dtype === "f32" ? 4 : 8));
  const base = freeStart(rt);
  if (!reserve(rt, base - rt.heap + 5 * bytes)) return false;
  const [P, G, M, V, OUT] = [0, 1, 2, 3, 4].map((i) => base + i * bytes);
  const adam = rt.functions[`adam_${dtype}`];
  // The constants in the float type, as the kernel's operations see them.
  const r = dtype === "f32" ? Math.fround : (x: number) => x;
  const constants = [
    c.beta1,
    1 - c.beta1,
    c.beta2,
    1 - c.beta2,
    -c.stepSize,
    c.rootCorrection2,
    c.eps,
    c.weightDecay,
  ].map(r);
  for (let start = 0; start < p.length; start += block) {
    const n = Math.min(block, p.length - start);
    const end = start + n;
    view(rt, dtype, P, n).set(p.subarray(start, end));
    view(rt, dtype, G, n).set(g.subarray(start, end));
    view(rt, dtype, M, n).set(m.subarray(start, end));
    view(rt, dtype, V, n).set(v.subarray(start, end));
    adam(P, G, M, V, OUT, n, ...constants);
    m.set(view(rt, dtype, M, n), start);
    v.set(view(rt, dtype, V, n), start);
    out.set(view(rt, dtype, OUT, n), start);
  }
  return true;
}
