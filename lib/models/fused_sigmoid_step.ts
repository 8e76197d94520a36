/**
 * One step of the book's sigmoid network (`NeuralNetwork`) as one pass over
 * the CPU's arrays: forward propagation, the binary cross-entropy, the
 * hand-written backpropagation and the gradient-descent update, a row of the
 * batch at a time. A kernel extension owned by `models`, as fused Adam is by
 * `optim`: the `Backend` interface stays the short list every backend must
 * implement, and the network's own methods (`forward`, `loss`, `gradients`)
 * remain the book's code, which every other case runs.
 *
 * Why: Part4-2 is 5000 epochs of 118 samples, and its twenty-odd ops an epoch
 * on [118, 10] arrays cost more in dispatch (shapes checked, results
 * allocated, tensors made and freed) than in arithmetic; NumPy's per-op cost
 * is lower still. Here the step's arithmetic is the same formulas in the same
 * order, element by element (`1 / (1 + Math.exp(-z))`, `y·ln ŷ + (1 - y)·ln(1 - ŷ)`,
 * `a1·(1 - a1)`, `w - (g/m)·lr`), so a float64 step agrees with the ops to
 * float rounding: only the order of each product's and sum's terms differs.
 * A float32 network computes in double and rounds what it stores (weights,
 * activations, the loss), where the ops round after each op.
 *
 * For float64, where the kernels run, the pass's products, sigmoids and
 * backward sums run as WebAssembly kernels and its loss as a JavaScript loop
 * over the same memory (`fused_sigmoid_wasm.ts`); elsewhere the TypeScript
 * loop here runs it all. The two agree to a few units in the last place (the
 * kernels' sigmoid has an exponential of its own, two lanes at a time; the
 * loop calls `Math.exp`), and exactly where σ saturates to 0 or 1. The
 * kernels are there for speed: 5000 bare steps in a fresh process take
 * 138–206 ms with them and 194–270 with the loop alone (`deno run -A
 * bench/fused_sigmoid_step.ts 3`, alternating).
 *
 * It pays only while the ops' overhead dominates: past `FUSED_STEP_WORK`
 * multiply-adds a forward pass, the ops' products (BLAS) can win, except in
 * networks narrow enough (`FUSED_NARROW`) that the sigmoids outweigh them.
 *
 * `fusedSigmoidEpochs` runs many such steps in one call, for `train` when
 * nothing watches the epochs one by one: the weights stay where the pass
 * reads them and are updated in place, with no tensors, copies or checks
 * between epochs. Same bits as the steps. 5000 epochs of `net.train` in a
 * fresh process went from 210–218 ms to 144–154 (`deno run -A
 * bench/fused_sigmoid_step.ts cold train 1`, five alternating runs each).
 *
 * @module
 */

import type { FloatArray } from "../tensor/dtype.ts";
import { giveBack, takeArray } from "../tensor/cpu/reuse.ts";
import { Tensor } from "../tensor/tensor.ts";
import { wasmRuntime } from "../tensor/cpu/wasm/runtime.ts";
import { wasmSigmoidPasses } from "./fused_sigmoid_wasm.ts";
import type { NeuralNetworkWeights } from "./two_layer.ts";

/**
 * The most multiply-adds of a forward pass (`m·(in·hidden + hidden·out)`) that
 * the fused step takes, unless the network is narrow (`FUSED_NARROW`): past
 * it the ops' products (BLAS) can be the faster (`deno run -A
 * bench/fused_sigmoid_step.ts 3`: 2-10-1 at 512 rows, work 15,360, fused 1.9×
 * faster; 16-32-1 at 512 rows, 278,528, the ops 1.3×).
 */
export const FUSED_STEP_WORK = 1 << 14;

