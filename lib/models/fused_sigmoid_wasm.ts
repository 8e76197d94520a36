/**
 * The fused pass of the book's sigmoid network with the WebAssembly kernel
 * (`../tensor/cpu/wasm/kernels_sigmoid.ts`): the operands are copied into the
 * kernels' memory, the pass runs there, and the activations and the
 * gradients' sums are copied back. float64 only: the TypeScript loop of
 * `fused_sigmoid_step.ts` runs float32 networks (and everything where the
 * kernels do not run), with the same bits as this for float64.
 *
 * @module
 */

import type { PassArrays } from "./fused_sigmoid_step.ts";
import { align, freeStart, reserve, view, wasmRuntime } from "../tensor/cpu/wasm/runtime.ts";

/**
 * The pass over the rows, as `passRows` in `fused_sigmoid_step.ts` does it:
 * writes `a1`, `a2` and the gradients' sums, and returns the sum of the loss's
 * terms (0 without labels); null, touching nothing, where the kernels do not
 * run or an array is not float64.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmSigmoidPass } from "./fused_sigmoid_wasm.ts";
 * const f = (...v: number[]) => Float64Array.from(v);
 * // One input, one hidden neuron, one output; all weights 0: every activation is σ(0) = 0.5.
 * const arrays = {
 *   x: f(1, 2), labels: f(1, 0), w1: f(0), b1: f(0), w2: f(0), b2: f(0),
 *   a1: f(0, 0), a2: f(0, 0), gw1: f(0), gb1: f(0), gw2: f(0), gb2: f(0), row: f(0), dz1: f(0),
 * };
 * const lossSum = wasmSigmoidPass(arrays, 2, 1, 1, 1);
 * assert.equal(lossSum, 2 * Math.log(0.5));
 * assert.deepEqual([...arrays.a2], [0.5, 0.5]);
 * assert.deepEqual([...arrays.gb2], [(0.5 - 1) + (0.5 - 0)]); // Σ (a2 - y)
 * assert.deepEqual([...arrays.gw2], [0.5 * -0.5 + 0.5 * 0.5]); // Σ a1·(a2 - y)
 * ```
 */
export function wasmSigmoidPass(
  arrays: PassArrays,
  m: number,
  inputs: number,
  hidden: number,
  outputs: number,
): number | null {
  const { x, labels, w1, b1, w2, b2, a1, a2, gw1, gb1, gw2, gb2 } = arrays;
  for (const array of [x, labels ?? x, w1, b1, w2, b2, a1, a2]) {
    if (!(array instanceof Float64Array)) return null;
  }
  const rt = wasmRuntime();
  if (rt === null) return null;
  // Every array at its own place, one after another: [what, elements].
  const layout: [Float64Array | null, number][] = [
    [x as Float64Array, m * inputs],
    [labels as Float64Array | null, labels === null ? 0 : m * outputs],
    [w1 as Float64Array, inputs * hidden],
    [b1 as Float64Array, hidden],
    [w2 as Float64Array, hidden * outputs],
    [b2 as Float64Array, outputs],
    [null, m * hidden], // a1
    [null, m * outputs], // a2
    [null, inputs * hidden], // the gradients' sums, zeroed
    [null, hidden],
    [null, hidden * outputs],
    [null, outputs],
    [null, hidden], // row
    [null, hidden], // dz1
  ];
  const base = freeStart(rt);
  const starts: number[] = [];
  let elements = 0;
  for (const [, length] of layout) {
    starts.push(elements);
    elements += length;
  }
  if (!reserve(rt, base - rt.heap + align(elements * 8))) return null;
  const heap = view(rt, "f64", base, elements) as Float64Array;
  for (let i = 0; i < 6; i++) {
    const source = layout[i][0];
    if (source !== null) heap.set(source, starts[i]);
  }
  heap.fill(0, starts[8], starts[12]);
  const address = (i: number) => (i === 1 && labels === null ? 0 : base + starts[i] * 8);
  const pass = rt.functions.sigmoid_pass_f64 as unknown as (...args: number[]) => number;
  const lossSum = pass(m, inputs, hidden, outputs, ...layout.map((_, i) => address(i)));
  const back = (target: Float64Array | Float32Array, i: number) =>
    target.set(heap.subarray(starts[i], starts[i] + layout[i][1]));
  back(a1, 6);
  back(a2, 7);
  if (labels !== null) {
    back(gw1, 8);
    back(gb1, 9);
    back(gw2, 10);
    back(gb2, 11);
  }
  return lossSum; // row and dz1 are the kernel's scratch: not copied back
}
