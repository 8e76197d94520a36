/**
 * The fused pass of the book's sigmoid network with the WebAssembly kernels
 * (`../tensor/cpu/wasm/kernels_sigmoid.ts`): the operands are copied into the
 * kernels' memory once, the products, the sigmoids and the backward pass run
 * there, the loss and the output error in a JavaScript loop over the same
 * memory, and the caller reads what it keeps where it lies. float64 only: the TypeScript loop of `fused_sigmoid_step.ts` runs float32
 * networks (and everything where the kernels do not run). The two agree to a
 * few units in the last place: the kernels' sigmoid has an exponential of its
 * own, the loop calls `Math.exp`.
 *
 * @module
 */

import { crossEntropyTerm, type PassArrays } from "./fused_sigmoid_step.ts";
import {
  align,
  freeStart,
  reserve,
  type Runtime,
  view,
  wasmRuntime,
} from "../tensor/cpu/wasm/runtime.ts";

/** Passes set up in the kernels' memory: see {@linkcode wasmSigmoidPasses}. */
export interface WasmSigmoidPasses {
  /**
   * The pass's arrays in the kernels' memory (float64 views), the inputs,
   * labels and weights copied in from the caller's; a pass reads the weights
   * there, so they may be updated in place between passes.
   */
  readonly arrays: PassArrays;
  /** One pass on `arrays` (the gradients' sums zeroed first); the sum of the loss's terms. */
  run(): number;
}

/**
 * Copies the inputs, labels and weights of a pass into the kernels' memory,
 * once, for as many passes as the caller runs on them: a forward pass's one,
 * or `fusedSigmoidEpochs`'s many, whose weights are updated where they lie.
 * Null, touching nothing, where the kernels do not run or an array is not
 * float64. Nothing else may use the kernels' free memory between the passes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { wasmSigmoidPasses } from "./fused_sigmoid_wasm.ts";
 * const f = (...v: number[]) => Float64Array.from(v);
 * const arrays = {
 *   x: f(1, 2), labels: f(1, 0), w1: f(0), b1: f(0), w2: f(0), b2: f(0),
 *   a1: f(0, 0), a2: f(0, 0), gw1: f(0), gb1: f(0), gw2: f(0), gb2: f(0), row: f(0), dz1: f(0),
 * };
 * const passes = wasmSigmoidPasses(arrays, 2, 1, 1, 1)!;
 * assert.equal(passes.run(), 2 * Math.log(0.5)); // all weights 0: σ(0) = 0.5 everywhere
 * passes.arrays.b2[0] = 1; // the output's bias, changed where the kernels read it
 * assert.equal(passes.arrays.a2[0], 0.5);
 * passes.run();
 * assert.ok(Math.abs(passes.arrays.a2[0] - 1 / (1 + Math.exp(-1))) < 1e-15); // σ(1)
 * assert.deepEqual([...arrays.b2], [0]); // the caller's arrays are left as they were
 * ```
 */
export function wasmSigmoidPasses(
  arrays: PassArrays,
  m: number,
  inputs: number,
  hidden: number,
  outputs: number,
): WasmSigmoidPasses | null {
  const { x, labels, w1, b1, w2, b2, a1, a2 } = arrays;
  if (
    !(x instanceof Float64Array && w1 instanceof Float64Array && b1 instanceof Float64Array &&
      w2 instanceof Float64Array && b2 instanceof Float64Array && a1 instanceof Float64Array &&
      a2 instanceof Float64Array && (labels === null || labels instanceof Float64Array))
  ) return null;
  const rt = wasmRuntime();
  if (rt === null) return null;
  const plan = passPlan(rt, m, inputs, hidden, outputs, labels !== null);
  if (plan === null) return null;
  const { at, views } = plan;
  views.x.set(x);
  if (labels !== null) views.labels.set(labels);
  views.w1.set(w1);
  views.b1.set(b1);
  views.w2.set(w2);
  views.b2.set(b2);
  const { layer, sigmoid, backward } = kernels(rt);
  const run = (): number => {
    // The products and the sigmoids in the kernels; the loss (a logarithm a row) and the
    // output error here, in JavaScript.
    layer(m, inputs, hidden, at.x, at.w1, at.b1, at.a1);
    sigmoid(m * hidden, at.a1);
    layer(m, hidden, outputs, at.a1, at.w2, at.b2, at.a2);
    sigmoid(m * outputs, at.a2);
    if (labels === null) return 0;
    views.sums.fill(0);
    const lossSum = outputError(views.a2, views.labels, views.dz2);
    const { x, a1, w2, dz2, gw1, gb1, gw2, gb2, row, dz1 } = at;
    backward(m, inputs, hidden, outputs, x, a1, w2, dz2, gw1, gb1, gw2, gb2, row, dz1);
    return lossSum;
  };
  const work: PassArrays = {
    ...views,
    labels: labels === null ? null : views.labels,
  };
  return { arrays: work, run };
}