/**
 * Networks at most this narrow (inputs + outputs: the multiply-adds a hidden
 * unit adds to each row's forward pass) take the fused passes at any size
 * where the WebAssembly kernels run them (float64): the sigmoids outweigh
 * products that thin, and the kernels' sigmoid is faster than the ops'. A
 * step, fused against ops, at 118 to 8,192 rows (`deno run -A
 * bench/fused_sigmoid_step.ts 3`, two runs): 2-10-1 1.5–3.3× faster; 2-64-1
 * 1.1–1.7×, but 0.8–0.95 in one cell of each run (2,048 or 4,096 rows);
 * 4-32-1 1.2–2.0×; 8-32-1 1.0–1.5×; 16-32-1 0.7–1.2×.
 * In float32, where the TypeScript loop runs the pass, 2-10-1 falls behind
 * the ops from 2,048 rows (a scratch run of the same bench).
 */
export const FUSED_NARROW = 5;

/**
 * The same for the forward pass alone (narrow networks aside), set for a
 * decision boundary's 4,096-point batches of the 2-10-1 network (work 122,880). Warm, the ops'
 * forward pass is about as fast or faster (the bench: 0.7–0.95 of the fused
 * pass's time); cold, as a script's one plot runs it, the fused pass saved
 * Part4-2's script 26–180 ms (four runs each way, alternating).
 */
export const FUSED_FORWARD_WORK = 1 << 18;

/**
 * What a fused step makes (see `TwoLayerNetwork.fusedStep`): the loss, the
 * activations and the new weights, as the book's methods would leave them.
 *
 * Chapter: 4.5 backpropagation; Part4-2.
 */
export interface FusedStep {
  /** The binary cross-entropy of the weights before the update. */
  loss: Tensor;
  /** σ(X·W1 + b1), [m, hidden]. */
  a1: Tensor;
  /** σ(a1·W2 + b2), [m, out]. */
  a2: Tensor;
  /** The weights after the step (new tensors: the old ones are left as they were). */
  weights: NeuralNetworkWeights;
}

/**
 * The step of `NeuralNetwork` on inputs `X` [m, in] and labels `y` [m, out]
 * at rate `lr`, in one pass; undefined where the ops must run it instead:
 * another backend than the CPU, another dtype than float32 or float64, mixed
 * dtypes, shapes that do not fit (the ops say which), a weight that records
 * gradients, or more work than `maxWork` (by default `FUSED_STEP_WORK`, which
 * a network no wider than `FUSED_NARROW` passes where the kernels run; given,
 * it holds for every network: the bench lifts it, tests lower it).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "../tensor/mod.ts";
 * import { fusedSigmoidStep } from "./fused_sigmoid_step.ts";
 * const weights = {
 *   weights1: tensor([[0]], { dtype: "float64" }), bias1: tensor([[0]], { dtype: "float64" }),
 *   weights2: tensor([[0]], { dtype: "float64" }), bias2: tensor([[0]], { dtype: "float64" }),
 * };
 * const X = tensor([[1]], { dtype: "float64" }), y = tensor([[1]], { dtype: "float64" });
 * const step = fusedSigmoidStep(weights, X, y, 1)!;
 * assert.equal(step.loss.item(), Math.log(2)); // every output is σ(0) = 0.5
 * assert.equal(step.weights.bias2.item(), 0.5); // b2 - (0.5 - 1)·1
 * assert.equal(step.weights.weights1.item(), 0); // a1 = 0.5 meets W2 = 0: no gradient
 * ```
 */
export function fusedSigmoidStep(
  weights: NeuralNetworkWeights,
  X: Tensor,
  y: Tensor,
  lr: number,
  maxWork?: number,
): FusedStep | undefined {
  // One epoch of the epochs' pass: the same code, so the same bits as epoch by epoch.
  const run = fusedSigmoidEpochs(weights, X, y, lr, 1, maxWork);
  if (run === undefined) return undefined;
  const { a1, a2 } = run;
  const loss = takeArray(a1.dtype, 1, false) as FloatArray;
  loss[0] = run.losses[0];
  return {
    loss: new Tensor(X.backend.fromArray(loss), [], a1.dtype, X.backend),
    a1,
    a2,
    weights: run.weights,
  };
}

/**
 * What fused epochs make (see `TwoLayerNetwork.fusedEpochs`): each epoch's
 * loss, and the last epoch's activations and new weights, as that many steps
 * would leave them.
 *
 * Chapter: 4.5 backpropagation; Part4-2.
 */
export interface FusedEpochs {
  /** Each epoch's binary cross-entropy, before its update; the last one may be NaN or infinite. */
  losses: number[];
  /** The last epoch's σ(X·W1 + b1), [m, hidden]. */
  a1: Tensor;
  /** The last epoch's σ(a1·W2 + b2), [m, out]. */
  a2: Tensor;
  /** The weights after the last epoch (new tensors). */
  weights: NeuralNetworkWeights;
}

/**
 * `epochs` steps of the book's network on the same batch, one after
 * another, with the weights kept where the pass reads them (for float64, in
 * the kernels' memory) and updated in place: no tensors, copies or checks
 * between the epochs, which cost more than a small network's arithmetic
 * (warm, Part4-2's epochs take 15 µs so, and 20 a `fusedSigmoidStep` at a
 * time in `fit`: `bench/fused_sigmoid_step.ts`). `fusedSigmoidStep` is one
 * such epoch, so the two give the same bits; each loss is rounded to the
 * dtype as the step's loss tensor is. Stops after the first epoch whose loss
 * is NaN or infinite (that epoch's update made), as `fit` would. Undefined in
 * the cases the step leaves to the ops; a RangeError for fewer than one epoch.
 *
 * Chapter: 4.5 backpropagation; Part4-2.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "../tensor/mod.ts";
 * import { fusedSigmoidEpochs, fusedSigmoidStep } from "./fused_sigmoid_step.ts";
 * const w = (v: number) => tensor([[v]], { dtype: "float64" });
 * const weights = { weights1: w(0.5), bias1: w(0), weights2: w(-1), bias2: w(0.1) };
 * const X = tensor([[1], [2]], { dtype: "float64" });
 * const y = tensor([[1], [0]], { dtype: "float64" });
 * const three = fusedSigmoidEpochs(weights, X, y, 0.5, 3)!;
 * let stepped = weights;
 * const losses: number[] = [];
 * for (let e = 0; e < 3; e++) {
 *   const step = fusedSigmoidStep(stepped, X, y, 0.5)!;
 *   losses.push(step.loss.item());
 *   stepped = step.weights;
 * }
 * assert.deepEqual(three.losses, losses); // the same bits
 * assert.deepEqual(three.weights.weights2.toArray(), stepped.weights2.toArray());
 * ```
 */
export function fusedSigmoidEpochs(
  weights: NeuralNetworkWeights,
  X: Tensor,
  y: Tensor,
  lr: number,
  epochs: number,
  maxWork?: number,
): FusedEpochs | undefined {
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(
      `fusedSigmoidEpochs: expected a whole number of epochs ≥ 1, found ${epochs}`,
    );
  }
  const sizes = fusedSizes(weights, X, y, maxWork ?? FUSED_STEP_WORK, maxWork === undefined);
  if (sizes === undefined) return undefined;
  const { m, inputs, hidden, outputs, dtype } = sizes;
  const a1 = takeArray(dtype, m * hidden, false) as FloatArray;
  const a2 = takeArray(dtype, m * outputs, false) as FloatArray;
  const sums = gradientSums(inputs, hidden, outputs);
  // The weights after the epochs start as copies of the weights before them.
  const arrays = passArrays(X, y, weightArrays(weights, true), a1, a2, sums);
  const wasm = wasmSigmoidPasses(arrays, m, inputs, hidden, outputs);
  const work = wasm?.arrays ?? arrays;
  const pass = wasm?.run ?? (() => {
    sums.all.fill(0);
    return passRows(arrays, m, inputs, hidden, outputs);
  });
  const perSample = 1 / m;
  const updates = [
    [work.w1, work.gw1],
    [work.b1, work.gb1],
    [work.w2, work.gw2],
    [work.b2, work.gb2],
  ] as const;
  const losses: number[] = [];
  const store = takeArray(dtype, 1, false) as FloatArray; // rounds each loss as the step's does
  for (let e = 0; e < epochs; e++) {
    const lossSum = pass();
    // w - (Σ/m)·lr, as the step's `descend`, in place.
    for (const [w, sum] of updates) {
      for (let i = 0; i < w.length; i++) w[i] = w[i] - sum[i] * perSample * lr;
    }
    store[0] = lossSum * (-1 / m);
    losses.push(store[0]);
    if (!Number.isFinite(store[0])) break;
  }
  giveBack(store);
  if (wasm !== null) {
    for (const part of ["w1", "b1", "w2", "b2", "a1", "a2"] as const) arrays[part].set(work[part]);
  }
  const backend = X.backend;
  const wrap = (values: FloatArray, shape: number[]) =>
    new Tensor(backend.fromArray(values), shape, dtype, backend);
  return {
    losses,
    a1: wrap(a1, [m, hidden]),
    a2: wrap(a2, [m, outputs]),
    weights: {
      weights1: wrap(arrays.w1, [inputs, hidden]),
      bias1: wrap(arrays.b1, [1, hidden]),
      weights2: wrap(arrays.w2, [hidden, outputs]),
      bias2: wrap(arrays.b2, [1, outputs]),
    },
  };
}