/**
 * The outputs' error `dz2 = p - y` and the sum of the loss's terms
 * (`crossEntropyTerm`), in the rows' order.
 */
function outputError(p: Float64Array, labels: Float64Array, dz2: Float64Array): number {
  let lossSum = 0;
  for (let i = 0; i < p.length; i++) {
    const t = labels[i];
    lossSum += crossEntropyTerm(t, p[i]);
    dz2[i] = p[i] - t;
  }
  return lossSum;
}

/** The three kernels (`kernels_sigmoid.ts`). */
function kernels(rt: Runtime) {
  const f = rt.functions as unknown as Record<string, (...args: number[]) => void>;
  return { layer: f.sigmoid_layer_f64, sigmoid: f.sigmoid_f64, backward: f.sigmoid_backward_f64 };
}

/** The arrays of a pass in the kernels' memory, one after another. */
const PARTS = [
  "x",
  "labels",
  "w1",
  "b1",
  "w2",
  "b2",
  "a1",
  "a2",
  "gw1",
  "gb1",
  "gw2",
  "gb2",
  "row",
  "dz1",
  "dz2",
] as const;
type Part = typeof PARTS[number];

/** Where each array of a pass lies (byte addresses), and views on them. */
interface PassPlan {
  /** m, inputs, hidden, outputs, labels or not (1, 0) and the base address: what it was made for. */
  key: number[];
  buffer: ArrayBufferLike;
  at: Record<Part, number>;
  views: Record<Part | "sums", Float64Array>;
}

/**
 * The last plan of each kind (with labels, a step's; without, a forward
 * pass's): Part4-2 makes 5000 steps of one shape with one plan, and a
 * decision boundary's batches share another.
 */
const lastPlans: [PassPlan | null, PassPlan | null] = [null, null];

/**
 * The plan for a pass of these sizes at the start of the free heap: the last
 * one when nothing moved, else a new one (the memory grown when it must be);
 * null when the memory cannot hold it.
 */
function passPlan(
  rt: Runtime,
  m: number,
  inputs: number,
  hidden: number,
  outputs: number,
  withLabels: boolean,
): PassPlan | null {
  const base = freeStart(rt);
  const lastPlan = lastPlans[Number(withLabels)];
  const key = lastPlan?.key;
  if (
    key !== undefined && key[0] === m && key[1] === inputs && key[2] === hidden &&
    key[3] === outputs && key[4] === Number(withLabels) && key[5] === base &&
    lastPlan!.buffer === rt.memory.buffer
  ) return lastPlan!;
  const lengths: Record<Part, number> = {
    x: m * inputs,
    labels: withLabels ? m * outputs : 0,
    w1: inputs * hidden,
    b1: hidden,
    w2: hidden * outputs,
    b2: outputs,
    a1: m * hidden,
    a2: m * outputs,
    gw1: inputs * hidden, // the gradients' sums, gw1 to gb2, zeroed before each pass
    gb1: hidden,
    gw2: hidden * outputs,
    gb2: outputs,
    row: hidden,
    dz1: hidden,
    dz2: withLabels ? m * outputs : 0,
  };
  const elements = PARTS.reduce((sum, part) => sum + lengths[part], 0);
  if (!reserve(rt, base - rt.heap + align(elements * 8))) return null;
  const all = view(rt, "f64", base, elements) as Float64Array;
  const at = {} as Record<Part, number>;
  const views = {} as Record<Part | "sums", Float64Array>;
  let start = 0;
  for (const part of PARTS) {
    at[part] = base + start * 8;
    views[part] = all.subarray(start, start + lengths[part]);
    start += lengths[part];
  }
  const sumsStart = (at.gw1 - base) / 8;
  views.sums = all.subarray(
    sumsStart,
    sumsStart + inputs * hidden + hidden + hidden * outputs + outputs,
  );
  const plan: PassPlan = {
    key: [m, inputs, hidden, outputs, Number(withLabels), base],
    buffer: rt.memory.buffer,
    at,
    views,
  };
  lastPlans[Number(withLabels)] = plan;
  return plan;
}