/**
 * The forward pass of `NeuralNetwork` (`predictProba`'s σ(σ(X·W1 + b1)·W2 + b2))
 * in one pass, with the step's arithmetic; undefined in the cases the step
 * leaves to the ops (no labels to check here).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tensor } from "../tensor/mod.ts";
 * import { fusedSigmoidForward } from "./fused_sigmoid_step.ts";
 * const w = (v: number) => tensor([[v]], { dtype: "float64" });
 * const weights = { weights1: w(1), bias1: w(0), weights2: w(0), bias2: w(0) };
 * const a2 = fusedSigmoidForward(weights, tensor([[3], [-3]], { dtype: "float64" }))!;
 * assert.deepEqual(a2.toArray(), [[0.5], [0.5]]); // W2 = 0: σ(0) whatever a1
 * ```
 */
export function fusedSigmoidForward(
  weights: NeuralNetworkWeights,
  X: Tensor,
  maxWork?: number,
): Tensor | undefined {
  const sizes = fusedSizes(
    weights,
    X,
    null,
    maxWork ?? FUSED_FORWARD_WORK,
    maxWork === undefined,
  );
  if (sizes === undefined) return undefined;
  const { m, inputs, hidden, outputs, dtype } = sizes;
  const a1 = takeArray(dtype, m * hidden, false) as FloatArray;
  const a2 = takeArray(dtype, m * outputs, false) as FloatArray;
  const sums = gradientSums(inputs, hidden, outputs);
  const arrays = passArrays(X, null, weightArrays(weights), a1, a2, sums);
  const wasm = wasmSigmoidPasses(arrays, m, inputs, hidden, outputs);
  if (wasm === null) passRows(arrays, m, inputs, hidden, outputs);
  else {
    wasm.run();
    a2.set(wasm.arrays.a2);
  }
  giveBack(a1); // a large grid's hidden layer goes back for the next batch
  return new Tensor(X.backend.fromArray(a2), [m, outputs], dtype, X.backend);
}

/**
 * The arrays of a pass: the tensors' storage, the activations' arrays and the
 * sums. (Every field written out: an object spread from `sums` made the
 * pass's reads of it slower, 45 µs a Part4-2 step against 31.)
 */
function passArrays(
  X: Tensor,
  y: Tensor | null,
  weights: WeightArrays,
  a1: FloatArray,
  a2: FloatArray,
  sums: GradientSums,
): PassArrays {
  const storage = (t: Tensor) => t.storage as FloatArray;
  return {
    x: storage(X),
    labels: y === null ? null : storage(y),
    ...weights,
    a1,
    a2,
    gw1: sums.gw1,
    gb1: sums.gb1,
    gw2: sums.gw2,
    gb2: sums.gb2,
    row: sums.row,
    dz1: sums.dz1,
  };
}

/** The weights' arrays as a pass reads them. */
type WeightArrays = Pick<PassArrays, "w1" | "b1" | "w2" | "b2">;

/**
 * The weights' own arrays, or with `copy` copies of them (from the reuse
 * pool) for a pass that updates them in place.
 */
function weightArrays(weights: NeuralNetworkWeights, copy = false): WeightArrays {
  const array = (t: Tensor) => {
    const values = t.storage as FloatArray;
    if (!copy) return values;
    const fresh = takeArray(t.dtype, values.length, false) as FloatArray;
    fresh.set(values);
    return fresh;
  };
  const { weights1, bias1, weights2, bias2 } = weights;
  return { w1: array(weights1), b1: array(bias1), w2: array(weights2), b2: array(bias2) };
}

/**
 * The sizes of a fused pass over `X` (and labels `y`, for a step), or
 * undefined where the ops must run it: not all CPU float tensors of one dtype,
 * one recording gradients (autograd needs the ops' graph), shapes that do not
 * fit (the ops say which), or more than `maxWork` multiply-adds (unless
 * `narrowPasses` and the network is narrow enough, see `FUSED_NARROW`).
 */
function fusedSizes(
  weights: NeuralNetworkWeights,
  X: Tensor,
  y: Tensor | null,
  maxWork: number,
  narrowPasses: boolean,
):
  | { m: number; inputs: number; hidden: number; outputs: number; dtype: "float32" | "float64" }
  | undefined {
  const { weights1, bias1, weights2, bias2 } = weights;
  const dtype = weights1.dtype;
  if (dtype !== "float64" && dtype !== "float32") return undefined;
  for (const t of [X, y ?? X, weights1, bias1, weights2, bias2]) {
    if (t.backend.name !== "cpu" || t.dtype !== dtype || t.requiresGrad) return undefined;
  }
  const [inputs, hidden] = weights1.shape, outputs = weights2.shape[1];
  const m = X.shape[0];
  if (X.ndim !== 2 || X.shape[1] !== inputs || m === 0) return undefined;
  if (y !== null && (y.ndim !== 2 || y.shape[0] !== m || y.shape[1] !== outputs)) {
    return undefined;
  }
  if (m * (inputs * hidden + hidden * outputs) > maxWork) {
    const narrow = narrowPasses && inputs + outputs <= FUSED_NARROW && dtype === "float64" &&
      wasmRuntime() !== null;
    if (!narrow) return undefined;
  }
  return { m, inputs, hidden, outputs, dtype };
}

/**
 * The gradients' sums (in double whatever the dtype) and one row's hidden
 * sums and errors, as a pass takes them, and `all` of them one after another
 * (zeroed at once).
 */
type GradientSums = Pick<PassArrays, "gw1" | "gb1" | "gw2" | "gb2" | "row" | "dz1"> & {
  all: Float64Array;
};

/** The last step's sums, kept for the next step of the same sizes (5000 steps, one set). */
let lastSums: { sizes: number[]; sums: GradientSums } | undefined;

/** Zeroed sums for a network of these sizes (the last step's, when they fit). */
function gradientSums(inputs: number, hidden: number, outputs: number): GradientSums {
  const sizes = lastSums?.sizes;
  if (sizes !== undefined && sizes[0] === inputs && sizes[1] === hidden && sizes[2] === outputs) {
    lastSums!.sums.all.fill(0);
    return lastSums!.sums;
  }
  const lengths = [inputs * hidden, hidden, hidden * outputs, outputs, hidden, hidden];
  const all = new Float64Array(lengths.reduce((a, b) => a + b));
  let at = 0;
  const [gw1, gb1, gw2, gb2, row, dz1] = lengths.map((n) => all.subarray(at, at += n));
  lastSums = { sizes: [inputs, hidden, outputs], sums: { all, gw1, gb1, gw2, gb2, row, dz1 } };
  return lastSums.sums;
}

/**
 * One term of the binary cross-entropy, `t·ln p + (1 - t)·ln(1 - p)`, written
 * as the ops compute it. A label of exactly 1 or 0 needs one logarithm, not
 * two: the other term is 0·ln(…), which adds ±0, or NaN where that logarithm
 * is infinite (p = 1 for t = 1, p = 0 for t = 0), so the value is the same to
 * the bit; Part4-2's labels are all 0 or 1, and a logarithm is the price of
 * ten multiply-adds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { crossEntropyTerm } from "./fused_sigmoid_step.ts";
 * const full = (t: number, p: number) => t * Math.log(p) + (-t + 1) * Math.log(-p + 1);
 * for (const [t, p] of [[1, 0.3], [0, 0.3], [1, 1], [0, 0], [1, 0], [0, 1], [0.25, 0.3]]) {
 *   assert.ok(Object.is(crossEntropyTerm(t, p), full(t, p)), `${t}, ${p}`);
 * }
 * ```
 */
export function crossEntropyTerm(t: number, p: number): number {
  if (t === 1) return p === 1 ? NaN : Math.log(p);
  if (t === 0) return p === 0 ? NaN : Math.log(-p + 1);
  return t * Math.log(p) + (-t + 1) * Math.log(-p + 1);
}

/** The arrays of one pass: operands, outputs and the gradients' sums. */
export interface PassArrays {
  x: FloatArray;
  /** The labels; null for the forward pass alone (no loss, no gradients). */
  labels: FloatArray | null;
  w1: FloatArray;
  b1: FloatArray;
  w2: FloatArray;
  b2: FloatArray;
  a1: FloatArray;
  a2: FloatArray;
  gw1: Float64Array;
  gb1: Float64Array;
  gw2: Float64Array;
  gb2: Float64Array;
  row: Float64Array;
  dz1: Float64Array;
}

/**
 * The pass over the rows: writes a1 and a2, adds each row's gradient into the
 * sums, and returns the sum of the loss's terms (with labels; without, it
 * stops at a2 and returns 0).
 */
function passRows(
  arrays: PassArrays,
  m: number,
  inputs: number,
  hidden: number,
  outputs: number,
): number {
  const { x, labels, w1, b1, w2, b2, a1, a2, gw1, gb1, gw2, gb2, row, dz1 } = arrays;
  // One row's hidden sums and errors. Every inner loop runs along the hidden
  // layer: loops of 2 inputs or 1 output, entered thousands of times a step,
  // cost more to enter than to run. Each sum still adds its terms in order.
  let lossSum = 0;
  for (let i = 0; i < m; i++) {
    const xi = i * inputs, hi = i * hidden, oi = i * outputs;
    // a1 = σ(X·W1 + b1)
    for (let j = 0; j < hidden; j++) row[j] = 0;
    for (let k = 0; k < inputs; k++) {
      const xk = x[xi + k], wk = k * hidden;
      for (let j = 0; j < hidden; j++) row[j] += xk * w1[wk + j];
    }
    for (let j = 0; j < hidden; j++) a1[hi + j] = 1 / (1 + Math.exp(-(row[j] + b1[j])));
    // a2 = σ(a1·W2 + b2) and the loss's terms; dz2 = a2 - y, summed into db2 and dW2
    // and sent back through W2 into the row's hidden sums.
    for (let j = 0; j < hidden; j++) row[j] = 0;
    for (let o = 0; o < outputs; o++) {
      let z = 0;
      for (let j = 0; j < hidden; j++) z += a1[hi + j] * w2[j * outputs + o];
      const p = a2[oi + o] = 1 / (1 + Math.exp(-(z + b2[o])));
      if (labels === null) continue;
      const t = labels[oi + o];
      lossSum += crossEntropyTerm(t, p);
      const d = p - t;
      gb2[o] += d;
      for (let j = 0; j < hidden; j++) {
        gw2[j * outputs + o] += a1[hi + j] * d;
        row[j] += d * w2[j * outputs + o];
      }
    }
    if (labels === null) continue;
    // dz1 = (dz2·W2ᵀ)·a1(1 - a1), summed into db1 and dW1.
    for (let j = 0; j < hidden; j++) {
      const a = a1[hi + j];
      const d = dz1[j] = row[j] * (a * (-a + 1));
      gb1[j] += d;
    }
    for (let k = 0; k < inputs; k++) {
      const xk = x[xi + k], wk = k * hidden;
      for (let j = 0; j < hidden; j++) gw1[wk + j] += xk * dz1[j];
    }
  }

  return lossSum;
}
